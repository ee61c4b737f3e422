import fs from 'node:fs';
import inspector from 'node:inspector';

/*
 * Preloaded (`--require`) into a runtime by bench/survivors.ts. Each SIGUSR2 ends the current
 * phase and starts the next; a phase's profile is V8's sampling heap profile, written to
 * `$DRIFTPULS_HEAP_SAMPLE_DIR/<phase>.heapprofile` (the format Chrome's DevTools open):
 *   1st signal: start "allocated" — every sampled allocation, collected or not;
 *   2nd signal: write it, start "survived" — only samples that no scavenge collected;
 *   3rd signal: one scavenge (so what died since the last is dropped), write it, stop.
 * A file `<phase>.done` tells the driver the profile is complete.
 */
const dir = process.env.DRIFTPULS_HEAP_SAMPLE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  const phases = ['allocated', 'survived'] as const;
  let phase = -1;
  const write = async (name: string): Promise<void> => {
    const { profile } = (await post('HeapProfiler.getSamplingProfile')) as { profile: unknown };
    await post('HeapProfiler.stopSampling');
    fs.writeFileSync(`${dir}/${name}.heapprofile`, JSON.stringify(profile));
    fs.writeFileSync(`${dir}/${name}.done`, '');
  };
  const gc = (globalThis as { gc?: (o: object) => void }).gc;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (phase >= 0) {
        if (phases[phase] === 'survived') gc?.({ type: 'minor', execution: 'sync' });
        await write(phases[phase]!);
      }
      phase += 1;
      if (phase < phases.length)
        await post('HeapProfiler.startSampling', {
          samplingInterval: 2048,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: phases[phase] === 'allocated',
        });
    })();
  });
}
