import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FunctionRegistry } from '../../local/core-shim';
import type * as Runtime from '../../local/runtime';

/**
 * The whole app in-process on a simulated clock, as test/http/harness.ts starts it, but in
 * the test file's own module registry instead of an isolated one. exceljs's XLSX writer
 * (archiver → readable-stream) requires a module lazily on first use; from an isolated
 * registry that require lands in the outer registry, readable-stream's `instanceof` checks
 * fail and the write dies with "Cannot read properties of undefined (reading 'objectMode')".
 * Every test file has a registry of its own, so this starts at most one app per file.
 */
export async function startExcelApi(opts: { start: string }): Promise<{ url: string; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-excel-'));
  const registry = new FunctionRegistry({ log: () => undefined });
  jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true });
  require('../../functions/index');
  const runtime = require('../../local/runtime') as typeof Runtime;
  const rt = await runtime.startLocalRuntime({ port: 0, clock: 'simulated', start: new Date(opts.start), demo: false, dataDir, registry });
  return {
    url: rt.url,
    close: async () => {
      await rt.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
