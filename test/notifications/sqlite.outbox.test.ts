import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteOutbox } from '../../shared/adapters/outbox/sqlite.outbox';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { makeGoLive } from '../builders';
import { makeOutboxNotification, outboxContract } from './outbox.contract';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-outbox-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

outboxContract('SQLite', async () => {
  const outbox = SqliteOutbox.open(path.join(tempDir(), 'nested', 'driftpuls.sqlite'));
  return { outbox, teardown: () => outbox.close() };
});

describe('SQLite outbox beside the repository', () => {
  it('shares the store file with the repository, and both keep their data across reopening', async () => {
    const file = path.join(tempDir(), 'driftpuls.sqlite');
    const repo = SqliteRepository.open(file);
    const outbox = SqliteOutbox.open(file);
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const n = makeOutboxNotification({ goLiveId: goLive.id });
    await outbox.add(n);
    await outbox.close();
    await repo.close();

    const again = SqliteOutbox.open(file);
    const repoAgain = SqliteRepository.open(file);
    try {
      expect((await again.get(goLive.id, n.id))?.value).toEqual(n);
      expect((await repoAgain.getGoLive(goLive.id))?.value).toEqual(goLive);
    } finally {
      await again.close();
      await repoAgain.close();
    }
  });
});
