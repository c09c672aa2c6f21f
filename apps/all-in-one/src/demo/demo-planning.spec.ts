import type { Clock, WasteFraction } from '@vulgraad/contracts';
import { type DistrictSettings } from '@vulgraad/planning';
import { localDateOf, localTimeMs } from '@vulgraad/time';
import { DemoPlanningCadence, type PlanningPort } from './demo-planning';

const TZ = 'Europe/Amsterdam';
const settings = (district: string, fraction: WasteFraction): DistrictSettings => ({
  district, fraction, riskLevel: 0.1, worthFillPct: 60, worthPrize: 6, worthMaxDetourM: 1500, collectionDays: [1, 2, 3, 4, 5],
  shiftStartMin: 7 * 60, shiftEndMin: 15 * 60 + 30, breakMin: 30, cutoffMin: 18 * 60, serviceTimeS: 150, timeBudgetS: 2, vehicleIds: null,
});

function setup(localDate: string, localMin: number) {
  let nowMs = localTimeMs(localDate, localMin, TZ);
  const clock: Clock = { now: () => new Date(nowMs) };
  const published = new Set<string>();
  const jobs = new Set<string>();
  const port: PlanningPort = {
    timeZone: TZ,
    today: () => localDateOf(nowMs, TZ),
    units: async () => [{ district: 'd1', fraction: 'residual' }, { district: 'd2', fraction: 'paper' }],
    settingsOf: async (district, fraction) => settings(district, fraction),
    isPublished: async (district, fraction, date) => published.has(`${district}|${fraction}|${date}`),
    requestDaily: async (district, fraction, date) => {
      const id = `${district}|${fraction}|${date}`;
      const created = !jobs.has(id);
      jobs.add(id);
      return { jobId: id, created };
    },
  };
  const sut = new DemoPlanningCadence(port, clock, () => undefined);
  return { sut, published, jobs, setNow: (date: string, min: number) => void (nowMs = localTimeMs(date, min, TZ)) };
}

describe(DemoPlanningCadence.name, () => {
  it('plans the shift in hand at start-up, once, and holds the clock at its start until it is published', async () => {
    const { sut, published } = setup('2024-03-08', 5 * 60 + 30); // a Friday morning
    expect(await sut.tick()).toBe(2);
    expect(sut.requested.map((r) => r.shiftDate)).toEqual(['2024-03-08', '2024-03-08']);
    expect(await sut.tick()).toBe(0);
    expect(sut.holdAt()).toBe(localTimeMs('2024-03-08', 7 * 60, TZ));
    published.add('d2|paper|2024-03-08');
    sut.notePublished({ district: 'd2', fraction: 'paper', shiftDate: '2024-03-08' });
    expect(sut.holdAt()).toBe(localTimeMs('2024-03-08', 7 * 60, TZ));
    published.add('d1|residual|2024-03-08');
    await sut.tick();
    expect(sut.holdAt()).toBeNull();
  });

  it('after the shift and past the daily time before the cut-off, plans the next collection day (Monday after a Friday)', async () => {
    const { sut, published, setNow } = setup('2024-03-08', 15 * 60);
    published.add('d1|residual|2024-03-08');
    published.add('d2|paper|2024-03-08');
    expect(await sut.tick()).toBe(0);
    setNow('2024-03-08', 16 * 60 + 1);
    expect(await sut.tick()).toBe(2);
    expect(sut.requested.map((r) => r.shiftDate)).toEqual(['2024-03-11', '2024-03-11']);
  });

  it('on a weekend plans Monday', async () => {
    const { sut } = setup('2024-03-09', 10 * 60);
    await sut.tick();
    expect(new Set(sut.requested.map((r) => r.shiftDate))).toEqual(new Set(['2024-03-11']));
  });
});
