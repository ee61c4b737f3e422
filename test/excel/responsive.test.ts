/**
 * Long work must not stall everyone (issue 13 item 9): while a 40,000-row CSV import runs,
 * other work on the same event loop (what another request, or /api/health, needs) gets its
 * turn. Measured on the event loop itself, not on a wall clock: a setImmediate callback queued
 * right after the import starts — the way an incoming request is served — must run before
 * the import finishes, and many times during it. Before: 0 turns until the import was done.
 */
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { readUpload } from '../../shared/app/excel/upload';
import { importUnitReports } from '../../shared/app/excel/unit-report-import';
import { importOrganisation } from '../../shared/app/excel/organisation-import';
import { makeGoLive } from '../builders';

it('a 40,000-row import yields to the event loop: other work runs before it finishes', async () => {
  const repo = SqliteRepository.open(':memory:');
  try {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const units = ['avd-12', 'avd-14', 'akuten'];
    const lines = ['Datum;Tid;Enhet;Färg;Förklaring'];
    for (let i = 0; i < 40_000; i++)
      lines.push(
        `2026-11-${27 + (i % 3)};${String(6 + (Math.floor(i / 60) % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')};${units[i % 3]};Gul;Rapport ${i}`,
      );
    const upload = await readUpload(Buffer.from(lines.join('\r\n'), 'utf8'), 'text/csv');
    const s = { repo, clock: { now: () => new Date('2026-12-04T12:00:00Z') } };

    let finished = false;
    let turnsDuringImport = 0;
    let firstTurnBeforeEnd: boolean | undefined;
    const other = () => {
      if (firstTurnBeforeEnd === undefined) firstTurnBeforeEnd = !finished;
      if (!finished) {
        turnsDuringImport++;
        setImmediate(other); // the next "request"
      }
    };
    const run = importUnitReports(s, { goLiveId: goLive.id, upload, options: { dryRun: false, mode: 'best-effort' } }).then((r) => {
      finished = true;
      return r;
    });
    setImmediate(other);
    const result = await run;
    expect(result.summary).toMatchObject({ rows: 40_000, created: 40_000 });
    expect(firstTurnBeforeEnd).toBe(true);
    expect(turnsDuringImport).toBeGreaterThanOrEqual(40_000 / 500);
    console.log(`event-loop turns for other work during a 40,000-row import: ${turnsDuringImport}`);
  } finally {
    await repo.close();
  }
}, 120_000);

it('an organisation import of 8,000 people yields too: other work runs many times before it finishes', async () => {
  const repo = SqliteRepository.open(':memory:');
  try {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const lines = ['Namn;E-post;Roller;Enheter'];
    for (let i = 0; i < 8_000; i++) lines.push(`Person ${i};person.${i}@example.org;IM;`);
    const upload = await readUpload(Buffer.from(lines.join('\n'), 'utf8'), 'text/csv');
    const s = { repo, clock: { now: () => new Date('2026-12-04T12:00:00Z') } };

    let finished = false;
    let turnsDuringImport = 0;
    let firstTurnBeforeEnd: boolean | undefined;
    const other = () => {
      if (firstTurnBeforeEnd === undefined) firstTurnBeforeEnd = !finished;
      if (!finished) {
        turnsDuringImport++;
        setImmediate(other); // the next "request"
      }
    };
    const run = importOrganisation(s, { goLiveId: goLive.id, upload, options: { dryRun: false, mode: 'best-effort' } }).then((r) => {
      finished = true;
      return r;
    });
    setImmediate(other);
    const result = await run;
    expect(result.summary.people).toMatchObject({ create: 8_000 });
    expect((await repo.getGoLive(goLive.id))!.value.people.length).toBe(goLive.people.length + 8_000);
    expect(firstTurnBeforeEnd).toBe(true);
    expect(turnsDuringImport).toBeGreaterThanOrEqual(8_000 / 500);
    console.log(`event-loop turns for other work during an 8,000-person organisation import: ${turnsDuringImport}`);
  } finally {
    await repo.close();
  }
}, 300_000);
