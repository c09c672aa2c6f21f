import { Rng, amsterdamFiles } from '@vulgraad/city-model';
import { loadConfig, sharedPath } from '@vulgraad/config';
import { StraightLineProvider } from '@vulgraad/distances';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import { DENSITY_KG_PER_L, depositedUpTo, inferDeposits, ReplayContainers } from '../../simulators/city/src/replay/deposits';
import { buildRecord, parseWeighings } from '../../simulators/city/src/replay/record';
import { Replay, type SeedResult } from '../../simulators/city/src/replay/replay';
import { replayLine, summariseSeed } from '../../simulators/city/src/replay/summary';
import { buildWorld, TIME_ZONE, type ReplayWorld } from '../../simulators/city/src/replay/world';

const HOUR = 3_600_000;
const flatDay = Array.from({ length: 24 }, () => 1);

describe('replay record and deposits (no shared data needed)', () => {
  const csv = [
    'id,dateObserved,lat,long,weight',
    'a-Rest,2021-03-01T08:00:00.000Z,52.3,4.9,100.0',
    'a-Rest,2021-03-01T08:02:00.000Z,52.3,4.9,50.0',
    'a-Rest,2021-03-03T09:00:00.000Z,52.3,4.9,300.0',
    'b-Rest,2021-03-02T23:30:00.000Z,52.3,4.9,-2.0',
    'b-Rest,2021-03-04T07:00:00.000Z,52.3,4.9,450.0',
  ].join('\n');

  it('reads the times as local although they end in Z, and groups weighings into visits', () => {
    const record = buildRecord(parseWeighings(csv, TIME_ZONE), TIME_ZONE);
    const a = record.visits.get('a-Rest') ?? [];
    expect(a.map((v) => [v.date, v.kg, v.lifts])).toEqual([['2021-03-01', 150, 2], ['2021-03-03', 300, 1]]);
    // 08:00 in Amsterdam in March (CET) is 07:00 UTC.
    expect(new Date((a[0] as { atMs: number }).atMs).toISOString()).toBe('2021-03-01T07:00:00.000Z');
    // A negative weight is a lift of 0 kg; 23:30 local stays on its local date.
    expect(record.visits.get('b-Rest')?.[0]).toMatchObject({ date: '2021-03-02', kg: 0, lifts: 1 });
    expect(record.dates).toEqual(['2021-03-01', '2021-03-02', '2021-03-03', '2021-03-04']);
  });

  it('refuses a file without the needed columns, naming the column', () => {
    expect(() => parseWeighings('id,when,weight\nx,2021-03-01T08:00:00Z,1', TIME_ZONE)).toThrow(/"dateObserved" is missing/);
    expect(() => parseWeighings('id,dateObserved,weight\nx,yesterday,1', TIME_ZONE)).toThrow(/row 2: dateObserved "yesterday"/);
  });

  it('puts exactly each visit\'s kilograms in the cluster between the visits, and keeps filling after the last', () => {
    const record = buildRecord(parseWeighings(csv, TIME_ZONE), TIME_ZONE);
    const visits = record.visits.get('a-Rest') ?? [];
    const endMs = (visits[1]?.atMs ?? 0) + 48 * HOUR;
    const d = inferDeposits(visits, { seed: 3, dailyShares: flatDay, localHour: (ms) => new Date(ms).getUTCHours(), startMs: (visits[0]?.atMs ?? 0) - 48 * HOUR, endMs, fallbackIntervalDays: 5 }, new Rng(3));
    const kgBetween = (from: number, to: number): number => (depositedUpTo(d, to) - depositedUpTo(d, from)) * DENSITY_KG_PER_L;
    expect(kgBetween(-Infinity, visits[0]?.atMs ?? 0)).toBeCloseTo(150, 6);
    expect(kgBetween(visits[0]?.atMs ?? 0, visits[1]?.atMs ?? 0)).toBeCloseTo(300, 6);
    // After the last visit: the month's rate (300 kg over the 2 days 1 hour between the visits) for 48 hours,
    // less than its usual interval; a longer silence of the record is not filled in.
    const gap = (visits[1]?.atMs ?? 0) - (visits[0]?.atMs ?? 0);
    expect(kgBetween(visits[1]?.atMs ?? 0, endMs)).toBeCloseTo((300 / gap) * 48 * HOUR, 6);
    const long = inferDeposits(visits, { seed: 3, dailyShares: flatDay, localHour: (ms) => new Date(ms).getUTCHours(), startMs: (visits[0]?.atMs ?? 0) - 48 * HOUR, endMs: endMs + 10 * 24 * HOUR, fallbackIntervalDays: 5 }, new Rng(3));
    expect((depositedUpTo(long, Infinity) - depositedUpTo(long, visits[1]?.atMs ?? 0)) * DENSITY_KG_PER_L).toBeCloseTo(300, 6);
    expect(d.intervalKg).toEqual([150, 300]);
    // Another seed moves the bags in time, never the kilograms of an interval.
    const other = inferDeposits(visits, { seed: 4, dailyShares: flatDay, localHour: (ms) => new Date(ms).getUTCHours(), startMs: (visits[0]?.atMs ?? 0) - 48 * HOUR, endMs, fallbackIntervalDays: 5 }, new Rng(4));
    expect(Array.from(other.times)).not.toEqual(Array.from(d.times));
    expect((depositedUpTo(other, visits[1]?.atMs ?? 0) - depositedUpTo(other, visits[0]?.atMs ?? 0)) * DENSITY_KG_PER_L).toBeCloseTo(300, 6);
  });

  it('counts litres past capacity as overflow at the emptying, and an emptying takes everything', () => {
    const deposits = new Map([['x', { times: Float64Array.from([1, 2, 3, 10]), cumulativeL: Float64Array.from([400, 800, 1200, 1300]), intervalKg: [], tailKg: 0 }]]);
    const state = new ReplayContainers(deposits, new Map([['x', 1000]]), 0, new Map());
    expect(state.volumeAt('x', 2)).toBe(800);
    expect(state.empty('x', 3)).toEqual({ volumeL: 1200, overflowL: 200, deposits: 3 });
    expect(state.volumeAt('x', 5)).toBe(0);
    expect(state.empty('x', 11)).toEqual({ volumeL: 100, overflowL: 0, deposits: 1 });
    expect(() => state.empty('x', 4)).toThrow(/before its last emptying/);
  });
});

