/**
 * The load generator of the HTTP ingest benchmark, run as its own process so
 * that its CPU is not the server's. One kind per run:
 *   BENCH_KIND=http: The Things Stack webhook requests over keep-alive
 *     connections, BENCH_CONCURRENCY at a time; BENCH_RATE requests a second
 *     when set (open loop: a request's latency counts from when it was due),
 *     as fast as answers come otherwise. A 429 or 5xx is sent again after a
 *     short pause, as a network server does; its latency is the whole wait.
 *   BENCH_KIND=mqtt: the same uplinks published at QoS 1 on the v3 topics,
 *     BENCH_WINDOW unacknowledged at a time.
 * Devices take turns, each frame counter from BENCH_FCNT_BASE up, so every
 * message is one distinct reading. Prints `start <epoch ms>` first and a JSON
 * summary last.
 */
import http from 'node:http';
import { buildTtnV3Uplink } from '@vulgraad/payloads';
import mqtt from 'mqtt';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const devices = env('BENCH_DEVICES', '').split(',').filter(Boolean).map((pair) => {
  const [ref, eui] = pair.split(':') as [string, string];
  return { ref, eui };
});
const total = Number(env('BENCH_MESSAGES', '10000'));
const fCntBase = Number(env('BENCH_FCNT_BASE', '0'));
const base = Date.now() - 3_600_000;

function uplink(i: number): { topic: string; payload: string } {
  const device = devices[i % devices.length]!;
  return buildTtnV3Uplink({
    deviceId: device.ref, devEui: device.eui, applicationId: 'bench', receivedAt: new Date(base + i * 3), fCnt: fCntBase + Math.floor(i / devices.length),
    decoded: { distance: 500 + (i % 1500), battery_v: 3.6, temperature: 14.5 },
  });
}

async function runHttp(): Promise<Record<string, unknown>> {
  const url = new URL(env('BENCH_URL', 'http://127.0.0.1:3101/uplinks/tts/bench'));
  const secret = env('BENCH_SECRET', '');
  const concurrency = Number(env('BENCH_CONCURRENCY', '64'));
  const rate = Number(env('BENCH_RATE', '0'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let retries = 0;

  const send = (body: string): Promise<number> =>
    new Promise((resolve) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-vulgraad-secret': secret } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const deliver = async (i: number, dueAt: number): Promise<void> => {
    const body = uplink(i).payload;
    for (;;) {
      const status = await send(body);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) break;
      if (status !== 0 && status !== 429 && status < 500) break;
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    latencies.push(performance.now() - dueAt);
  };

  const started = Date.now();
  process.stdout.write(`start ${started}\n`);
  const t0 = performance.now();
  if (rate > 0) {
    const running: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const dueAt = t0 + (i * 1000) / rate;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      running.push(deliver(i, dueAt));
    }
    await Promise.all(running);
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        const i = next++;
        await deliver(i, performance.now());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { sent: total, seconds, perSecond: total / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: latencies.at(-1), statuses, retries };
}

async function runMqtt(): Promise<Record<string, unknown>> {
  const client = await mqtt.connectAsync(env('BENCH_MQTT_URL', 'mqtt://127.0.0.1:1883'), { protocolVersion: 5, clean: true, reconnectPeriod: 0, properties: { receiveMaximum: 65535 } });
  const prefix = env('BENCH_TOPIC_PREFIX', '');
  const window = Number(env('BENCH_WINDOW', '2000'));
  const started = Date.now();
  process.stdout.write(`start ${started}\n`);
  let next = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (next < total && next - acked < window) {
        const message = uplink(next++);
        client.publish(prefix + message.topic, message.payload, { qos: 1 }, (error) => {
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
  await client.endAsync();
  return { sent: total, seconds, perSecond: total / seconds };
}

(env('BENCH_KIND', 'http') === 'mqtt' ? runMqtt() : runHttp()).then(
  (summary) => process.stdout.write(`${JSON.stringify(summary)}\n`),
  (error: unknown) => {
    process.stderr.write(`load failed: ${String(error)}\n`);
    process.exit(1);
  },
);
