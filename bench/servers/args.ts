import path from 'node:path';
import { parseArgs } from 'node:util';

/** `--port <n> --data-dir <dir>`, as `node dist/local/main.js` takes them. */
export function serverArgs(): { port: number; dataDir: string } {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  if (!values['data-dir']) throw new Error('--data-dir is required');
  return { port: Number(values.port ?? 0), dataDir: path.resolve(values['data-dir']) };
}

/** `golives/{goLiveId}/units/{unitId}/reports` below `/api`. */
export const UNIT_REPORT_ROUTE = /^\/api\/golives\/([^/]+)\/units\/([^/]+)\/reports$/;

export function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
