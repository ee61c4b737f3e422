import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { makeChallenge, makeGoLive, makeUnitReport, minutesAfter } from '../builders';
import { StoreUnavailableError } from '../../shared/ports/repository.port';
import { repositoryContract } from './repository.contract';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-sqlite-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

repositoryContract('SQLite', async () => {
  // A folder that does not exist yet: open() must create it.
  const file = path.join(tempDir(), 'nested', 'driftpuls.sqlite');
  const repo = SqliteRepository.open(file, { synchronous: 'NORMAL' });
  const others: SqliteRepository[] = [];
  return {
    repo,
    // A second connection to the same file, as a second process would open it.
    another: async () => {
      const r = SqliteRepository.open(file, { synchronous: 'NORMAL' });
      others.push(r);
      return r;
    },
    teardown: async () => {
      for (const r of others) await r.close();
      await repo.close();
    },
  };
});

describe('the status snapshot kept parsed by etag (issue 17)', () => {
  it("parses only what changed since the last snapshot, sees another connection's writes, and drops what left", async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    const here = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    const there = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    try {
      const goLive = makeGoLive();
      await here.saveGoLive(goLive, null);
      const at = '2026-11-27T09:00:00.000Z';
      await here.addUnitReport(makeUnitReport({ goLiveId: goLive.id, unitId: 'avd-12', colour: 'green', reportedAt: at }));
      await here.addUnitReport(makeUnitReport({ goLiveId: goLive.id, unitId: 'akuten', forvaltningId: 'medicin', reportedAt: at }));
      const open = makeChallenge({ goLiveId: goLive.id });
      await here.createChallenge(open);

      const byUnit = (snap: Awaited<ReturnType<typeof here.getStatusSnapshot>>) => new Map(snap!.unitStatuses.map((u) => [u.unitId, u]));
      const first = (await here.getStatusSnapshot(goLive.id))!;
      const second = (await here.getStatusSnapshot(goLive.id))!;
      // Unchanged documents: the very objects parsed the first time, frozen (shared by every reader).
      expect(byUnit(second).get('avd-12')).toBe(byUnit(first).get('avd-12'));
      expect(byUnit(second).get('akuten')).toBe(byUnit(first).get('akuten'));
      expect(second.openChallenges[0]).toBe(first.openChallenges[0]);
      expect(Object.isFrozen(second.unitStatuses[0])).toBe(true);

      // A newer report through another connection (as another process would write it) is seen at once.
      await there.addUnitReport(makeUnitReport({ goLiveId: goLive.id, unitId: 'avd-12', colour: 'red', reportedAt: minutesAfter(at, 5) }));
      const stored = await here.getChallenge(goLive.id, open.id);
      await there.replaceChallenge({ ...open, state: 'resolved', endedAt: minutesAfter(at, 6) }, stored!.etag);
      const third = (await here.getStatusSnapshot(goLive.id))!;
      expect(byUnit(third).get('avd-12')?.colour).toBe('red');
      expect(byUnit(third).get('avd-12')).not.toBe(byUnit(first).get('avd-12'));
      expect(byUnit(third).get('akuten')).toBe(byUnit(first).get('akuten'));
      expect(third.openChallenges).toEqual([]);
      // The same as a connection that has kept nothing reads it.
      const fresh = SqliteRepository.open(file, { synchronous: 'NORMAL' });
      try {
        expect(third).toEqual(await fresh.getStatusSnapshot(goLive.id));
      } finally {
        await fresh.close();
      }
    } finally {
      await there.close();
      await here.close();
    }
  });
});

