import { vehicleLiftTopic, vehiclePositionTopic } from '@vulgraad/payloads';
import mqtt, { type MqttClient } from 'mqtt';
import type { TruckRadio } from './demo-fleet';

/**
 * The demo trucks' telematics: one MQTT connection (the services' login)
 * publishing each truck's positions (QoS 0: the next one follows within a
 * second) and lifts (QoS 1: a lift proves a stop) on the trucks' topics,
 * where the ingest takes them in as it would a real truck's.
 */
export class MqttTruckRadio implements TruckRadio {
  private constructor(
    private readonly client: MqttClient,
    private readonly topicPrefix: string,
  ) {}

  static async connect(options: { url: string; username?: string; password?: string; topicPrefix: string }): Promise<MqttTruckRadio> {
    const client = await mqtt.connectAsync(options.url, {
      clientId: `vulgraad-demo-trucks-${process.pid}`, username: options.username, password: options.password, protocolVersion: 4, reconnectPeriod: 1000,
    });
    return new MqttTruckRadio(client, options.topicPrefix);
  }

  async position(vehicleId: string, p: { atMs: number; lat: number; lng: number; speedKmh: number; heading: number }): Promise<void> {
    const body = JSON.stringify({ time: new Date(p.atMs).toISOString(), lat: p.lat, lng: p.lng, speed: p.speedKmh, heading: p.heading });
    await this.client.publishAsync(this.topicPrefix + vehiclePositionTopic(vehicleId), body, { qos: 0 });
  }

  async lift(vehicleId: string, containerId: string, atMs: number): Promise<void> {
    await this.client.publishAsync(this.topicPrefix + vehicleLiftTopic(vehicleId), JSON.stringify({ time: new Date(atMs).toISOString(), containerId }), { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
