import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/*
 * An XLSX file is a zip archive, and a small zip can inflate to gigabytes (a "zip bomb").
 * Before the workbook reader sees an upload, every entry is inflated once into nothing,
 * counting bytes, and the archive is refused past a limit. Sizes the archive declares are
 * not trusted: the count is of what actually comes out.
 */

export interface ZipLimits {
  /** Total inflated size of all entries. */
  maxTotalBytes: number;
  maxEntries: number;
}

export class ZipRefusedError extends Error {
  constructor(
    readonly reason: 'not-zip' | 'too-large' | 'too-many-entries' | 'corrupt' | 'encrypted',
    message: string,
  ) {
    super(message);
    this.name = 'ZipRefusedError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localOffset: number;
}

function centralDirectory(buf: Buffer, limits: ZipLimits): Entry[] {
  // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipRefusedError('not-zip', 'no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  const offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipRefusedError('too-large', 'zip64 archives are not accepted');
  if (count > limits.maxEntries) throw new ZipRefusedError('too-many-entries', `${count} entries`);
  const entries: Entry[] = [];
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipRefusedError('corrupt', 'bad central directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, method, flags, compressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates `data` into nothing, stopping as soon as more than `budget` bytes came out; answers the count. */
function inflatedSize(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let size = 0;
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      f();
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) {
        inflate.destroy();
        finish(() => resolve(size));
      }
    });
    inflate.on('end', () => finish(() => resolve(size)));
    inflate.on('error', () => finish(() => reject(new ZipRefusedError('corrupt', 'an entry does not inflate'))));
    inflate.end(data);
  });
}

/** Throws `ZipRefusedError` unless `buf` is a zip whose entries inflate to at most the limits. */
export async function assertZipWithinLimits(buf: Buffer, limits: ZipLimits): Promise<void> {
  const entries = centralDirectory(buf, limits);
  let total = 0;
  for (const e of entries) {
    if (e.flags & 1) throw new ZipRefusedError('encrypted', `${e.name} is encrypted`);
    const p = e.localOffset;
    if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new ZipRefusedError('corrupt', `bad local header for ${e.name}`);
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    const budget = limits.maxTotalBytes - total;
    if (e.method === 0) total += data.length;
    else if (e.method === 8) total += await inflatedSize(data, budget);
    else throw new ZipRefusedError('corrupt', `${e.name}: compression method ${e.method}`);
    if (total > limits.maxTotalBytes) throw new ZipRefusedError('too-large', `inflates to more than ${limits.maxTotalBytes} bytes`);
  }
}

/** One stored part of an archive that passed `assertZipWithinLimits`: its name and its bytes as stored. */
export interface ZipPart {
  name: string;
  /** Inflates (or, stored uncompressed, passes on) the part's bytes. */
  open(): Readable;
}

/**
 * The parts of an archive, in archive order, read from its central directory (so each can be
 * opened when and in what order the reader needs it). Call after `assertZipWithinLimits`.
 */
export function zipParts(buf: Buffer, limits: ZipLimits): ZipPart[] {
  return centralDirectory(buf, limits).map((e) => {
    const p = e.localOffset;
    if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new ZipRefusedError('corrupt', `bad local header for ${e.name}`);
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    return {
      name: e.name,
      open: () => {
        if (e.method === 0) return Readable.from([data]);
        const inflate = createInflateRaw();
        inflate.end(data);
        return inflate;
      },
    };
  });
}
