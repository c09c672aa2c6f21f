import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { InboundMessage } from './ingest.pipeline';
import { PublishTap } from './publish-tap';

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
    /** The broker's topic began with the configured prefix, which topic leaves out. */
    private readonly prefixed: boolean,
    readonly payload: Buffer,
    readonly receivedAt: Date,
  ) {}

  /** The topic as the broker delivered it, made when asked (a rejected message): most messages never need it. */
  get brokerTopic(): string {
    return this.prefixed ? this.owner.topicPrefix + this.topic : this.topic;
  }

  ack(): void {
    // Once only: the broker reuses a packet id after its PUBACK, so a second one could confirm another message.
    if (this.acked || this.messageId < 0) return;
    this.acked = true;
    this.owner.acknowledge(this, this.client);
  }
}

/** mqtt.js calls handleMessage's callback with an error to skip its automatic PUBACK. */
const DEFER_ACK = new Error('acknowledged after commit');

/** How mqtt.js opens the connection's stream (a field it keeps private): wrapped to put a PublishTap in front of its parser. */
type StreamBuilder = (client: MqttClient) => Duplex;

/**
 * The ingest's MQTT connection. A persistent session (fixed client id, no
 * clean start) so that the broker keeps unacknowledged messages for a
 * restarted replica, and manual acknowledgement: mqtt.js would send PUBACK as
 * soon as a message is handed over, before it is stored. Here the PUBACK goes
 * out when the pipeline calls ack() after the commit, and only on the same
 * connection the message came in on (after a reconnect the broker sends it
 * again and the unique key absorbs the copy). QoS 1 publishes are read off
 * the socket by a PublishTap, the rest of the protocol by mqtt.js.
 */
export class IngestMqttClient {
  private readonly logger = new Logger(IngestMqttClient.name);
  private client: MqttClient | null = null;
  /** Counts the connections (one stream each): a message is acknowledged only on the one it came in on. */
  private connection = 0;
  /** The socket of the current connection, under its PublishTap. */
  private socket: Duplex | null = null;
  /** The ingest wants reading held: also applies to a connection opened meanwhile. */
  private wantPaused = false;
  private pausedStream: Duplex | null = null;
  private closing = false;
  /** Packet ids committed and not yet acknowledged, all of the current connection. */
  private pendingAcks: number[] = [];
  private onMessage: (message: InboundMessage) => void = () => undefined;
  /** The connection whose subscriptions the broker granted (0: none yet). */
  private subscribedOn = 0;
  /** The time of receipt of the messages being read now (see receivedNow). */
  private receivedAt: Date | null = null;
  private readonly forgetReceivedAt = (): void => {
    this.receivedAt = null;
  };

  constructor(private readonly options: IngestMqttOptions) {}

  /** Connected, and the current connection's SUBACK is in: before it the broker would not route a message to it. */
  get connected(): boolean {
    return this.client?.connected === true && this.subscribedOn === this.connection;
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
    this.onMessage = onMessage;
    // Connected by hand once the stream builder is wrapped: every connection's socket gets a PublishTap in front of mqtt.js.
    const client = mqtt.connect(o.url, { ...clientOptions, manualConnect: true });
    this.client = client;
    const withBuilder = client as unknown as { streamBuilder: StreamBuilder };
    const build = withBuilder.streamBuilder;
    withBuilder.streamBuilder = (c) => {
      const connection = ++this.connection;
      this.pendingAcks = [];
      this.pausedStream = null;
      const socket = build(c);
      this.socket = socket;
      return new PublishTap(socket, o.protocolVersion, (topic, messageId, payload, prefixed) => this.take(client, connection, topic, prefixed, messageId, payload), o.topicPrefix);
    };

    // What the tap leaves to mqtt.js: QoS 0 and 2, and publishes with properties.
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      const needsAck = packet.qos > 0 && packet.messageId !== undefined;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const prefix = o.topicPrefix;
      const prefixed = prefix !== '' && packet.topic.startsWith(prefix);
      this.take(client, this.connection, prefixed ? packet.topic.slice(prefix.length) : packet.topic, prefixed, needsAck ? (packet.messageId as number) : -1, payload);
      callback(needsAck ? DEFER_ACK : undefined);
    };
    client.connect();

