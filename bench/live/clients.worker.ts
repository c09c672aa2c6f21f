/**
 * The browsers of the live benchmark: socket.io clients in a worker thread,
 * so that receiving and bookkeeping never delay the publisher's clock.
 * Each client joins one district room; for every state it receives, every
 * published reading of that container at or before the state's time counts
 * as delivered to that client, with latency = receipt - publish.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';

interface Init {
  type: 'init';
  url: string;
  token: string;
  /** Container ids by index, and each container's district. */
  ids: string[];
  districts: string[];
  /** Per client: the district it watches. */
  clientDistricts: string[];
  warmupEndTs: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const port = parentPort!;
/** How late this thread's loop runs: a late client reads late, which the latencies count as the services'. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const HISTOGRAM_STEP_MS = 0.1;
/** Draining ends when no client got anything new for this long. */
const STALL_MS = 60_000;
const HISTOGRAM_MAX_MS = 60_000;
const histogram = new Uint32Array(HISTOGRAM_MAX_MS / HISTOGRAM_STEP_MS + 1);
let overflowSamples = 0;
/** The gateway stage: how long from each container.state on the bus until each client had it. */
const gatewayLatencies: number[] = [];
let samples = 0;
let warmupEndTs = Infinity;

let ids: string[] = [];
const indexOf = new Map<string, number>();
/** Per container: measured times and publish times of its readings, in publish order. */
let readingAt: number[][] = [];
let readingPub: number[][] = [];
/**
 * The same per reading: when its container.state reached the bus (NaN until then), beside its
 * measured time, so that a received state finds it where the delivery loop stops, with no lookup
 * per state and client (the largest cost of this thread when it was a map of "index:time" keys).
 */
let readingTap: number[][] = [];
/** Per client: per container index, how many of its readings this client has seen. */
let seenCount: Uint32Array[] = [];
/** Per client: per container index, the newest measured time received. */
let lastSeenAt: Float64Array[] = [];
let watched: number[][] = [];
const sockets: Socket[] = [];
let messages = 0;
let statesReceived = 0;

function record(latencyMs: number): void {
  samples++;
  const bucket = Math.round(Math.max(0, latencyMs) / HISTOGRAM_STEP_MS);
  if (bucket >= histogram.length) overflowSamples++;
  else histogram[bucket]!++;
}

function percentile(p: number): number {
  const target = Math.ceil(samples * p);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= target) return i * HISTOGRAM_STEP_MS;
  }
  return HISTOGRAM_MAX_MS;
}

function onStates(client: number, states: Array<{ id: string; measuredAt: string }>): void {
  const receivedAt = now();
  messages++;
  const counts = seenCount[client]!;
  const last = lastSeenAt[client]!;
  for (const state of states) {
    statesReceived++;
    const idx = indexOf.get(state.id);
    if (idx === undefined) continue;
    const at = Date.parse(state.measuredAt);
    if (at > last[idx]!) last[idx] = at;
    const times = readingAt[idx]!;
    const pubs = readingPub[idx]!;
    let k = counts[idx]!;
    while (k < times.length && times[k]! <= at) {
      if (pubs[k]! >= warmupEndTs) record(receivedAt - pubs[k]!);
      k++;
    }
    counts[idx] = k;
    // The state's own reading: the last one at or before its time (states of a container only move forward).
    let own = k - 1;
    while (own >= 0 && times[own]! > at) own--;
    if (own >= 0 && times[own] === at) {
      const onBus = readingTap[idx]![own]!;
      if (onBus >= warmupEndTs) gatewayLatencies.push(receivedAt - onBus);
    }
  }
}

async function init(message: Init): Promise<void> {
  ids = message.ids;
  ids.forEach((id, i) => indexOf.set(id, i));
  readingAt = ids.map(() => []);
  readingPub = ids.map(() => []);
  readingTap = ids.map(() => []);
  warmupEndTs = message.warmupEndTs;
  const byDistrict = new Map<string, number[]>();
  message.districts.forEach((d, i) => {
    const list = byDistrict.get(d) ?? [];
    list.push(i);
    byDistrict.set(d, list);
  });
  seenCount = message.clientDistricts.map(() => new Uint32Array(ids.length));
  lastSeenAt = message.clientDistricts.map(() => new Float64Array(ids.length).fill(-Infinity));
  watched = message.clientDistricts.map((d) => byDistrict.get(d) ?? []);
  const started = now();
  // In waves, as browsers arrive: 200 handshakes and snapshots at once would only measure the start-up storm.
  const WAVE = 20;
  for (let first = 0; first < message.clientDistricts.length; first += WAVE) {
    await Promise.all(
      message.clientDistricts.slice(first, first + WAVE).map(async (district, k) => {
        const client = first + k;
        const socket = io(message.url, { transports: ['websocket'], auth: { token: message.token }, reconnection: false, forceNew: true, timeout: 120_000 });
        sockets.push(socket);
        socket.on('containers', (m: { states: Array<{ id: string; measuredAt: string }> }) => onStates(client, m.states));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const answer = (await socket.timeout(120_000).emitWithAck('join', { rooms: [`district:${district}`] })) as { joined: string[] };
        if (answer.joined.length !== 1) throw new Error(`client ${client} could not join district:${district}`);
      }),
    );
  }
  port.postMessage({ type: 'ready', connectMs: now() - started });
}

