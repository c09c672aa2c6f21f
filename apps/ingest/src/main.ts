import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapProcess, CoreModule, startNestApp } from '@vulgraad/runtime';
import { HttpIngestModule, HttpIngestService, serveUplinkDoorsFirst } from './http';
import { IngestModule } from './ingest.module';

/** The ingest as its own process: `node -r ./tools/register.js apps/ingest/src/main.ts`. */
void bootstrapProcess({
  service: 'ingest',
  start: (config, logger) => {
    @Module({ imports: [CoreModule.forRoot({ config }), IngestModule, HttpIngestModule] })
    class IngestProcess {}
    // The HTTP uplinks read their bodies raw, ahead of the framework; the ingest takes no other request body.
    return startNestApp(IngestProcess, {
      service: 'ingest',
      config,
      logger,
      port: config.ingest.httpPort,
      nest: { bodyParser: false },
      configure: (app) => serveUplinkDoorsFirst(app.getHttpServer(), app.get(HttpIngestService), config.ingest.maxPayloadBytes),
    });
  },
});
