/**
 * The load generator of the HTTP ingest benchmark, run as its own process so
 * that its CPU is not the server's. One kind per run:
 *   BENCH_KIND=http: The Things Stack webhook requests over keep-alive
 *     HTTP/1.1 connections, one request at a time on each (as a network
 *     server's client sends; no pipelining). BENCH_CONCURRENCY connections
 *     as fast as answers come; or, with BENCH_RATE, that many requests a
 *     second (open loop: a request's latency counts from when it was due),
 *     each on an idle connection, a new one when none is idle (at most
 *     BENCH_CONCURRENCY). A 429 or 5xx is sent again after a short pause, as
 *     a network server does; its latency is the whole wait. Requests are
 *     prepared bytes on plain sockets (see Connection).
 *   BENCH_KIND=mqtt: the same uplinks published at QoS 1 on the v3 topics,
 *     BENCH_WINDOW unacknowledged at a time.
 * Devices take turns, each frame counter from BENCH_FCNT_BASE up, so every
 * message is one distinct reading; all are built before the clock starts.
 * Prints `start <epoch ms>` first and a JSON summary last, with the
 * generator's own CPU from the start on.
 */
import net from 'node:net';
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
/** CPU used before the first message (loading, connecting), left out of the figure reported. */
let cpuAtStart = process.cpuUsage();

