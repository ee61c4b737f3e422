/**
 * A damaged embedded store is noticed and refuses to serve on (issue 13 item 8): a WAL
 * deleted while open (before: every later write was acknowledged and lost at restart, with
 * no error anywhere), a corrupt page found by the integrity check at start (before: 500s or
 * wrong answers), SQLITE_CORRUPT while running, and a file system gone read-only (injected:
 * remounting needs privileges). Each answers StoreDamagedError (HTTP 503) to every later call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { diskFaults } from '../../shared/adapters/faults/sqlite-faults';
import { StoreDamagedError } from '../../shared/ports/repository.port';
import { makeGoLive, makeUnitReport } from '../builders';

const tmpFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-damage-')), 'driftpuls.sqlite');

it('FULL is the default: every commit is synced', () => {
  const repo = SqliteRepository.open(tmpFile());
  // The pragma as the connection holds it: 2 = FULL.
  expect((repo as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
  void repo.close();
});

it('a WAL deleted while open: the next call is refused, and nothing more is acknowledged', async () => {
  const file = tmpFile();
  const repo = SqliteRepository.open(file);
  const g = makeGoLive();
  await repo.saveGoLive(g, null);
  expect(fs.existsSync(`${file}-wal`)).toBe(true);
  fs.unlinkSync(`${file}-wal`);
  await expect(repo.addUnitReport(makeUnitReport({ goLiveId: g.id }))).rejects.toThrow(StoreDamagedError);
  await expect(repo.getGoLive(g.id)).rejects.toThrow(/WAL file .* was deleted while open/);
  await repo.close();
});

it('checks the files once per synchronous run of calls, and again before the next (issue 17, fourth round)', async () => {
  const file = tmpFile();
  const repo = SqliteRepository.open(file);
  const g = makeGoLive();
  await repo.saveGoLive(g, null);
  await new Promise((r) => setImmediate(r));
  const stat = jest.spyOn(fs, 'statSync');
  try {
    // Ten calls in one run, as a store-thread batch runs them: one check (the database and its WAL).
    const reads = Array.from({ length: 10 }, () => repo.getGoLive(g.id));
    expect(stat).toHaveBeenCalledTimes(2);
    await Promise.all(reads);
    // The next run checks again, so a WAL deleted in between is still caught before the call.
    fs.unlinkSync(`${file}-wal`);
    await expect(repo.getGoLive(g.id)).rejects.toThrow(/WAL file .* was deleted while open/);
    expect(stat).toHaveBeenCalledTimes(4);
  } finally {
    stat.mockRestore();
    await repo.close();
  }
});

it('a database file replaced while open is refused too', async () => {
  const file = tmpFile();
  const repo = SqliteRepository.open(file);
  await repo.saveGoLive(makeGoLive(), null);
  fs.renameSync(file, `${file}.old`);
  fs.copyFileSync(`${file}.old`, file);
  await expect(repo.listGoLives()).rejects.toThrow(/database file .* was replaced while open/);
  await repo.close();
});

it('a corrupt page is found by the integrity check at start: every call is refused', async () => {
  const file = tmpFile();
  const repo = SqliteRepository.open(file);
  const g = makeGoLive();
  await repo.saveGoLive(g, null);
  await repo.addUnitReports(
    Array.from({ length: 400 }, (_, i) => makeUnitReport({ goLiveId: g.id, explanation: `Rapport nummer ${i} `.repeat(8) })),
  );
  await repo.close(); // checkpoints the WAL into the file
  const pageSize = 4096;
  const pages = fs.statSync(file).size / pageSize;
  expect(pages).toBeGreaterThan(10);
  // One page in the middle of the file overwritten, as a torn or bit-rotted write leaves it.
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, Math.floor(pages / 2) * pageSize);
  fs.closeSync(fd);
  const reopened = SqliteRepository.open(file);
  await expect(reopened.getGoLive(g.id)).rejects.toThrow(StoreDamagedError);
  await expect(reopened.listUnitReportsByGoLive(g.id)).rejects.toThrow(/integrity check at start failed/);
  await reopened.close();
});

it('a file that is not a database at all opens as damaged, not as a crash', async () => {
  const file = tmpFile();
  fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
  const repo = SqliteRepository.open(file);
  await expect(repo.listGoLives()).rejects.toThrow(StoreDamagedError);
  await repo.close();
});

it('SQLITE_CORRUPT while running and a file system gone read-only latch the damage (injected)', async () => {
  for (const fault of ['corruptPage', 'readOnly'] as const) {
    const disk = diskFaults();
    const repo = SqliteRepository.open(tmpFile(), { faults: disk.hook });
    const g = makeGoLive();
    await repo.saveGoLive(g, null);
    disk.set(fault);
    await expect(repo.addUnitReport(makeUnitReport({ goLiveId: g.id }))).rejects.toThrow(StoreDamagedError);
    disk.set(undefined);
    // Latched: a read that would now succeed is refused all the same, until repaired and restarted.
    await expect(repo.getGoLive(g.id)).rejects.toThrow(StoreDamagedError);
    expect(disk.hits()).toBe(1);
    await repo.close();
  }
});
