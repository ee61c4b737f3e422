import { spawnSync } from 'node:child_process';

/*
 * Issue 17, fourth round: do values held in a WeakMap survive V8's scavenges after their keys
 * have died? The library's HttpRequest and InvocationContext keep their private fields in
 * module-level WeakMaps, and the runtime's request objects are those values. This makes short-lived
 * objects (25 alive at a time, as at 25 connections) for 3 s, held either as a property of their key or as
 * the key's value in an old WeakMap, in a child with `--trace-gc-nvp`, and sums what its scavenges
 * say survived and was promoted.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/weakmap-scavenge.js
 */

function child(useWeakMap: boolean): void {
  const wm = new WeakMap<object, unknown>();
  // Age the WeakMap into the old generation, as a module-level one is.
  for (let i = 0; i < 5; i++) Array.from({ length: 200_000 }, (_, j) => ({ j }));
  const live: object[] = [];
  const t0 = Date.now();
  let n = 0;
  const tick = (): void => {
    for (let i = 0; i < 200; i++) {
      const key: { id: number; v?: unknown } = { id: n++ };
      const value = { parts: Array.from({ length: 50 }, (_, k) => ({ k })), s: `x${n}` };
      if (useWeakMap) wm.set(key, value);
      else key.v = value;
      live.push(key);
      if (live.length > 25) live.shift();
    }
    if (Date.now() - t0 < 3000) setImmediate(tick);
  };
  tick();
}

if (process.argv[2] === 'child') child(process.argv[3] === 'weakmap');
else {
  for (const mode of ['property', 'weakmap']) {
    const r = spawnSync(process.execPath, ['--trace-gc-nvp', '--max-semi-space-size=32', __filename, 'child', mode], { encoding: 'utf8' });
    let allocated = 0;
    let survived = 0;
    let promoted = 0;
    let scavenges = 0;
    for (const line of r.stdout.split('\n')) {
      if (!/\bgc=s\b/.test(line)) continue;
      scavenges++;
      const field = (k: string) => Number(new RegExp(`\\b${k}=(\\d+)`).exec(line)?.[1] ?? 0);
      allocated += field('allocated');
      survived += field('new_space_survived');
      promoted += field('promoted');
    }
    const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
    console.log(
      `${mode.padEnd(8)} scavenges ${scavenges}, allocated ${mb(allocated)}, survived a scavenge ${mb(survived)} ` +
        `(${((survived / allocated) * 100).toFixed(1)} %), promoted ${mb(promoted)}`,
    );
  }
}