function uplink(i: number): { topic: string; payload: string } {
  const device = devices[i % devices.length]!;
  return buildTtnV3Uplink({
    deviceId: device.ref, devEui: device.eui, applicationId: 'bench', receivedAt: new Date(base + i * 3), fCnt: fCntBase + Math.floor(i / devices.length),
    decoded: { distance: 500 + (i % 1500), battery_v: 3.6, temperature: 14.5 },
  });
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time (no
 * pipelining), as a network server's webhook client does. The request is
 * written as one prepared string and only the answer's status line and
 * Content-Length are read (the doors always send one), so that the
 * generator takes as little of the machine's CPU as it can: Node's HTTP
 * client cost about as much CPU per request as the ingest itself.
 */
class Connection {
  private socket: net.Socket | null = null;
  private received: Buffer | null = null;
  private answer: ((status: number) => void) | null = null;
  /** When its last answer came (performance.now()). */
  lastUsedMs = performance.now();

  constructor(private readonly host: string, private readonly port: number) {}

  /** Sends one request; resolves with the answer's status, 0 when the connection failed (it is opened again on the next request). */
  send(request: string): Promise<number> {
    return new Promise((resolve) => {
      this.answer = resolve;
      this.received = null;
      (this.socket ?? this.open()).write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): net.Socket {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const gone = (): void => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.settle(0);
    };
    socket.on('error', gone);
    socket.on('close', gone);
    this.socket = socket;
    return socket;
  }

  private read(chunk: Buffer): void {
    const data = this.received ? Buffer.concat([this.received, chunk]) : chunk;
    const headEnd = data.indexOf('\r\n\r\n');
    const head = headEnd < 0 ? '' : data.toString('latin1', 0, headEnd);
    const bodyBytes = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (headEnd < 0 || data.length < headEnd + 4 + bodyBytes) {
      this.received = data;
      return;
    }
    this.received = null;
    this.lastUsedMs = performance.now();
    // An answer with Connection: close (an oversize body) ends the connection; the next request opens another.
    if (/\r\nconnection: *close/i.test(head)) this.close();
    this.settle(Number(head.slice(9, 12)));
  }

  private settle(status: number): void {
    const answer = this.answer;
    this.answer = null;
    answer?.(status);
  }
}

/** A connection idle this long is closed rather than used: the server closes it at 5 s (Node's keep-alive timeout), and a request written just then fails and is sent again. */
const IDLE_CLOSE_MS = 4000;

/** Connections of the latency phase: the idle one used last when there is one, a new one up to `most`, else the request waits for one. */

class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Array<(connection: Connection) => void> = [];
  private readonly all: Connection[] = [];
  /** Connections closed for having been idle too long. */
  closedIdle = 0;

  constructor(private readonly host: string, private readonly port: number, private readonly most: number) {}

  acquire(): Promise<Connection> | Connection {
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (performance.now() - idle.lastUsedMs < IDLE_CLOSE_MS) return idle;
      idle.close();
      this.all.splice(this.all.indexOf(idle), 1);
      this.closedIdle++;
    }
    if (this.all.length < this.most) {
      const connection = new Connection(this.host, this.port);
      this.all.push(connection);
      return connection;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  /** Connections open now plus those closed for idleness: every connection the phase opened. */
  get opened(): number {
    return this.all.length + this.closedIdle;
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}

async function runHttp(): Promise<Record<string, unknown>> {
  const url = new URL(env('BENCH_URL', 'http://127.0.0.1:3101/uplinks/tts/bench'));
  const port = Number(url.port || 80);
  const secret = env('BENCH_SECRET', '');
  const concurrency = Number(env('BENCH_CONCURRENCY', '64'));
  const rate = Number(env('BENCH_RATE', '0'));
  // Every request prepared before the clock starts: building the sender's documents is no part of what is measured.
  const requests = Array.from({ length: total }, (_, i) => {
    const body = uplink(i).payload;
    return (
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: vulgraad-bench\r\nContent-Type: application/json\r\n` +
      `X-Vulgraad-Secret: ${secret}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let retries = 0;

  const deliver = async (connection: Connection, i: number, dueAt: number): Promise<void> => {
    for (;;) {
      const status = await connection.send(requests[i] as string);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) break;
      if (status !== 0 && status !== 429 && status < 500) break;
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    latencies.push(performance.now() - dueAt);
  };

  let opened = concurrency;
  const started = Date.now();
  process.stdout.write(`start ${started}\n`);
  cpuAtStart = process.cpuUsage();
  const t0 = performance.now();
  if (rate > 0) {
    const pool = new ConnectionPool(url.hostname, port, concurrency);
    const running: Array<Promise<void>> = [];
    const due = async (i: number, dueAt: number): Promise<void> => {
      const connection = await pool.acquire();
      await deliver(connection, i, dueAt);
      pool.release(connection);
    };
    for (let i = 0; i < total; i++) {
      const dueAt = t0 + (i * 1000) / rate;
      const wait = dueAt - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      running.push(due(i, dueAt));
    }
    await Promise.all(running);
    opened = pool.opened;
    pool.close();
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      const connection = new Connection(url.hostname, port);
      while (next < total) {
        const i = next++;
        await deliver(connection, i, performance.now());
      }
      connection.close();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { sent: total, seconds, perSecond: total / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: latencies.at(-1), statuses, retries, connections: opened };
}

async function runMqtt(): Promise<Record<string, unknown>> {
  const client = await mqtt.connectAsync(env('BENCH_MQTT_URL', 'mqtt://127.0.0.1:1883'), { protocolVersion: 5, clean: true, reconnectPeriod: 0, properties: { receiveMaximum: 65535 } });
  const prefix = env('BENCH_TOPIC_PREFIX', '');
  const window = Number(env('BENCH_WINDOW', '2000'));
  // Prepared before the clock starts, as the HTTP requests are.
  const messages = Array.from({ length: total }, (_, i) => uplink(i));
  const started = Date.now();
  process.stdout.write(`start ${started}\n`);
  cpuAtStart = process.cpuUsage();
  let next = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (next < total && next - acked < window) {
        const message = messages[next++] as { topic: string; payload: string };
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
  (summary) => {
    // Its own CPU from the first message on, so that what the generator takes from the two cores is seen beside the ingest's.
    const { user, system } = process.cpuUsage(cpuAtStart);
    process.stdout.write(`${JSON.stringify({ ...summary, cpuSeconds: (user + system) / 1e6 })}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`load failed: ${String(error)}\n`);
    process.exit(1);
  },
);
