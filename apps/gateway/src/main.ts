import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@vulgraad/config';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import { configureGateway } from './app-setup';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: 'gateway' } });

  @Module({ imports: [CoreModule.forRoot({ config }), GatewayModule] })
  class GatewayProcess {}

  const app = await NestFactory.create<NestExpressApplication>(GatewayProcess, { logger, bodyParser: false });
  configureGateway(app, config);
  await app.listen(config.gateway.port, config.core.httpHost);
  const address = app.getHttpServer().address() as { port: number } | null;
  logger.log({ msg: 'gateway listening', host: config.core.httpHost, port: address?.port, docs: '/api/docs', dashboard: '/' }, 'Gateway');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
