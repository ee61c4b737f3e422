/**
 * Issue 15 item 7: how many e-mails and Teams notices each person gets in a rehearsed Friday
 * (day 0) and Saturday (day 1), with realistic behaviour — some areas late, a care unit that
 * never reports, a decision late overnight, a P1 at 22:00 — through the real app on the local
 * runtime and its embedded outbox, on the simulated clock (the timers fire every minute; the
 * escalation runs in the durable engine). The go-live coordinator chose a digest per DSL cycle
 * and follows the DSL channel, as a coordinator would. Goal: the coordinator ≤ 30 e-mails a
 * day with nothing missed. The table this prints (and writes to test-output/volume.md) is the
 * one in docs/notifications.md: `npx jest test/notices/volume.test.ts` regenerates it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from '../calendar/support';

jest.setTimeout(1_200_000);

const G = '/golives/vag-1';
const local = (date: string, hhmm: string) => new Date(Date.parse(`${date}T${hhmm}:00+01:00`)).toISOString();
const FRI = '2026-11-27';
const SAT = '2026-11-28';
const DAYS = [FRI, SAT];
const localDay = (iso: string) => new Date(Date.parse(iso) + 3600_000).toISOString().slice(0, 10);
const hh = (h: number, m = 0) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
const shift = (hhmm: string, minutes: number) => {
  const [h, m] = hhmm.split(':').map(Number);
  const t = h! * 60 + m! + minutes;
  return hh(Math.floor(t / 60), t % 60);
};

interface Step {
  at: string;
  what: () => Promise<unknown>;
}
interface View {
  id: string;
  kind: string;
  createdAt: string;
  subject: { sv: string };
  requested: { personIds?: string[]; roles?: string[] };
  digestFor?: string[];
  toldByChannel?: string[];
  deliveries: { id: string; channel: string; to: { personId?: string }[]; status: string; sentAt?: string }[];
}

let api: Api;
let now = Date.parse(local(FRI, '05:00'));
let views: View[] = [];

async function advanceTo(iso: string): Promise<void> {
  const ms = Date.parse(iso) - now;
  if (ms < 0) throw new Error(`cannot go back to ${iso}`);
  if (ms > 0) await api.advance(`PT${ms / 1000}S`);
  now = Date.parse(iso);
}

function rehearsal(): Step[] {
  const post = (p: string, body: unknown) => async () => {
    const r = await api.post(p, body);
    if (r.status !== 201 && r.status !== 202 && r.status !== 200) throw new Error(`${p}: ${r.status} ${r.text}`);
    return r;
  };
  const area = (areaId: string) => post(`${G}/areas/${areaId}/reports`, { summary: 'Status', problems: [] });
  const unit = (unitId: string) => post(`${G}/units/${unitId}/reports`, { colour: 'green', explanation: 'Fungerar' });
  const steps: Step[] = [];
  const at = (date: string, hhmm: string, what: () => Promise<unknown>) => steps.push({ at: local(date, hhmm), what });
  const dsl: Record<string, string[]> = {
    [FRI]: [8, 10, 12, 14, 16, 18, 20].map((h) => hh(h)),
    [SAT]: Array.from({ length: 15 }, (_, i) => hh(7 + i)),
  };
  for (const date of DAYS) {
    // Four areas report 40 minutes before each DSL; Cambio late in the cycle (20 minutes before:
    // reminded); Teknik not at all on Friday after its first report, and on time from Saturday noon.
    for (const a of ['cosmic', 'cosmic-konfiguration', 'support', 'behorigheter', 'cambio', 'teknik']) at(date, '06:00', area(a));
    for (const d of dsl[date]!.slice(1)) {
      for (const a of ['cosmic', 'cosmic-konfiguration', 'support', 'behorigheter']) at(date, shift(d, -40), area(a));
      at(date, shift(d, -20), area('cambio'));
      if (date === SAT && d >= '12:00') at(date, shift(d, -40), area('teknik'));
    }
    // Akuten every hour, Avdelning 12 twice a day, VC Norr and VC Söder never (R3.3).
    for (let h = 6; h <= 17; h++) at(date, hh(h, 5), unit('akuten'));
    at(date, '06:30', unit('avd-12'));
    at(date, '13:00', unit('avd-12'));
  }
  // A red challenge (R7): raised 09:30, triaged at the 10:00 DSL, an LGV decision case asked
  // for at 10:40 that LGV does not take on Friday (overdue all night), decided Saturday 10:30.
  at(
    FRI,
    '09:30',
    post(`${G}/challenges`, {
      id: 'etiketter',
      title: 'Etikettskrivare skriver inte ut',
      colour: 'röd',
      areaId: 'teknik',
      needFromOthers: 'Drivrutin och beslut om reservrutin',
      sdReferences: ['SD-10422'],
    }),
  );
  at(FRI, '10:20', post(`${G}/challenges/etiketter/triage`, { decision: 'startTeam', priority: 1, participants: ['Teknik', 'Cosmic'] }));
  at(
    FRI,
    '10:40',
    post(`${G}/challenges/etiketter/decision-requests`, {
      level: 'lgv',
      question: 'Reservrutin med handskrivna etiketter i hela regionen?',
    }),
  );
  at(
    SAT,
    '10:30',
    post(`${G}/challenges/etiketter/decisions`, { decision: 'Ja, till måndag', rationale: 'Patientsäkerhet', decidedBy: 'LGV' }),
  );
  // A yellow challenge on Saturday with a quick ITD decision in time.
  at(
    SAT,
    '08:10',
    post(`${G}/challenges`, {
      id: 'support',
      title: 'Supporten hinner inte med',
      colour: 'gul',
      areaId: 'support',
      needFromOthers: 'Två superanvändare till',
    }),
  );
  at(SAT, '09:05', post(`${G}/challenges/support/triage`, { decision: 'startTeam', priority: 1, participants: ['Support'] }));
  at(SAT, '09:10', post(`${G}/challenges/support/decision-requests`, { level: 'itd', question: 'Två extra superanvändare?' }));
  at(SAT, '09:40', post(`${G}/challenges/support/decisions`, { decision: 'Ja', rationale: 'Kön växer', decidedBy: 'ITD' }));
  // A P1 at 22:00 on Friday (the night the issue tells of), updated in the morning, resolved at 11.
  at(FRI, '22:00', post(`${G}/incidents`, { id: 'p1', title: 'Inloggning långsam', priority: 1, incidentManagerId: 'ivan' }));
  for (const t of ['06:30', '09:00']) at(SAT, t, post(`${G}/incidents/p1/updates`, { text: `Läget ${t}` }));
  at(SAT, '11:00', post(`${G}/incidents/p1/updates`, { text: 'Löst', status: 'resolved' }));
  // Half a minute past the minute, so a step falls between two ticks.
  return steps.map((s) => ({ ...s, at: new Date(Date.parse(s.at) + 30_000).toISOString() })).sort((a, b) => a.at.localeCompare(b.at));
}

const PEOPLE = calendarOrg().people.map((p) => ({ id: p.id, name: p.name, roles: p.roles }));
type Row = { person: string; role: string; mails: number[]; activity: number[] };
let rows: Row[] = [];
let channelPosts: Record<string, number[]> = {};

beforeAll(async () => {
  api = await startApi({ start: new Date(now).toISOString() });
  const put = await api.put(G, calendarOrg({ notifications: { people: [{ personId: 'karl', email: 'digest', readsChannels: ['DSL'] }] } }));
  expect(put.status).toBe(201);
  for (const step of rehearsal()) {
    await advanceTo(step.at);
    await step.what();
  }
  // Until the first digest of Sunday, which carries what came after Saturday's last DSL.
  await advanceTo(local('2026-11-29', '06:55'));
  const r = await api.get(`${G}/notifications?limit=1000`);
  expect(r.status).toBe(200);
  views = r.json.items as View[];
  const sentOn = (day: string, d: View['deliveries'][number]) =>
    d.status === 'sent' && d.sentAt !== undefined && localDay(d.sentAt) === day;
  rows = PEOPLE.map((p) => ({
    person: p.name,
    role: p.roles.join(', '),
    mails: DAYS.map(
      (day) =>
        views.flatMap((v) => v.deliveries).filter((d) => d.channel === 'email' && sentOn(day, d) && d.to.some((t) => t.personId === p.id))
          .length,
    ),
    activity: DAYS.map(
      (day) => views.flatMap((v) => v.deliveries).filter((d) => d.id === `teamsActivity:${p.id}` && sentOn(day, d)).length,
    ),
  }));
  channelPosts = Object.fromEntries(
    ['DSL', 'CSL', 'LGV'].map((f) => [
      f,
      DAYS.map((day) => views.flatMap((v) => v.deliveries).filter((d) => d.id === `teamsChannel:${f}` && sentOn(day, d)).length),
    ]),
  );
  const table = [
    '| person | role | e-mails Fri | e-mails Sat | Teams activity Fri | Teams activity Sat |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${x.person} | ${x.role} | ${x.mails[0]} | ${x.mails[1]} | ${x.activity[0]} | ${x.activity[1]} |`),
    ...Object.entries(channelPosts).map(([f, n]) => `| ${f} channel | (Teams channel posts) | – | – | ${n[0]} | ${n[1]} |`),
  ].join('\n');
  fs.mkdirSync(path.resolve(__dirname, '../../test-output'), { recursive: true });
  fs.writeFileSync(path.resolve(__dirname, '../../test-output/volume.md'), `${table}\n`);
  console.log(`Issue 15 item 7, per person per day (rehearsed Friday and Saturday):\n${table}`);
}, 1_200_000);
afterAll(async () => api?.close());

it('the go-live coordinator gets at most 30 e-mails a day', () => {
  const karl = rows.find((r) => r.person === 'Karl Koordinator')!;
  expect(karl.mails[0]).toBeLessThanOrEqual(30);
  expect(karl.mails[1]).toBeLessThanOrEqual(30);
  expect(karl.mails[0]).toBeGreaterThan(0);
});

it('nothing late is missed: every late area, overdue decision and P1 of the two days reaches the coordinator', () => {
  // What the coordinator must see (R4.4, R8.4, R9). Units' overdue summaries go to the förvaltning's FVIS lead (R3.3, R11.8).
  const late = views.filter(
    (v) =>
      ['areaReportOverdue', 'decisionOverdue', 'incidentOpened', 'incidentClosed'].includes(v.kind) && DAYS.includes(localDay(v.createdAt)),
  );
  // The rehearsal has each: Teknik late before every Friday DSL, the LGV case overdue, the P1.
  expect(new Set(late.map((v) => v.kind))).toEqual(new Set(['areaReportOverdue', 'decisionOverdue', 'incidentOpened', 'incidentClosed']));
  expect(late.filter((v) => v.kind === 'areaReportOverdue').length).toBeGreaterThanOrEqual(6);
  const mailedTo = (v: View, who: string) =>
    v.deliveries.some((d) => d.channel === 'email' && d.status === 'sent' && d.to.some((t) => t.personId === who));
  const digests = views.filter((v) => v.kind === 'digest' && v.requested.personIds?.includes('karl') && mailedTo(v, 'karl'));
  // A digest's subject counts what it lists ("DSL kl. 10:00, 2 saker"): every folded notice is in one.
  const listed = digests.reduce((n, d) => n + Number(/, (\d+) sak(?:er)?$/.exec(d.subject.sv)?.[1] ?? 0), 0);
  const folded = views.filter((v) => v.digestFor?.includes('karl') && digests.some((d) => d.createdAt >= v.createdAt));
  expect(listed).toBe(folded.length);
  const missed = late.filter(
    (v) =>
      !mailedTo(v, 'karl') &&
      !v.toldByChannel?.includes('karl') &&
      !(v.digestFor?.includes('karl') && digests.some((d) => d.createdAt >= v.createdAt)),
  );
  expect(missed.map((v) => `${v.createdAt} ${v.kind} ${v.subject.sv}`)).toEqual([]);
});
