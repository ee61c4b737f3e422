import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { makeGoLive, makeUnitReport } from '../builders';

/*
 * The embedded store's state version (issue 17 item 5): shared answers key on it, so it must
 * change with every write that has answered — also one made through another connection —
 * and stay the same while only reads happen.
 */

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-version-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('changes with each answered write, also through another connection, and not with reads', async () => {
  const file = path.join(dir, 'driftpuls.sqlite');
  const here = SqliteRepository.open(file, { synchronous: 'NORMAL' });
  const there = SqliteRepository.open(file, { synchronous: 'NORMAL' });
  try {
    const goLive = makeGoLive();
    const v0 = await here.stateVersion();
    await here.saveGoLive(goLive, null);
    const v1 = await here.stateVersion();
    expect(v1).not.toBe(v0);

    await here.getStatusSnapshot(goLive.id);
    await here.listGoLives();
    expect(await here.stateVersion()).toBe(v1);

    // A unit report waits for its group commit; once answered, the version has moved.
    await here.addUnitReport(makeUnitReport({ goLiveId: goLive.id }));
    const v2 = await here.stateVersion();
    expect(v2).not.toBe(v1);

    await there.addUnitReport(makeUnitReport({ goLiveId: goLive.id, id: 'from-there' }));
    expect(await here.stateVersion()).not.toBe(v2);
  } finally {
    await here.close();
    await there.close();
  }
});
