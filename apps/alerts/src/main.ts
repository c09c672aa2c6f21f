import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@vulgraad/config';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import { AlertsModule } from './alerts.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: 'alerts' } });

  @Module({ imports: [CoreModule.forRoot({ config }), AlertsModule] })
  class AlertsProcess {}

  const app = await NestFactory.create(AlertsProcess, { logger });
  app.enableShutdownHooks();
  await app.listen(config.alerts.httpPort, config.core.httpHost);
  const address = app.getHttpServer().address() as { port: number } | null;
  logger.log({ msg: 'alerts service running', port: address?.port }, 'Alerts');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
