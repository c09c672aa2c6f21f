import { copyLine, toArrayLiteral } from '../database';
import { idsLiteral, numbersLiteral, READING_COLUMNS, readingsAsCopyText, type ReadingRow, timesLiteral } from './readings.repository';

describe(readingsAsCopyText.name, () => {
  const full: ReadingRow = {
    containerId: 'c\t1', deviceId: 'd\\1', measuredAt: new Date('2026-01-02T03:04:05.678Z'), receivedAt: new Date('2026-01-02T03:04:06Z'),
    fillPct: 42.5, distanceMm: 830, levelMm: 120, temperatureC: -3.25, batteryPct: 88, batteryV: 3.61, rssiDbm: -97, snrDb: 7.5, seq: 12345678901,
    tiltDeg: 2, flags: ['stuck_value', 'tilted'], alarms: ['a"b', 'line\nbreak'], format: 'native', correlationId: 'as:up:01H',
  };
  const sparse: ReadingRow = {
    ...full, fillPct: null, distanceMm: null, levelMm: undefined, temperatureC: Number.NaN, batteryPct: null, batteryV: null, rssiDbm: null,
    snrDb: null, seq: null, tiltDeg: null, flags: [], alarms: [], correlationId: null,
  };

  it('writes what the generic COPY writer writes, column for column', () => {
    const generic = [full, sparse]
      .map((r) => copyLine([r.containerId, r.deviceId, r.measuredAt, r.receivedAt, r.fillPct, r.distanceMm, r.temperatureC, r.batteryPct,
        r.batteryV, r.rssiDbm, r.snrDb, r.seq, r.tiltDeg, r.flags, r.alarms, r.format, r.correlationId, r.levelMm ?? null]))
      .join('');
    const sut = readingsAsCopyText([full, sparse]);
    expect(sut).toBe(generic);
    expect(sut.split('\n')[0]!.split('\t')).toHaveLength(READING_COLUMNS.length);
  });
});

describe(timesLiteral.name, () => {
  it('writes each time as toISOString does, NULL for none, across days, before 1970 and past year 9999', () => {
    const times: Array<Date | null> = [
      new Date('2026-01-02T03:04:05.678Z'), new Date('2026-01-02T23:59:59.999Z'), null, new Date('2026-01-03T00:00:00Z'),
      new Date('1969-12-31T23:59:59.999Z'), new Date(0), new Date(253_402_300_800_000), new Date('2026-01-02T03:04:05.001Z'),
    ];
    for (let i = 0; i < 200; i++) times.push(new Date(1_700_000_000_000 + Math.floor(Math.random() * 400 * 86_400_000)));
    expect(timesLiteral(times)).toBe(`{${times.map((t) => (t === null ? 'NULL' : t.toISOString())).join(',')}}`);
    expect(timesLiteral([])).toBe('{}');
  });
});

describe(numbersLiteral.name, () => {
  it('writes each number as String() does, NULL for none and for what is not finite', () => {
    const values = [0, -0, 1, -1, 42.5, -3.25, 1e15, 123456789012345, 1e21, 5e-7, 0.1 + 0.2, null, undefined, Number.NaN, Infinity, -Infinity, 9_007_199_254_740_991];
    const expected = `{${values.map((v) => (v === null || v === undefined || !Number.isFinite(v) ? 'NULL' : String(v))).join(',')}}`;
    expect(numbersLiteral(values)).toBe(expected);
    expect(numbersLiteral([])).toBe('{}');
  });
});

describe(idsLiteral.name, () => {
  it('writes the same literal as toArrayLiteral, quotes, backslashes and letters beyond ASCII included', () => {
    const values = ['c-1', '0b3c1a52-7e0f-4c8e-9a0e-100000000001', 'a"b', 'back\\slash', 'émoji 🚮', '', 'NULL', 'comma,brace}'];
    expect(idsLiteral(values)).toBe(toArrayLiteral(values));
    expect(idsLiteral([])).toBe(toArrayLiteral([]));
    for (let i = 0; i < 300; i++) values.push(`id-${i}`);
    expect(idsLiteral(values)).toBe(toArrayLiteral(values));
  });
});
