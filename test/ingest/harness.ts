import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vulgraad/config';
import { EVENT_BUS } from '@vulgraad/contracts';
import { ContainersRepository, type Database, DevicesRepository } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import mqtt, { type MqttClient } from 'mqtt';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { IngestMetrics } from '../../apps/ingest/src/ingest.metrics';
import { testMqttUrl } from '../support/services';

/** A name no other test run uses: topic prefixes, client ids, share groups. */
export const uniqueName = (label: string): string => `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export interface RunningIngest {
  app: INestApplication;
  bus: EventBus;
  metrics: IngestMetrics;
  baseUrl: string;
  prefix: string;
  close(): Promise<void>;
}

/** The ingest module in this process, on the scratch database and the machine's Mosquitto, with its own topic prefix. */
export async function startIngest(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningIngest> {
  const prefix = env.INGEST_TOPIC_PREFIX ?? `${uniqueName('t')}/`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    MQTT_URL: testMqttUrl(),
    INGEST_TOPIC_PREFIX: prefix,
    INGEST_CLIENT_ID: uniqueName('ingest'),
    INGEST_SHARE_GROUP: uniqueName('group'),
    INGEST_HTTP_PORT: '0',
    INGEST_BATCH_WAIT_MS: '20',
    DB_MAINTENANCE_INTERVAL_S: '0',
    ...env,
  });

  @Module({ imports: [CoreModule.forRoot({ config }), IngestModule] })
  class TestIngestModule {}

  // abortOnError false: a failed start must fail the test, not exit the test runner's process.
  const app = await NestFactory.create(TestIngestModule, { logger: new JsonLogger({ level: 'warn' }), abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const ingest: RunningIngest = {
    app,
    bus: app.get<EventBus>(EVENT_BUS),
    metrics: app.get(IngestMetrics),
    baseUrl: `http://127.0.0.1:${port}`,
    prefix,
    close: () => app.close(),
  };
  await waitFor(async () => (await fetch(`${ingest.baseUrl}/health`)).ok, 15_000, 'ingest connected to the broker');
  return ingest;
}

export async function connectPublisher(): Promise<MqttClient> {
  return mqtt.connectAsync(testMqttUrl(), { protocolVersion: 5, clientId: uniqueName('pub'), reconnectPeriod: 0 });
}

/** Polls until check() is true; fails with what it waited for. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SeededDevice {
  deviceId: string;
  externalRef: string;
  devEui: string;
  containerId: string;
}

/** Containers with one device each, bound since 2020; depth 2500 mm so that a distance of 2000 mm is 20 % full. */
export async function seedDevices(
  db: Database,
  label: string,
  count: number,
  device: { model?: string | null; lorawanApplicationId?: string | null } = {},
): Promise<SeededDevice[]> {
  const containers = await new ContainersRepository(db).upsert(
    Array.from({ length: count }, (_, i) => ({
      externalRef: `${label}-c${i}`,
      lng: 4.9 + i * 1e-4,
      lat: 52.37,
      district: 'Centrum',
      wasteType: 'residual' as const,
      volumeL: 5000,
      depthMm: 2500,
    })),
  );
  const devices = await new DevicesRepository(db).upsert(
    Array.from({ length: count }, (_, i) => ({
      externalRef: `${label}-d${i}`,
      devEui: randomBytes(8).toString('hex'),
      model: device.model ?? null,
      lorawanApplicationId: device.lorawanApplicationId ?? null,
    })),
  );
  const containerByRef = new Map(containers.map((c) => [c.externalRef, c]));
  const deviceByRef = new Map(devices.map((d) => [d.externalRef, d]));
  const seeded: SeededDevice[] = Array.from({ length: count }, (_, i) => {
    const d = deviceByRef.get(`${label}-d${i}`)!;
    const c = containerByRef.get(`${label}-c${i}`)!;
    return { deviceId: d.id, externalRef: d.externalRef, devEui: d.devEui!, containerId: c.id };
  });
  await db.transaction((tx) =>
    new DevicesRepository(tx).bindMany(seeded.map((s) => ({ deviceId: s.deviceId, containerId: s.containerId, validFrom: new Date('2020-01-01T00:00:00Z') }))),
  );
  return seeded;
}
