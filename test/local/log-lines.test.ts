import { consoleLogSink } from '../../local/core-shim';
import { flushLines, printLine } from '../../local/log-lines';

/*
 * Issue 17 item 2: the host's per-request log lines are written to stdout once per turn of the
 * event loop, in order, instead of one console.log (and one write) each.
 */

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('log lines', () => {
  let writes: string[];
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    flushLines();
    writes = [];
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(`out:${String(chunk)}`);
      return true;
    });
    stderr = jest.spyOn(console, 'error').mockImplementation((line: string) => {
      writes.push(`err:${line}\n`);
    });
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  it('gathers the lines of one turn into one write, in order', async () => {
    printLine('ett');
    printLine('två');
    printLine('tre');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['out:ett\ntvå\ntre\n']);
    printLine('fyra');
    await nextTurn();
    expect(writes).toEqual(['out:ett\ntvå\ntre\n', 'out:fyra\n']);
  });

  it('the console sink: information is gathered; a warning first writes what came before it', async () => {
    const sink = consoleLogSink();
    sink({ level: 'information', category: 'user', message: 'a', functionName: 'f' });
    sink({ level: 'information', category: 'user', message: 'b', functionName: 'f' });
    sink({ level: 'debug', category: 'user', message: 'hidden', functionName: 'f' });
    sink({ level: 'warning', category: 'user', message: 'c', functionName: 'f' });
    sink({ level: 'information', category: 'user', message: 'd' });
    await nextTurn();
    expect(writes.map((w) => w.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z /g, ''))).toEqual([
      'out:information [f] a\ninformation [f] b\n',
      'err:warning     [f] c\n',
      'out:information d\n',
    ]);
  });
});
