/**
 * The browsers of bench:fleet-live, in a thread of their own so that
 * receiving does not share an event loop with publishing: each client
 * connects with the token, joins one district room, and times every truck
 * position it receives from its publish (the position's `at` is the
 * publisher's clock at publish) to its arrival: each position of a
 * `positions` list counts on its own, so latency and losses stay per
 * (position, client) pair.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { LIVE_EVENTS, LIVE_REQUESTS, type JoinAnswer, type LivePositions } from '@vulgraad/contracts';

interface Init {
  url: string;
  token: string;
  rooms: string[];
  warmupEndTs: number;
}

const port = parentPort!;
const sockets: Socket[] = [];
const latencies: number[] = [];
let warmupEndTs = Infinity;
/** Per client: the latest `at` received per truck, and how many distinct positions after warm-up. */
const lastAt: Array<Map<string, number>> = [];
const received: Array<Map<string, number>> = [];
/** This thread's own share of the latency: how busy its loop was and how late it ran, from warm-up on. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let eluAtWarmup: EventLoopUtilization | null = null;
/** Messages of each live event the clients received, from warm-up on. */
const messagesOf: Record<string, number> = {};
/** Positions the clients received in those messages (a message carries a list), from warm-up on. */
let positionsReceived = 0;

async function init(message: Init): Promise<void> {
  warmupEndTs = message.warmupEndTs;
  const started = Date.now();
  await Promise.all(
    message.rooms.map(async (room, i) => {
      const socket = io(message.url, { transports: ['websocket'], auth: { token: message.token }, reconnection: false, forceNew: true });
      sockets.push(socket);
      socket.onAny((event: string) => {
        if (eluAtWarmup) messagesOf[event] = (messagesOf[event] ?? 0) + 1;
      });
      lastAt[i] = new Map();
      received[i] = new Map();
      socket.on(LIVE_EVENTS.positions, (message: LivePositions) => {
        const arrived = Date.now();
        if (eluAtWarmup) positionsReceived += message.positions.length;
        for (const p of message.positions) {
          const atMs = Date.parse(p.at);
          const last = lastAt[i]!.get(p.vehicleId) ?? -Infinity;
          if (atMs <= last) continue;
          lastAt[i]!.set(p.vehicleId, atMs);
          if (atMs < warmupEndTs) continue;
          received[i]!.set(p.vehicleId, (received[i]!.get(p.vehicleId) ?? 0) + 1);
          latencies.push(arrived - atMs);
        }
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const answer = (await socket.timeout(60_000).emitWithAck(LIVE_REQUESTS.join, { rooms: [room] })) as JoinAnswer;
      if (answer.joined.length !== 1) throw new Error(`join ${room} refused: ${JSON.stringify(answer.refused)}`);
    }),
  );
  port.postMessage({ type: 'ready', connectMs: Date.now() - started });
}

port.on('message', (message: { type: string } & Init & { expected: Array<Array<[string, number]>> }) => {
  if (message.type === 'init') init(message).catch((error: unknown) => port.postMessage({ type: 'error', error: String(error) }));
  if (message.type === 'warmup') {
    warmupEndTs = message.warmupEndTs;
    setTimeout(() => {
      eluAtWarmup = performance.eventLoopUtilization();
      loopDelay.enable();
    }, Math.max(0, warmupEndTs - Date.now())).unref();
  }
  if (message.type === 'count') port.postMessage({ type: 'count', samples: latencies.length });
  if (message.type === 'result') {
    // expected[i]: for client i, [vehicleId, positions published after warm-up] of every truck its room gets.
    let lost = 0;
    let expectedPairs = 0;
    message.expected.forEach((perVehicle, i) => {
      for (const [vehicleId, count] of perVehicle) {
        expectedPairs += count;
        lost += Math.max(0, count - (received[i]!.get(vehicleId) ?? 0));
      }
    });
    latencies.sort((a, b) => a - b);
    // Over every pair expected: one never delivered counts as later than any that was, so many losses make the quantile infinite.
    const q = (p: number): number => {
      const rank = Math.floor(Math.max(expectedPairs, latencies.length) * p);
      return rank < latencies.length ? latencies[rank]! : Infinity;
    };
    for (const s of sockets) s.close();
    const busy = eluAtWarmup ? performance.eventLoopUtilization(eluAtWarmup).utilization : NaN;
    const thread = { busyShare: busy, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6, messagesOf, positionsReceived };
    port.postMessage({ type: 'result', samples: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? 0, lost, expectedPairs, thread });
  }
});
