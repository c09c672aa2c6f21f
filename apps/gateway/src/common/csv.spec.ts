import { parseCsv, toCsv } from './csv';

describe(parseCsv.name, () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const sut = parseCsv('\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n');
    expect(sut).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  it('takes ; as the delimiter when the header uses it, and skips blank lines', () => {
    expect(parseCsv('ref;lng;lat\n\nc1;4,9;52,3\n')).toEqual([
      ['ref', 'lng', 'lat'],
      ['c1', '4,9', '52,3'],
    ]);
  });

  it('round-trips what toCsv writes', () => {
    const rows = [['p-1', 'a "quoted", value', 3], ['p-2', null, new Date('2026-01-01T00:00:00Z')]];
    expect(parseCsv(toCsv(['id', 'note', 'n'], rows))).toEqual([
      ['id', 'note', 'n'],
      ['p-1', 'a "quoted", value', '3'],
      ['p-2', '', '2026-01-01T00:00:00.000Z'],
    ]);
  });
});
