import { csvField, parseCsv } from './csv';

describe(parseCsv.name, () => {
  it('reads quoted fields, doubled quotes and CRLF line ends', () => {
    const sut = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\r\n2,,z\n');
    expect(sut).toEqual([
      { a: '1', b: 'x, y', c: 'say "hi"' },
      { a: '2', b: '', c: 'z' },
    ]);
  });

  it('reads unquoted files the same way', () => {
    expect(parseCsv('a,b\n1,2\r\n3,\n')).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '' },
    ]);
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(null)).toBe('');
  });
});
