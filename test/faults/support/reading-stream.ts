import type { Database } from '@vulgraad/database';
import mqtt, { type MqttClient } from 'mqtt';
import type { SeededDevice } from '../../ingest/harness';

/**
 * A QoS 1 stream of native readings: `perDevice` readings from every device,
 * a round every `pauseMs`. The publisher keeps a session of its own (fixed
 * client id, no clean start), so a publish the broker had not confirmed when
 * it went away is sent again after the reconnect, as sensor firmware does.
 */
export interface ReadingStream {
  readonly published: number;
  total: number;
  done: Promise<void>;
  close(): Promise<void>;
}

export async function startReadingStream(options: {
  brokerUrl: string;
  clientId: string;
  devices: SeededDevice[];
  perDevice: number;
  pauseMs: number;
  protocolVersion?: 4 | 5;
}): Promise<ReadingStream> {
  const { devices, perDevice } = options;
  const client: MqttClient = await mqtt.connectAsync(options.brokerUrl, {
    protocolVersion: options.protocolVersion ?? 5,
    clientId: options.clientId,
    clean: false,
    reconnectPeriod: 200,
    connectTimeout: 5000,
    ...(options.protocolVersion === 4 ? {} : { properties: { sessionExpiryInterval: 3600 } }),
  });
  client.on('error', () => undefined);
  const start = Date.now() - devices.length * perDevice * 1000;
  let published = 0;
  let closed = false;
  const done = (async () => {
    for (let seq = 0; seq < perDevice && !closed; seq++) {
      await Promise.all(
        devices.map((d, i) =>
          client.publishAsync(
            `vulgraad/v1/devices/${d.externalRef}/readings`,
            JSON.stringify({ v: 1, id: `${d.externalRef}/${seq}`, ts: new Date(start + (seq * devices.length + i) * 1000).toISOString(), seq, distanceMm: 2500 - ((seq * 20) % 2400), batteryPct: 80 }),
            { qos: 1 },
          ),
        ),
      );
      published += devices.length;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  })();
  return {
    get published() {
      return published;
    },
    total: devices.length * perDevice,
    done,
    // Closing stops the stream; publishes cut short by it are not an error of the run that closed it early.
    close: async () => {
      closed = true;
      done.catch(() => undefined);
      await client.endAsync().catch(() => client.end(true));
    },
  };
}

/** Rows stored, readings stored at least once, and from those: lost and duplicated against the expected total. */
export async function countReadings(db: Database, expected: number): Promise<{ rows: number; distinct: number; lost: number; duplicated: number }> {
  const { rows } = await db.query<{ rows: number; distinct_readings: number }>(
    'SELECT count(*)::int AS rows, count(DISTINCT (device_id, seq))::int AS distinct_readings FROM readings',
  );
  const r = rows[0] as { rows: number; distinct_readings: number };
  return { rows: r.rows, distinct: r.distinct_readings, lost: Math.max(0, expected - r.distinct_readings), duplicated: r.rows - r.distinct_readings };
}
