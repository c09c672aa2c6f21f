import { assessReading, DEFAULT_QUALITY_THRESHOLDS, EMPTY_QUALITY_MEMORY, rawFillPct, type QualityMemory } from './quality';

const t0 = new Date('2026-05-04T08:00:00Z');
const later = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
const reading = (fill: number | null, measuredAt: Date, extra: Partial<Parameters<typeof assessReading>[0]> = {}) => ({
  rawFillPct: fill, measuredAt, receivedAt: measuredAt, ...extra,
});

describe(assessReading.name, () => {
  it('flags nothing on a plausible first reading and remembers it', () => {
    const sut = assessReading(reading(40, t0), EMPTY_QUALITY_MEMORY);
    expect(sut.flags).toEqual([]);
    expect(sut.memory).toEqual({ lastFillPct: 40, lastMeasuredAt: t0, unchangedSince: t0, unchangedCount: 1 });
  });

  it('clamps and flags a fill far outside 0..100, but not sensor noise at the ends', () => {
    expect(assessReading(reading(130, t0), EMPTY_QUALITY_MEMORY)).toMatchObject({ fillPct: 100, flags: ['out_of_range'] });
    expect(assessReading(reading(-3, t0), EMPTY_QUALITY_MEMORY)).toMatchObject({ fillPct: 0, flags: [] });
  });

  it('flags a rise that waste cannot make in the time, not a fall (that is an emptying)', () => {
    const memory: QualityMemory = { lastFillPct: 20, lastMeasuredAt: t0, unchangedSince: t0, unchangedCount: 1 };
    expect(assessReading(reading(85, later(10)), memory).flags).toEqual(['impossible_jump']);
    expect(assessReading(reading(85, later(120)), memory).flags).toEqual([]);
    expect(assessReading(reading(0, later(10)), { ...memory, lastFillPct: 95 }).flags).toEqual([]);
  });

  it('flags a value that stays exactly the same for many readings over a day', () => {
    let memory = EMPTY_QUALITY_MEMORY;
    const flagsSeen: string[][] = [];
    for (let i = 0; i < 14; i++) {
      const result = assessReading(reading(55.5, later(i * 150)), memory);
      flagsSeen.push(result.flags);
      memory = result.memory;
    }
    // 12 identical readings span 27.5 hours at i = 11.
    expect(flagsSeen.slice(0, 11).every((f) => f.length === 0)).toBe(true);
    expect(flagsSeen[11]).toEqual(['stuck_value']);
    const moved = assessReading(reading(56, later(14 * 150)), memory);
    expect(moved.flags).toEqual([]);
    expect(moved.memory.unchangedCount).toBe(1);
  });

  it('flags clock skew both ways', () => {
    const received = t0;
    expect(assessReading(reading(40, later(10), { receivedAt: received }), EMPTY_QUALITY_MEMORY).flags).toEqual(['future_timestamp']);
    const old = new Date(t0.getTime() - (DEFAULT_QUALITY_THRESHOLDS.staleAfterS + 1) * 1000);
    expect(assessReading(reading(40, old, { receivedAt: received }), EMPTY_QUALITY_MEMORY).flags).toEqual(['stale_timestamp']);
  });

  it('flags tilt by angle or alarm, and any device alarm', () => {
    expect(assessReading(reading(40, t0, { tiltDeg: 35 }), EMPTY_QUALITY_MEMORY).flags).toEqual(['tilted']);
    expect(assessReading(reading(40, t0, { alarms: ['tilt'] }), EMPTY_QUALITY_MEMORY).flags.sort()).toEqual(['device_alarm', 'tilted']);
    expect(assessReading(reading(40, t0, { alarms: ['fire'] }), EMPTY_QUALITY_MEMORY).flags).toEqual(['device_alarm']);
  });

  it('gives a flagged reading an array of its own, and leaves the unflagged ones without flags', () => {
    const plain = assessReading(reading(40, t0), EMPTY_QUALITY_MEMORY);
    const first = assessReading(reading(40, t0, { tiltDeg: 35, alarms: ['fire'] }), EMPTY_QUALITY_MEMORY);
    const second = assessReading(reading(130, t0), EMPTY_QUALITY_MEMORY);
    expect(first.flags).toEqual(['tilted', 'device_alarm']);
    expect(second.flags).toEqual(['out_of_range']);
    expect(assessReading(reading(40, t0), EMPTY_QUALITY_MEMORY).flags).toEqual([]);
    expect(plain.flags).toEqual([]);
    expect(() => (plain.flags as string[]).push('tilted')).toThrow(TypeError);
  });

  it('leaves the memory alone for a reading older than the last one', () => {
    const memory: QualityMemory = { lastFillPct: 20, lastMeasuredAt: later(60), unchangedSince: later(60), unchangedCount: 1 };
    const sut = assessReading(reading(90, later(55)), memory);
    expect(sut.flags).toEqual([]);
    expect(sut.memory).toBe(memory);
  });
});

describe(rawFillPct.name, () => {
  it('prefers the device fill, then the level above the floor, then the distance to the surface', () => {
    expect(rawFillPct({ fillPct: 30, distanceMm: 100 }, 1000)).toBe(30);
    expect(rawFillPct({ levelMm: 250 }, 1000)).toBe(25);
    expect(rawFillPct({ distanceMm: 250 }, 1000)).toBe(75);
    expect(rawFillPct({ distanceMm: 1200 }, 1000)).toBe(-20);
    expect(rawFillPct({ distanceMm: 250 }, null)).toBeNull();
  });
});
