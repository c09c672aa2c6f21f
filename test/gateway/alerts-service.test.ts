import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlertsRepository } from '@vulgraad/alerts';
import { loadConfig } from '@vulgraad/config';
import type { AlertChanged, Clock } from '@vulgraad/contracts';
import { createScratchDatabase, ReadingsRepository, type ScratchDatabase } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { CoreModule } from '@vulgraad/runtime';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { AlertsService } from '../../apps/alerts/src/alerts.service';
import { testPostgresUrl } from '../support/services';
import { seedCity } from './support/fixtures';
import { until } from './support/socket';

jest.setTimeout(60_000);

describe('the alerts service', () => {
  let scratch: ScratchDatabase;
  let app: INestApplication;
  let service: AlertsService;
  let ids: string[];
  let deviceIds: string[];
  const bus = new InProcessEventBus();
  const changes: AlertChanged[] = [];
  let nowMs = Date.parse('2026-03-02T10:00:00Z');
  const clock: Clock = { now: () => new Date(nowMs) };

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'alertsapp' });
    ({ ids, deviceIds } = await seedCity(scratch.db, 'al'));
    // Container 0 fills 2 points an hour and stands at 80 %: it overflows within the day. Container 1 fills slowly.
    const readings = new ReadingsRepository(scratch.db);
    const rows = [0, 1].flatMap((k) =>
      Array.from({ length: 7 * 24 }, (_, h) => {
        const at = new Date(nowMs - (7 * 24 - 1 - h) * 3_600_000);
        const hoursSinceEmptying = h % 40;
        const fill = k === 0 ? Math.min(100, (h >= 7 * 24 - 40 ? h - (7 * 24 - 40) : hoursSinceEmptying) * 2) : 10 + (h % 100) * 0.1;
        return {
          containerId: ids[k]!, deviceId: deviceIds[k]!, measuredAt: at, receivedAt: at, fillPct: fill, distanceMm: null, temperatureC: 10,
          batteryPct: 90, batteryV: null, rssiDbm: null, snrDb: null, seq: h, tiltDeg: null, flags: [], alarms: [], format: 'native', correlationId: null,
        };
      }),
    );
    await readings.insertBatch(rows);
    await readings.upsertStates(
      ids.map((id, k) => ({ containerId: id, deviceId: deviceIds[k]!, measuredAt: new Date(nowMs), fillPct: 20, distanceMm: null, temperatureC: 10, batteryPct: 90, flags: [], unchangedSince: null, unchangedCount: 0 })),
    );
    await bus.subscribe('alert.changed', (e) => void changes.push(e));
    const config = loadConfig({ DB_MAINTENANCE_INTERVAL_S: '0', LOG_LEVEL: 'error', ALERT_SILENCE_CHECK_S: '3600', ALERT_OVERFLOW_CHECK_S: '3600' });

    @Module({ imports: [CoreModule.forRoot({ config, database: scratch.db, eventBus: bus, clock, maintenance: false }), AlertsModule] })
    class TestAlerts {}

    app = await NestFactory.create(TestAlerts, { logger: ['error'], abortOnError: false });
    await app.init();
    service = app.get(AlertsService);
  });
  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  it('opens an alert from a committed reading and publishes alert.changed', async () => {
    await bus.publish('container.state', {
      containerId: ids[3]!, district: 'Centrum', wasteType: 'paper', deviceId: deviceIds[3]!, fillPct: 30, temperatureC: 88, batteryPct: 70, flags: ['device_alarm'], alarms: ['fire'], measuredAt: new Date(nowMs).toISOString(),
    });
    await until(() => changes.some((c) => c.cause === 'temperature_high'), 5000, 'the fire alert');
    expect(changes.find((c) => c.cause === 'temperature_high')).toMatchObject({ containerId: ids[3], change: 'opened', status: 'open' });
  });

  it('predicts an overflow before the next visit from the learned history, and publishes it for the planner', async () => {
    await until(() => service.overflow.size >= 2, 20_000, 'forecasts learned');
    await service.checkOverflow();
    const overflow = changes.filter((c) => c.cause === 'predicted_overflow');
    expect(overflow.map((c) => c.containerId)).toContain(ids[0]);
    expect(overflow.map((c) => c.containerId)).not.toContain(ids[1]);
    const [alert] = await new AlertsRepository(scratch.db).list({ containerId: ids[0], cause: 'predicted_overflow' });
    expect(alert!.details).toMatchObject({ plannedVisit: false, probability: expect.any(Number) });
  });

  it('opens sensor_silent on the timer once the clock passes the multiple of the interval', async () => {
    nowMs += 2 * 3_600_000;
    expect(await service.checkSilence()).toBe(0);
    nowMs += 2 * 3_600_000;
    expect(await service.checkSilence()).toBeGreaterThanOrEqual(ids.length - 1);
    expect(changes.filter((c) => c.cause === 'sensor_silent' && c.change === 'opened').length).toBeGreaterThanOrEqual(ids.length - 1);
  });
});
