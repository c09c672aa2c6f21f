import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, CONFIG } from '@vulgraad/contracts';
import type { Config } from '@vulgraad/config';
import { INGEST_TOPIC_FILTERS, isVehicleTopic, VEHICLE_TOPIC_PREFIX } from '@vulgraad/payloads';
import { IngestMqttClient } from './ingest-mqtt.client';
import { IngestPipeline } from './ingest.pipeline';
import { VehicleMessages } from './vehicles/vehicle-messages.handler';

/**
 * The MQTT transport of the ingest: subscribes, hands every message to the
 * pipeline, and applies its back-pressure. The trucks' messages come on a
 * session of their own (client id `<id>-vehicles`): a connection's window of
 * unacknowledged messages (INGEST_RECEIVE_MAXIMUM) and its socket are shared
 * by all it carries, so behind a backlog of readings (their commit late, the
 * window full or reading paused) a truck's position would wait at the broker
 * with them. The readings' session still subscribes the whole native
 * namespace, so that a wrong path under it is rejected and seen; its copies
 * of the trucks' messages are acknowledged at once and left to the trucks'
 * session. On shutdown it stops reading, lets the pipeline commit and
 * acknowledge what it holds, then disconnects.
 */
@Injectable()
export class MqttIngestHandler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MqttIngestHandler.name);
  /** The readings' session. */
  readonly readings: IngestMqttClient;
  /** The trucks' session. */
  readonly vehicles: IngestMqttClient;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly pipeline: IngestPipeline,
    @Inject(CLOCK) clock: Clock,
    private readonly vehicleMessages: VehicleMessages,
  ) {
    const embedded = config.core.mqttUrl === null;
    const clientId = config.ingest.clientId || `vulgraad-ingest-${hostname()}`;
    const common = {
      url: config.core.mqttUrl ?? `mqtt://127.0.0.1:${config.core.embeddedMqttPort}`,
      username: config.core.mqttUsername,
      password: config.core.mqttPassword,
      // The embedded broker (aedes) speaks MQTT 3.1.1 only and has no shared subscriptions.
      protocolVersion: embedded || config.ingest.mqttProtocol === '4' ? (4 as const) : (5 as const),
      sessionExpiryS: config.ingest.sessionExpiryS,
      receiveMaximum: config.ingest.receiveMaximum,
      topicPrefix: config.ingest.topicPrefix,
      shareGroup: embedded ? '' : config.ingest.shareGroup,
      // Receipt times on the process clock, the one the timestamp checks and every other part use (simulated in the demo).
      now: () => clock.now(),
    };
    this.readings = new IngestMqttClient({ ...common, clientId, filters: INGEST_TOPIC_FILTERS });
    this.vehicles = new IngestMqttClient({ ...common, clientId: `${clientId}-vehicles`, filters: [`${VEHICLE_TOPIC_PREFIX}#`] });
  }

  /** Both sessions connected and subscribed. */
  get connected(): boolean {
    return this.readings.connected && this.vehicles.connected;
  }

  onApplicationBootstrap(): void {
    this.pipeline.onFlowChange = (paused) => {
      if (paused) this.readings.pause();
      else this.readings.resume();
      this.logger.log({ msg: paused ? 'buffer full, reading paused' : 'reading resumed', buffered: this.pipeline.buffered });
    };
    this.readings.start((message) => (isVehicleTopic(message.topic) ? message.ack() : this.pipeline.accept(message)));
    this.vehicles.start((message) => this.vehicleMessages.accept(message));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.readings.pause();
    this.vehicles.pause();
    await Promise.all([this.pipeline.drain(10_000), this.vehicleMessages.drain()]);
    await Promise.all([this.readings.stop(), this.vehicles.stop()]);
  }
}
