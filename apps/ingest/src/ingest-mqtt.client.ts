import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { InboundMessage } from './ingest.pipeline';

export interface IngestMqttOptions {
  url: string;
  clientId: string;
  username?: string | null;
  password?: string | null;
  protocolVersion: 4 | 5;
  sessionExpiryS: number;
  receiveMaximum: number;
  /** Topic filters without prefix or share group. */
  filters: readonly string[];
  topicPrefix: string;
  /** Empty = an ordinary subscription. */
  shareGroup: string;
  /** Stamps receivedAt (default: the wall clock); the all-in-one hands in its simulated clock. */
  now?: () => Date;
}

/** mqtt.js calls handleMessage's callback with an error to skip its automatic PUBACK. */
const DEFER_ACK = new Error('acknowledged after commit');

/**
 * The ingest's MQTT connection. A persistent session (fixed client id, no
 * clean start) so that the broker keeps unacknowledged messages for a
 * restarted replica, and manual acknowledgement: mqtt.js would send PUBACK as
 * soon as a message is handed over, before it is stored. Here the PUBACK goes
 * out when the pipeline calls ack() after the commit, and only on the same
 * connection the message came in on (after a reconnect the broker sends it
 * again and the unique key absorbs the copy).
 */
export class IngestMqttClient {
  private readonly logger = new Logger(IngestMqttClient.name);
  private client: MqttClient | null = null;
  private connection = 0;
  private pausedStream: Duplex | null = null;
  private corked: Duplex | null = null;

  constructor(private readonly options: IngestMqttOptions) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** The filters as subscribed: prefix, and the share group when one is set. */
  get subscriptions(): string[] {
    const { filters, topicPrefix, shareGroup } = this.options;
    return filters.map((f) => (shareGroup ? `$share/${shareGroup}/${topicPrefix}${f}` : `${topicPrefix}${f}`));
  }

  /** Connects in the background (and keeps reconnecting); messages go to onMessage. */
  start(onMessage: (message: InboundMessage) => void): void {
    const o = this.options;
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: false,
      // mqtt.js logs every packet through `debug`; at tens of thousands of messages a second that alone costs a good share of a core.
      log: () => undefined,
      username: o.username ?? undefined,
      password: o.password ?? undefined,
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: o.sessionExpiryS, receiveMaximum: o.receiveMaximum } } : {}),
    };
    const client = mqtt.connect(o.url, clientOptions);
    this.client = client;

    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      const connection = this.connection;
      const topic = packet.topic.startsWith(o.topicPrefix) ? packet.topic.slice(o.topicPrefix.length) : packet.topic;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const messageId = packet.messageId;
      const needsAck = packet.qos > 0 && messageId !== undefined;
      let acked = false;
      onMessage({
        topic,
        brokerTopic: packet.topic,
        payload,
        receivedAt: o.now?.() ?? new Date(),
        ack: () => {
          // Once only: the broker reuses a packet id after its PUBACK, so a second one could confirm another message.
          if (acked || !needsAck || connection !== this.connection || !client.connected) return;
          acked = true;
          this.corkUntilNextTick(client.stream as Duplex);
          // mqtt.js has no public call for a deferred PUBACK; _sendPacket with noStore writes it straight out.
          client['_sendPacket']({ cmd: 'puback', messageId }, undefined, undefined, true);
        },
      });
      callback(needsAck ? DEFER_ACK : undefined);
    };

    client.on('connect', (connack) => {
      this.connection += 1;
      this.pausedStream = null;
      this.logger.log({ msg: 'connected to broker', url: o.url, clientId: o.clientId, sessionPresent: connack.sessionPresent });
      client.subscribe(this.subscriptions, { qos: 1 }, (error, granted) => {
        if (error) {
          this.logger.error({ msg: 'subscribe failed', err: error });
          return;
        }
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (refused.length > 0) this.logger.error({ msg: 'broker refused subscriptions', topics: refused.map((g) => g.topic) });
        else this.logger.log({ msg: 'subscribed', topics: this.subscriptions });
      });
    });
    client.on('reconnect', () => this.logger.warn({ msg: 'reconnecting to broker', url: o.url }));
    client.on('error', (error) => this.logger.error({ msg: 'broker connection error', err: error }));
    client.on('offline', () => this.logger.warn({ msg: 'broker offline' }));
  }

  /** A batch acknowledges thousands of messages in one go: send their PUBACKs in as few writes as possible. */
  private corkUntilNextTick(stream: Duplex): void {
    if (this.corked) return;
    stream.cork();
    this.corked = stream;
    process.nextTick(() => {
      this.corked = null;
      stream.uncork();
    });
  }

  /** Stops reading from the socket (back-pressure); the broker's in-flight limit holds the rest. */
  pause(): void {
    const stream = this.client?.stream as Duplex | undefined;
    if (!stream || this.pausedStream) return;
    stream.pause();
    this.pausedStream = stream;
  }

  resume(): void {
    this.pausedStream?.resume();
    this.pausedStream = null;
  }

  /** Disconnects, keeping the session: unacknowledged messages wait at the broker. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.endAsync().catch(() => client.end(true));
  }
}
