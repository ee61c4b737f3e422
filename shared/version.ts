import fs from 'node:fs';
import path from 'node:path';

/** The app's version from package.json, found upwards from here (works from sources and from dist/). */
function readVersion(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'driftpuls' && pkg.version) return pkg.version;
    }
  }
  return '0.0.0';
}

export const APP_VERSION = readVersion();
