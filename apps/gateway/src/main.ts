import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { configureGateway } from './app-setup';
import { GatewayModule } from './gateway.module';

/** The gateway as its own process (REST, socket.io, dashboard): `node -r ./tools/register.js apps/gateway/src/main.ts`. */
void bootstrapProcess({
  service: 'gateway',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), GatewayModule] })
    class GatewayProcess {}
    return startNestApp<NestExpressApplication>(GatewayProcess, {
      service: 'gateway',
      config,
      logger,
      port: config.gateway.port,
      nest: { bodyParser: false },
      // Stopping is bootstrapProcess's, the same for every process.
      configure: (app) => configureGateway(app, config, { shutdownHooks: false }),
    });
  },
});
