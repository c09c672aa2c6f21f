import type { Instance } from './instance';
import { SegStore } from './segments';

/** Route items as stored in an individual: a stop index, BREAK_ITEM, or a disposal site encoded by `siteItem`. */
export const BREAK_ITEM = -1;
/** Encodes disposal site s as a route item. */
export const siteItem = (s: number): number => -2 - s;
/** Decodes a disposal route item back to its site index. */
export const itemSite = (item: number): number => -2 - item;

/** Node kinds (`RouteState.nodeKind`). */
export const CLIENT = 0;
export const START = 1;
export const END = 2;
export const BREAK = 3;
export const DISPOSAL = 4;
/** Scratch slots of the segment store after the three per-node blocks (see RouteState). */
export const SCRATCH = 24;
/** Smallest cost change counted as an improvement. */
export const EPS = 1e-7;
/** Terminates a node list in an Int32Array. */
export const LIST_END = -0x80000000;

/** An angle in sixteenths of a turn, 0 .. 65535, taken modulo a full turn (the polar sectors of routes). */
export function mod16(x: number): number {
  return ((x % 65536) + 65536) % 65536;
}

/**
 * A solution as the local search holds it: routes as doubly linked lists of
 * nodes, and a segment store (SegStore) whose slots summarise pieces of them.
 *
 * Nodes, N of them, numbered so that a node's kind follows from its number:
 *   [0, nC)              the stops (node c is stop c),
 *   [nC, nC + R)         the start of each vehicle's route (startNode),
 *   [nC + R, nC + 2R)    the end of each route (endNode),
 *   [nC + 2R, nC + 3R)   the break of each route (breakNode; linked in only
 *                        when the vehicle takes one),
 *   [nC + 3R, N)         a pool of disposal visits (nC + 2R + 4 of them when
 *                        the instance has disposal sites, else none), handed
 *                        out and back as visits are added and removed.
 *
 * Slots of the segment store, each summarising a sequence (load, time,
 * distance, penalties), laid out in blocks of N so that a node's slots are
 * found by adding its number to the block's base:
 *   FWD  = 0     FWD + x:  the prefix of x's route, start .. x (inclusive),
 *   BWD  = N     BWD + x:  the suffix, x .. end (inclusive),
 *   SGL  = 2N    SGL + x:  x alone,
 *   T    = 3N    T + 0 .. T + 23: scratch for pricing moves (T: concatenations
 *                of two to four slots; T + 1 .. T + 3: a changed window or a
 *                fresh route; T + 4, T + 5: the two routes of a SWAP*
 *                exchange; T + 6, T + 7: a growing middle piece and the
 *                priced route of the disposal and break moves; T + 8: the
 *                diagnosis of an unserved stop),
 *   SITE = 3N + SCRATCH   SITE + s: a visit to disposal site s alone (copied
 *                into a pool node's SGL slot when the visit is placed).
 * Prefix and suffix slots are refreshed per route by the local search after
 * each change; a move is priced by concatenating a prefix, at most a few
 * single or scratch slots, and a suffix.
 */
export class RouteState {
  /** Nodes: stops, route starts, route ends, breaks, disposal pool. */
  readonly N: number;
  /** Stops. */
  readonly nC: number;
  /** Routes (one per vehicle). */
  readonly R: number;
  readonly segs: SegStore;
  /** Next node in its route (-1 when not routed). */
  readonly next: Int32Array;
  /** Previous node in its route (-1 when not routed). */
  readonly prev: Int32Array;
  /** Route of a node, -1 for a stop left out or a pool node not in use. */
  readonly routeOf: Int32Array;
  /** Position of a node in its route, start = 0. */
  readonly pos: Int32Array;
  readonly nodeKind: Uint8Array;
  /** Location (matrix index) of a node; -1 for a break, which has none. */
  readonly nodeLoc: Int32Array;
  /** Disposal site of a pool node in use, else -1. */
  readonly nodeSite: Int32Array;
  readonly nodeService: Float64Array;
  /** Earliest start of a node's service (only the break's is read from here; the others live in the store). */
  readonly nodeE: Float64Array;
  /** Latest start of a node's service (as nodeE). */
  readonly nodeL: Float64Array;
  readonly FWD = 0;
  readonly BWD: number;
  readonly SGL: number;
  readonly T: number;
  readonly SITE: number;
  /** The search's distance matrix (row-major, nLoc x nLoc). */
  readonly dist: Float32Array;
  readonly nLoc: number;
  readonly hasBreaks: boolean;

