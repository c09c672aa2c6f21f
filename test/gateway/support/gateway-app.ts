import 'reflect-metadata';
import { type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type Config } from '@vulgraad/config';
import { systemClock, type Clock } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { InProcessEventBus, type EventBus } from '@vulgraad/events';
import { CoreModule } from '@vulgraad/runtime';
import { configureGateway } from '../../../apps/gateway/src/app-setup';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface RunningGateway {
  app: NestExpressApplication;
  url: string;
  config: Config;
  bus: EventBus;
  close(): Promise<void>;
}

/** A real gateway on a free port, on the given database and bus, as its main.ts would start it. */
export async function startGateway(options: {
  db: Database;
  bus?: EventBus;
  clock?: Clock;
  env?: Record<string, string>;
  extraControllers?: Array<new (...args: never[]) => unknown>;
  /** The application's logger (default: errors only, Nest's own). */
  logger?: LoggerService;
}): Promise<RunningGateway> {
  const config = loadConfig({
    GATEWAY_PORT: '0',
    GATEWAY_JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    GATEWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    GATEWAY_LIVE_FLUSH_MS: '20',
    GATEWAY_OPEN_DATA_CACHE_S: '0',
    DB_MAINTENANCE_INTERVAL_S: '0',
    LOG_LEVEL: 'error',
    ...options.env,
  });
  const bus = options.bus ?? new InProcessEventBus();

  @Module({
    imports: [CoreModule.forRoot({ config, database: options.db, eventBus: bus, clock: options.clock ?? systemClock, maintenance: false }), GatewayModule],
    controllers: options.extraControllers ?? [],
  })
  class TestGateway {}

  const app = await NestFactory.create<NestExpressApplication>(TestGateway, { logger: options.logger ?? ['error'], bodyParser: false, abortOnError: false });
  configureGateway(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    bus,
    close: async () => {
      await app.close();
    },
  };
}

/** fetch with a JSON body and a bearer token; returns the status and the parsed body. */
export async function call<T = unknown>(
  url: string,
  options: { method?: string; token?: string; body?: unknown; contentType?: string } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const { status, body } = await call<{ token: string }>(`${url}/api/auth/login`, { body: { username, password } });
  if (status !== 200) throw new Error(`login of ${username} failed: ${status} ${JSON.stringify(body)}`);
  return body.token;
}
