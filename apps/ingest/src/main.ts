import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { HttpIngestModule, HttpIngestService, httpUplinkDoors } from './http';
import { IngestModule } from './ingest.module';

/** The ingest as its own process: `node -r ./tools/register.js apps/ingest/src/main.ts`. */
void bootstrapProcess({
  service: 'ingest',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), IngestModule, HttpIngestModule] })
    class IngestProcess {}
    // The HTTP uplinks read their bodies raw; the ingest takes no other request body.
    return startNestApp(IngestProcess, {
      service: 'ingest',
      config,
      logger,
      port: config.ingest.httpPort,
      nest: { bodyParser: false },
      configure: (app) => app.use(httpUplinkDoors(app.get(HttpIngestService), config.ingest.maxPayloadBytes)),
    });
  },
});