  constructor(readonly inst: Instance) {
    const { nC, R, S } = inst;
    this.nC = nC;
    this.R = R;
    const pool = inst.hasDisposal ? nC + 2 * R + 4 : 0;
    const N = nC + 3 * R + pool;
    this.N = N;
    this.BWD = N;
    this.SGL = 2 * N;
    this.T = 3 * N;
    this.SITE = 3 * N + SCRATCH;
    this.nodeKind = new Uint8Array(N);
    this.nodeLoc = new Int32Array(N).fill(-1);
    this.nodeSite = new Int32Array(N).fill(-1);
    this.nodeService = new Float64Array(N);
    this.nodeE = new Float64Array(N);
    this.nodeL = new Float64Array(N);
    this.segs = new SegStore(3 * N + SCRATCH + S, inst, this.nodeService, this.nodeE, this.nodeL);
    this.next = new Int32Array(N).fill(-1);
    this.prev = new Int32Array(N).fill(-1);
    this.routeOf = new Int32Array(N).fill(-1);
    this.pos = new Int32Array(N);
    this.dist = inst.searchDist;
    this.nLoc = inst.n;
    this.hasBreaks = inst.hasBreaks;

    const K = inst.dims;
    for (let c = 0; c < nC; c++) {
      this.nodeKind[c] = CLIENT;
      this.nodeLoc[c] = inst.cLoc[c];
      this.segs.setNode(this.SGL + c, inst.cLoc[c], inst.cService[c], inst.cE[c], inst.cL[c], false, 1);
      for (let k = 0; k < K; k++) {
        this.segs.head[(this.SGL + c) * K + k] = inst.cDemand[c * K + k];
        this.segs.tot[(this.SGL + c) * K + k] = inst.cDemand[c * K + k];
      }
    }
    for (let r = 0; r < R; r++) {
      const s = this.startNode(r);
      const e = this.endNode(r);
      const b = this.breakNode(r);
      this.nodeKind[s] = START;
      this.nodeKind[e] = END;
      this.nodeKind[b] = BREAK;
      this.nodeLoc[s] = inst.vStartLoc[r];
      this.nodeLoc[e] = inst.vEndLoc[r];
      this.segs.setNode(this.SGL + s, inst.vStartLoc[r], 0, inst.vStartE[r], inst.vStartL[r], false, 0);
      for (let k = 0; k < K; k++) {
        this.segs.head[(this.SGL + s) * K + k] = inst.vInitLoad[r * K + k];
        this.segs.tot[(this.SGL + s) * K + k] = inst.vInitCollected[r * K + k];
      }
      this.segs.setNode(this.SGL + e, inst.vEndLoc[r], 0, inst.vEndE[r], inst.vEndL[r], false, 0);
      this.nodeService[b] = inst.vBreakDur[r];
      this.nodeE[b] = inst.vBreakE[r];
      this.nodeL[b] = inst.vBreakL[r];
      this.segs.setBreak(this.SGL + b, b);
    }
    for (let i = 0; i < pool; i++) this.nodeKind[nC + 3 * R + i] = DISPOSAL;
    for (let s = 0; s < S; s++) {
      this.segs.setNode(this.SITE + s, inst.sLoc[s], inst.sService[s], inst.sE[s], inst.sL[s], true, 0);
    }
    let minStops = Infinity;
    for (let r = 0; r < R; r++) minStops = Math.min(minStops, inst.vMaxStops[r]);
    let cap0 = 0;
    for (let r = 0; r < R; r++) cap0 = Math.max(cap0, inst.vCap[r * inst.dims]);
    this.segs.stopWeight = minStops < 1e11 && minStops > 0 ? Math.max(1, cap0) / minStops : 1;
  }

  startNode(r: number): number {
    return this.nC + r;
  }

  endNode(r: number): number {
    return this.nC + this.R + r;
  }

  breakNode(r: number): number {
    return this.nC + 2 * this.R + r;
  }

  /** Takes node x out of its list (its own links and route are left to the caller). */
  unlink(x: number): void {
    const p = this.prev[x];
    const nx = this.next[x];
    this.next[p] = nx;
    this.prev[nx] = p;
  }

  /** Links node x in right after node y. */
  insertAfter(x: number, y: number): void {
    const ny = this.next[y];
    this.next[y] = x;
    this.prev[x] = y;
    this.next[x] = ny;
    this.prev[ny] = x;
  }

  /** Makes nodes[0..len) route r, in that order (start to end). */
  relinkRoute(r: number, nodes: Int32Array, len: number): void {
    for (let i = 0; i + 1 < len; i++) {
      this.next[nodes[i]] = nodes[i + 1];
      this.prev[nodes[i + 1]] = nodes[i];
      this.routeOf[nodes[i]] = r;
    }
    this.routeOf[nodes[len - 1]] = r;
  }

  /** Distance from located node a to located node b. */
  distanceBetween(a: number, b: number): number {
    return this.dist[this.nodeLoc[a] * this.nLoc + this.nodeLoc[b]];
  }

  /** The nearest node before x that has a location (skips the break). */
  locatedPrev(x: number): number {
    let p = this.prev[x];
    if (!this.hasBreaks) return p;
    while (this.nodeKind[p] === BREAK) p = this.prev[p];
    return p;
  }

  /** The nearest node after x that has a location (skips the break). */
  locatedNext(x: number): number {
    let q = this.next[x];
    if (!this.hasBreaks) return q;
    while (this.nodeKind[q] === BREAK) q = this.next[q];
    return q;
  }

  /** Stops in route r. */
  clientsIn(r: number): number {
    return this.segs.cnt[this.FWD + this.endNode(r)];
  }
}
