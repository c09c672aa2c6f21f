import { Rng } from '@vulgraad/city-model';
import type { RecordedVisit } from './record';

/** Loose bulk density of bagged residual waste in a container, kg per litre: the city model's assumption (AMSTERDAM_ASSUMPTIONS). */
export const DENSITY_KG_PER_L = 0.15;
/** Mean litres of one deposit (one bag): the Groningen pilot's Triangular(10, 30, 60) L. */
export const MEAN_DEPOSIT_L = 100 / 3;
const HOUR_MS = 3_600_000;

/** How the deposits of one cluster were inferred. */
export interface ClusterDeposits {
  /** Deposit times, ascending, epoch ms. */
  times: Float64Array;
  /** Litres deposited up to and including each deposit. */
  cumulativeL: Float64Array;
  /** Kilograms inferred for each recorded visit's interval (equal to the visit's kg), and the tail after the last visit. */
  intervalKg: number[];
  tailKg: number;
}

export interface DepositOptions {
  seed: number;
  /** Deposits by local hour of the day (24 shares, any scale). */
  dailyShares: readonly number[];
  /** Local hour (0-23) of an epoch ms. */
  localHour: (ms: number) => number;
  /** The start of the replayed horizon: a cluster's first recorded visit holds at least what was deposited since then. */
  startMs: number;
  /** The end of the replayed horizon: deposits go on after a cluster's last visit until then. */
  endMs: number;
  /** Days before a cluster's first visit that its first visit's kilograms were deposited over when the cluster has a single visit. */
  fallbackIntervalDays: number;
}

/**
 * The deposits both policies see, inferred from the city's record. Each
 * recorded visit's kilograms were put in the cluster between the previous
 * visit and this one; the first visit's over the cluster's median interval
 * before it; after the last visit the cluster goes on filling at its mean
 * rate of the month until the end, for at most its median interval. Within an interval the kilograms are
 * spread over time by the hourly profile (deposits by local hour of day),
 * as bags of `MEAN_DEPOSIT_L` on average at random times drawn from that
 * profile (the seed): the kilograms of each interval are kept exactly.
 */
export function inferDeposits(visits: readonly RecordedVisit[], options: DepositOptions, rng: Rng): ClusterDeposits {
  if (visits.length === 0) throw new RangeError('a cluster without visits has no deposits to infer');
  const intervals: Array<{ fromMs: number; toMs: number; kg: number }> = [];
  const gaps: number[] = [];
  for (let k = 1; k < visits.length; k++) gaps.push((visits[k] as RecordedVisit).atMs - (visits[k - 1] as RecordedVisit).atMs);
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const firstGap = sortedGaps.length > 0 ? (sortedGaps[Math.floor(sortedGaps.length / 2)] as number) : options.fallbackIntervalDays * 24 * HOUR_MS;
  const first = visits[0] as RecordedVisit;
  // The record shows no emptying between its start and the first visit, so the cluster was last emptied before
  // the start: its first kilograms came in over the usual interval or since the start, whichever is longer. Starting
  // them later would leave the cluster without deposits for its first days, and a forecast that learns those
  // empty days expects too little on the same weekdays later.
  intervals.push({ fromMs: Math.min(first.atMs - firstGap, options.startMs), toMs: first.atMs, kg: first.kg });
  for (let k = 1; k < visits.length; k++) intervals.push({ fromMs: (visits[k - 1] as RecordedVisit).atMs, toMs: (visits[k] as RecordedVisit).atMs, kg: (visits[k] as RecordedVisit).kg });
  const last = visits[visits.length - 1] as RecordedVisit;
  // The month's rate: kilograms of every visit after the first over the time they took; one visit: its kg over the assumed interval.
  const spanMs = last.atMs - first.atMs;
  const kgPerMs = visits.length > 1 && spanMs > 0 ? visits.slice(1).reduce((s, v) => s + v.kg, 0) / spanMs : first.kg / firstGap;
  // After the last visit the cluster fills for at most its usual interval: a cluster the record stops emptying for longer
  // was most likely taken out of use (or its weighings lost); inventing its waste would give vulgraad work the city never had.
  const tailEndMs = Math.min(options.endMs, last.atMs + firstGap);
  const tailKg = tailEndMs > last.atMs ? kgPerMs * (tailEndMs - last.atMs) : 0;
  if (tailKg > 0) intervals.push({ fromMs: last.atMs, toMs: tailEndMs, kg: tailKg });

  const times: number[] = [];
  const litres: number[] = [];
  for (const interval of intervals) {
    const totalL = interval.kg / DENSITY_KG_PER_L;
    if (!(totalL > 0) || !(interval.toMs > interval.fromMs)) continue;
    const bags = Math.max(1, Math.round(totalL / MEAN_DEPOSIT_L));
    const drawn = sampleTimes(interval.fromMs, interval.toMs, bags, options, rng);
    // Sizes: Triangular(10, 30, 60) L drawn, then scaled so the interval holds exactly its kilograms.
    const sizes = drawn.map(() => rng.triangular(10, 30, 60));
    const scale = totalL / sizes.reduce((s, v) => s + v, 0);
    for (const [k, t] of drawn.entries()) {
      times.push(t);
      litres.push((sizes[k] as number) * scale);
    }
  }
  const order = times.map((_, k) => k).sort((a, b) => (times[a] as number) - (times[b] as number));
  const outTimes = new Float64Array(order.length);
  const cumulativeL = new Float64Array(order.length);
  let sum = 0;
  for (const [k, i] of order.entries()) {
    outTimes[k] = times[i] as number;
    sum += litres[i] as number;
    cumulativeL[k] = sum;
  }
  return { times: outTimes, cumulativeL, intervalKg: intervals.slice(0, visits.length).map((i) => i.kg), tailKg };
}