/** Waits until every client has seen the latest reading of every container it watches, or the time is up. */
async function drain(timeoutMs: number): Promise<void> {
  loopDelay.disable();
  const end = now() + timeoutMs;
  // A client is behind on a container until it has a state as new as the container's last published reading.
  const newest = (idx: number): number => {
    const times = readingAt[idx]!;
    return times.length === 0 ? -Infinity : times[times.length - 1]!;
  };
  const behind = (): number => {
    let pairs = 0;
    watched.forEach((list, client) => {
      for (const idx of list) if (lastSeenAt[client]![idx]! < newest(idx)) pairs++;
    });
    return pairs;
  };
  // A backed-up pipeline is not a lossy one: keep waiting while deliveries still progress, up to the hard limit.
  const drainStarted = now();
  let pending = behind();
  let lastProgress = now();
  while (pending > 0 && now() < end && now() - lastProgress < STALL_MS) {
    await new Promise((r) => setTimeout(r, 200));
    const still = behind();
    if (still < pending) lastProgress = now();
    pending = still;
  }
  const drainMs = now() - drainStarted;
  let lostPairs = 0;
  const lostReadings = new Set<string>();
  let expectedPairs = 0;
  watched.forEach((list, client) => {
    for (const idx of list) {
      const total = readingAt[idx]!.length;
      expectedPairs += total;
      const seenAt = lastSeenAt[client]![idx]!;
      const times = readingAt[idx]!;
      for (let k = 0; k < total; k++) {
        if (times[k]! <= seenAt) continue;
        lostPairs++;
        lostReadings.add(`${idx}:${k}`);
      }
    }
  });
  for (const socket of sockets) socket.close();
  gatewayLatencies.sort((a, b) => a - b);
  const gatewayAt = (p: number): number => (gatewayLatencies.length === 0 ? NaN : gatewayLatencies[Math.min(gatewayLatencies.length - 1, Math.floor(gatewayLatencies.length * p))]!);
  port.postMessage({
    type: 'result',
    samples,
    overflowSamples,
    p50: percentile(0.5),
    p90: percentile(0.9),
    p99: percentile(0.99),
    max: percentile(1),
    lostPairs,
    lostReadings: lostReadings.size,
    expectedPairs,
    messages,
    statesReceived,
    drainMs,
    gatewaySamples: gatewayLatencies.length,
    gatewayP50: gatewayAt(0.5),
    gatewayP99: gatewayAt(0.99),
    loopDelayP99: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    loopDelayMax: Math.round(loopDelay.max / 1e4) / 100,
  });
}

port.on('message', (message: { type: string } & Record<string, unknown>) => {
  if (message.type === 'init') {
    init(message as unknown as Init).catch((error: unknown) => port.postMessage({ type: 'error', error: String(error) }));
  } else if (message.type === 'published') {
    const flat = message.batch as Float64Array;
    for (let i = 0; i < flat.length; i += 3) {
      const idx = flat[i]!;
      readingAt[idx]!.push(flat[i + 1]!);
      readingPub[idx]!.push(flat[i + 2]!);
      readingTap[idx]!.push(NaN);
    }
  } else if (message.type === 'tapped') {
    const flat = message.batch as Float64Array;
    for (let i = 0; i < flat.length; i += 3) {
      const idx = flat[i]!;
      const at = flat[i + 1]!;
      const times = readingAt[idx]!;
      // Published before it was tapped, so already listed; as a rule the container's last reading.
      for (let k = times.length - 1; k >= 0 && times[k]! >= at; k--) {
        if (times[k] === at) {
          readingTap[idx]![k] = flat[i + 2]!;
          break;
        }
      }
    }
  } else if (message.type === 'warmup') {
    warmupEndTs = message.warmupEndTs as number;
    loopDelay.enable();
  } else if (message.type === 'drain') {
    void drain(message.timeoutMs as number);
  }
});