    client.on('connect', (connack) => {
      const connection = this.connection;
      // Still holding too much from before the reconnect: hold this connection too, once its CONNACK is in (a socket paused earlier would never see it).
      if (this.wantPaused) this.pause();
      this.logger.log({ msg: 'connected to broker', url: o.url, clientId: o.clientId, sessionPresent: connack.sessionPresent });
      client.subscribe(this.subscriptions, { qos: 1 }, (error, granted) => {
        if (error) {
          this.logger.error({ msg: 'subscribe failed', err: error });
          return;
        }
        // The broker has answered: what it granted is routed from now on (a refused filter is logged, as before).
        this.subscribedOn = connection;
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (refused.length > 0) this.logger.error({ msg: 'broker refused subscriptions', topics: refused.map((g) => g.topic) });
        else this.logger.log({ msg: 'subscribed', topics: this.subscriptions });
      });
    });
    client.on('reconnect', () => this.logger.warn({ msg: 'reconnecting to broker', url: o.url }));
    client.on('error', (error) => this.logger.error({ msg: 'broker connection error', err: error }));
    client.on('offline', () => this.logger.warn({ msg: 'broker offline' }));
  }

  /** The prefix of the broker's topics that the parsers do not see. */
  get topicPrefix(): string {
    return this.options.topicPrefix;
  }

  /** One message in, from the tap or from mqtt.js, its topic without the prefix when prefixed; messageId -1 for QoS 0. */
  private take(client: MqttClient, connection: number, topic: string, prefixed: boolean, messageId: number, payload: Buffer): void {
    // Stopping: not taken in, so not acknowledged; the broker keeps it for the next session.
    if (this.closing) return;
    this.onMessage(new MqttMessage(this, client, connection, messageId, topic, prefixed, payload, this.receivedNow()));
  }

  /** The time of receipt, read once for all the messages of one read from the socket (they arrived together; Dates are never changed). */
  private receivedNow(): Date {
    if (this.receivedAt === null) {
      this.receivedAt = this.options.now?.() ?? new Date();
      queueMicrotask(this.forgetReceivedAt);
    }
    return this.receivedAt;
  }

  /** Queues the PUBACK of a committed message, once, on the connection it came in on. */
  acknowledge(message: MqttMessage, client: MqttClient): void {
    // After a reconnect the broker sends the message again: the copy is absorbed, this ack would confirm nothing.
    if (message.connection !== this.connection || !client.connected) return;
    this.pendingAcks.push(message.messageId);
    if (this.pendingAcks.length === 1) process.nextTick(() => this.flushAcks(client));
  }

  /**
   * Writes the queued PUBACKs in one go. A batch confirms thousands of
   * messages at once; encoding each through mqtt.js costs more than the rest
   * of the ingest's work on a message. A PUBACK with reason Success and no
   * properties is the same four bytes in MQTT 3.1.1 and 5: 0x40, remaining
   * length 2, the packet id. Whole packets only, so mqtt.js's own writes,
   * also synchronous and whole, never interleave with these.
   */
  private flushAcks(client: MqttClient): void {
    const ids = this.pendingAcks;
    this.pendingAcks = [];
    if (ids.length === 0 || !client.connected) return;
    const bytes = Buffer.allocUnsafe(ids.length * 4);
    for (let i = 0; i < ids.length; i++) {
      bytes[i * 4] = 0x40;
      bytes[i * 4 + 1] = 0x02;
      bytes.writeUInt16BE(ids[i] as number, i * 4 + 2);
    }
    client.stream.write(bytes);
    client.reschedulePing();
  }

  /** Stops reading from the socket (back-pressure); the broker's in-flight limit holds the rest. */
  pause(): void {
    this.wantPaused = true;
    const stream = this.socket;
    if (!stream || this.pausedStream) return;
    // Only the tap reads the socket; should anything resume it, it is paused again while the ingest wants it paused.
    stream.on('resume', this.keepPaused);
    stream.pause();
    this.pausedStream = stream;
  }

  resume(): void {
    this.wantPaused = false;
    const stream = this.pausedStream;
    this.pausedStream = null;
    if (!stream) return;
    stream.off('resume', this.keepPaused);
    stream.resume();
  }

  private readonly keepPaused = (): void => {
    this.pausedStream?.pause();
  };

  /** Disconnects, keeping the session: unacknowledged messages wait at the broker. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    // Read again before leaving: a paused socket never sees the broker close the connection, so a
    // graceful end would wait for ever while the broker is still sending (what arrives now is dropped above).
    this.closing = true;
    this.resume();
    await client.endAsync().catch(() => client.end(true));
  }
}
