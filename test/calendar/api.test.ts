/**
 * The calendar's HTTP API end to end through the local runtime: meetings (R5, R5.1), agendas
 * (R6), the iCalendar feed — parsed with an independent parser, ical.js — and schedule edits
 * through the go-live PUT (R5.2).
 */
import ICAL from 'ical.js';
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from './support';

let api: Api;
const G = '/golives/vag-1';
const OCT = '/golives/vag-okt';
const as = (email: string) => ({ 'x-dev-user': email });

beforeAll(async () => {
  // 11:00 local on day 0 (Friday 27 Nov 2026).
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  expect((await api.put(G, calendarOrg())).status).toBe(201);
  expect((await api.put(OCT, calendarOrg({ startDate: '2026-10-23' }))).status).toBe(201);
}, 60_000);
afterAll(async () => api?.close());

interface MeetingJson {
  id: string;
  forum: string;
  start: string;
  end: string;
  localStart: string;
  source: string;
  participants: { role: string; people: { id: string; name: string }[] }[];
  agendaUrl: string;
}

describe('GET meetings (R5)', () => {
  it('without a range lists the whole schedule of the go-live week, with participants by role', async () => {
    const r = await api.get(`${G}/meetings`);
    expect(r.status).toBe(200);
    const items = r.json.items as MeetingJson[];
    expect(items).toHaveLength(150);
    expect(items[0]).toMatchObject({
      id: 'csl-2026-11-27T0730',
      forum: 'CSL',
      start: '2026-11-27T06:30:00.000Z',
      source: 'schedule',
      agendaUrl: '/api/golives/vag-1/meetings/csl-2026-11-27T0730/agenda',
    });
    expect(items[0]!.participants).toEqual([
      { role: 'cslChair', people: [{ id: 'carl', name: 'Carl CSL-ordförande' }] },
      {
        role: 'cslRepresentative',
        people: [
          { id: 'frida', name: 'Frida FVIS' },
          { id: 'peter', name: 'Peter CSL' },
        ],
      },
      { role: 'chiefMedicalOfficer', people: [{ id: 'doc', name: 'Doktor Chefsläkare' }] },
      { role: 'lgvLiaison', people: [{ id: 'lisa', name: 'Lisa LGV' }] },
    ]);
    expect(items.at(-1)!.id).toBe('dsl-2026-12-04T1500');
  });

  it('filters by range and forum', async () => {
    const r = await api.get(`${G}/meetings?from=2026-11-28T00:00:00%2B01:00&to=2026-11-28T12:00:00%2B01:00&forum=LGV`);
    expect((r.json.items as MeetingJson[]).map((m) => m.localStart)).toEqual(['2026-11-28T08:00', '2026-11-28T10:00']);
  });

  it('refuses a bad forum, a reversed range and one too long, naming the field', async () => {
    expect((await api.get(`${G}/meetings?forum=ABC`)).json.errors[0].field).toBe('forum');
    expect((await api.get(`${G}/meetings?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z`)).json.errors[0].field).toBe('to');
    expect((await api.get(`${G}/meetings?from=2026-11-01T00:00:00Z&to=2027-01-28T00:00:00Z`)).status).toBe(400);
  });

  it('reads one meeting by its stable id; an unknown id is 404 MEETING.NOT_FOUND', async () => {
    expect((await api.get(`${G}/meetings/lgv-2026-11-27T1600`)).json).toMatchObject({
      forum: 'LGV',
      start: '2026-11-27T15:00:00.000Z',
      end: '2026-11-27T15:45:00.000Z',
    });
    const missing = await api.get(`${G}/meetings/dsl-2026-11-27T0900`);
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('MEETING.NOT_FOUND');
  });
});

