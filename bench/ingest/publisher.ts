/**
 * The load generator of the ingest benchmark, run as its own process:
 * publishes native readings at QoS 1 as fast as the broker acknowledges them,
 * with a bounded number of unacknowledged publishes. Devices take turns, each
 * with its own increasing sequence number, so every message is one distinct
 * reading. Prints `start <epoch ms>` before the first publish and a JSON
 * summary at the end.
 *
 * Env: BENCH_MQTT_URL, BENCH_TOPIC_PREFIX, BENCH_DEVICES (comma-separated
 * device refs), BENCH_MESSAGES, BENCH_WINDOW (default 2000).
 */
import mqtt from 'mqtt';

async function main(): Promise<void> {
  const url = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const prefix = process.env.BENCH_TOPIC_PREFIX ?? '';
  const devices = (process.env.BENCH_DEVICES ?? '').split(',').filter(Boolean);
  const total = Number(process.env.BENCH_MESSAGES ?? 100_000);
  const window = Number(process.env.BENCH_WINDOW ?? 2000);
  if (devices.length === 0) throw new Error('BENCH_DEVICES is empty');

  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0, properties: { receiveMaximum: 65535 } });
  const topics = devices.map((d) => `${prefix}vulgraad/v1/devices/${d}/readings`);
  const base = Date.now() - 86_400_000;
  let next = 0;
  let acked = 0;
  const started = Date.now();
  process.stdout.write(`start ${started}\n`);
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (next < total && next - acked < window) {
        const i = next++;
        const device = i % devices.length;
        const seq = Math.floor(i / devices.length);
        const payload = `{"v":1,"ts":"${new Date(base + i * 10).toISOString()}","seq":${seq},"distanceMm":${500 + (i % 1500)},"temperatureC":14.5,"batteryPct":87}`;
        client.publish(topics[device] as string, payload, { qos: 1 }, (error) => {
          if (error) return reject(error);
          acked++;
          if (acked === total) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ published: total, seconds, perSecond: Math.round(total / seconds) }) + '\n');
  await client.endAsync();
}

main().catch((error: unknown) => {
  process.stderr.write(`publisher failed: ${String(error)}\n`);
  process.exit(1);
});
