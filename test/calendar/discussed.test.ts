/**
 * "Avklarad" as API state (issue 16): the chair or coordinator of a meeting's forum ticks an
 * agenda item discussed for that meeting; every member sees it on the agenda (JSON, Markdown,
 * HTML) with who and when; Idempotency-Key makes a retry or a late replay change nothing.
 */
import { startApi, type Api } from '../http/harness';

// 11:00 local on day 0 (Friday 27 November 2026, CET).
const START = '2026-11-27T10:00:00Z';
const G = '/golives/demo';
const as = (personId: string, key?: string) => ({ 'x-dev-user': personId, ...(key ? { 'idempotency-key': key } : {}) });

let api: Api;
const meetings: Record<'DSL' | 'CSL' | 'LGV', string> = { DSL: '', CSL: '', LGV: '' };

interface Item {
  key: string;
  text: string;
  ref?: { type: string; id: string };
  discussed?: { by: string; at: string };
}
const agenda = async (meetingId: string, who = 'rut-akuten') => (await api.get(`${G}/meetings/${meetingId}/agenda`, as(who))).json;
const items = (a: { sections: { items: Item[] }[] }): Item[] => a.sections.flatMap((s) => s.items);
const mark = (meetingId: string, body: unknown, who: string, key?: string) =>
  api.post(`${G}/meetings/${meetingId}/agenda/discussed`, body, as(who, key));

beforeAll(async () => {
  api = await startApi({ start: START, demo: true });
  for (const forum of ['DSL', 'CSL', 'LGV'] as const) {
    const list = (await api.get(`${G}/meetings?forum=${forum}&from=${START}`)).json.items as { id: string }[];
    meetings[forum] = list[0]!.id;
  }
  // An open challenge, so the DSL agenda has an item that refers to something.
  expect(
    (
      await api.post(
        `${G}/challenges`,
        { title: 'Etikettskrivare', colour: 'red', areaId: 'teknik', needFromOthers: 'Drivrutin.' },
        as('omar-teknik'),
      )
    ).status,
  ).toBe(202);
});
afterAll(() => api?.close());

