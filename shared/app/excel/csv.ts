/*
 * CSV as RFC 4180 describes it, read the way spreadsheets write it: `;` (Swedish Excel) or
 * `,` or tab between fields, CRLF, LF or CR between records, quoted fields with `""` for a
 * quote and line breaks inside, UTF-8 with or without a byte-order mark, and Windows-1252
 * for "CSV (semikolonavgränsad)" files saved by older Excel.
 */

export type CsvDelimiter = ';' | ',' | '\t';

export class CsvSyntaxError extends Error {
  constructor(
    /** 1-based record (spreadsheet row) where the problem starts. */
    readonly record: number,
    readonly texts: { sv: string; en: string },
  ) {
    super(texts.en);
    this.name = 'CsvSyntaxError';
  }
}

const BOM = '\uFEFF';

/** Bytes to text: UTF-8 (a BOM is dropped), else Windows-1252, which Excel's plain "CSV" uses. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/**
 * The delimiter of a CSV text: Excel's `sep=;` first line if present, else the one of
 * `;`, `,` and tab that occurs most often outside quotes in the first record (ties: `;`).
 */
export function detectDelimiter(text: string): { delimiter: CsvDelimiter; skipFirstLine: boolean } {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const sep = /^sep=([;,\t])\s*(\r\n|\n|\r|$)/i.exec(body);
  if (sep) return { delimiter: sep[1] as CsvDelimiter, skipFirstLine: true };
  const counts: Record<CsvDelimiter, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < body.length && i < 64 * 1024; i++) {
    const ch = body[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.keys(counts) as CsvDelimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ';');
  return { delimiter: best, skipFirstLine: false };
}

/**
 * The records of a CSV text, each as its fields and 1-based record number (the row number
 * a spreadsheet shows when it opens the file). Lenient where spreadsheets are: a quote inside an
 * unquoted field is a character; text after a closing quote is kept. A quoted field still
 * open at the end of the text is an error naming the record it started in.
 */
export function* parseCsv(
  text: string,
  delimiter: CsvDelimiter,
  opts: { skipFirstLine?: boolean } = {},
): Generator<{ record: number; fields: string[] }> {
  let i = text.startsWith(BOM) ? 1 : 0;
  const n = text.length;
  let record = 1;
  if (opts.skipFirstLine) {
    while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    i++;
  }
  while (i < n) {
    const fields: string[] = [];
    const startRecord = record;
    let field = '';
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (text[i] === '"') {
        // Quoted field: up to the closing quote; "" is one quote; line breaks are content.
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0)
            throw new CsvSyntaxError(startRecord, {
              sv: `rad ${startRecord}: ett citattecken (") stängs aldrig`,
              en: `row ${startRecord}: a quote (") is never closed`,
            });
          field += text.slice(i, q);
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
      }
      // Unquoted content (or what follows a closing quote) up to the delimiter or line end.
      let j = i;
      while (j < n) {
        const ch = text[j];
        if (ch === delimiter || ch === '\n' || ch === '\r') break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
      fields.push(field);
      field = '';
      if (i >= n) atRecordEnd = true;
      else if (text[i] === delimiter) i++;
      else {
        if (text[i] === '\r' && text[i + 1] === '\n') i++;
        i++;
        atRecordEnd = true;
      }
      if (i >= n && text[i - 1] === delimiter) {
        // A delimiter at the very end: one more, empty field.
        fields.push('');
        atRecordEnd = true;
      }
    }
    // A spreadsheet shows one record as one row, line breaks inside quotes or not; Excel
    // does not show a `sep=` line as a row either.
    record++;
    yield { record: startRecord, fields };
  }
}

/** One field as RFC 4180 writes it: quoted when it holds the delimiter, a quote, a line break or edge spaces. */
export function csvField(value: string, delimiter: CsvDelimiter): string {
  if (value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** A record with CRLF, as RFC 4180 says. */
export const csvLine = (fields: readonly string[], delimiter: CsvDelimiter): string =>
  fields.map((f) => csvField(f, delimiter)).join(delimiter) + '\r\n';
