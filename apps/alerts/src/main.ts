import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { AlertsModule } from './alerts.module';

/** The alert service as its own process: `node -r ./tools/register.js apps/alerts/src/main.ts`. */
void bootstrapProcess({
  service: 'alerts',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), AlertsModule] })
    class AlertsProcess {}
    return startNestApp(AlertsProcess, { service: 'alerts', config, logger, port: config.alerts.httpPort });
  },
});
