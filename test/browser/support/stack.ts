import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vulgraad/config';
import { systemClock } from '@vulgraad/contracts';
import { ContainersRepository, DevicesRepository, ReadingsRepository, type Database } from '@vulgraad/database';
import { InProcessEventBus } from '@vulgraad/events';
import { CoreModule } from '@vulgraad/runtime';
import { generateCity, type CityModel } from '@vulgraad/city-model';
import mqtt, { type MqttClient } from 'mqtt';
import { AlertsModule } from '../../../apps/alerts/src/alerts.module';
import { configureGateway } from '../../../apps/gateway/src/app-setup';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { IngestModule } from '../../../apps/ingest/src/ingest.module';
import { testMqttUrl } from '../../support/services';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/** The gateway, the ingest and the alerts service in one process on one in-process bus, reading the real Mosquitto. */
export interface Stack {
  url: string;
  /** Prefix in front of every MQTT topic of this run. */
  topicPrefix: string;
  mqtt: MqttClient;
  close(): Promise<void>;
}

export async function startStack(db: Database, env: Record<string, string> = {}): Promise<Stack> {
  const run = randomBytes(4).toString('hex');
  const topicPrefix = `test/${run}/`;
  const config = loadConfig({
    MQTT_URL: testMqttUrl(),
    INGEST_CLIENT_ID: `vg-browser-${run}`,
    INGEST_SHARE_GROUP: `vg-browser-${run}`,
    INGEST_TOPIC_PREFIX: topicPrefix,
    INGEST_HTTP_PORT: '0',
    INGEST_BATCH_WAIT_MS: '20',
    GATEWAY_PORT: '0',
    GATEWAY_JWT_SECRET: `browser-test-secret-${run}-0123456789`,
    GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    GATEWAY_LIVE_FLUSH_MS: '40',
    ALERT_SILENCE_CHECK_S: '3600',
    DB_MAINTENANCE_INTERVAL_S: '0',
    LOG_LEVEL: 'error',
    ...env,
  });
  const bus = new InProcessEventBus();

  @Module({ imports: [CoreModule.forRoot({ config, database: db, eventBus: bus, clock: systemClock, maintenance: false }), GatewayModule, IngestModule, AlertsModule] })
  class BrowserStack {}

  const app = await NestFactory.create<NestExpressApplication>(BrowserStack, { logger: ['error'], bodyParser: false, abortOnError: false });
  configureGateway(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const client = mqtt.connect(testMqttUrl(), { clientId: `vg-browser-pub-${run}`, protocolVersion: 5 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    topicPrefix,
    mqtt: client,
    close: async () => {
      await client.endAsync();
      await app.close();
    },
  };
}

/** A generated city registered with one native sensor per container, all reporting a low fill now. */
export async function seedGeneratedCity(db: Database, containers: number, idPrefix: string, centre?: { lng: number; lat: number }): Promise<{ city: CityModel; deviceOf: Map<string, string>; deviceIdOf: Map<string, string> }> {
  const city = generateCity({ containers, seed: 7, idPrefix, name: 'Testdorp', centre });
  const stored = await new ContainersRepository(db).upsert(
    city.containers.map((c) => ({ id: c.id, externalRef: c.id, lng: c.lng, lat: c.lat, district: c.district, wasteType: c.wasteType, volumeL: c.volumeL, depthMm: c.depthMm ?? 1500 })),
  );
  const devices = new DevicesRepository(db);
  const deviceRecords = await devices.upsert(stored.map((c) => ({ externalRef: `${c.id}-sensor`, reportingIntervalS: 3600 })));
  const deviceOf = new Map<string, string>();
  const deviceIdOf = new Map<string, string>();
  const readings = new ReadingsRepository(db);
  const now = new Date();
  for (let i = 0; i < stored.length; i++) {
    await devices.bind(deviceRecords[i]!.id, stored[i]!.id, new Date(now.getTime() - 30 * 86_400_000));
    deviceOf.set(stored[i]!.id, deviceRecords[i]!.externalRef);
    deviceIdOf.set(stored[i]!.id, deviceRecords[i]!.id);
  }
  await readings.upsertStates(
    stored.map((c, i) => ({
      containerId: c.id, deviceId: deviceRecords[i]!.id, measuredAt: new Date(now.getTime() - 2 * 3_600_000), fillPct: 10 + ((i * 37) % 60), distanceMm: null,
      temperatureC: 12, batteryPct: 80, flags: [], unchangedSince: null, unchangedCount: 0,
    })),
  );
  return { city, deviceOf, deviceIdOf };
}

/** A week of hourly readings: filling about 1.5 points an hour, emptied every two days, ending two hours ago. */
export async function seedHistory(db: Database, containerId: string, deviceId: string, endFillPct: number): Promise<void> {
  const end = Date.now() - 2 * 3_600_000;
  const hours = 7 * 24;
  const rows = Array.from({ length: hours }, (_, h) => {
    const at = new Date(end - (hours - 1 - h) * 3_600_000);
    const sinceEnd = hours - 1 - h;
    const fillPct = Math.max(2, Math.round((endFillPct - (sinceEnd % 48) * 1.5) * 10) / 10);
    return {
      containerId, deviceId, measuredAt: at, receivedAt: at, fillPct, distanceMm: null, temperatureC: 11, batteryPct: 80, batteryV: null,
      rssiDbm: null, snrDb: null, seq: h, tiltDeg: null, flags: [], alarms: [], format: 'native', correlationId: null,
    };
  });
  await new ReadingsRepository(db).insertBatch(rows);
  await new ReadingsRepository(db).upsertStates([
    { containerId, deviceId, measuredAt: new Date(end), fillPct: endFillPct, distanceMm: null, temperatureC: 11, batteryPct: 80, flags: [], unchangedSince: null, unchangedCount: 0 },
  ]);
}
