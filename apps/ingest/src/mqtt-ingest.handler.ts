import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, CONFIG } from '@vulgraad/contracts';
import type { Config } from '@vulgraad/config';
import { INGEST_TOPIC_FILTERS, isVehicleTopic } from '@vulgraad/payloads';
import { IngestMqttClient } from './ingest-mqtt.client';
import { IngestPipeline } from './ingest.pipeline';
import { VehicleMessages } from './vehicles/vehicle-messages.handler';

/**
 * The MQTT transport of the ingest: subscribes, hands every message to the
 * pipeline, and applies its back-pressure. On shutdown it stops reading,
 * lets the pipeline commit and acknowledge what it holds, then disconnects.
 */
@Injectable()
export class MqttIngestHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MqttIngestHandler.name);
  readonly client: IngestMqttClient;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly pipeline: IngestPipeline,
    @Inject(CLOCK) clock: Clock,
    private readonly vehicles: VehicleMessages,
  ) {
    const embedded = config.core.mqttUrl === null;
    this.client = new IngestMqttClient({
      url: config.core.mqttUrl ?? `mqtt://127.0.0.1:${config.core.embeddedMqttPort}`,
      clientId: config.ingest.clientId || `vulgraad-ingest-${hostname()}`,
      username: config.core.mqttUsername,
      password: config.core.mqttPassword,
      // The embedded broker (aedes) speaks MQTT 3.1.1 only and has no shared subscriptions.
      protocolVersion: embedded || config.ingest.mqttProtocol === '4' ? 4 : 5,
      sessionExpiryS: config.ingest.sessionExpiryS,
      receiveMaximum: config.ingest.receiveMaximum,
      filters: INGEST_TOPIC_FILTERS,
      topicPrefix: config.ingest.topicPrefix,
      shareGroup: embedded ? '' : config.ingest.shareGroup,
      // Receipt times on the process clock, the one the timestamp checks and every other part use (simulated in the demo).
      now: () => clock.now(),
    });
  }

  onApplicationBootstrap(): void {
    this.pipeline.onFlowChange = (paused) => {
      if (paused) this.client.pause();
      else this.client.resume();
      this.logger.log({ msg: paused ? 'buffer full, reading paused' : 'reading resumed', buffered: this.pipeline.buffered });
    };
    // Trucks' positions and lifts share the broker and the subscription; they go to their own handler, not the readings pipeline.
    this.client.start((message) => (isVehicleTopic(message.topic) ? this.vehicles.accept(message) : this.pipeline.accept(message)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.client.pause();
    await Promise.all([this.pipeline.drain(10_000), this.vehicles.drain()]);
    await this.client.stop();
  }
}
