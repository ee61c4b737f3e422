import { parseCli } from '../../local/main';

describe('parseCli', () => {
  it('defaults to 127.0.0.1:7071 on the system clock with the demo', () => {
    expect(parseCli([], {})).toEqual({
      port: 7071,
      host: '127.0.0.1',
      allowRemote: false,
      clock: 'system',
      start: undefined,
      demo: true,
      dataDir: undefined,
      entry: undefined,
      verbose: false,
    });
  });

  it('takes PORT and HOST from the environment, flags first', () => {
    expect(parseCli([], { PORT: '8080', HOST: '::1' })).toMatchObject({ port: 8080, host: '::1' });
    expect(parseCli(['--port', '0'], { PORT: '8080' })).toMatchObject({ port: 0 });
  });

  it('reads the simulated clock, its start and the other flags', () => {
    expect(
      parseCli(['--clock=simulated', '--start=2025-03-03T07:00:00+01:00', '--no-demo', '--data-dir', '/tmp/x', '--allow-remote'], {}),
    ).toMatchObject({
      clock: 'simulated',
      start: new Date('2025-03-03T06:00:00Z'),
      demo: false,
      dataDir: '/tmp/x',
      allowRemote: true,
    });
  });

  it('rejects what it cannot use', () => {
    expect(() => parseCli(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => parseCli(['--clock', 'sundial'], {})).toThrow(/--clock/);
    expect(() => parseCli(['--start', '2025-03-03T06:00:00Z'], {})).toThrow(/simulated/);
    expect(() => parseCli(['--clock=simulated', '--start', 'monday'], {})).toThrow(/ISO/);
    expect(() => parseCli(['--colour'], {})).toThrow(/Unknown option/);
  });

  it('asks for help', () => {
    expect(parseCli(['--help'], {})).toBe('help');
  });
});
