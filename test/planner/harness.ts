import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { loadConfig } from '@vulgraad/config';
import type { Clock, EventMap, EventName, WasteFraction } from '@vulgraad/contracts';
import {
  ContainersRepository, createScratchDatabase, DepotsRepository, DisposalSitesRepository, ReadingsRepository, VehiclesRepository,
  type ReadingRow, type ScratchDatabase,
} from '@vulgraad/database';
import { StraightLineProvider } from '@vulgraad/distances';
import { RedisEventBus } from '@vulgraad/events';
import { BullMqJobRunner, InProcessJobRunner, type JobInfo, type JobRunner } from '@vulgraad/jobs';
import { DistrictSettingsRepository, PlannerEditsRepository, PlansRepository } from '@vulgraad/planning';
import { solve } from '@vulgraad/routing';
import { CoreModule } from '@vulgraad/runtime';
import { PlannerModule } from '../../apps/planner/src/planner.module';
import { PlanningService } from '../../apps/planner/src/planning.service';
import { ReplanCoordinator } from '../../apps/planner/src/replan.coordinator';
import { PLANNER_QUEUE } from '../../apps/planner/src/planner.tokens';
import { testPostgresUrl, testRedisUrl } from '../support/services';

const HOUR_MS = 3_600_000;

/** A container of a scenario and how its sensor history looks. */
export interface ScenarioContainer {
  id: string;
  lng: number;
  lat: number;
  /** Fill rate, points per hour, while nobody empties it. */
  ratePctPerH: number;
  /** Fill at the last reading. */
  fillNowPct: number;
  /** Hours since the sensor last reported (0 = reporting). */
  silentForH?: number;
  fraction?: WasteFraction;
  volumeL?: number;
  /** Default `centre`. */
  district?: string;
}

/**
 * Hourly readings over two weeks that rise at the given rate and drop to a
 * few percent when they reach ~80 % (the container was emptied), ending at
 * `fillNowPct` at `lastAtMs`. A little seeded noise makes it a sensor.
 */
export function sawtoothReadings(c: ScenarioContainer, lastAtMs: number, days = 14): ReadingRow[] {
  const rows: ReadingRow[] = [];
  let fill = c.fillNowPct;
  let seed = c.id.split('').reduce((a, ch) => a * 31 + ch.charCodeAt(0), 7) >>> 0;
  const noise = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return (seed / 2 ** 32 - 0.5) * 2;
  };
  const values: Array<[number, number]> = [];
  for (let t = lastAtMs; t > lastAtMs - days * 24 * HOUR_MS; t -= HOUR_MS) {
    values.push([t, fill]);
    fill -= c.ratePctPerH;
    if (fill < 3) fill = 80;
  }
  values.reverse();
  values.forEach(([t, v], i) => {
    const measuredAt = new Date(t);
    rows.push({
      containerId: c.id, deviceId: `dev-${c.id}`, measuredAt, receivedAt: measuredAt, fillPct: Math.max(0, v + noise()), distanceMm: null,
      temperatureC: null, batteryPct: 90, batteryV: null, rssiDbm: null, snrDb: null, seq: i, tiltDeg: null, flags: [], alarms: [], format: 'native', correlationId: null,
    });
  });
  return rows;
}

/** A grid of slow containers around the centre: the background every scenario plans among. */
export function background(count: number): ScenarioContainer[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `bg-${String(i).padStart(2, '0')}`,
    lng: 4.88 + (i % 6) * 0.004,
    lat: 52.365 + Math.floor(i / 6) * 0.003,
    ratePctPerH: 0.4 + (i % 5) * 0.1,
    fillNowPct: 10 + ((i * 13) % 50),
  }));
}

/** The planner app on a scratch database, real Redis (events and BullMQ) and a clock the scenario moves. */
export interface PlannerHarness {
  app: INestApplication;
  scratch: ScratchDatabase;
  bus: RedisEventBus;
  jobs: JobRunner;
  planning: PlanningService;
  replans: ReplanCoordinator;
  plans: PlansRepository;
  edits: PlannerEditsRepository;
  settings: DistrictSettingsRepository;
  clock: Clock & { set(iso: string): void };
  events: Array<{ name: EventName; payload: unknown }>;
  waitForJob(jobId: string, timeoutMs?: number): Promise<JobInfo>;
  waitForEvent<E extends EventName>(name: E, match: (payload: EventMap[E]) => boolean, timeoutMs?: number): Promise<EventMap[E]>;
  close(): Promise<void>;
}