describe('POST meetings: extra meetings (R5.1)', () => {
  const body = { forum: 'DSL', start: '2026-11-27T09:40:00Z', reason: 'Inloggningen ligger nere' };

  it('any DSL participant calls an extra DSL meeting; the Idempotency-Key makes a retry safe', async () => {
    const first = await api.post(`${G}/meetings`, body, { ...as('omar@example.org'), 'idempotency-key': 'extra-1' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      forum: 'DSL',
      source: 'adHoc',
      end: '2026-11-27T10:10:00.000Z',
      localStart: '2026-11-27T10:40',
      reason: body.reason,
      createdBy: { kind: 'user', id: 'omar@example.org' },
    });
    expect(first.json.id).toMatch(/^dsl-extra-k-[0-9a-f]{32}$/);
    expect(first.headers.get('location')).toBe(`/api${G}/meetings/${first.json.id}`);
    const again = await api.post(`${G}/meetings`, body, { ...as('omar@example.org'), 'idempotency-key': 'extra-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.id).toBe(first.json.id);
    expect(
      (await api.post(`${G}/meetings`, { ...body, reason: 'Annat' }, { ...as('omar@example.org'), 'idempotency-key': 'extra-1' })).status,
    ).toBe(422);
    const listed = (await api.get(`${G}/meetings?from=2026-11-27T09:01:00Z&to=2026-11-27T10:00:00Z&forum=DSL`)).json.items as MeetingJson[];
    expect(listed.map((m) => m.id)).toEqual([first.json.id]);
  });

  it('only a forum’s participants (or the leads) call its extra meetings; others are refused and nothing is stored', async () => {
    const csl = await api.post(`${G}/meetings`, { ...body, id: 'csl-extra', forum: 'CSL' }, as('carl@example.org'));
    expect(csl.status).toBe(201);
    const refused = await api.post(`${G}/meetings`, { ...body, id: 'not-mine' }, as('carl@example.org'));
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('MEETING.FORUM_MEMBER_REQUIRED');
    expect((await api.get(`${G}/meetings/dsl-extra-not-mine`)).status).toBe(404);
    expect((await api.post(`${G}/meetings`, { ...body, id: 'lead', forum: 'LGV' }, as('karl@example.org'))).status).toBe(201);
    expect((await api.post(`${G}/meetings`, body, as('rut@example.org'))).status).toBe(403); // a unit reporter (access matrix)
  });

  it('refuses a bad body naming the fields', async () => {
    const r = await api.post(`${G}/meetings`, { forum: 'XYZ', start: 'igår', durationMinutes: 2 });
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['durationMinutes', 'forum', 'start']);
  });
});

describe('GET agenda (R6)', () => {
  it('answers JSON, Markdown and HTML, Swedish by default and English on request', async () => {
    const json = await api.get(`${G}/meetings/dsl-2026-11-27T1000/agenda`);
    expect(json.status).toBe(200);
    // (Which source the red and yellow events come from depends on whether the escalation engine is installed.)
    expect(json.json).toMatchObject({ forum: 'DSL', previousMeeting: { id: 'dsl-2026-11-27T0800' }, lang: 'sv' });
    expect(json.json.sections).toHaveLength(13);
    const md = await api.get(`${G}/meetings/dsl-2026-11-27T1000/agenda?format=md`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.text).toContain('## 11. Några intressanta gröna reflektioner där det går riktigt bra?');
    const html = await api.get(`${G}/meetings/csl-2026-11-27T1330/agenda?format=html&lang=en`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html.text).toContain('<html lang="en">');
    expect(html.text).toContain('Round the table');
    expect((await api.get(`${G}/meetings/lgv-2026-11-27T1200/agenda?lang=en`)).json.sections.map((s: { key: string }) => s.key)).toEqual([
      'overdueDecisions',
      'incidents',
      'decisionCases',
      'escalations',
    ]);
  });

  it('an extra meeting has an agenda too; an unknown one is 404', async () => {
    expect((await api.get(`${G}/meetings/csl-extra-csl-extra/agenda`)).json.title).toBe(
      'CSL – Cosmic Särskild Ledning – extra möte fre 27 nov 10:40',
    );
    expect((await api.get(`${G}/meetings/nope/agenda`)).status).toBe(404);
  });
});

function parseFeed(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return { cal, events: cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

describe('GET calendar.ics: a feed Outlook can subscribe to', () => {
  it('parses with ical.js; every meeting is one event at the right instant, in the go-live’s zone with its VTIMEZONE', async () => {
    const r = await api.get(`${G}/calendar.ics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const { cal, events } = parseFeed(r.text);
    expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(cal.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Stockholm']);
    const meetings = (await api.get(`${G}/meetings?from=2026-11-26T00:00:00Z&to=2027-01-05T00:00:00Z`)).json.items as MeetingJson[];
    expect(events).toHaveLength(meetings.length);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    for (const m of meetings) {
      const e = byUid.get(`${m.id}@vag-1.driftpuls`)!;
      expect(e.startDate.zone?.tzid).toBe('Europe/Stockholm');
      expect(e.startDate.toJSDate().toISOString()).toBe(m.start);
      expect(e.endDate.toJSDate().toISOString()).toBe(m.end);
    }
    expect(byUid.get('dsl-2026-11-27T0800@vag-1.driftpuls')!.summary).toBe('DSL – Driftsättningsledningen');
    expect(byUid.get('dsl-2026-11-27T0800@vag-1.driftpuls')!.description).toContain(
      '/api/golives/vag-1/meetings/dsl-2026-11-27T0800/agenda?format=html',
    );
    // RFC 5545: DTSTAMP in UTC.
    expect(r.text).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r$/m);
  });

  it('places meetings right across the October change (R5.0: local times stay on the clock)', async () => {
    const { events } = parseFeed((await api.get(`${OCT}/calendar.ics?forum=DSL`)).text);
    const start = (id: string) =>
      events
        .find((e) => e.uid === `${id}@vag-okt.driftpuls`)!
        .startDate.toJSDate()
        .toISOString();
    expect(start('dsl-2026-10-24T2100')).toBe('2026-10-24T19:00:00.000Z');
    expect(start('dsl-2026-10-25T0700')).toBe('2026-10-25T06:00:00.000Z');
    expect(start('dsl-2026-10-30T1500')).toBe('2026-10-30T14:00:00.000Z');
    expect(new Set(events.map((e) => e.summary))).toEqual(new Set(['DSL – Driftsättningsledningen']));
    expect(events).toHaveLength(64);
  });

  it('is the same bytes for the same data: an ETag, and 304 when it has not changed', async () => {
    const a = await api.get(`${G}/calendar.ics`);
    const b = await api.get(`${G}/calendar.ics`);
    expect(b.text).toBe(a.text);
    expect(a.headers.get('etag')).toMatch(/^".+"$/);
    expect((await api.get(`${G}/calendar.ics`, { 'if-none-match': a.headers.get('etag')! })).status).toBe(304);
  });
});

describe('schedule edits through PUT change future meetings only (R5.2)', () => {
  it('keeps a started meeting as it was and moves the later ones', async () => {
    const scheduled = async () =>
      ((await api.get(`${G}/meetings?from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z&forum=CSL`)).json.items as MeetingJson[]).filter(
        (m) => m.source === 'schedule',
      );
    const before = await scheduled();
    expect(before.map((m) => m.localStart.slice(11))).toEqual(['07:30', '13:30']);
    // At 12:00 local make CSL meet at 07:30, 11:00 and 12:30, 20 minutes each.
    await api.advance('PT1H');
    const org = calendarOrg();
    const schedules = structuredClone(org.schedules);
    schedules.forums.CSL.durationMinutes = 20;
    schedules.forums.CSL.phases[0] = { fromDay: 0, toDay: 0, cadence: { type: 'times', times: ['07:30', '11:00', '12:30'] } };
    const put = await api.put(G, { ...org, schedules });
    expect(put.status).toBe(200);
    expect(put.json.scheduleHistory.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual([
      '2026-11-27T10:00:00.000Z',
      '2026-11-27T11:00:00.000Z',
    ]);
    const after = await scheduled();
    // 07:30 started under the old schedule (30 min); 11:00 would have started before the edit: it never existed;
    // 12:30 is new (20 min); 13:30 is gone.
    expect(after.map((m) => [m.localStart.slice(11), (Date.parse(m.end) - Date.parse(m.start)) / 60_000])).toEqual([
      ['07:30', 30],
      ['12:30', 20],
    ]);
  });
});