describe('group commit of unit reports (issue 17)', () => {
  it('writes reports sent together in one transaction, answering each only once it is committed', async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    const calls: string[] = [];
    const repo = SqliteRepository.open(file, { synchronous: 'FULL', faults: (operation) => void calls.push(operation) });
    const reader = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    try {
      const g = makeGoLive();
      await repo.saveGoLive(g, null);
      calls.length = 0;
      const reports = Array.from({ length: 50 }, (_, i) =>
        makeUnitReport({ goLiveId: g.id, explanation: `rapport ${i}`, reportedAt: minutesAfter('2026-11-27T09:00:00.000Z', i) }),
      );
      const answers = reports.map((r) =>
        repo.addUnitReport(r).then(async (answer) => {
          // Acknowledged means committed: another connection sees the report the moment it is answered.
          expect((await reader.listUnitReports(g.id, r.unitId, 100)).map((x) => x.id)).toContain(r.id);
          return answer;
        }),
      );
      expect((await Promise.all(answers)).every((a) => a.created)).toBe(true);
      // One transaction (one commit, one sync) for the fifty, where one each took fifty.
      expect(calls).toEqual(['addUnitReport']);
      expect((await reader.getStatusSnapshot(g.id))?.unitStatuses[0]?.reportId).toBe(reports[49]!.id);
    } finally {
      await reader.close();
      await repo.close();
    }
  });

  it('a report that cannot be stored fails alone; a SQLite failure fails the whole group, storing none of it', async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    let fail = false;
    const repo = SqliteRepository.open(file, {
      synchronous: 'NORMAL',
      faults: () => {
        if (fail) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
    });
    try {
      const g = makeGoLive();
      await repo.saveGoLive(g, null);
      const good = [makeUnitReport({ goLiveId: g.id }), makeUnitReport({ goLiveId: g.id })];
      const bad = { ...makeUnitReport({ goLiveId: g.id }), explanation: 10n } as never; // JSON cannot hold a BigInt
      const results = await Promise.allSettled([repo.addUnitReport(good[0]!), repo.addUnitReport(bad), repo.addUnitReport(good[1]!)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await repo.listUnitReports(g.id, 'avd-12', 10)).map((r) => r.id).sort()).toEqual(good.map((r) => r.id).sort());

      fail = true;
      const refused = await Promise.allSettled([
        repo.addUnitReport(makeUnitReport({ goLiveId: g.id })),
        repo.addUnitReport(makeUnitReport({ goLiveId: g.id })),
      ]);
      expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      fail = false;
      expect(await repo.listUnitReports(g.id, 'avd-12', 10)).toHaveLength(2);
    } finally {
      await repo.close();
    }
  });

  it('close() commits and answers reports still waiting for their group', async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    const repo = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    const g = makeGoLive();
    await repo.saveGoLive(g, null);
    const r = makeUnitReport({ goLiveId: g.id });
    const answer = repo.addUnitReport(r);
    await repo.close();
    expect(await answer).toEqual({ value: r, created: true });
    const again = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    expect((await again.listUnitReports(g.id, r.unitId, 10)).map((x) => x.id)).toEqual([r.id]);
    await again.close();
  });
});

describe('SQLite durability', () => {
  it('reopens a cleanly closed file with everything in it', async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    const goLive = makeGoLive();
    const report = makeUnitReport({ goLiveId: goLive.id });
    const first = SqliteRepository.open(file, { synchronous: 'FULL' });
    const saved = await first.saveGoLive(goLive, null);
    await first.addUnitReport(report);
    await first.putMarker({ name: 'timer', at: report.reportedAt });
    await first.close();

    const again = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    try {
      expect(await again.getGoLive(goLive.id)).toEqual({ value: goLive, etag: saved.etag });
      expect(await again.listUnitReports(goLive.id, report.unitId, 10)).toEqual([report]);
      expect((await again.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => s.reportId)).toEqual([report.id]);
      expect(await again.getMarker('timer')).toEqual({ name: 'timer', at: report.reportedAt });
    } finally {
      await again.close();
    }
  });

  it('keeps every acknowledged report when the process is killed with SIGKILL mid-stream', async () => {
    // The child runs the compiled adapter (`npm run build`): SWC's jest transform is not available to a plain node process.
    const source = path.resolve(__dirname, '../../shared/adapters/embedded/sqlite.repository.ts');
    const compiled = path.resolve(__dirname, '../../dist/shared/adapters/embedded/sqlite.repository.js');
    if (!fs.existsSync(compiled))
      throw new Error(`${compiled} is missing: run \`npm run build\` (tsc -p tsconfig.build.json) before this test`);
    if (fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs)
      throw new Error(`${compiled} is older than its source: run \`npm run build\` before this test`);

    const file = path.join(tempDir(), 'crash.sqlite');
    const goLive = makeGoLive({ id: 'crash-test' });
    const setup = SqliteRepository.open(file);
    await setup.saveGoLive(goLive, null);
    await setup.close();
    const template = makeUnitReport({ goLiveId: goLive.id });
    const child = spawn(
      process.execPath,
      [
        '-e',
        `
        const { SqliteRepository } = require(process.env.ADAPTER);
        const repo = SqliteRepository.open(process.env.DB_FILE, { synchronous: 'NORMAL' });
        const template = JSON.parse(process.env.TEMPLATE);
        (async () => {
          for (let i = 0; ; i++) {
            const id = 'k-' + String(i).padStart(7, '0');
            const reportedAt = new Date(Date.parse(template.reportedAt) + i * 1000).toISOString();
            await repo.addUnitReport({ ...template, id, reportedAt });
            process.stdout.write(id + '\\n');
          }
        })();
        `,
      ],
      { env: { ...process.env, ADAPTER: compiled, DB_FILE: file, TEMPLATE: JSON.stringify(template) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );

    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited before it was killed: ${err}`)));
    });
    expect(await exited).toBe('SIGKILL');

    // Only whole lines count: a line is printed after its write returned.
    const acknowledged = out.split('\n').slice(0, -1);
    expect(acknowledged.length).toBeGreaterThanOrEqual(500);

    const repo = SqliteRepository.open(file, { synchronous: 'NORMAL' });
    try {
      const stored = await repo.listUnitReports('crash-test', template.unitId, 1_000_000);
      const storedIds = new Set(stored.map((r) => r.id));
      expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
      // Report and status commit together, so the status names the newest report that survived.
      const snapshot = await repo.getStatusSnapshot(goLive.id);
      expect(snapshot?.unitStatuses.map((s) => s.reportId)).toEqual([stored[0]?.id]);
    } finally {
      await repo.close();
    }
  });
});
