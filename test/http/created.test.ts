import { created, publicView } from '../../functions/http/route';

/*
 * Issue 17 item 2: a create's answer is serialised once — the text publicView's record would
 * give, without parsing it back and serialising it again in the route.
 */

const report = {
  id: 'r-1',
  goLiveId: 'g',
  unitId: 'u',
  colour: 'gul',
  explanation: 'Läkemedelslistan laddar långsamt \ud800',
  reportedAt: '2026-12-05T10:00:00.000Z',
  requestHash: 'h',
  reporter: { personId: 'p', requestHash: 'nested' },
  n: [1, -0, 1e21, 0.1],
  10: 'integer-like key',
  skipped: undefined,
};

it('answers the JSON text of the public record, with its type, once', () => {
  expect(created(report, true, '/api/x')).toEqual({
    status: 201,
    text: JSON.stringify(publicView(report)),
    contentType: 'application/json; charset=utf-8',
    headers: { location: '/api/x' },
  });
  expect(JSON.parse(created(report, true).text!)).not.toHaveProperty('requestHash');
});

it('a replay says so', () => {
  expect(created(report, false).headers).toEqual({ 'idempotent-replayed': 'true' });
});
