import fs from 'node:fs';
import path from 'node:path';
import { cleanUp, requireBuild, ROOT, start, tmpDir } from '../../support/runtime-process';

/*
 * `node dist/local/main.js` with an app that registers orchestrations through the real shim,
 * killed with SIGKILL while instances wait: after a restart on the same folder nothing is
 * lost and no recorded activity runs again. Side effects are counted in a file, across
 * processes. `POST /_local/clock {advanceBy: 0}` answers once due durable work has settled.
 */

beforeAll(requireBuild);
afterAll(cleanUp);

/** A deployable app in plain JavaScript, loaded with --entry. */
const APP = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const { app } = require(path.join(process.env.APP_ROOT, 'node_modules/@azure/functions'));
const df = require(path.join(process.env.APP_ROOT, 'node_modules/durable-functions'));

const mark = (name) => fs.appendFileSync(process.env.PROBE_FILE, name + '\n');

df.app.activity('recordDecision', { handler: (decision) => (mark('recordDecision'), decision) });
df.app.activity('sayHello', { handler: (name) => (mark('sayHello'), 'Hej ' + name + '!') });

df.app.orchestration('approval', function* (context) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60 * 60000);
  const approval = context.df.waitForExternalEvent('Approval');
  const timeout = context.df.createTimer(deadline);
  const winner = yield context.df.Task.any([approval, timeout]);
  if (!timeout.isCompleted) timeout.cancel();
  if (winner !== approval) return { approved: false };
  return { approved: true, decision: yield context.df.callActivity('recordDecision', approval.result) };
});

df.app.orchestration('reminder', function* (context) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30 * 60000));
  return yield context.df.callActivity('sayHello', 'påminnelse');
});

app.get('ping', { route: 'ping', handler: async () => ({ body: 'pong' }) });
`;

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('SIGKILL while instances wait on an event and on a timer loses neither, and runs no activity twice', async () => {
  const dir = tmpDir();
  const entry = path.join(dir, 'app.js');
  const probe = path.join(dir, 'probe.txt');
  fs.writeFileSync(entry, APP);
  fs.writeFileSync(probe, '');
  const args = [
    '--port',
    '0',
    '--data-dir',
    path.join(dir, 'data'),
    '--no-demo',
    '--clock=simulated',
    '--start=2026-11-27T06:00:00Z',
    '--entry',
    entry,
  ];
  const env = { APP_ROOT: ROOT, PROBE_FILE: probe };

  let rt = await start(args, env);
  expect(rt.output()).toMatch(/approval\s+orkestrering/);
  expect(rt.output()).toMatch(/recordDecision\s+aktivitet/);
  let dt = `${new URL(rt.url).origin}/runtime/webhooks/durabletask`;
  expect((await post(`${dt}/orchestrators/approval/beslut`, {})).status).toBe(202);
  expect((await post(`${dt}/orchestrators/reminder/paminnelse`, {})).status).toBe(202);
  expect((await post(`${rt.url}/_local/clock`, { advanceBy: 0 })).status).toBe(200);
  expect(((await (await fetch(`${dt}/instances/beslut`)).json()) as { runtimeStatus: string }).runtimeStatus).toBe('Running');
  rt.child.kill('SIGKILL');
  await new Promise((resolve) => rt.child.on('exit', resolve));

  rt = await start(args, env);
  dt = `${new URL(rt.url).origin}/runtime/webhooks/durabletask`;
  expect(rt.output()).toMatch(/instanser: Running 2/);
  expect((await post(`${dt}/instances/beslut/raiseEvent/Approval`, { by: 'omar' })).status).toBe(202);
  expect((await post(`${rt.url}/_local/clock`, { advanceBy: 'PT30M' })).status).toBe(200);

  const decided = (await (await fetch(`${dt}/instances/beslut`)).json()) as Record<string, unknown>;
  expect(decided).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, decision: { by: 'omar' } } });
  const reminded = (await (await fetch(`${dt}/instances/paminnelse`)).json()) as Record<string, unknown>;
  expect(reminded).toMatchObject({ runtimeStatus: 'Completed', output: 'Hej påminnelse!', lastUpdatedTime: '2026-11-27T06:30:00.000Z' });
  expect(fs.readFileSync(probe, 'utf8').trim().split('\n').sort()).toEqual(['recordDecision', 'sayHello']);

  const exit = new Promise((resolve) => rt.child.on('exit', resolve));
  rt.child.kill('SIGTERM');
  expect(await exit).toBe(0);
});
