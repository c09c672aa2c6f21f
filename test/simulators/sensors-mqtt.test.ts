import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import type { PayloadFormat } from '@vulgraad/contracts';
import { generateCity } from '@vulgraad/city-model';
import { MqttSink, SensorSimulator } from '@vulgraad/sensor-simulator';
import { testMqttUrl } from '../support/services';

// Publishes through the machine's real Mosquitto. Device ids, the TTN application id and the
// ChirpStack application id are unique per run, so parallel runs never see each other's messages.
describe('sensor simulator over MQTT', () => {
  const run = randomUUID().slice(0, 8);
  const ttnApplicationId = `vg-test-${run}`;
  const chirpstackApplicationId = randomUUID();
  const devicePrefix = `t${run}-`;
  const start = new Date('2024-03-04T08:00:00Z');
  const end = new Date(start.getTime() + 3_600_000);
  const containers = 5;
  const readingsPerDevice = 4;

  it('delivers every uplink of each format to a subscriber, in the format the topic promises', async () => {
    const received = new Map<PayloadFormat, Array<{ topic: string; doc: Record<string, unknown> }>>([
      ['native', []],
      ['ttn-v3', []],
      ['chirpstack-v4', []],
    ]);
    const subscriber = await mqtt.connectAsync(testMqttUrl(), { clientId: `sim-test-sub-${run}`, clean: true });
    try {
      subscriber.on('message', (topic, payload) => {
        const doc = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
        if (topic.startsWith('vulgraad/v1/devices/') && topic.includes(`/${devicePrefix}`)) received.get('native')!.push({ topic, doc });
        else if (topic.startsWith(`v3/${ttnApplicationId}@`)) received.get('ttn-v3')!.push({ topic, doc });
        else if (topic.startsWith(`application/${chirpstackApplicationId}/`)) received.get('chirpstack-v4')!.push({ topic, doc });
      });
      await subscriber.subscribeAsync(
        {
          [`vulgraad/v1/devices/+/readings`]: { qos: 1 },
          [`v3/${ttnApplicationId}@ttn/devices/+/up`]: { qos: 1 },
          [`application/${chirpstackApplicationId}/device/+/event/up`]: { qos: 1 },
        },
      );

      for (const format of ['native', 'ttn-v3', 'chirpstack-v4'] as const) {
        const city = generateCity({ containers, seed: 3, idPrefix: `${devicePrefix}${format}-` });
        const sink = await MqttSink.connect({ url: testMqttUrl(), clientId: `sim-test-pub-${run}-${format}`, qos: 1 });
        const simulator = new SensorSimulator({ city, sink, start, intervalS: 900, format, devicePrefix, network: { ttnApplicationId, chirpstackApplicationId } });
        const stats = await simulator.runUntil(end);
        expect(stats.published).toBe(containers * readingsPerDevice);
        await sink.close();
      }

      const expected = containers * readingsPerDevice;
      const deadline = Date.now() + 20_000;
      while ([...received.values()].some((list) => list.length < expected) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

      const native = received.get('native')!;
      expect(native).toHaveLength(expected);
      for (const { topic, doc } of native) {
        expect(topic).toMatch(new RegExp(`^vulgraad/v1/devices/${devicePrefix}[a-z0-9-]+/readings$`));
        expect(doc).toMatchObject({ v: 1, id: expect.stringMatching(new RegExp(`^${topic.split('/')[3]}:\\d+$`)) });
        expect(typeof doc.distanceMm).toBe('number');
        expect(Number.isFinite(Date.parse(doc.ts as string))).toBe(true);
      }

      const ttn = received.get('ttn-v3')!;
      expect(ttn).toHaveLength(expected);
      for (const { topic, doc } of ttn) {
        const ids = doc.end_device_ids as { device_id: string; application_ids: { application_id: string } };
        expect(topic).toBe(`v3/${ttnApplicationId}@ttn/devices/${ids.device_id}/up`);
        expect(ids.application_ids.application_id).toBe(ttnApplicationId);
        const up = doc.uplink_message as { f_port: number; frm_payload: string; decoded_payload: { distanceMm: number }; rx_metadata: Array<{ rssi: number }> };
        expect(Buffer.from(up.frm_payload, 'base64').length).toBeGreaterThanOrEqual(8);
        expect(up.decoded_payload.distanceMm).toBeGreaterThan(0);
        expect(typeof up.rx_metadata[0]!.rssi).toBe('number');
      }

      const chirpstack = received.get('chirpstack-v4')!;
      expect(chirpstack).toHaveLength(expected);
      for (const { topic, doc } of chirpstack) {
        const info = doc.deviceInfo as { devEui: string; applicationId: string };
        expect(topic).toBe(`application/${chirpstackApplicationId}/device/${info.devEui}/event/up`);
        expect(info.applicationId).toBe(chirpstackApplicationId);
        expect(Buffer.from(doc.data as string, 'base64').length).toBeGreaterThanOrEqual(8);
        expect((doc.object as { distanceMm: number }).distanceMm).toBeGreaterThan(0);
      }
    } finally {
      await subscriber.endAsync();
    }
  });
});
