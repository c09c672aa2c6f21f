import fc from 'fast-check';
import { FieldProblem, parseTime } from './fields';

describe(parseTime.name, () => {
  /** The general way parseTime takes every ISO string: what the canonical shortcut must agree with. */
  const general = (text: string): number => new Date(text).getTime();

  it('reads toISOString output of any time as that time', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(parseTime(new Date(ms).toISOString(), 'ts').getTime()).toBe(ms);
      }),
    );
  });

  it('agrees with Date parsing on every canonical-looking string, rolled-over days included', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')), two(13), two(32), two(24), two(60), two(60), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(text, (value) => {
        const expected = general(value);
        if (Number.isNaN(expected)) expect(() => parseTime(value, 'ts')).toThrow(FieldProblem);
        else expect(parseTime(value, 'ts').getTime()).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a time without a zone and takes offsets and lower-case z the general way', () => {
    expect(() => parseTime('2026-01-02T03:04:05.678 ', 'ts')).toThrow(FieldProblem);
    expect(() => parseTime('2026-01-02T03:04:05.678', 'ts')).toThrow(/with a zone/);
    expect(parseTime('2026-01-02T03:04:05.678z', 'ts').toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(parseTime('2026-01-02T04:04:05.678+01:00', 'ts').toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(() => parseTime('2026-0a-02T03:04:05.678Z', 'ts')).toThrow(FieldProblem);
  });
});
