import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vulgraad/config';
import type { Database } from '@vulgraad/database';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import { generateSecret, hashSecret, type HttpIntegrationKind, HttpIntegrationsRepository, MqttAccountsRepository } from '@vulgraad/security';
import { HttpIngestModule, HttpIngestService, serveUplinkDoorsFirst } from '../../apps/ingest/src/http';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { testMqttUrl } from '../support/services';
import { uniqueName, waitFor } from './harness';

export interface RunningHttpIngest {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The ingest with its HTTP doors in this process, on a scratch database and the machine's Mosquitto, as its own main.ts builds it. */
export async function startHttpIngest(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningHttpIngest> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    MQTT_URL: testMqttUrl(),
    INGEST_TOPIC_PREFIX: `${uniqueName('t')}/`,
    INGEST_CLIENT_ID: uniqueName('ingest'),
    INGEST_SHARE_GROUP: uniqueName('group'),
    INGEST_HTTP_PORT: '0',
    INGEST_BATCH_WAIT_MS: '20',
    DB_MAINTENANCE_INTERVAL_S: '0',
    ...env,
  });

  @Module({ imports: [CoreModule.forRoot({ config }), IngestModule, HttpIngestModule] })
  class TestHttpIngestModule {}

  const app = await NestFactory.create(TestHttpIngestModule, { logger: new JsonLogger({ level: 'error' }), abortOnError: false, bodyParser: false });
  serveUplinkDoorsFirst(app.getHttpServer(), app.get(HttpIngestService), config.ingest.maxPayloadBytes);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  await waitFor(async () => (await fetch(`${baseUrl}/health`)).ok, 15_000, 'ingest connected to the broker');
  return { app, baseUrl, close: () => app.close() };
}

/** Registers an HTTP integration and returns its secret (as the onboarding API does). */
export async function registerIntegration(db: Database, name: string, kind: HttpIntegrationKind, applications: string[] | null): Promise<string> {
  const secret = generateSecret();
  await new HttpIntegrationsRepository(db).upsert({ name, kind, secretHash: hashSecret(secret), kpnSharedSecret: kind === 'kpn' ? secret : null, applications });
  return secret;
}

/** Gives a registered device a secret and returns it. */
export async function giveDeviceSecret(db: Database, externalRef: string): Promise<string> {
  const secret = generateSecret();
  await new MqttAccountsRepository(db).setDeviceSecret(externalRef, hashSecret(secret));
  return secret;
}
