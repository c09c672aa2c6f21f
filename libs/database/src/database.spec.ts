import { copyLine, toArrayLiteral } from './database';

describe(copyLine.name, () => {
  it('escapes the characters COPY text format treats specially and writes nulls as \\N', () => {
    const sut = copyLine(['a\tb', 'back\\slash', null, undefined, 42.5, Number.NaN, true, new Date('2026-01-02T03:04:05Z'), ['x"y', 'line\nbreak']]);
    expect(sut).toBe('a\\tb\tback\\\\slash\t\\N\t\\N\t42.5\t\\N\tt\t2026-01-02T03:04:05.000Z\t{"x\\\\"y","line\\nbreak"}\n');
  });
});

describe(toArrayLiteral.name, () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    const sut = toArrayLiteral(['plain', 'has "quote"', 'back\\slash', 3]);
    expect(sut).toBe('{"plain","has \\"quote\\"","back\\\\slash","3"}');
  });
});
