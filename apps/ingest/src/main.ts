import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@vulgraad/config';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import type { AddressInfo } from 'node:net';
import { HttpIngestModule, HttpIngestService, httpUplinkDoors } from './http';
import { IngestModule } from './ingest.module';

/** The ingest as its own process: `node -r ./tools/register.js apps/ingest/src/main.ts`. */
async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: 'ingest' } });

  @Module({ imports: [CoreModule.forRoot({ config }), IngestModule, HttpIngestModule] })
  class IngestAppModule {}

  // The HTTP uplinks read their bodies raw; the ingest takes no other request body.
  const app = await NestFactory.create(IngestAppModule, { logger, bufferLogs: true, bodyParser: false });
  app.use(httpUplinkDoors(app.get(HttpIngestService), config.ingest.maxPayloadBytes));
  app.enableShutdownHooks();
  await app.listen(config.ingest.httpPort, config.core.httpHost);
  const address = app.getHttpServer().address() as AddressInfo;
  logger.log({ msg: 'ingest listening', port: address.port, host: config.core.httpHost }, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`ingest failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
