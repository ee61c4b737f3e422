import { DEMO_GOLIVE_ID } from '../../shared/app/demo';
import { EMULATOR_KEY, startCosmosServer } from '../support/cosmos-server';
import { cleanUp, requireBuild, run, start, tmpDir } from '../support/runtime-process';

/* `node dist/local/main.js` as a user starts it (see test/support/runtime-process.ts). */

beforeAll(requireBuild);
afterAll(cleanUp);

it('starts on an ephemeral port, prints where, serves the app, and stops cleanly on SIGTERM', async () => {
  const { child, url, output } = await start(['--port', '0', '--data-dir', tmpDir(), '--no-demo']);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
  expect(output()).toContain(`Driftpuls lokal körning lyssnar på ${url} (health: /api/health)`);
  expect(output()).toMatch(/health\s+\[GET\]/);
  expect(output()).toMatch(/heartbeat\s+timer/);

  const unknown = await fetch(`${url}/no-such-route`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);

  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', store: 'embedded' });

  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
});

it('seeds the demo go-live into an empty store unless --no-demo', async () => {
  const { child, url } = await start(['--port', '0', '--data-dir', tmpDir()]);
  expect((await fetch(`${url}/golives/${DEMO_GOLIVE_ID}`)).status).toBe(200);
  child.kill('SIGTERM');
});

it('runs the heartbeat on simulated time moved over HTTP', async () => {
  const { child, url } = await start([
    '--port',
    '0',
    '--data-dir',
    tmpDir(),
    '--no-demo',
    '--clock=simulated',
    '--start=2025-03-03T06:00:00Z',
  ]);
  const moved = await fetch(`${url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceBy: 'PT2M' }),
  });
  expect(await moved.json()).toEqual({ now: '2025-03-03T06:02:00.000Z' });
  const health = await fetch(`${url}/health`);
  expect(await health.json()).toMatchObject({ now: '2025-03-03T06:02:00.000Z', lastHeartbeat: '2025-03-03T06:02:00.000Z' });
  child.kill('SIGTERM');
});

it('refuses a non-loopback address without --allow-remote and says why', async () => {
  const { exited, output } = run(['--port', '0', '--host', '0.0.0.0', '--data-dir', tmpDir(), '--no-demo']);
  expect(await exited).toBe(2);
  expect(output()).toContain('--allow-remote');
  expect(output()).not.toContain('lyssnar på');
});

it('rejects bad arguments with usage and exit code 2', async () => {
  const { exited, output } = run(['--clock', 'sundial']);
  expect(await exited).toBe(2);
  expect(output()).toContain('Användning');
});

it('uses Cosmos DB when COSMOS_ENDPOINT is set (the same routes, another store)', async () => {
  const cosmos = await startCosmosServer();
  try {
    const { child, url } = await start(['--port', '0', '--data-dir', tmpDir()], {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_KEY,
    });
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', store: 'cosmos' });
    const overview = await fetch(`${url}/golives/${DEMO_GOLIVE_ID}/overview`);
    expect(overview.status).toBe(200);
    expect(((await overview.json()) as { units: { total: number } }).units.total).toBe(12);
    const exit = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exit;
  } finally {
    await cosmos.close();
  }
});
