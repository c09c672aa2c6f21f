import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { UplinkMessage } from './formats';

/** Where the simulator's uplinks go: an MQTT broker, or memory in tests. */
export interface UplinkSink {
  /** Resolves when the message is accepted (queued); delivery errors surface in `flush`. */
  publish(message: UplinkMessage): Promise<void>;
  /** Resolves when every accepted message is delivered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Keeps every message, for tests and for callers that publish themselves. */
export class MemorySink implements UplinkSink {
  readonly messages: UplinkMessage[] = [];

  async publish(message: UplinkMessage): Promise<void> {
    this.messages.push(message);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

export interface MqttSinkOptions {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  qos?: 0 | 1;
  /** Messages published but not yet acknowledged before `publish` waits. */
  maxInFlight?: number;
}

/**
 * Publishes over MQTT with a bounded window of unacknowledged messages, so a
 * fast simulation keeps the broker busy without holding unbounded memory.
 */
export class MqttSink implements UplinkSink {
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private failures: Error[] = [];
  private readonly qos: 0 | 1;
  private readonly maxInFlight: number;

  private constructor(
    private readonly client: MqttClient,
    options: MqttSinkOptions,
  ) {
    this.qos = options.qos ?? 1;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 500);
  }

  static async connect(options: MqttSinkOptions): Promise<MqttSink> {
    const client = await mqtt.connectAsync(options.url, {
      clientId: options.clientId ?? `vulgraad-sensor-sim-${process.pid}-${Date.now().toString(36)}`,
      username: options.username,
      password: options.password,
      clean: true,
      reconnectPeriod: 1000,
    });
    return new MqttSink(client, options);
  }

  async publish(message: UplinkMessage): Promise<void> {
    while (this.inFlight >= this.maxInFlight) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
    this.client.publish(message.topic, message.payload, { qos: this.qos }, (error) => {
      if (error) this.failures.push(new Error(`publish to ${message.topic} failed: ${error.message}`));
      this.inFlight--;
      this.waiters.shift()?.();
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  async flush(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.failures.length > 0) {
      const failures = this.failures;
      this.failures = [];
      throw new AggregateError(failures, `${failures.length} MQTT publishes failed; first: ${failures[0]?.message}`);
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.client.endAsync();
    }
  }
}