describe('the chair ticks an item; everyone sees it (issue 16)', () => {
  let key: string;

  it('every agenda item has a stable key, and none is discussed yet', async () => {
    const a = await agenda(meetings.DSL);
    const all = items(a);
    expect(all.length).toBeGreaterThan(3);
    expect(new Set(all.map((i) => i.key)).size).toBe(all.length);
    expect(all.every((i) => i.discussed === undefined)).toBe(true);
    key = all.find((i) => i.ref?.type === 'challenge')!.key;
    expect(key).toMatch(/^point\d+\/challenge:/);
    // The reporter may not tick; the lead may.
    expect(a.mayMarkDiscussed).toBe(false);
    expect((await agenda(meetings.DSL, 'anna-lead')).mayMarkDiscussed).toBe(true);
    expect((await agenda(meetings.CSL, 'carl-csl')).mayMarkDiscussed).toBe(true);
    expect((await agenda(meetings.DSL, 'carl-csl')).mayMarkDiscussed).toBe(false);
  });

  it('the DSL chair ticks it: stored with who and when, shown to every member in JSON, Markdown and HTML', async () => {
    const r = await mark(meetings.DSL, { itemKey: key, discussed: true }, 'anna-lead', 'tick-1');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ meetingId: meetings.DSL, itemKey: key, discussed: true, by: 'Anna Ledare', at: '2026-11-27T10:00:00.000Z' });
    const seen = items(await agenda(meetings.DSL)).find((i) => i.key === key)!;
    expect(seen.discussed).toEqual({ by: 'Anna Ledare', at: '2026-11-27T10:00:00.000Z' });
    const md = (await api.get(`${G}/meetings/${meetings.DSL}/agenda?format=md`, as('rut-akuten'))).text;
    expect(md).toContain('✓ avklarad (Anna Ledare)');
    const html = (await api.get(`${G}/meetings/${meetings.DSL}/agenda?format=html`, as('rut-akuten'))).text;
    expect(html).toMatch(/<li class="red discussed">\[[^\]]*✓ avklarad \(Anna Ledare\)\]/);
    // Only this meeting: the next DSL's agenda is its own.
    const next = (await api.get(`${G}/meetings?forum=DSL&from=${START}`)).json.items[1].id as string;
    expect(items(await agenda(next)).some((i) => i.discussed)).toBe(false);
  });

  it('a retry with the same Idempotency-Key changes nothing, even after a later change', async () => {
    await api.advance('PT5M');
    const clear = await mark(meetings.DSL, { itemKey: key, discussed: false }, 'karl-koord', 'untick-1');
    expect(clear.status).toBe(200);
    expect(items(await agenda(meetings.DSL)).find((i) => i.key === key)!.discussed).toBeUndefined();
    // The first tick's answer, arriving late: replayed, not applied again.
    const late = await mark(meetings.DSL, { itemKey: key, discussed: true }, 'anna-lead', 'tick-1');
    expect(late.status).toBe(200);
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.json).toMatchObject({ discussed: true, by: 'Anna Ledare', at: '2026-11-27T10:00:00.000Z' });
    expect(items(await agenda(meetings.DSL)).find((i) => i.key === key)!.discussed).toBeUndefined();
    // The same key with another body is refused.
    const reused = await mark(meetings.DSL, { itemKey: key, discussed: false }, 'anna-lead', 'tick-1');
    expect(reused.status).toBe(422);
    // Ticked again by the coordinator: the mark says who and when.
    await mark(meetings.DSL, { itemKey: key, discussed: true }, 'karl-koord', 'tick-2');
    expect(items(await agenda(meetings.DSL)).find((i) => i.key === key)!.discussed).toEqual({
      by: 'Karl Koordinator',
      at: '2026-11-27T10:05:00.000Z',
    });
  });

  it('bad input is a problem naming the field, and nothing is stored', async () => {
    const before = items(await agenda(meetings.DSL)).filter((i) => i.discussed).length;
    const missing = await mark(meetings.DSL, { itemKey: 'point4/challenge:nope', discussed: true }, 'anna-lead');
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(missing.json)).toContain('itemKey');
    const wrong = await mark(meetings.DSL, { itemKey: key, discussed: 'ja' }, 'anna-lead');
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.json)).toContain('discussed');
    const noMeeting = await mark('dsl-2030-01-01T0800', { itemKey: key, discussed: true }, 'anna-lead');
    expect(noMeeting.status).toBe(404);
    expect(noMeeting.json.code).toBe('MEETING.NOT_FOUND');
    expect(items(await agenda(meetings.DSL)).filter((i) => i.discussed).length).toBe(before);
  });
});

describe('who may tick: the chair or coordinator of that forum (access matrix, markDiscussed)', () => {
  const firstKey = async (meetingId: string) => items(await agenda(meetingId))[0]!.key;

  it('the CSL chair ticks CSL items, not DSL ones; the LGV liaison LGV only; the leads any forum', async () => {
    const dsl = await firstKey(meetings.DSL);
    const csl = await firstKey(meetings.CSL);
    const lgv = await firstKey(meetings.LGV);
    const refused = await mark(meetings.DSL, { itemKey: dsl, discussed: true }, 'carl-csl');
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Bara ordföranden eller koordinatorn för DSL markerar punkter i dess möten.');
    expect(items(await agenda(meetings.DSL)).find((i) => i.key === dsl)!.discussed).toBeUndefined();
    expect((await mark(meetings.CSL, { itemKey: csl, discussed: true }, 'carl-csl')).status).toBe(200);
    expect((await mark(meetings.LGV, { itemKey: lgv, discussed: true }, 'carl-csl')).status).toBe(403);
    expect((await mark(meetings.CSL, { itemKey: csl, discussed: true }, 'lisa-lgv')).status).toBe(403);
    expect((await mark(meetings.LGV, { itemKey: lgv, discussed: true }, 'lisa-lgv')).status).toBe(200);
    expect((await mark(meetings.CSL, { itemKey: csl, discussed: false }, 'karl-koord')).status).toBe(200);
    // Other members and strangers may not.
    expect((await mark(meetings.DSL, { itemKey: dsl, discussed: true }, 'omar-teknik')).status).toBe(403);
    expect((await mark(meetings.DSL, { itemKey: dsl, discussed: true }, 'stranger@example.org')).status).toBe(403);
    expect((await mark(meetings.DSL, { itemKey: dsl, discussed: true }, 'anonymous')).status).toBe(401);
    expect(items(await agenda(meetings.DSL)).find((i) => i.key === dsl)!.discussed).toBeUndefined();
  });
});
