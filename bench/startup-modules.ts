/*
 * Part 5, in a fresh process: how long loading the compiled function modules takes — what a
 * cold start on Flex Consumption pays before the first invocation — and which modules weigh
 * most. Only Node built-ins are imported above the hook, so every module of the app and its
 * packages loads through it.
 *
 *   node dist/bench/startup-modules.js <plain|hooked> <app|app+telemetry>
 *
 * Prints one JSON line.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

const [mode = 'plain', variant = 'app'] = process.argv.slice(2);
const DIST = path.resolve(__dirname, '..');
const ROOT = path.resolve(DIST, '..');

interface Loader {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  _cache: Record<string, unknown>;
}
const loader = Module as unknown as Loader;

/** Who a file belongs to: its npm package, or the part of the app. */
function owner(file: string): string {
  const i = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (i >= 0) {
    const parts = file.slice(i + 14).split(path.sep);
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (file.startsWith(DIST + path.sep)) {
    const parts = path.relative(DIST, file).split(path.sep);
    return `app: ${parts.slice(0, Math.min(2, parts.length - 1)).join('/')}`;
  }
  return path.relative(ROOT, file);
}

interface Frame {
  start: bigint;
  child: bigint;
  owner: string;
}

const selfNs = new Map<string, bigint>();
const files = new Map<string, number>();
/** Time spent requiring a package from outside it, its own dependencies included. */
const entryNs = new Map<string, bigint>();
const stack: Frame[] = [];
/** Which step first loaded a file of each owner: the shim, telemetry, the app, or the first request. */
const firstPhase = new Map<string, string>();
let phase = 'shim';

if (mode === 'hooked') {
  const original = loader._load;
  loader._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (Module.isBuiltin(request)) return original.call(this, request, parent, isMain);
    let file: string;
    try {
      file = loader._resolveFilename(request, parent, isMain);
    } catch {
      return original.call(this, request, parent, isMain);
    }
    if (loader._cache[file]) return original.call(this, request, parent, isMain);
    const frame: Frame = { start: process.hrtime.bigint(), child: 0n, owner: owner(file) };
    stack.push(frame);
    try {
      return original.call(this, request, parent, isMain);
    } finally {
      stack.pop();
      const incl = process.hrtime.bigint() - frame.start;
      selfNs.set(frame.owner, (selfNs.get(frame.owner) ?? 0n) + incl - frame.child);
      files.set(frame.owner, (files.get(frame.owner) ?? 0) + 1);
      if (!firstPhase.has(frame.owner)) firstPhase.set(frame.owner, phase);
      const parentFrame = stack[stack.length - 1];
      if (parentFrame) parentFrame.child += incl;
      if (!parentFrame || parentFrame.owner !== frame.owner) entryNs.set(frame.owner, (entryNs.get(frame.owner) ?? 0n) + incl);
    }
  };
}

const ms = (ns: bigint) => Number(ns) / 1e6;
const modulesBefore = Object.keys(loader._cache).length;
const t0 = process.hrtime.bigint();
// The worker provides @azure/functions-core before the app loads; so does the local runtime.

const { FunctionRegistry, installCoreShim } = require(path.join(DIST, 'local', 'core-shim')) as typeof import('../local/core-shim');
const registry = new FunctionRegistry({ log: () => undefined });
installCoreShim(registry.coreApi);
const tShim = process.hrtime.bigint();
phase = 'telemetry';
if (variant === 'app+telemetry') {
  // What startTelemetry() requires in Azure (APPLICATIONINSIGHTS_CONNECTION_STRING set); loaded, not started.
  for (const m of [
    '@azure/monitor-opentelemetry',
    '@azure/functions-opentelemetry-instrumentation',
    '@opentelemetry/instrumentation',
    '@opentelemetry/api',
    '@opentelemetry/api-logs',
    '@azure/identity',
  ])
    require(m);
}
const tTelemetry = process.hrtime.bigint();
phase = 'app';
require(path.join(DIST, 'functions', 'index'));
const tApp = process.hrtime.bigint();
phase = 'first request';
// What the first request loads lazily in Azure: the Cosmos adapter (and the SDK) and the identity library.
require(path.join(DIST, 'shared', 'adapters', 'cosmos', 'cosmos.repository'));
require('@azure/identity');
const tFirst = process.hrtime.bigint();

const byOwner = [...selfNs.keys()].map((o) => ({
  owner: o,
  selfMs: ms(selfNs.get(o)!),
  files: files.get(o)!,
  entryMs: ms(entryNs.get(o) ?? 0n),
  phase: firstPhase.get(o) ?? '',
}));
const out = {
  mode,
  variant,
  functions: registry.functions.size,
  shimMs: ms(tShim - t0),
  telemetryMs: ms(tTelemetry - tShim),
  appMs: ms(tApp - tTelemetry),
  totalMs: ms(tApp - t0),
  firstRequestLazyMs: ms(tFirst - tApp),
  modulesLoaded: Object.keys(loader._cache).length - modulesBefore,
  uptimeAtStartMs: process.uptime() * 1000 - ms(process.hrtime.bigint() - t0),
  byOwner: byOwner.sort((a, b) => b.selfMs - a.selfMs),
};
const i = process.argv.indexOf('--out');
if (i >= 0) fs.writeFileSync(process.argv[i + 1]!, JSON.stringify(out));
else console.log(JSON.stringify(out));
process.exit(0);
