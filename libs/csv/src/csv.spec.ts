import { csvDelimiterOf, csvNumber, CsvSyntaxError, parseCsv, parseCsvRecords, toCsv } from './csv';

describe(parseCsv.name, () => {
  it('reads quoted fields, doubled quotes, line breaks inside quotes and CRLF, LF or CR line ends', () => {
    const sut = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",z\r3,,\r\n');
    expect(sut).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', 'z'],
      ['3', '', ''],
    ]);
  });

  it('drops a byte-order mark and reads `;` when the first line uses it, keeping decimal commas', () => {
    const sut = parseCsv('\uFEFFid;lat;lng\r\nC-1;52,37;4,89\r\n');
    expect(sut).toEqual([
      ['id', 'lat', 'lng'],
      ['C-1', '52,37', '4,89'],
    ]);
  });

  it('skips blank lines and lets rows be shorter or longer than the header', () => {
    expect(parseCsv('a,b\n\n1\n2,3,4\n\n')).toEqual([['a', 'b'], ['1'], ['2', '3', '4']]);
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    expect(parseCsv('name\n12" bin\n')).toEqual([['name'], ['12" bin']]);
  });

  it('names the line of a quote that is never closed', () => {
    const read = (): string[][] => parseCsv('a,b\n1,2\n3,"open\n');
    expect(read).toThrow(CsvSyntaxError);
    expect(read).toThrow(/opening quote at line 3/);
  });

  it('reads an empty text as no rows', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});

describe(parseCsvRecords.name, () => {
  it('keys each row by the header, with empty text where a row is short', () => {
    expect(parseCsvRecords('\uFEFFa;b\n1;2\n3\n')).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '' },
    ]);
    expect(parseCsvRecords('')).toEqual([]);
  });
});

describe(csvDelimiterOf.name, () => {
  it('follows the first line only', () => {
    expect(csvDelimiterOf('a;b;c\n1,2,3,4,5')).toBe(';');
    expect(csvDelimiterOf('a,b\n1;2;3')).toBe(',');
    expect(csvDelimiterOf('single')).toBe(',');
  });
});

describe(toCsv.name, () => {
  it('writes a header and rows with CRLF, quoting only what needs it', () => {
    const sut = toCsv(['id', 'note', 'at', 'ok', 'empty'], [['C-1', 'a, "b"', new Date('2026-03-03T07:00:00Z'), true, null]]);
    expect(sut).toBe('id,note,at,ok,empty\r\nC-1,"a, ""b""",2026-03-03T07:00:00.000Z,true,\r\n');
  });

  it.each(['=1+2', '+31 20 555', '-2+3', '@SUM(A1)', '\tx', '\rx'])('defuses a text cell a spreadsheet would run: %j', (text) => {
    const [, line] = toCsv(['v'], [[text]]).split('\r\n');
    expect(line?.replace(/^"|"$/g, '').startsWith(`'${text.slice(0, 1)}`)).toBe(true);
  });

  it('writes numbers as they are, negative ones included', () => {
    expect(toCsv(['lng', 'n'], [[-0.1275, 0]])).toBe('lng,n\r\n-0.1275,0\r\n');
  });

  it('reads back what it writes', () => {
    const rows = [['C-1', 'x, y\nz', 'say "hi"']];
    expect(parseCsv(toCsv(['a', 'b', 'c'], rows))).toEqual([['a', 'b', 'c'], ...rows]);
  });
});

describe(csvNumber.name, () => {
  it('reads decimal points and decimal commas, and nothing else', () => {
    expect(csvNumber('4.89')).toBe(4.89);
    expect(csvNumber(' 4,89 ')).toBe(4.89);
    expect(csvNumber('-0,5')).toBe(-0.5);
    expect(csvNumber('3000')).toBe(3000);
    expect(csvNumber('')).toBeNull();
    expect(csvNumber('1,000,000')).toBeNull();
    expect(csvNumber('four')).toBeNull();
  });
});
