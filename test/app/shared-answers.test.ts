import { SharedAnswers } from '../../shared/app/shared-answers';

/*
 * Answers many readers share (issue 17 item 5): one computation per state version and clock
 * window; a new version (a write) or a new window computes anew; a store without a version,
 * or a window of 0, shares nothing.
 */

let version: string | undefined = 'v1';
let nowMs = Date.parse('2026-11-27T10:00:00.000Z');
const s = (withVersion = true) => ({
  repo: withVersion ? { stateVersion: async () => version } : {},
  clock: { now: () => new Date(nowMs) },
});

beforeEach(() => {
  version = 'v1';
  nowMs = Date.parse('2026-11-27T10:00:00.000Z');
});

it('computes once per state version, for every caller, also those who arrive while it runs', async () => {
  const shared = new SharedAnswers();
  let runs = 0;
  const compute = async () => ({ run: ++runs });
  const [a, b] = await Promise.all([shared.get(s(), 1000, 'k', compute), shared.get(s(), 1000, 'k', compute)]);
  expect(a).toBe(b);
  expect(await shared.get(s(), 1000, 'k', compute)).toEqual({ run: 1 });
  version = 'v2';
  expect(await shared.get(s(), 1000, 'k', compute)).toEqual({ run: 2 });
  expect(shared.stats).toEqual({ computed: 2, shared: 2 });
});

it('computes anew in the next clock window, and keeps keys apart', async () => {
  const shared = new SharedAnswers();
  let runs = 0;
  const compute = async () => ++runs;
  expect(await shared.get(s(), 1000, 'a', compute)).toBe(1);
  nowMs += 999;
  expect(await shared.get(s(), 1000, 'a', compute)).toBe(1);
  expect(await shared.get(s(), 1000, 'b', compute)).toBe(2);
  nowMs += 1;
  expect(await shared.get(s(), 1000, 'a', compute)).toBe(3);
});

it('shares nothing without a state version or with a window of 0', async () => {
  const shared = new SharedAnswers();
  let runs = 0;
  const compute = async () => ++runs;
  await shared.get(s(false), 1000, 'k', compute);
  await shared.get(s(false), 1000, 'k', compute);
  await shared.get(s(), 0, 'k', compute);
  await shared.get(s(), 0, 'k', compute);
  expect(runs).toBe(4);
});

it('does not keep a failure, and hands out frozen values', async () => {
  const shared = new SharedAnswers();
  await expect(shared.get(s(), 1000, 'k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  const value = await shared.get(s(), 1000, 'k', async () => ({ list: [1, 2] }));
  expect(value).toEqual({ list: [1, 2] });
  expect(() => value.list.push(3)).toThrow(TypeError);
});

it('forgets the oldest key past its size', async () => {
  const shared = new SharedAnswers(2);
  let runs = 0;
  const compute = async () => ++runs;
  await shared.get(s(), 1000, 'a', compute);
  await shared.get(s(), 1000, 'b', compute);
  await shared.get(s(), 1000, 'c', compute);
  expect(await shared.get(s(), 1000, 'b', compute)).toBe(2);
  expect(await shared.get(s(), 1000, 'a', compute)).toBe(4);
});