/** `n` times in [from, to), drawn from the hourly profile (piecewise constant by local hour), sorted. */
function sampleTimes(fromMs: number, toMs: number, n: number, options: DepositOptions, rng: Rng): number[] {
  const edges: number[] = [fromMs];
  const weights: number[] = [];
  let t = fromMs;
  while (t < toMs) {
    const next = Math.min(toMs, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    weights.push((options.dailyShares[options.localHour(t)] as number) * (next - t));
    edges.push(next);
    t = next;
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const u = rng.uniform() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    const a = edges[lo] as number;
    const b = edges[lo + 1] as number;
    out.push(Math.min(toMs - 1, a + rng.uniform() * (b - a)));
  }
  return out.sort((x, y) => x - y);
}

/** Litres deposited in a cluster up to and including `atMs`. */
export function depositedUpTo(deposits: ClusterDeposits, atMs: number): number {
  const { times, cumulativeL } = deposits;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : (cumulativeL[lo - 1] as number);
}

/** Deposits made up to `atMs` (count). */
export function depositCountUpTo(deposits: ClusterDeposits, atMs: number): number {
  const { times } = deposits;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One policy's containers over the replay: the shared deposits, and this
 * policy's emptyings. Content at a time = litres deposited since the last
 * emptying before it.
 */
export class ReplayContainers {
  private readonly emptiedAt = new Map<string, number[]>();
  private readonly emptiedCumL = new Map<string, number[]>();

  constructor(
    readonly deposits: ReadonlyMap<string, ClusterDeposits>,
    readonly capacityL: ReadonlyMap<string, number>,
    /** Where the replay starts: content before it was left by emptyings nobody replays. */
    startMs: number,
    /** Content at the start: a cluster is treated as emptied at this moment before the start with what it then held. */
    initialEmptyMs: ReadonlyMap<string, number>,
  ) {
    for (const [id, d] of deposits) {
      const at = Math.min(startMs, initialEmptyMs.get(id) ?? -Infinity);
      this.emptiedAt.set(id, [at]);
      this.emptiedCumL.set(id, [Number.isFinite(at) ? depositedUpTo(d, at) : 0]);
    }
  }

  private own(id: string): ClusterDeposits {
    const d = this.deposits.get(id);
    if (!d) throw new RangeError(`unknown cluster ${id}`);
    return d;
  }

  /** Litres in the cluster at `atMs` (after the emptyings up to then). */
  volumeAt(id: string, atMs: number): number {
    const times = this.emptiedAt.get(id) as number[];
    const cums = this.emptiedCumL.get(id) as number[];
    let k = times.length - 1;
    while (k > 0 && (times[k] as number) > atMs) k--;
    return Math.max(0, depositedUpTo(this.own(id), atMs) - (cums[k] as number));
  }

  /** Empties the cluster at `atMs` (not before its last emptying); returns the litres taken. */
  empty(id: string, atMs: number): { volumeL: number; overflowL: number; deposits: number } {
    const times = this.emptiedAt.get(id) as number[];
    const last = times[times.length - 1] as number;
    if (atMs < last) throw new RangeError(`cluster ${id} emptied at ${atMs} before its last emptying ${last}`);
    const d = this.own(id);
    const volumeL = this.volumeAt(id, atMs);
    const deposits = depositCountUpTo(d, atMs) - depositCountUpTo(d, last);
    times.push(atMs);
    (this.emptiedCumL.get(id) as number[]).push(depositedUpTo(d, atMs));
    const capacity = this.capacityL.get(id) ?? Infinity;
    return { volumeL, overflowL: Math.max(0, volumeL - capacity), deposits };
  }

  /** Emptyings so far of a cluster (times, the first being the start state). */
  emptyings(id: string): readonly number[] {
    return this.emptiedAt.get(id) ?? [];
  }
}
