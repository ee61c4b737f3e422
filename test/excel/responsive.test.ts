/**
 * Long work must not stall everyone (issue 13 item 9): while a 40,000-row CSV import runs,
 * other work on the same event loop (what another request, or /api/health, needs) gets its
 * turn. Measured on the event loop itself, not on a wall clock: a setImmediate callback queued
 * right after the import starts — the way an incoming request is served — must run before
 * the import finishes, and many times during it. Before: 0 turns until the import was done.
 */
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { readUpload, type Upload } from '../../shared/app/excel/upload';
import { importUnitReports } from '../../shared/app/excel/unit-report-import';
import { importOrganisation } from '../../shared/app/excel/organisation-import';
import type { GoLive } from '../../shared/domain/golive';
import { makeGoLive } from '../builders';

type ImportServices = { repo: SqliteRepository; clock: { now: () => Date } };

/**
 * Runs one import of `lines` (a CSV upload) against an in-memory store holding one go-live, and
 * counts the turns other work gets meanwhile: a setImmediate chain queued right after the import
 * starts, each turn queueing the next "request" until the import is done.
 */
async function turnsDuringImport<R>(
  lines: string[],
  eol: string,
  runImport: (s: ImportServices, goLiveId: string, upload: Upload) => Promise<R>,
  check: (result: R, repo: SqliteRepository, goLive: GoLive) => Promise<void> | void = () => undefined,
): Promise<{ result: R; turns: number; firstTurnBeforeEnd: boolean | undefined }> {
  const repo = SqliteRepository.open(':memory:');
  try {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const upload = await readUpload(Buffer.from(lines.join(eol), 'utf8'), 'text/csv');
    const s: ImportServices = { repo, clock: { now: () => new Date('2026-12-04T12:00:00Z') } };

    let finished = false;
    let turns = 0;
    let firstTurnBeforeEnd: boolean | undefined;
    const other = () => {
      if (firstTurnBeforeEnd === undefined) firstTurnBeforeEnd = !finished;
      if (!finished) {
        turns++;
        setImmediate(other); // the next "request"
      }
    };
    const run = runImport(s, goLive.id, upload).then((r) => {
      finished = true;
      return r;
    });
    setImmediate(other);
    const result = await run;
    await check(result, repo, goLive);
    return { result, turns, firstTurnBeforeEnd };
  } finally {
    await repo.close();
  }
}

const options = { dryRun: false, mode: 'best-effort' } as const;

it('a 40,000-row import yields to the event loop: other work runs before it finishes', async () => {
  const units = ['avd-12', 'avd-14', 'akuten'];
  const lines = ['Datum;Tid;Enhet;Färg;Förklaring'];
  for (let i = 0; i < 40_000; i++) {
    const clock = `${String(6 + (Math.floor(i / 60) % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push(`2026-11-${27 + (i % 3)};${clock};${units[i % 3]};Gul;Rapport ${i}`);
  }
  const { result, turns, firstTurnBeforeEnd } = await turnsDuringImport(lines, '\r\n', (s, goLiveId, upload) =>
    importUnitReports(s, { goLiveId, upload, options }),
  );
  expect(result.summary).toMatchObject({ rows: 40_000, created: 40_000 });
  expect(firstTurnBeforeEnd).toBe(true);
  expect(turns).toBeGreaterThanOrEqual(40_000 / 500);
  console.log(`event-loop turns for other work during a 40,000-row import: ${turns}`);
}, 120_000);

it('an organisation import of 8,000 people yields too: other work runs many times before it finishes', async () => {
  const lines = ['Namn;E-post;Roller;Enheter'];
  for (let i = 0; i < 8_000; i++) lines.push(`Person ${i};person.${i}@example.org;IM;`);
  const { result, turns, firstTurnBeforeEnd } = await turnsDuringImport(
    lines,
    '\n',
    (s, goLiveId, upload) => importOrganisation(s, { goLiveId, upload, options }),
    async (_, repo, goLive) => {
      expect((await repo.getGoLive(goLive.id))!.value.people.length).toBe(goLive.people.length + 8_000);
    },
  );
  expect(result.summary.people).toMatchObject({ create: 8_000 });
  expect(firstTurnBeforeEnd).toBe(true);
  expect(turns).toBeGreaterThanOrEqual(8_000 / 500);
  console.log(`event-loop turns for other work during an 8,000-person organisation import: ${turns}`);
}, 300_000);
