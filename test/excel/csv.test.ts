import { csvField, csvLine, CsvSyntaxError, decodeText, detectDelimiter, parseCsv } from '../../shared/app/excel/csv';

const rows = (text: string, d: ';' | ',' | '\t' = ';') => [...parseCsv(text, d)].map((r) => r.fields);

describe('RFC 4180 parsing', () => {
  it('splits fields and records, with CRLF, LF or CR, and no record for a final line break', () => {
    expect(rows('a;b\r\nc;d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(rows('a;b\nc;d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(rows('a;b\rc;d\r')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('keeps empty fields, also at the end of a record and of the text', () => {
    expect(rows(';a;;\n;')).toEqual([
      ['', 'a', '', ''],
      ['', ''],
    ]);
    expect(rows('a;b;')).toEqual([['a', 'b', '']]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks inside', () => {
    expect(rows('"a;b";"say ""hej""";"rad 1\r\nrad 2"\nx;y;z')).toEqual([
      ['a;b', 'say "hej"', 'rad 1\r\nrad 2'],
      ['x', 'y', 'z'],
    ]);
  });

  it('counts records as spreadsheet rows: a quoted line break does not start a new row', () => {
    expect([...parseCsv('h\n"a\nb"\nc\n', ';')].map((r) => r.record)).toEqual([1, 2, 3]);
  });

  it('is lenient where spreadsheets are: a quote inside an unquoted field is a character', () => {
    expect(rows('5" skärm;x')).toEqual([['5" skärm', 'x']]);
    expect(rows('"a"b;c')).toEqual([['ab', 'c']]);
  });

  it('names the row where a quote is never closed', () => {
    const read = () => rows('a;b\n"öppen;c\nd;e\n');
    expect(read).toThrow(CsvSyntaxError);
    try {
      read();
    } catch (e) {
      expect((e as CsvSyntaxError).record).toBe(2);
      expect((e as CsvSyntaxError).texts.sv).toBe('rad 2: ett citattecken (") stängs aldrig');
    }
  });

  it('drops a byte-order mark and skips an Excel `sep=` line without counting it as a row', () => {
    expect(rows('\uFEFFa;b\n')).toEqual([['a', 'b']]);
    const d = detectDelimiter('sep=,\r\nDatum,Tid\r\n1,2');
    expect(d).toEqual({ delimiter: ',', skipFirstLine: true });
    expect([...parseCsv('sep=,\r\nDatum,Tid\r\n1,2', ',', { skipFirstLine: true })]).toEqual([
      { record: 1, fields: ['Datum', 'Tid'] },
      { record: 2, fields: ['1', '2'] },
    ]);
  });
});

describe('delimiter and encoding', () => {
  it('takes the most frequent of ; , and tab outside quotes in the first record, ; on a tie', () => {
    expect(detectDelimiter('Datum;Tid;Förklaring\n1,5;2;3').delimiter).toBe(';');
    expect(detectDelimiter('Datum,Tid,"Förklaring; lång"\n').delimiter).toBe(',');
    expect(detectDelimiter('Datum\tTid\n').delimiter).toBe('\t');
    expect(detectDelimiter('Datum\n').delimiter).toBe(';');
  });

  it('reads UTF-8 with or without BOM, and Windows-1252 (Excel "CSV (semikolonavgränsad)")', () => {
    expect(decodeText(Buffer.from('\uFEFFFärg;Röd', 'utf8'))).toEqual({ text: 'Färg;Röd', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('Färg;Röd', 'utf8')).text).toBe('Färg;Röd');
    expect(decodeText(Buffer.from([0x46, 0xe4, 0x72, 0x67, 0x3b, 0x52, 0xf6, 0x64]))).toEqual({
      text: 'Färg;Röd',
      encoding: 'windows-1252',
    });
  });
});

describe('writing', () => {
  it('quotes only when needed, doubling quotes, and ends records with CRLF', () => {
    expect(csvField('enkel', ';')).toBe('enkel');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a,b', ';')).toBe('a,b');
    expect(csvField('säg "hej"', ';')).toBe('"säg ""hej"""');
    expect(csvField('två\nrader', ';')).toBe('"två\nrader"');
    expect(csvField(' kant', ';')).toBe('" kant"');
    expect(csvLine(['a', 'b;c', ''], ';')).toBe('a;"b;c";\r\n');
  });

  it('reads back exactly what it writes', () => {
    const data = [
      ['Id', 'Förklaring'],
      ['1', 'rad 1\r\nrad 2; "citat"'],
      ['2', ''],
      ['3', ' mellanslag '],
    ];
    const text = data.map((r) => csvLine(r, ';')).join('');
    expect(rows(text)).toEqual(data);
  });
});
