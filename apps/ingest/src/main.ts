import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { IngestModule } from './ingest.module';

/** The ingest as its own process: `node -r ./tools/register.js apps/ingest/src/main.ts`. */
void bootstrapProcess({
  service: 'ingest',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), IngestModule] })
    class IngestProcess {}
    return startNestApp(IngestProcess, { service: 'ingest', config, logger, port: config.ingest.httpPort });
  },
});