export async function startPlanner(options: {
  name: string;
  containers: ScenarioContainer[];
  trucks?: number;
  nowIso: string;
  env?: Record<string, string>;
  /** BullMQ on the test Redis (default) or the in-process runner of the all-in-one. */
  runner?: 'bullmq' | 'in-process';
  /** Run the daily schedules (default false: scenarios add their jobs). */
  schedules?: boolean;
}): Promise<PlannerHarness> {
  const unique = `${options.name}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const scratch = await createScratchDatabase(testPostgresUrl(), { prefix: `planner_${options.name}`, timescale: 'off' });
  const db = scratch.db;
  let nowMs = Date.parse(options.nowIso);
  const clock = { now: () => new Date(nowMs), set: (iso: string) => void (nowMs = Date.parse(iso)) };

  await new ContainersRepository(db).upsert(
    options.containers.map((c) => ({
      id: c.id, lng: c.lng, lat: c.lat, district: c.district ?? 'centre', wasteType: c.fraction ?? 'residual', volumeL: c.volumeL ?? 3000, depthMm: 2000,
    })),
  );
  const readings = new ReadingsRepository(db);
  for (const c of options.containers) await readings.insertBatch(sawtoothReadings(c, nowMs - (c.silentForH ?? 0) * HOUR_MS));
  await new DepotsRepository(db).upsert({ id: 'depot-1', name: 'Depot', lng: 4.87, lat: 52.36, address: null });
  await new DisposalSitesRepository(db).upsert({
    id: 'site-1', name: 'Incinerator', lng: 4.83, lat: 52.405, address: null, fractions: ['residual'], openFromMin: 0, openToMin: 1440, serviceTimeS: 900,
  });
  const vehicles = new VehiclesRepository(db);
  for (let k = 1; k <= (options.trucks ?? 2); k++) {
    await vehicles.upsert({
      id: `truck-${k}`, name: `Truck ${k}`, depotId: 'depot-1', capacityL: 20_000, capacityKg: 10_000, fractions: ['residual'], equipment: ['underground'],
      speedFactor: 1, costPerKm: 0, costPerHour: 0, shiftStartMin: 420, shiftEndMin: 930, maxRouteDurationS: null,
    });
  }

  const config = loadConfig({
    CITY_TIMEZONE: 'Europe/Amsterdam',
    DB_MAINTENANCE_INTERVAL_S: '0',
    PLANNER_REPLAN_DEBOUNCE_MS: '300',
    PLANNER_JOB_BACKOFF_MS: '100',
    PLANNER_BREAK_MIN: '0',
    PLANNER_SHIFT_END: '15:30',
    ...options.env,
  });
  const bus = new RedisEventBus(testRedisUrl(), `vgtest-${unique}:events:`);
  const jobs: JobRunner = options.runner === 'in-process' ? new InProcessJobRunner() : new BullMqJobRunner({ redisUrl: testRedisUrl(), prefix: `vgtest-${unique}` });
  const events: PlannerHarness['events'] = [];
  for (const name of ['plan.published', 'planner.edit', 'collection.recorded'] as const) {
    await bus.subscribe(name, (payload) => void events.push({ name, payload }));
  }

  @Module({
    imports: [
      CoreModule.forRoot({ config, database: db, eventBus: bus, clock, maintenance: false }),
      PlannerModule.forRoot({
        jobRunner: jobs,
        matrixProvider: new StraightLineProvider(),
        solve: (problem, solveOptions) => solve(problem, { ...solveOptions, maxIterations: 40 }),
        schedules: options.schedules ?? false,
        defaultMetrics: false,
      }),
    ],
  })
  class ScenarioModule {}

  const app = await NestFactory.create(ScenarioModule, { logger: false });
  await app.init();

  const until = async <T>(probe: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    app, scratch, bus, jobs, clock, events,
    planning: app.get(PlanningService),
    replans: app.get(ReplanCoordinator),
    plans: app.get(PlansRepository),
    edits: app.get(PlannerEditsRepository),
    settings: app.get(DistrictSettingsRepository),
    waitForJob: (jobId, timeoutMs = 60_000) =>
      until(async () => {
        const job = await jobs.getJob(PLANNER_QUEUE, jobId);
        return job && (job.state === 'completed' || job.state === 'failed') ? job : null;
      }, timeoutMs, `job ${jobId}`),
    waitForEvent: (name, match, timeoutMs = 60_000) =>
      until(async () => {
        const hit = events.find((e) => e.name === name && match(e.payload as EventMap[typeof name]));
        return hit ? (hit.payload as EventMap[typeof name]) : null;
      }, timeoutMs, `event ${name}`),
    close: async () => {
      await app.close();
      await jobs.close();
      await bus.close();
      const redis = new Redis(testRedisUrl());
      const keys = await redis.keys(`vgtest-${unique}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await scratch.drop();
    },
  };
}