// The rest needs the Amsterdam clusters and weighings from the shared data folder.
const weighings = sharedPath('data', 'amsterdam', 'containers', 'rest_weighings_2021-03.csv');
const maybe = amsterdamFiles() && weighings ? describe : describe.skip;

maybe('replay of a slice of the March 2021 record (60 clusters, 4 days)', () => {
  let world: ReplayWorld;
  let replay: Replay;
  let result: SeedResult;

  beforeAll(async () => {
    world = await buildWorld({ weighingsPath: weighings as string, trucks: 3, matrix: new StraightLineProvider({ detourFactor: 1.3, speedKmh: 25 }), clusterLimit: 60, dayLimit: 4 });
    replay = new Replay(world, { forecast: forecastOptions(forecastSettingsFrom({ core: { timezone: TIME_ZONE }, forecast: loadConfig({}).forecast })), alerts: null, warmupDays: 2, budget: { kind: 'iterations', count: 5 }, settings: { riskLevel: 0.1, worthFillPct: 70, worthPrize: 6, worthMaxDetourM: 1500, planAtMin: 360 } });
    result = await replay.runSeed(7);
  }, 110_000);

  it('gives both policies the same deposits, and keeps every kilogram: collected + left = deposited', () => {
    expect(world.containers).toHaveLength(60);
    expect(result.recorded.days).toHaveLength(2);
    expect(result.recorded.allDays.reduce((s, d) => s + d.emptyings, 0)).toBeGreaterThan(30);
    expect(result.vulgraad.days.reduce((s, d) => s + d.emptyings, 0)).toBeGreaterThan(0);
    expect(result.recorded.balance.depositedKg).toBeGreaterThan(1000);
    expect(result.vulgraad.balance.depositedKg).toBeCloseTo(result.recorded.balance.depositedKg, 6);
    for (const p of [result.recorded, result.vulgraad]) expect(p.balance.collectedKg + p.balance.remainingKg).toBeCloseTo(p.balance.depositedKg, 3);
    // The same seed gives the same deposits.
    const again = replay.deposits(7);
    const first = world.containers[0]?.id as string;
    expect(Array.from(again.get(first)?.times ?? [])).toEqual(Array.from(replay.deposits(7).get(first)?.times ?? []));
  });

  it('empties on each recorded day exactly the clusters the city emptied', async () => {
    for (const day of result.recorded.allDays) {
      const visited = new Set((world.record.byDate.get(day.date) ?? []).map((v) => v.clusterId));
      expect(day.emptyings + day.unplaced).toBe(visited.size);
      const lifts = (world.record.byDate.get(day.date) ?? []).reduce((s, v) => s + v.lifts, 0);
      if (day.unplaced === 0) expect(day.lifts).toBe(lifts);
    }
    // The warm-up days are the record for both.
    expect(result.vulgraad.allDays.slice(0, 2).map((d) => d.emptyings)).toEqual(result.recorded.allDays.slice(0, 2).map((d) => d.emptyings));
  });

  it('passes every day of both policies through the independent day check without a fault', () => {
    for (const day of [...result.recorded.allDays, ...result.vulgraad.allDays]) expect(day.check).toEqual({ overShift: 0, overloaded: 0, doubleBooked: 0, mustMissed: 0, timeline: 0 });
  });

  it('counts overflow the same way for both: overflowing emptyings are emptyings, and each is a cluster-day over capacity', () => {
    for (const day of [...result.recorded.allDays, ...result.vulgraad.allDays]) {
      expect(day.overflowEmptyings).toBeLessThanOrEqual(day.emptyings);
      expect(day.clusterDaysOver).toBeGreaterThanOrEqual(day.overflowEmptyings);
      expect(day.fills.filter((f) => f > 100).length).toBe(day.overflowEmptyings);
    }
  });

  it('prints the last line in the issue\'s format', () => {
    const line = replayLine(2, world.containers.length, [summariseSeed(result, world.containers.length)]);
    expect(line).toMatch(
      /^replay days=2 clusters=\d+ seeds=1 recorded_km_per_day=[\d.]+ vulgraad_km_per_day=[\d.]+ km_ratio=[\d.]+ recorded_hours_per_day=[\d.]+ vulgraad_hours_per_day=[\d.]+ hours_ratio=[\d.]+ recorded_lifts_per_day=[\d.]+ vulgraad_lifts_per_day=[\d.]+ lifts_ratio=[\d.]+ vulgraad_service_pct=[\d.]+$/,
    );
  });
});
