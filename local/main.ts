import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopbackHost, RemoteBindRefusedError } from './http-host';
import type { LocalRuntime } from './runtime';
import { FIFO_ADMISSION } from './admission';
import { RequestPhases } from './request-phases';
import { findAppRoot, startLocalRuntime } from './runtime';

/*
 * `npm start`: the local runtime from the command line. Everything real happens in
 * runtime.ts; this file turns arguments and signals into calls.
 */

const USAGE = `Användning: node dist/local/main.js [flaggor]
  --port <n>           port (standard 7071 eller PORT; 0 = valfri ledig port)
  --host <adress>      adress att lyssna på (standard 127.0.0.1 eller HOST)
  --allow-remote       tillåt en adress som nås från andra datorer (kräver MACHINE_KEYS eller AUTH_MODE=appservice)
  --clock <läge>       system (standard) eller simulated
  --start <ISO-tid>    simulerad klockas starttid, t.ex. 2025-03-02T06:00:00+01:00
  --no-demo            lägg inte in demodata i en tom lagring
  --data-dir <mapp>    mapp för den inbäddade lagringen (DRIFTPULS_DATA_DIR)
  --entry <modul>      appens ingång (standard: dist/functions/index.js)
  --verbose            en rad per anrop
  --help`;

class UsageError extends Error {}

interface CliOptions {
  port: number;
  host: string;
  allowRemote: boolean;
  clock: 'system' | 'simulated';
  start?: Date;
  demo: boolean;
  dataDir?: string;
  entry?: string;
  verbose: boolean;
}

export function parseCli(argv: string[], env: Record<string, string | undefined> = process.env): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      clock: { type: 'string' },
      start: { type: 'string' },
      'no-demo': { type: 'boolean' },
      'data-dir': { type: 'string' },
      entry: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';

  const portText = values.port ?? env.PORT ?? '7071';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port måste vara ett heltal 0–65535, inte "${portText}".`);

  const clock = values.clock ?? 'system';
  if (clock !== 'system' && clock !== 'simulated') throw new UsageError(`--clock måste vara system eller simulated, inte "${clock}".`);

  let start: Date | undefined;
  if (values.start !== undefined) {
    if (clock !== 'simulated') throw new UsageError('--start gäller bara med --clock=simulated.');
    start = new Date(values.start);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.start) || Number.isNaN(start.getTime()))
      throw new UsageError(`--start måste vara en ISO-tid, inte "${values.start}".`);
  }

  return {
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    allowRemote: values['allow-remote'] ?? false,
    clock,
    start,
    demo: !values['no-demo'],
    dataDir: values['data-dir'],
    entry: values.entry,
    verbose: values.verbose ?? false,
  };
}

/** As `func start` does: `Values` of local.settings.json become environment variables, never overriding real ones. */
function loadLocalSettings(appRoot: string | undefined): string | undefined {
  if (!appRoot) return undefined;
  const file = path.join(appRoot, 'local.settings.json');
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  for (const [k, v] of Object.entries(parsed.Values ?? {})) {
    if (process.env[k] === undefined && v !== null && v !== undefined) process.env[k] = String(v);
  }
  return file;
}

/** Resolves to an exit code when start-up fails or help was asked for; undefined while serving. */
async function main(): Promise<number | undefined> {
  let cli: CliOptions | 'help';
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    console.error(USAGE);
    return 2;
  }
  if (cli === 'help') {
    console.log(USAGE);
    return 0;
  }

  const appRoot = findAppRoot();
  const settingsFile = loadLocalSettings(appRoot);

  // Diagnostic (issue 17 item 5): each request's phases and the event loop's delay, written at exit.
  const phasesFile = process.env.DRIFTPULS_PHASES_FILE;
  const phases = phasesFile ? new RequestPhases() : undefined;
  if (phases) phases.instrumentStore((await import('../shared/adapters/embedded/sqlite.repository')).SqliteRepository);

  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      port: cli.port,
      host: cli.host,
      allowRemote: cli.allowRemote,
      clock: cli.clock,
      start: cli.start,
      demo: cli.demo,
      dataDir: cli.dataDir,
      appEntry: cli.entry ? path.resolve(cli.entry) : undefined,
      appRoot,
      accessLog: cli.verbose,
      ...(phases ? { phases } : {}),
      ...(process.env.DRIFTPULS_ADMISSION === 'fifo' ? { admission: FIFO_ADMISSION } : {}),
    });
  } catch (e) {
    if (e instanceof RemoteBindRefusedError) {
      console.error(e.message);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Porten ${cli.port} på ${cli.host} används redan. Välj en annan med --port (0 = valfri ledig).`);
      return 1;
    }
    console.error('Den lokala körningen kunde inte starta:', e);
    return 1;
  }

  if (settingsFile) console.log(`Inställningar från ${settingsFile}`);
  // One write, so a reader of stdout sees the listing together with the URL line.
  console.log(runtime.describe().join('\n'));
  if (cli.allowRemote && !(await isLoopbackHost(cli.host))) {
    console.warn(
      `VARNING: ${cli.host} nås från andra datorer. Värdens gränssnitt (Durable-API, klockan) kräver där en maskinnyckel med omfånget host.`,
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} igen: avslutar direkt.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stänger (pågående anrop får avslutas)…`);
    runtime.close().then(
      () => {
        if (phases && phasesFile) phases.writeTo(phasesFile);
        process.exit(0);
      },
      (e: unknown) => {
        console.error('Fel vid stängning:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}

if (require.main === module) {
  void main().then((code) => {
    // Exit outright: a half-started app may hold handles (a store, a library's proxy server).
    if (code !== undefined) process.exit(code);
  });
}
