/**
 * Issue 15 item 8 (R7.4): the "not prioritised" notice says truthfully where the challenge is
 * on the next DSL agenda. Two challenges are open; the one listed second under its point is
 * not triaged at the 09:00 DSL, and its notice names the point and position exactly as the
 * agenda (read from the API) lists it.
 *
 * Times: go-live Friday 27 Nov 2026 (CET, UTC+1); Saturday's DSL meets hourly (R5).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startApi, type Api } from '../http/harness';

let api: Api;
const G = '/golives/plats';

beforeAll(async () => {
  api = await startApi({ start: '2026-11-28T07:10:00Z' }); // Saturday 08:10 local
  const put = await api.put(G, {
    name: 'Plats',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
    people: [
      { id: 'anna', name: 'Anna Ledare', email: 'anna@example.org', roles: ['goLiveLead'] },
      { id: 'karl', name: 'Karl Koordinator', email: 'karl@example.org', roles: ['goLiveCoordinator'] },
    ],
  });
  expect(put.status).toBe(201);
});
afterAll(async () => api?.close());

/** Waits until the deliveries `enqueue` started in the background are written (no clock moves). */
async function delivered(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await api.get(`${G}/notifications?status=pending`)).json.items.length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('notifications still pending');
}
/** An .eml's subject and bodies, decoded (base64 parts, encoded words). */
function decode(eml: string): string {
  const words = eml.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b: string) => Buffer.from(b, 'base64').toString('utf8'));
  const bodies = [...eml.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'),
  );
  return [words.split(/\r?\n\r?\n/)[0], ...bodies].join('\n');
}

type Item = { ref?: { type: string; id: string } };
type Section = { number?: number; title: string; items: Item[] };

it('says the challenge is listed second under its point, as the next DSL agenda lists it', async () => {
  const raise = async (title: string, colour: string) => {
    const r = await api.post(`${G}/challenges`, { title, colour, areaId: 'teknik', needFromOthers: 'Beslut' });
    expect(r.status).toBe(202);
    return r.json.id as string;
  };
  const first = await raise('Remissutskrift fungerar inte', 'röd');
  await api.advance('PT5M');
  const second = await raise('Långsam inloggning', 'röd');

  // Nobody triages them at the 09:00 DSL (08:00Z–08:30Z); at its end the coordinator is told (R7.4).
  await api.advance('PT1H15M'); // 08:30Z
  const notes = (await api.get(`${G}/notifications?limit=1000`)).json.items as {
    kind: string;
    about?: { id: string };
    subject: { sv: string };
  }[];
  const titles = Object.fromEntries(notes.filter((n) => n.kind === 'challengeNotTriaged').map((n) => [n.about!.id, n.subject.sv] as const));
  expect(Object.keys(titles).sort()).toEqual([first, second].sort());
  // The notice as the coordinator reads it: the e-mail sent (embedded outbox).
  await delivered();
  const dir = path.join(api.dataDir, 'outbox', 'email');
  const mails = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => decode(fs.readFileSync(path.join(dir, f), 'utf8')))
    .filter((m) => m.includes('prioriterades inte'));
  const noticeOf = (id: string) => {
    const found = mails.filter((m) => m.includes(`"${titles[id]}"`));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  // The next DSL (10:00 local) agenda, read from the API in both languages.
  const agendaIn = async (lang: 'sv' | 'en') =>
    ((await api.get(`${G}/meetings/dsl-2026-11-28T1000/agenda?lang=${lang}`, { 'accept-language': lang })).json as { sections: Section[] })
      .sections;
  const sectionOf = (sections: Section[]) =>
    sections.find((s) => s.items.some((i) => i.ref?.type === 'challenge' && [first, second].includes(i.ref.id)))!;
  const sv = sectionOf(await agendaIn('sv'));
  const ids = sv.items.filter((i) => i.ref?.type === 'challenge').map((i) => i.ref!.id);
  // The situation the item is about: both open and not triaged, under the same numbered point.
  expect(ids.sort()).toEqual([first, second].sort());
  expect(sv.number).toBeDefined();
  const secondListed = sv.items[1]!.ref!.id;
  const firstListed = sv.items[0]!.ref!.id;
  expect([first, second]).toContain(secondListed);

  const n = sv.items.length;
  expect(noticeOf(secondListed)).toContain(`står den under punkt ${sv.number} (${sv.title}), som nummer 2 av ${n}.`);
  expect(noticeOf(secondListed)).not.toContain('nummer 1 ');
  expect(noticeOf(firstListed)).toContain(`står den under punkt ${sv.number} (${sv.title}), som nummer 1 av ${n}.`);
  const en = sectionOf(await agendaIn('en'));
  expect(en.items[1]!.ref!.id).toBe(secondListed);
  expect(noticeOf(secondListed)).toContain(`it is under point ${en.number} (${en.title}), number 2 of ${n}.`);
});
