import fc from 'fast-check';
import { readingsAsCopyBytes, readingsAsCopyText, type ReadingRow } from './readings.repository';

describe(readingsAsCopyBytes.name, () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('c\t1', 'd\\1', 'line\nbreak\r', 'ümlaut €', '3f1c2a9e-0000-4000-8000-000000000001'));
  const time = fc.oneof(
    fc.integer({ min: -8.64e15, max: 8.64e15 }),
    fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 3) }),
    fc.constantFrom(0, -1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1)),
  );
  const number = fc.oneof(fc.constant(null), fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.double(), fc.constantFrom(-0, 1e15, -1e15, 1e21, 12345678901, Number.NaN, Infinity));
  const row: fc.Arbitrary<ReadingRow> = fc.record({
    containerId: text, deviceId: text, measuredAt: time.map((ms) => new Date(ms)), receivedAt: time.map((ms) => new Date(ms)),
    fillPct: number, distanceMm: number, levelMm: fc.oneof(number, fc.constant(undefined)), temperatureC: number, batteryPct: number, batteryV: number,
    rssiDbm: number, snrDb: number, seq: number, tiltDeg: number, flags: fc.array(text, { maxLength: 3 }), alarms: fc.array(text, { maxLength: 3 }),
    format: text, correlationId: fc.oneof(fc.constant(null), text),
  });

  it('writes the bytes of readingsAsCopyText, for any rows', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        expect(readingsAsCopyBytes(rows).equals(Buffer.from(readingsAsCopyText(rows), 'utf8'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('grows past its first guess of the size', () => {
    const long = 'x'.repeat(5000);
    const rows = [{ containerId: long, deviceId: 'd', measuredAt: new Date(0), receivedAt: new Date(0), fillPct: null, distanceMm: null, temperatureC: null,
      batteryPct: null, batteryV: null, rssiDbm: null, snrDb: null, seq: null, tiltDeg: null, flags: [long], alarms: [], format: 'native', correlationId: long }];
    expect(readingsAsCopyBytes(rows).toString('utf8')).toBe(readingsAsCopyText(rows));
  });
});
