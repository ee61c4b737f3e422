/**
 * What ships and what it needs (issue 18, item 12): the deployment package leaves the
 * deployer's node_modules behind, every package the app loads is declared (not merely hoisted
 * from another package's dependencies), local.settings.json.sample names every setting the
 * Functions host resolves, and TEAMS_APP_ID is the org-catalog id wherever it is described.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { percentSettings } from './bicep';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

describe('the deployment package', () => {
  it('.funcignore leaves out node_modules and dist (the remote build installs and builds on the server)', () => {
    const lines = read('.funcignore')
      .split('\n')
      .map((l) => l.trim());
    expect(lines).toContain('node_modules');
    expect(lines).toContain('dist');
    expect(read('azure.yaml')).toMatch(/^\s+remoteBuild: true$/m);
    // What the app reads at run time stays in.
    for (const needed of ['web', 'host.json', 'package.json', 'package-lock.json', 'shared', 'functions'])
      expect(lines).not.toContain(needed);
  });

  it('declares every package the app code loads, in dependencies', () => {
    const builtins = new Set(builtinModules);
    const used = new Set<string>();
    for (const file of ['functions', 'shared', 'orchestrations', 'local'].flatMap(sources)) {
      const text = read(file);
      for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'([^'.][^']*)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || builtins.has(spec.split('/')[0]!)) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(used).toContain('@opentelemetry/instrumentation');
    expect(used).toContain('@opentelemetry/api-logs');
    const undeclared = [...used].filter((p) => !(p in pkg.dependencies) && p !== '@azure/functions-core').sort();
    expect(undeclared).toEqual([]);
  });
});

describe('local.settings.json.sample', () => {
  it('names every %SETTING% that host.json and the triggers resolve', () => {
    const sample = JSON.parse(read('local.settings.json.sample')) as { Values: Record<string, string> };
    const referenced = new Set([read('host.json'), ...['functions', 'orchestrations'].flatMap(sources).map(read)].flatMap(percentSettings));
    expect([...referenced].sort()).toEqual(
      expect.arrayContaining(['DURABLE_TASK_HUB', 'HEARTBEAT_SCHEDULE', 'NOTIFY_SCHEDULE', 'SCHEDULE_TICK']),
    );
    expect([...referenced].filter((s) => !(s in sample.Values))).toEqual([]);
  });
});

describe('TEAMS_APP_ID', () => {
  it('is described as the org-catalog id (not the manifest id) wherever it is described', () => {
    expect(read('infra/main.bicep')).toMatch(/@description\('Org-catalog id of the Driftpuls Teams app[^\n]*\)\nparam teamsAppId string/);
    expect(read('shared/config.ts')).toMatch(/\/\*\* The Teams app's org-catalog id[^\n]*\*\/\n\s*TEAMS_APP_ID:/);
    for (const doc of ['docs/deploy.md', 'docs/notifications.md']) expect(read(doc)).toMatch(/^\| `TEAMS_APP_ID` \|[^\n]*org-catalog id/m);
  });
});
