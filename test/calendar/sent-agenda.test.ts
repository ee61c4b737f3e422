/**
 * Issue 14 item 6 (R6.5) on the simulated clock, through the real app and its calendar timer:
 * the agenda dispatched 10 minutes before a meeting is kept as sent, and once the meeting is
 * over its agenda shows that version, with a link to the live one. Times are local (UTC+1),
 * Friday 27 November 2026, day 0.
 */
import { startApi, type Api } from '../http/harness';
import { isolateCalendar } from './isolated';
import { calendarOrg, RecordingNotifier } from './support';

const notifier = new RecordingNotifier();
isolateCalendar(notifier);

const G = '/golives/skickad';
const local = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();
const as = (who: string) => ({ 'x-dev-user': `${who}@example.org` });
type Item = { text: string; colour?: string; ref?: { id: string } };
type Agenda = { sections: { key: string; items: Item[] }[]; asSent?: { sentAt: string; note: string; live: string }; generatedAt: string };
const items = (a: Agenda, key: string) => a.sections.find((s) => s.key === key)!.items;

let api: Api;
const now = { t: Date.parse(local('07:40')) };
async function at(iso: string) {
  const ms = Date.parse(iso) - now.t;
  if (ms > 0) await api.advance(`PT${ms / 1000}S`);
  now.t = Date.parse(iso);
}
const agenda = async (meetingId: string, query = '') => {
  const r = await api.get(`${G}/meetings/${meetingId}/agenda${query}`);
  expect(r.status).toBe(200);
  return r.json as Agenda;
};
const teknik = (summary: string, colour: string) => ({
  summary,
  colour,
  overrideReason: 'Bedömning',
  problems: [{ title: summary, size: 'liten', situation: { facts: summary }, actions: 'Felsöker', obstacles: 'Inga' }],
});

beforeAll(async () => {
  api = await startApi({ start: new Date(now.t).toISOString() });
  expect((await api.put(G, calendarOrg())).status).toBe(201);
  expect((await api.post(`${G}/areas/teknik/reports`, teknik('Utskrifter strular', 'gul'), as('omar'))).status).toBe(201);
}, 120_000);
afterAll(async () => api?.close());

