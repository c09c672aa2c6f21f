import { ContainersRepository, DevicesRepository, type Database, type ReadingRollup, type ReadingRow } from '@vulgraad/database';

/** A container with one bound device, named uniquely within the database. */
export async function seedContainer(db: Database, name: string): Promise<{ containerId: string; deviceId: string }> {
  const [container] = await new ContainersRepository(db).upsert([
    { externalRef: `c-${name}`, lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'residual', volumeL: 5000, depthMm: 1500 },
  ]);
  const devices = new DevicesRepository(db);
  const [device] = await devices.upsert([{ externalRef: `d-${name}` }]);
  await devices.bind(device!.id, container!.id, new Date('2020-01-01T00:00:00Z'));
  return { containerId: container!.id, deviceId: device!.id };
}

export function rollupReadings(containerId: string, deviceId: string, points: ReadonlyArray<readonly [Date, number, string[]?]>): ReadingRow[] {
  return points.map(([measuredAt, fillPct, flags], i) => ({
    containerId,
    deviceId,
    measuredAt,
    receivedAt: measuredAt,
    fillPct,
    distanceMm: null,
    temperatureC: 10 + i,
    batteryPct: 90 - i,
    batteryV: null,
    rssiDbm: null,
    snrDb: null,
    seq: i,
    tiltDeg: null,
    flags: flags ?? [],
    alarms: [],
    format: 'native',
    correlationId: null,
  }));
}

const t = (iso: string): Date => new Date(iso);
type Expected = Omit<ReadingRollup, 'containerId'>;

/**
 * Five readings over two UTC days and three hours, with the roll-ups worked
 * out by hand: the same expectations hold on both storage variants.
 */
export const rollupCases = {
  from: t('2026-03-01T00:00:00Z'),
  to: t('2026-03-03T00:00:00Z'),
  points: [
    [t('2026-03-01T10:05:00Z'), 20],
    [t('2026-03-01T10:50:00Z'), 30, ['impossible_jump']],
    [t('2026-03-01T11:10:00Z'), 35],
    [t('2026-03-02T08:00:00Z'), 60],
    [t('2026-03-02T08:30:00Z'), 50],
  ] as Array<readonly [Date, number, string[]?]>,
  expectedHourly: [
    { bucket: t('2026-03-01T10:00:00Z'), readings: 2, flagged: 1, fillAvg: 25, fillMin: 20, fillMax: 30, fillLast: 30, temperatureMax: 11, batteryMin: 89 },
    { bucket: t('2026-03-01T11:00:00Z'), readings: 1, flagged: 0, fillAvg: 35, fillMin: 35, fillMax: 35, fillLast: 35, temperatureMax: 12, batteryMin: 88 },
    { bucket: t('2026-03-02T08:00:00Z'), readings: 2, flagged: 0, fillAvg: 55, fillMin: 50, fillMax: 60, fillLast: 50, temperatureMax: 14, batteryMin: 86 },
  ] as Expected[],
  expectedDaily: [
    { bucket: t('2026-03-01T00:00:00Z'), readings: 3, flagged: 1, fillAvg: 85 / 3, fillMin: 20, fillMax: 35, fillLast: 35, temperatureMax: 12, batteryMin: 88 },
    { bucket: t('2026-03-02T00:00:00Z'), readings: 2, flagged: 0, fillAvg: 55, fillMin: 50, fillMax: 60, fillLast: 50, temperatureMax: 14, batteryMin: 86 },
  ] as Expected[],
};
