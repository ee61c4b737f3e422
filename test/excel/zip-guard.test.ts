import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { assertZipWithinLimits, ZipRefusedError } from '../../shared/app/excel/zip-guard';

/** A one-entry zip whose headers declare `declaredSize` whatever `content` inflates to. */
function zipOf(name: string, content: Buffer, declaredSize = content.length): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

const LIMITS = { maxTotalBytes: 8 * 1024 * 1024, maxEntries: 100 };

it('lets a real workbook through', async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Blad1').addRow(['Datum', 'Färg']);
  await expect(assertZipWithinLimits(Buffer.from(await wb.xlsx.writeBuffer()), LIMITS)).resolves.toBeUndefined();
});

it('refuses an archive that inflates past the limit, whatever size it declares', async () => {
  const bomb = zipOf('xl/sharedStrings.xml', Buffer.alloc(24 * 1024 * 1024, 0x41), 1000);
  expect(bomb.length).toBeLessThan(64 * 1024);
  await expect(assertZipWithinLimits(bomb, LIMITS)).rejects.toMatchObject({ reason: 'too-large' });
});

it('refuses what is not a zip, and too many entries', async () => {
  await expect(assertZipWithinLimits(Buffer.from('Datum;Tid\n'), LIMITS)).rejects.toBeInstanceOf(ZipRefusedError);
  await expect(assertZipWithinLimits(zipOf('a.xml', Buffer.from('<a/>')), { ...LIMITS, maxEntries: 0 })).rejects.toMatchObject({
    reason: 'too-many-entries',
  });
  await expect(assertZipWithinLimits(zipOf('a.xml', Buffer.from('<a/>')), LIMITS)).resolves.toBeUndefined();
});