describe('an agenda as sent is kept (issue 14 item 6, R6.5)', () => {
  let sentNotice: { text?: { sv: string }; data?: { agenda?: unknown } } | undefined;

  it('sends the 08:00 DSL agenda at 07:50 and keeps it; a send repeated after a crash sends the kept one', async () => {
    // The outbox is down at 07:50: the agenda is kept, the send fails, the claim waits out its lease.
    notifier.failWhen = (r) => r.dedupeKey === 'agenda:dsl-2026-11-27T0800';
    await at(local('07:51'));
    expect(notifier.calls.filter((c) => c.dedupeKey === 'agenda:dsl-2026-11-27T0800')).toEqual([]);
    // The state changes before the retry: the retry still sends the 07:50 version.
    expect((await api.post(`${G}/areas/teknik/reports`, teknik('Skrivarkön växer', 'gul'), as('omar'))).status).toBe(201);
    notifier.failWhen = undefined;
    await at(local('07:55'));
    const sent = notifier.calls.filter((c) => c.dedupeKey === 'agenda:dsl-2026-11-27T0800');
    expect(sent).toHaveLength(1);
    sentNotice = sent[0] as typeof sentNotice;
    // The agenda travels as data.agenda (the templates lay it out once, issue 15).
    const sentAgenda = JSON.stringify(sentNotice?.data?.agenda);
    expect(sentAgenda).toContain('Utskrifter strular');
    expect(sentAgenda).not.toContain('Skrivarkön växer');
  });

  it('shows the live agenda before and during the meeting', async () => {
    const before = await agenda('dsl-2026-11-27T0800');
    expect(before.asSent).toBeUndefined();
    expect(items(before, 'point6').map((i) => i.text)).toEqual([expect.stringContaining('Skrivarkön växer')]);
    await at(local('08:10'));
    expect((await agenda('dsl-2026-11-27T0800')).asSent).toBeUndefined();
  });

  it('read at 10:00 after a change at 09:00, the 08:00 agenda is the one sent at 07:50, linking to the live one', async () => {
    await at(local('09:00'));
    expect((await api.post(`${G}/areas/teknik/reports`, teknik('Inloggningen nere', 'röd'), as('omar'))).status).toBe(201);
    await at(local('10:00'));

    const past = await agenda('dsl-2026-11-27T0800');
    expect(past.asSent).toEqual({
      sentAt: local('07:50'),
      note: 'Dagordningen som den skickades 07:50, före mötet.',
      live: `/api${G}/meetings/dsl-2026-11-27T0800/agenda?live=1`,
      liveText: 'Se dagordningen som den ser ut nu',
    });
    expect(past.generatedAt).toBe(local('07:50'));
    expect(items(past, 'point6').map((i) => i.text)).toEqual([expect.stringContaining('Utskrifter strular')]);
    expect(items(past, 'point2')).toEqual([]);
    expect(JSON.stringify(past)).not.toContain('Inloggningen nere');

    // The link leads to the state now: Teknik red and new.
    const live = (await api.get(past.asSent!.live.replace(/^\/api/, ''))).json as Agenda;
    expect(live.asSent).toBeUndefined();
    expect(items(live, 'point2').map((i) => i.text)).toEqual([expect.stringContaining('Inloggningen nere')]);

    // English is the English of the same send.
    const en = await agenda('dsl-2026-11-27T0800', '?lang=en');
    expect(en.asSent?.note).toBe('The agenda as it was sent at 07:50, before the meeting.');
    expect(items(en, 'point6').map((i) => i.text)).toEqual([expect.stringContaining('Utskrifter strular')]);
  });

  it('says so in HTML and Markdown, with the link to the live one in the same format', async () => {
    const html = await api.get(`${G}/meetings/dsl-2026-11-27T0800/agenda?format=html`);
    expect(html.text).toContain('<p class="as-sent">Dagordningen som den skickades 07:50, före mötet. <a href="');
    expect(html.text).toContain(
      `/api${G}/meetings/dsl-2026-11-27T0800/agenda?format=html&amp;live=1">Se dagordningen som den ser ut nu</a>`,
    );
    expect(html.text).toContain('Utskrifter strular');
    expect(html.text).not.toContain('Inloggningen nere');
    const liveHtml = await api.get(`${G}/meetings/dsl-2026-11-27T0800/agenda?format=html&live=1`);
    expect(liveHtml.text).not.toContain('as-sent');
    expect(liveHtml.text).toContain('Inloggningen nere');

    const md = await api.get(`${G}/meetings/dsl-2026-11-27T0800/agenda?format=md`);
    expect(md.text).toContain(
      `> Dagordningen som den skickades 07:50, före mötet. [Se dagordningen som den ser ut nu](/api${G}/meetings/dsl-2026-11-27T0800/agenda?format=md&live=1)`,
    );
  });

  it('a meeting in the future, or one whose agenda was never sent, shows live', async () => {
    const next = await agenda('dsl-2026-11-27T1200');
    expect(next.asSent).toBeUndefined();
    // Raised before the 10:00 DSL, Teknik's red is an earlier red event by 12:00 (R6.2).
    expect(items(next, 'point1').map((i) => i.text)).toEqual([expect.stringContaining('Inloggningen nere')]);
    // The 07:30 CSL was due its agenda at 07:20, before this go-live existed: never sent.
    expect((await agenda('csl-2026-11-27T0730')).asSent).toBeUndefined();
    // The 10:00 DSL's agenda went out at 09:50 but the meeting is not over: live.
    expect(notifier.calls.some((c) => c.dedupeKey === 'agenda:dsl-2026-11-27T1000')).toBe(true);
    expect((await agenda('dsl-2026-11-27T1000')).asSent).toBeUndefined();
  });
});
