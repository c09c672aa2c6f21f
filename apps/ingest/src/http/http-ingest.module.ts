import { Module } from '@nestjs/common';
import { CLOCK, type Clock, CONFIG, DATABASE } from '@vulgraad/contracts';
import type { Config } from '@vulgraad/config';
import type { Database } from '@vulgraad/database';
import { IngestMetrics } from '../ingest.metrics';
import { IngestModule } from '../ingest.module';
import { IngestPipeline } from '../ingest.pipeline';
import { HttpIngestMetrics } from './http-ingest.metrics';
import { HttpIngestService } from './http-ingest.service';
import { RateLimiter } from './rate-limiter';
import { UplinkAuth } from './uplink-auth';

/**
 * The ingest's HTTP doors (webhooks of network servers, sensors posting
 * directly), feeding the same pipeline as MQTT. The process that imports it
 * puts `serveUplinkDoorsFirst(app.getHttpServer(), app.get(HttpIngestService), ...)`
 * in front of the framework (see the ingest's main and the all-in-one).
 */
@Module({
  imports: [IngestModule],
  providers: [
    { provide: HttpIngestMetrics, inject: [IngestMetrics], useFactory: (metrics: IngestMetrics) => new HttpIngestMetrics(metrics.registry) },
    {
      provide: UplinkAuth,
      inject: [DATABASE, CONFIG],
      useFactory: (db: Database, config: Config) => new UplinkAuth(db, config.ingest.cacheTtlS * 1000),
    },
    {
      provide: HttpIngestService,
      inject: [IngestPipeline, UplinkAuth, CLOCK, HttpIngestMetrics, CONFIG],
      useFactory: (pipeline: IngestPipeline, auth: UplinkAuth, clock: Clock, metrics: HttpIngestMetrics, config: Config) =>
        new HttpIngestService(
          pipeline,
          auth,
          new RateLimiter(config.ingest.httpRatePerS, config.ingest.httpRatePerS * 2),
          new RateLimiter(config.ingest.httpDeviceRatePerMin / 60, 10),
          clock,
          metrics,
          { maxPayloadBytes: config.ingest.maxPayloadBytes, maxBuffered: config.ingest.maxBufferedMessages, timeoutMs: config.ingest.httpTimeoutS * 1000 },
        ),
    },
  ],
  exports: [UplinkAuth, HttpIngestService],
})
export class HttpIngestModule {}
