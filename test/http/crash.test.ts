/**
 * Every accepted write survives a crash: the runtime is killed with SIGKILL right after a
 * 201 (no graceful shutdown, no flush), started again on the same store, and every
 * acknowledged report is there, once; a retry of the last one after the restart is a replay.
 */
import { cleanUp, requireBuild, start, tmpDir } from '../support/runtime-process';

beforeAll(requireBuild);
afterAll(cleanUp);

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

it('SIGKILL right after a 201 loses nothing, and a retry after restart stores nothing twice', async () => {
  const dataDir = tmpDir();
  const args = ['--port', '0', '--data-dir', dataDir, '--no-demo'];
  let rt = await start(args);
  const put = await fetch(`${rt.url}/golives/krasch`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Krasch',
      startDate: '2026-11-27',
      forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
    }),
  });
  expect(put.status).toBe(201);

  const acknowledged: string[] = [];
  for (let round = 0; round < 3; round++) {
    // A burst in flight, then one more whose 201 is the last thing before the kill.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(
          `${rt.url}/golives/krasch/units/u/reports`,
          json({ colour: 'gul', explanation: `r${round}-${i}` }, { 'idempotency-key': `r${round}-${i}` }),
        ),
      ),
    );
    for (const r of burst) {
      expect(r.status).toBe(201);
      acknowledged.push(((await r.json()) as { id: string }).id);
    }
    const last = await fetch(
      `${rt.url}/golives/krasch/units/u/reports`,
      json({ colour: 'röd', explanation: `last ${round}` }, { 'idempotency-key': `last-${round}` }),
    );
    expect(last.status).toBe(201);
    acknowledged.push(((await last.json()) as { id: string }).id);
    const exited = new Promise((resolve) => rt.child.on('exit', resolve));
    rt.child.kill('SIGKILL');
    await exited;
    rt = await start(args);
  }

  const list = (await (await fetch(`${rt.url}/golives/krasch/units/u/reports?limit=1000`)).json()) as { items: { id: string }[] };
  expect(list.items.map((r) => r.id).sort()).toEqual([...acknowledged].sort());

  // The client never saw the last answer? It retries with the same key: a replay, not a copy.
  const retry = await fetch(
    `${rt.url}/golives/krasch/units/u/reports`,
    json({ colour: 'röd', explanation: 'last 2' }, { 'idempotency-key': 'last-2' }),
  );
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  const after = (await (await fetch(`${rt.url}/golives/krasch/units/u/reports?limit=1000`)).json()) as { items: unknown[] };
  expect(after.items).toHaveLength(acknowledged.length);

  // The unit's current status followed: the overview shows the last report's colour.
  const overview = (await (await fetch(`${rt.url}/golives/krasch/overview`)).json()) as {
    forvaltningar: { units: { colour: string; explanation: string }[] }[];
  };
  expect(overview.forvaltningar[0]!.units[0]).toMatchObject({ colour: 'red', explanation: 'last 2' });
  rt.child.kill('SIGTERM');
  // Four starts of the runtime as a child process: ~27 s alone on 2 busy cores, 51 s at load 27.
}, 180_000);
