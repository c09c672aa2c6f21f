import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { PlannerModule } from './planner.module';

/** The planner as its own process: `node -r ./tools/register.js apps/planner/src/main.ts`. */
void bootstrapProcess({
  service: 'planner',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), PlannerModule.forRoot()] })
    class PlannerProcess {}
    return startNestApp(PlannerProcess, { service: 'planner', config, logger, port: config.planner.httpPort });
  },
});
