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

/**
 * One received message. A class rather than an object with a closure: tens of
 * thousands are made a second, and a method on the prototype costs nothing each.
 */
class MqttMessage implements InboundMessage {
  private acked = false;

  constructor(
    private readonly owner: IngestMqttClient,
    private readonly client: MqttClient,
    readonly connection: number,
    /** -1 for QoS 0 (nothing to acknowledge). */
    readonly messageId: number,
    readonly topic: string,
    readonly brokerTopic: string,
    readonly payload: Buffer,
    readonly receivedAt: Date,
  ) {}

  ack(): void {
    // Once only: the broker reuses a packet id after its PUBACK, so a second one could confirm another message.
    if (this.acked || this.messageId < 0) return;
    this.acked = true;
    this.owner.acknowledge(this, this.client);
  }
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
      const topic = packet.topic.startsWith(o.topicPrefix) ? packet.topic.slice(o.topicPrefix.length) : packet.topic;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const needsAck = packet.qos > 0 && packet.messageId !== undefined;
      onMessage(new MqttMessage(this, client, this.connection, needsAck ? (packet.messageId as number) : -1, topic, packet.topic, payload, o.now?.() ?? new Date()));
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

  /** Sends the PUBACK of a committed message, once, on the connection it came in on. */
  acknowledge(message: MqttMessage, client: MqttClient): void {
    // After a reconnect the broker sends the message again: the copy is absorbed, this ack would confirm nothing.
    if (message.connection !== this.connection || !client.connected) return;
    this.corkUntilNextTick(client.stream as Duplex);
    // mqtt.js has no public call for a deferred PUBACK; _sendPacket with noStore writes it straight out.
    client['_sendPacket']({ cmd: 'puback', messageId: message.messageId }, undefined, undefined, true);
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
