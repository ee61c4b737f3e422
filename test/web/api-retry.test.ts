import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The pages' API client and a server that sheds (issue 17 item 5): a 503 with Retry-After was
 * never run, so a read — or a write carrying its Idempotency-Key — is sent again after the wait
 * the server asks for. web/api.js runs as the browser loads it (an ES module) in a plain Node
 * process, with fetch answered from a script and timers run at once: no wall clock.
 */

const WEB = path.join(__dirname, '..', '..', 'web');

function run(script: string): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-api-js-'));
  try {
    fs.copyFileSync(path.join(WEB, 'i18n.js'), path.join(dir, 'i18n.mjs'));
    fs.writeFileSync(path.join(dir, 'api.mjs'), fs.readFileSync(path.join(WEB, 'api.js'), 'utf8').replace("'./i18n.js'", "'./i18n.mjs'"));
    fs.writeFileSync(path.join(dir, 'main.mjs'), script);
    return JSON.parse(execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8' }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const harness = (answers: unknown, calls: string) => `
import { Api } from './api.mjs';
const waits = [];
globalThis.setTimeout = (fn, ms) => { waits.push(ms); fn(); return 0; };
const answers = ${JSON.stringify(answers)};
let sent = 0;
globalThis.fetch = async () => {
  const a = answers[Math.min(sent++, answers.length - 1)];
  return new Response(JSON.stringify(a.body ?? {}), { status: a.status, headers: a.headers ?? {} });
};
const api = new Api('/api/');
const replies = [];
${calls}
console.log(JSON.stringify({ replies: replies.map((r) => r.status), sent, waits }));
`;

const shed = {
  status: 503,
  headers: { 'retry-after': '2', 'content-type': 'application/problem+json' },
  body: { code: 'HTTP.OVERLOADED' },
};

it('sends a shed read again after the Retry-After, up to four tries in all', () => {
  expect(run(harness([shed, shed, { status: 200 }], `replies.push(await api.get('golives/demo/overview'));`))).toEqual({
    replies: [200],
    sent: 3,
    waits: [2000, 2000],
  });
  expect(run(harness([shed], `replies.push(await api.get('golives/demo/overview'));`))).toEqual({
    replies: [503],
    sent: 4,
    waits: [2000, 2000, 2000],
  });
});

it('sends a shed write again only with its Idempotency-Key, and nothing without Retry-After', () => {
  const calls = `
replies.push(await api.post('golives/demo/units/u1/reports', { colour: 'green' }, 'web-key-1'));
replies.push(await api.call('POST', 'golives/demo/units/u1/reports', { body: { colour: 'green' } }));`;
  expect(run(harness([shed, { status: 201 }, shed, { status: 201 }], calls))).toEqual({ replies: [201, 503], sent: 3, waits: [2000] });
  expect(run(harness([{ status: 503 }, { status: 200 }], `replies.push(await api.get('x'));`))).toEqual({
    replies: [503],
    sent: 1,
    waits: [],
  });
});
