import { addDays } from '@vulgraad/time';
import { assignZones, collectionDaysBefore, meanFillRatePctPerH, nthCollectionDayAfter, zoneCountOf, zoneDueOn } from './zones';

const everyDay = { collectionDays: [1, 2, 3, 4, 5, 6, 7] };
const weekdays = { collectionDays: [1, 2, 3, 4, 5] };

/** Points on a ring around a centre, in shuffled order. */
function ring(n: number): Array<{ id: string; lng: number; lat: number }> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * ((i * 37) % n)) / n;
    out.push({ id: `c${i}`, lng: 4.9 + 0.01 * Math.cos(a), lat: 52.37 + 0.006 * Math.sin(a) });
  }
  return out;
}

describe('collection zones', () => {
  it('splits containers into slices of equal count, each a contiguous arc', () => {
    const points = ring(90);
    const zones = assignZones(points, 3);
    const counts = [0, 0, 0];
    for (const z of zones.values()) counts[z]++;
    expect(counts).toEqual([30, 30, 30]);
    // Contiguous: walking round the ring, the zone changes exactly three times.
    const byAngle = [...points].sort((p, q) => Math.atan2(p.lat - 52.37, p.lng - 4.9) - Math.atan2(q.lat - 52.37, q.lng - 4.9));
    let changes = 0;
    for (let i = 0; i < byAngle.length; i++) {
      if (zones.get(byAngle[i].id) !== zones.get(byAngle[(i + 1) % byAngle.length].id)) changes++;
    }
    expect(changes).toBe(3);
  });

  it('gives the same zones whatever the order the containers come in', () => {
    const points = ring(50);
    expect([...assignZones([...points].reverse(), 4)].sort()).toEqual([...assignZones(points, 4)].sort());
  });

  it('cuts where the containers leave the widest gap', () => {
    // Two groups east and west of the centre: two zones must be the two groups.
    const west = Array.from({ length: 10 }, (_, i) => ({ id: `w${i}`, lng: 4.8, lat: 52.37 + (i - 4.5) * 0.001 }));
    const east = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, lng: 5.0, lat: 52.37 + (i - 4.5) * 0.001 }));
    const zones = assignZones([...west, ...east], 2);
    expect(new Set(west.map((p) => zones.get(p.id))).size).toBe(1);
    expect(new Set(east.map((p) => zones.get(p.id))).size).toBe(1);
    expect(zones.get('w0')).not.toBe(zones.get('e0'));
  });

  it('balances the work, not the count, when containers are weighed by how fast they fill', () => {
    const points = ring(120);
    // The containers east of the centre fill three times as fast.
    const weight = (id: string): number => ((points.find((p) => p.id === id) as { lng: number }).lng > 4.9 ? 3 : 1);
    const zones = assignZones(points, 4, weight);
    const work = [0, 0, 0, 0];
    const count = [0, 0, 0, 0];
    for (const p of points) {
      work[zones.get(p.id) as number] += weight(p.id);
      count[zones.get(p.id) as number]++;
    }
    const total = work.reduce((a, b) => a + b, 0);
    for (const w of work) expect(Math.abs(w - total / 4)).toBeLessThanOrEqual(3);
    expect(Math.max(...count) - Math.min(...count)).toBeGreaterThan(20);
  });

  it('reads a container\'s mean fill rate from its learned weekly pattern', () => {
    expect(meanFillRatePctPerH({ slotIncrementPct: [2, 4, 0], slotExposureH: [1, 2, 3] })).toBeCloseTo(1, 9);
    expect(meanFillRatePctPerH({ slotIncrementPct: [0, 0], slotExposureH: [0, 0] })).toBeNull();
  });

  it('puts everything in zone 0 without zones', () => {
    expect([...assignZones(ring(5), 1).values()]).toEqual([0, 0, 0, 0, 0]);
    expect(zoneCountOf({})).toBe(1);
    expect(zoneCountOf({ zoneDays: 0 })).toBe(1);
    expect(zoneCountOf({ zoneDays: 2.5 })).toBe(1);
    expect(zoneCountOf({ zoneDays: 3 })).toBe(3);
  });

  it('counts collection days from a fixed epoch, so the turn does not depend on when planning started', () => {
    expect(collectionDaysBefore(everyDay, '2000-01-03')).toBe(0);
    expect(collectionDaysBefore(everyDay, '2000-01-10')).toBe(7);
    expect(collectionDaysBefore(weekdays, '2000-01-10')).toBe(5);
    // Saturday and Sunday add nothing on weekdays-only.
    expect(collectionDaysBefore(weekdays, '2000-01-08')).toBe(5);
    expect(collectionDaysBefore(weekdays, '2000-01-09')).toBe(5);
    expect(collectionDaysBefore(weekdays, '2000-01-11')).toBe(6);
  });

  it('rotates the due zone one collection day at a time and skips days without collection', () => {
    const settings = { ...weekdays, zoneDays: 3 };
    // 2026-03-02 is a Monday.
    const week = Array.from({ length: 7 }, (_, k) => addDays('2026-03-02', k));
    const due = week.filter((d) => [1, 2, 3, 4, 5].includes(new Date(`${d}T00:00:00Z`).getUTCDay() || 7)).map((d) => zoneDueOn(settings, d));
    for (let i = 1; i < due.length; i++) expect(due[i]).toBe((due[i - 1] + 1) % 3);
    // Friday to Monday is one collection day.
    expect(zoneDueOn(settings, '2026-03-09')).toBe((zoneDueOn(settings, '2026-03-06') + 1) % 3);
    expect(zoneDueOn({ ...weekdays }, '2026-03-09')).toBe(0);
  });

  it('finds the n-th collection day after a date', () => {
    expect(nthCollectionDayAfter(everyDay, '2026-03-02', 3)).toBe('2026-03-05');
    // Thursday + 3 weekdays = Tuesday.
    expect(nthCollectionDayAfter(weekdays, '2026-03-05', 3)).toBe('2026-03-10');
    expect(() => nthCollectionDayAfter({ collectionDays: [] }, '2026-03-05', 1)).toThrow(RangeError);
  });
});
