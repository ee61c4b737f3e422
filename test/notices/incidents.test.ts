/**
 * Issue 15 items 1, 3, 5, 11 through the running app (local runtime, simulated clock,
 * embedded outbox): a P1 registered by the contact person at 22:00 on Friday reaches IM,
 * the go-live lead and coordinator by e-mail and Teams activity and the DSL and LGV
 * channels at once; raising a P3 to P2 and closing the P1 are announced the same way. Every
 * text carries local times, no rule ids, and links to pages under the public base URL.
 */
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from '../calendar/support';
import { ISO_INSTANT } from '../../shared/domain/local-time';

const G = '/golives/vag-1';
let api: Api;

interface Row {
  kind: string;
  subject: { sv: string; en: string };
  link: string;
  createdAt: string;
  deliveries: { channel: string; status: string; to: { address: string; personId?: string }[] }[];
}
const log = async (kind: string): Promise<Row[]> => (await api.get(`${G}/notifications?kind=${kind}`)).json.items as Row[];
/** Waits until the deliveries `enqueue` started in the background are written (no clock moves). */
async function delivered(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const pending = (await api.get(`${G}/notifications?status=pending`)).json.items as Row[];
    if (pending.length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `notifications still pending: ${JSON.stringify((await api.get(`${G}/notifications?status=pending`)).json.items.map((n: Row) => n.deliveries.filter((d) => d.status === 'pending')))}`,
  );
}
/** An .eml's subject and bodies, decoded (base64 parts, encoded words). */
function decode(eml: string): string {
  const words = eml.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b: string) => Buffer.from(b, 'base64').toString('utf8'));
  const bodies = [...eml.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'),
  );
  return [words.split(/\r?\n\r?\n/)[0], ...bodies].join('\n');
}
const people = (r: Row, channel: string) =>
  r.deliveries
    .filter((d) => d.channel === channel)
    .flatMap((d) => d.to.map((t) => t.personId ?? t.address))
    .sort();

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T20:59:00.000Z' });
  const org = calendarOrg();
  org.people.push({ id: 'kim', name: 'Kim Kontakt', email: 'kim@example.org', roles: ['contactPerson'], areaIds: ['teknik'], unitIds: [] });
  expect((await api.put(G, org)).status).toBe(201);
});
afterAll(() => api?.close());

it('announces a P1 registered at 22:00 at once, to IM, lead and coordinator and the DSL and LGV channels (item 1); the contact person may register it (item 3)', async () => {
  await api.advance('PT1M'); // 22:00 local
  const kim = { 'x-dev-user': 'kim@example.org' };
  const r = await api.post(
    `${G}/incidents`,
    { id: 'p1', title: 'Inloggning långsam', priority: 1, incidentManagerId: 'ivan', sdReference: 'SD-4711' },
    kim,
  );
  expect(r.status).toBe(201);
  await delivered();
  const [n] = await log('incidentOpened');
  expect(n).toBeDefined();
  expect(n!.createdAt).toBe('2026-11-27T21:00:00.000Z');
  expect(people(n!, 'email')).toEqual(['anna', 'ivan', 'karl']);
  expect(people(n!, 'teamsActivity')).toEqual(['anna', 'ivan', 'karl']);
  expect(people(n!, 'teamsChannel')).toEqual(['DSL', 'LGV']);
  expect(n!.deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
  expect(n!.subject.sv).toBe('P1 Inloggning långsam');
  expect(n!.link).toBe('http://127.0.0.1:7071/api/board/vag-1/incidents/p1');
  // The contact person updates it too.
  expect((await api.post(`${G}/incidents/p1/updates`, { text: 'Felsökning pågår' }, kim)).status).toBe(201);
});

it('announces a P3 raised to P2 (DSL only) and the P1 closed, once each however often the request is repeated', async () => {
  expect((await api.post(`${G}/incidents`, { id: 'p3', title: 'Skrivare', priority: 3 })).status).toBe(201);
  expect(await log('incidentOpened')).toHaveLength(1);
  const raise = { id: 'u1', text: 'Fler enheter drabbade', priority: 2 };
  for (let i = 0; i < 2; i++) expect((await api.post(`${G}/incidents/p3/updates`, raise)).status).toBe(201);
  const close = { id: 'u2', text: 'Löst efter omstart', status: 'resolved' };
  for (let i = 0; i < 2; i++) expect((await api.post(`${G}/incidents/p1/updates`, close)).status).toBe(201);
  await delivered();
  const raised = await log('incidentRaised');
  expect(raised).toHaveLength(1);
  expect(people(raised[0]!, 'teamsChannel')).toEqual(['DSL']);
  // No IM named: every IM hears of it.
  expect(people(raised[0]!, 'email')).toEqual(['anna', 'ivan', 'karl']);
  const closed = await log('incidentClosed');
  expect(closed).toHaveLength(1);
  expect(people(closed[0]!, 'teamsChannel')).toEqual(['DSL', 'LGV']);
});

it('writes times as people read them, without rule ids, and links to pages (items 5, 11)', async () => {
  const files = await import('node:fs');
  const path = await import('node:path');
  const dir = path.join(api.dataDir, 'outbox', 'email');
  const mails = files
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => decode(files.readFileSync(path.join(dir, f), 'utf8')));
  expect(mails.length).toBeGreaterThanOrEqual(3);
  for (const m of mails) {
    const body = m.replace(/^(Date|Message-ID|X-[^:]+):.*$/gm, '');
    expect(body).not.toMatch(ISO_INSTANT);
    expect(body).not.toMatch(/\(R\d+(\.\d+)?\)/);
    expect(body).not.toMatch(/\/api\/golives\//);
  }
  expect(mails.some((m) => m.includes('22:00'))).toBe(true);
});
