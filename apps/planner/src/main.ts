import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@vulgraad/config';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import type { AddressInfo } from 'node:net';
import { PlannerModule } from './planner.module';

/** The planner as its own process: `node -r ./tools/register.js apps/planner/src/main.ts`. */
async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: 'planner' } });

  @Module({ imports: [CoreModule.forRoot({ config }), PlannerModule.forRoot()] })
  class PlannerAppModule {}

  const app = await NestFactory.create(PlannerAppModule, { logger, bufferLogs: true });
  app.enableShutdownHooks();
  await app.listen(config.planner.httpPort, config.core.httpHost);
  const address = app.getHttpServer().address() as AddressInfo;
  logger.log({ msg: 'planner listening', port: address.port, host: config.core.httpHost }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`planner failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
