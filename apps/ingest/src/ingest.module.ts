import { Module } from '@nestjs/common';
import { CLOCK, type Clock, CONFIG, DATABASE, EVENT_BUS } from '@vulgraad/contracts';
import type { Config } from '@vulgraad/config';
import type { Database } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { decodeUplink, VendorCodecs } from '@vulgraad/payloads';
import { HealthController } from './health.controller';
import { IngestMetrics } from './ingest.metrics';
import { IngestPipeline, type UplinkDecoder } from './ingest.pipeline';
import { INGEST_PORT } from './ingest.port';
import { MqttIngestHandler } from './mqtt-ingest.handler';
import { VehicleMessages } from './vehicles/vehicle-messages.handler';

/** Token of the LoRaWAN decoder the pipeline uses; the registry of @vulgraad/payloads by default. */
export const UPLINK_DECODER = Symbol('vulgraad.ingest.uplinkDecoder');

/**
 * The ingest: MQTT in, readings and rejected messages out, container-state
 * events after each commit. Needs CoreModule (CONFIG, DATABASE, EVENT_BUS,
 * CLOCK) in the root module of the process.
 */
@Module({
  controllers: [HealthController],
  providers: [
    {
      provide: UPLINK_DECODER,
      inject: [CONFIG],
      // Vendor codecs (when a folder is configured) decode their models; the built-in decoders the rest.
      useFactory: async (config: Config): Promise<UplinkDecoder> => {
        if (!config.ingest.codecsDir) return { decode: decodeUplink };
        const codecs = await VendorCodecs.loadDir(config.ingest.codecsDir, { cpuMs: config.ingest.codecCpuMs, memoryBytes: config.ingest.codecMemoryMb * 1024 * 1024 });
        return { decode: (model, fPort, bytes) => codecs.decode(model, fPort, bytes) };
      },
    },
    { provide: IngestMetrics, useFactory: () => new IngestMetrics({ defaultMetrics: true }) },
    {
      provide: IngestPipeline,
      inject: [DATABASE, EVENT_BUS, CLOCK, UPLINK_DECODER, IngestMetrics, CONFIG],
      useFactory: (db: Database, bus: EventBus, clock: Clock, decoder: UplinkDecoder, metrics: IngestMetrics, config: Config) =>
        new IngestPipeline(db, bus, clock, decoder, metrics, {
          batchSize: config.ingest.batchSize,
          batchWaitMs: config.ingest.batchWaitMs,
          waitingSenderBatchWaitMs: config.ingest.httpBatchWaitMs,
          writers: config.ingest.writers,
          maxBuffered: config.ingest.maxBufferedMessages,
          maxBufferedBytes: config.ingest.maxBufferedBytes,
          writeStrategy: config.ingest.writeStrategy,
          maxPayloadBytes: config.ingest.maxPayloadBytes,
          rejectKeepBytes: config.ingest.rejectKeepBytes,
          cacheTtlS: config.ingest.cacheTtlS,
          thresholds: {
            futureSkewS: config.ingest.futureSkewS,
            staleAfterS: config.ingest.staleAfterS,
            jumpPct: config.ingest.jumpPct,
            jumpWindowS: config.ingest.jumpWindowS,
            stuckReadings: config.ingest.stuckReadings,
            stuckHours: config.ingest.stuckHours,
            tiltDeg: config.ingest.tiltDeg,
            fillTolerancePct: 5,
          },
        }),
    },
    {
      provide: VehicleMessages,
      inject: [DATABASE, EVENT_BUS, CLOCK, CONFIG],
      useFactory: (db: Database, bus: EventBus, clock: Clock, config: Config) =>
        new VehicleMessages(db, bus, clock, { batchSize: config.ingest.batchSize, batchWaitMs: config.ingest.batchWaitMs, futureSkewS: config.ingest.futureSkewS, rejectKeepBytes: config.ingest.rejectKeepBytes }),
    },
    MqttIngestHandler,
    { provide: INGEST_PORT, useExisting: IngestPipeline },
  ],
  exports: [INGEST_PORT, IngestPipeline, IngestMetrics, VehicleMessages],
})
export class IngestModule {}
