import type { Instance } from './instance';
import type { Rng } from './rng';
import { CORE, RELOAD, SegStore } from './segments';

/** Route items as stored in an individual: a stop index, BREAK_ITEM, or a disposal site encoded by `siteItem`. */
export const BREAK_ITEM = -1;
/** Encodes disposal site s as a route item. */
export const siteItem = (s: number): number => -2 - s;
/** Decodes a disposal route item back to its site index. */
export const itemSite = (item: number): number => -2 - item;

const CLIENT = 0;
const START = 1;
const END = 2;
const BREAK = 3;
const DISPOSAL = 4;
const SCRATCH = 24;
const EPS = 1e-7;
/** Terminates a node list in an Int32Array. */
const LIST_END = -0x80000000;
/** Disposal sites tried at each position (the nearest ones). */
const NEAR_SITES = 4;

/**
 * Granular local search on a solution held as doubly linked routes, with
 * cached prefix/suffix segment summaries per node so that every move is
 * priced by a few O(1) concatenations (inter-route) or one fold over the
 * changed window (intra-route). Moves: relocate of one or two stops (also
 * reversed), swaps 1-1, 2-1, 2-2, 2-opt inside a route, 2-opt* between
 * routes, SWAP* (Vidal 2022) between neighbouring routes, moves into an empty
 * route, insertion and removal of optional stops, and per-route operators
 * that place disposal visits and the break.
 */
export class LocalSearch {
  readonly N: number;
  readonly nC: number;
  readonly R: number;
  readonly segs: SegStore;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly routeOf: Int32Array;
  readonly pos: Int32Array;
  readonly nodeKind: Uint8Array;
  readonly nodeLoc: Int32Array;
  readonly nodeSite: Int32Array;
  private readonly nodeService: Float64Array;
  private readonly nodeE: Float64Array;
  private readonly nodeL: Float64Array;
  private readonly W: number;
  private readonly bMask: Int32Array;
  private readonly fPins: Int32Array;
  /** Highest pinned-sequence rank up to this node in its route (-1 if none). */
  private readonly fRank: Int32Array;
  /** Lowest pinned-sequence rank from this node on (a large number if none). */
  private readonly bRank: Int32Array;
  private readonly brkBefore: Uint8Array;
  readonly routeCost: Float64Array;
  /** Penalty part of routeCost (what a move can at most save besides distance). */
  private readonly routePen: Float64Array;
  /** Route has no time arithmetic and no disposal visit: moves are priced by plain sums. */
  private readonly routeSimple: Uint8Array;
  /** Costs of routes are distance only (no time cost): the distance lower bound is valid. */
  private readonly boundOk: boolean;
  private readonly dist: Float32Array;
  private readonly nLoc: number;
  private readonly hasBreaks: boolean;
  private readonly singleClass: boolean;
  private readonly routeLastMod: Int32Array;
  private readonly routeOpsTested: Int32Array;
  private readonly lastTestRI: Int32Array;
  private readonly swapTested: Int32Array;
  private readonly pairMark: Uint8Array;
  private readonly freePool: Int32Array;
  private freeCount = 0;
  private moveCount = 0;
  private improved = false;
  private readonly order: Int32Array;
  private readonly neigh: Int32Array;
  private readonly list: Int32Array;
  private readonly listB: Int32Array;
  private readonly emptyOfType: Int32Array;
  private readonly T: number;
  private readonly SITE: number;
  private readonly FWD = 0;
  private readonly BWD: number;
  private readonly SGL: number;
  /** Optional stops (and, in drop mode, mandatory ones) may be left out at their prize. */
  dropMode = false;
  /** Run SWAP* only in loops where the other moves found nothing. */
  lazySwapStar = false;
  /** Stop the run early when this returns true (checked between loops). */
  shouldStop: () => boolean = () => false;
  // SWAP*: best three insertion places of each stop in each route, valid while the route is unchanged.
  private readonly best3Cost: Float64Array;
  private readonly best3Node: Int32Array;
  private readonly best3Stamp: Int32Array;
  /** The located node after each of the three places (the place is between best3Node and best3Next). */
  private readonly best3Next: Int32Array;
  private readonly swapRem: Float64Array;
  private readonly swapPrevLoc: Int32Array;
  private readonly swapNextLoc: Int32Array;
  private readonly swapRemB: Float64Array;
  private readonly swapPrevLocB: Int32Array;
  private readonly swapNextLocB: Int32Array;
  private readonly secStart: Int32Array;
  private readonly secEnd: Int32Array;
  private readonly hasSeqPins: boolean;
  /** Distance from each located route node to the next located node. */
  private readonly edgeOut: Float64Array;
  /** Distance change when the stop alone is taken out of its route. */
  private readonly remGain1: Float64Array;
  /** Distance change when the stop and its successor (a stop) are taken out. */
  private readonly remGain2: Float64Array;
  private readonly sym: boolean;
  /** Sites by increasing distance from each location (S per location). */
  private readonly siteOrder: Int32Array;
  /** Whether vehicle r may use site s (R x S). */
  private readonly siteAllowed: Uint8Array;
  private readonly nearBuf: Int32Array;
  private readonly placeNode: Int32Array;
  private readonly placeNextNode: Int32Array;
  private readonly placeLoc: Int32Array;
  private readonly placeEdge: Float64Array;
  private readonly routeClients: Int32Array;
  private readonly routeClientsB: Int32Array;
  // Scratch of the trip re-split (per stop of one route).
  private readonly splitDetour: Float64Array;
  private readonly splitSite: Int32Array;
  private readonly splitF: Float64Array;
  private readonly splitFrom: Int32Array;
  private readonly splitCut: Uint8Array;
  private readonly splitLoad: Float64Array;

  constructor(
    readonly inst: Instance,
    private readonly rng: Rng,
  ) {
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
    this.W = inst.maskWords;
    this.bMask = new Int32Array(N * this.W);
    this.fPins = new Int32Array(N);
    this.fRank = new Int32Array(N);
    this.bRank = new Int32Array(N);
    this.brkBefore = new Uint8Array(N);
    this.routeCost = new Float64Array(R);
    this.routePen = new Float64Array(R);
    this.routeSimple = new Uint8Array(R);
    let anyTimeCost = false;
    for (let r = 0; r < R; r++) if (inst.vCTime[r] > 0) anyTimeCost = true;
    this.boundOk = !anyTimeCost;
    this.dist = inst.searchDist;
    this.nLoc = inst.n;
    this.hasBreaks = inst.hasBreaks;
    this.singleClass = inst.nClasses === 1;
    this.routeLastMod = new Int32Array(R);
    this.routeOpsTested = new Int32Array(R).fill(-1);
    this.lastTestRI = new Int32Array(nC);
    this.swapTested = new Int32Array(R * R);
    this.pairMark = new Uint8Array(R * R);
    this.freePool = new Int32Array(pool);
    this.order = new Int32Array(nC);
    this.neigh = Int32Array.from(inst.neighbours);
    this.list = new Int32Array(N);
    this.listB = new Int32Array(N);
    this.emptyOfType = new Int32Array(inst.nTypes);
    this.best3Cost = new Float64Array(nC * R * 3);
    this.best3Node = new Int32Array(nC * R * 3);
    this.best3Stamp = new Int32Array(nC * R);
    this.best3Next = new Int32Array(nC * R * 3);
    this.swapRem = new Float64Array(nC + 1);
    this.swapPrevLoc = new Int32Array(nC + 1);
    this.swapNextLoc = new Int32Array(nC + 1);
    this.swapRemB = new Float64Array(nC + 1);
    this.swapPrevLocB = new Int32Array(nC + 1);
    this.swapNextLocB = new Int32Array(nC + 1);
    this.secStart = new Int32Array(R);
    this.secEnd = new Int32Array(R);
    this.hasSeqPins = inst.cSeqRank.some((rank) => rank >= 0);
    this.edgeOut = new Float64Array(N);
    this.remGain1 = new Float64Array(nC);
    this.remGain2 = new Float64Array(nC);
    this.sym = inst.symmetric;
    this.siteOrder = new Int32Array(inst.n * S);
    this.siteAllowed = new Uint8Array(R * S);
    this.nearBuf = new Int32Array(Math.max(1, S));
    if (S > 0) {
      const ids = Array.from({ length: S }, (_, k) => k);
      for (let l = 0; l < inst.n; l++) {
        const byDistance = ids.slice().sort((a, b) => inst.dist[l * inst.n + inst.sLoc[a]] + inst.dist[inst.sLoc[a] * inst.n + l] - (inst.dist[l * inst.n + inst.sLoc[b]] + inst.dist[inst.sLoc[b] * inst.n + l]) || a - b);
        for (let k = 0; k < S; k++) this.siteOrder[l * S + k] = byDistance[k];
      }
      for (let r = 0; r < R; r++) for (const site of inst.vSites[r]) this.siteAllowed[r * S + site] = 1;
    }
    this.placeNode = new Int32Array(N + 1);
    this.placeNextNode = new Int32Array(N + 1);
    this.placeLoc = new Int32Array(N + 1);
    this.placeEdge = new Float64Array(N + 1);
    this.routeClients = new Int32Array(nC + 1);
    this.routeClientsB = new Int32Array(nC + 1);
    this.splitDetour = new Float64Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitSite = new Int32Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitF = new Float64Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitFrom = new Int32Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitCut = new Uint8Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitLoad = new Float64Array(inst.dims);

    for (let c = 0; c < nC; c++) {
      this.nodeKind[c] = CLIENT;
      this.nodeLoc[c] = inst.cLoc[c];
      this.segs.setNode(this.SGL + c, inst.cLoc[c], inst.cService[c], inst.cE[c], inst.cL[c], false, 1);
      const K = inst.dims;
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
      const K = inst.dims;
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

  // ---------------------------------------------------------------- loading

  /** Loads routes (items per vehicle); stops not listed are left out. */
  load(routes: ArrayLike<number>[]): void {
    const { nC, R, inst } = this;
    this.routeOf.fill(-1);
    this.next.fill(-1);
    this.prev.fill(-1);
    this.freeCount = 0;
    for (let i = this.freePool.length - 1; i >= 0; i--) this.freePool[this.freeCount++] = nC + 3 * R + i;
    for (let r = 0; r < R; r++) {
      const s = this.startNode(r);
      const e = this.endNode(r);
      this.next[s] = e;
      this.prev[e] = s;
      this.routeOf[s] = r;
      this.routeOf[e] = r;
      let tailNode = s;
      let hasBreak = false;
      let clients = 0;
      const items = routes[r] ?? [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        let node: number;
        if (item >= 0) {
          if (this.routeOf[item] !== -1) continue;
          node = item;
          clients++;
        } else if (item === BREAK_ITEM) {
          if (!inst.vHasBreak[r] || hasBreak) continue;
          node = this.breakNode(r);
          hasBreak = true;
        } else {
          const site = itemSite(item);
          if (site < 0 || site >= inst.S || this.freeCount === 0) continue;
          node = this.allocDisposal(site);
        }
        this.insertAfter(node, tailNode);
        this.routeOf[node] = r;
        tailNode = node;
      }
      if (inst.vHasBreak[r] && !hasBreak) {
        this.insertAfter(this.breakNode(r), s);
        this.routeOf[this.breakNode(r)] = r;
      }
      if (clients === 0 && !inst.vAlwaysUsed[r]) this.dropDisposals(r);
      else this.ensureFinalDisposal(r);
      this.updateRoute(r);
      this.routeLastMod[r] = ++this.moveCount;
    }
    this.lastTestRI.fill(0);
    this.swapTested.fill(0);
    this.routeOpsTested.fill(0);
  }

  /** Exports the routes as items per vehicle. */
  export(): Int32Array[] {
    const out: Int32Array[] = [];
    for (let r = 0; r < this.R; r++) {
      const items: number[] = [];
      const clients = this.segs.cnt[this.FWD + this.endNode(r)];
      if (clients > 0 || this.inst.vAlwaysUsed[r]) {
        for (let x = this.next[this.startNode(r)]; x !== this.endNode(r); x = this.next[x]) {
          const kind = this.nodeKind[x];
          if (kind === CLIENT) items.push(x);
          else if (kind === BREAK) items.push(BREAK_ITEM);
          else if (kind === DISPOSAL) items.push(siteItem(this.nodeSite[x]));
        }
      }
      out.push(Int32Array.from(items));
    }
    return out;
  }

  private allocDisposal(site: number): number {
    const node = this.freePool[--this.freeCount];
    this.setSite(node, site);
    return node;
  }

  private setSite(node: number, site: number): void {
    const inst = this.inst;
    this.nodeSite[node] = site;
    this.nodeLoc[node] = inst.sLoc[site];
    this.segs.copy(this.SGL + node, this.SITE + site);
    for (let w = 0; w < this.W; w++) this.bMask[node * this.W + w] = 0;
  }

  private releaseDisposal(node: number): void {
    this.unlink(node);
    this.routeOf[node] = -1;
    this.nodeSite[node] = -1;
    this.freePool[this.freeCount++] = node;
  }

  private dropDisposals(r: number): void {
    const end = this.endNode(r);
    for (let x = this.next[this.startNode(r)]; x !== end; ) {
      const nx = this.next[x];
      if (this.nodeKind[x] === DISPOSAL) this.releaseDisposal(x);
      x = nx;
    }
  }

  /** Adds the closing disposal visit when the vehicle needs one and the route lacks it. */
  private ensureFinalDisposal(r: number): void {
    const inst = this.inst;
    if (!inst.vEndDisposal[r]) return;
    const end = this.endNode(r);
    let x = this.prev[end];
    while (this.nodeKind[x] === BREAK) x = this.prev[x];
    if (this.nodeKind[x] === DISPOSAL) return;
    if (this.freeCount === 0) return;
    const from = this.nodeKind[x] === START ? inst.vStartLoc[r] : this.nodeLoc[x];
    let best = inst.vSites[r][0];
    let bestD = Infinity;
    for (const s of inst.vSites[r]) {
      const d = inst.searchDist[from * inst.n + inst.sLoc[s]] + inst.searchDist[inst.sLoc[s] * inst.n + inst.vEndLoc[r]];
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    const node = this.allocDisposal(best);
    this.insertAfter(node, x);
    this.routeOf[node] = r;
  }

  private unlink(x: number): void {
    const p = this.prev[x];
    const nx = this.next[x];
    this.next[p] = nx;
    this.prev[nx] = p;
  }

  private insertAfter(x: number, y: number): void {
    const ny = this.next[y];
    this.next[y] = x;
    this.prev[x] = y;
    this.next[x] = ny;
    this.prev[ny] = x;
  }

  /** Recomputes the cached prefix/suffix data of route r. */
  updateRoute(r: number): void {
    const segs = this.segs;
    const { FWD, BWD, SGL, W } = this;
    const inst = this.inst;
    const start = this.startNode(r);
    const end = this.endNode(r);
    let x = start;
    segs.copy(FWD + x, SGL + x);
    this.pos[x] = 0;
    this.fPins[x] = 0;
    this.fRank[x] = -1;
    this.brkBefore[x] = 0;
    let p = 0;
    let brk = 0;
    while (x !== end) {
      const y = this.next[x];
      segs.concat(FWD + y, FWD + x, SGL + y, r);
      this.pos[y] = ++p;
      this.routeOf[y] = r;
      if (this.nodeKind[y] === BREAK) brk = 1;
      this.brkBefore[y] = brk;
      const rank = y < this.nC ? inst.cSeqRank[y] : -1;
      this.fPins[y] = this.fPins[x] + (rank >= 0 ? 1 : 0);
      this.fRank[y] = rank >= 0 ? rank : this.fRank[x];
      x = y;
    }
    segs.copy(BWD + end, SGL + end);
    for (let w = 0; w < W; w++) this.bMask[end * W + w] = -1;
    this.bRank[end] = 0x7fffffff;
    x = this.prev[end];
    while (x !== -1) {
      segs.concat(BWD + x, SGL + x, BWD + this.next[x], r);
      const rank = x < this.nC ? inst.cSeqRank[x] : -1;
      this.bRank[x] = rank >= 0 ? rank : this.bRank[this.next[x]];
      const kind = this.nodeKind[x];
      const nx = this.next[x];
      for (let w = 0; w < W; w++) {
        let m = this.bMask[nx * W + w];
        if (kind === CLIENT) m &= inst.cMask[x * W + w];
        else if (kind === DISPOSAL) m &= inst.sMask[this.nodeSite[x] * W + w];
        this.bMask[x * W + w] = m;
      }
      x = this.prev[x];
    }
    this.cacheEdges(r);
    this.setRouteCost(r);
    this.routeSimple[r] = !inst.timed && (segs.flags[FWD + end] & RELOAD) === 0 ? 1 : 0;
    const angle = inst.cAngle;
    if (angle) {
      let first = true;
      let a0 = 0;
      let a1 = 0;
      for (let z = this.next[start]; z !== end; z = this.next[z]) {
        if (z >= this.nC) continue;
        const p = angle[z];
        if (first) {
          a0 = p;
          a1 = p;
          first = false;
        } else if (mod16(p - a0) > mod16(a1 - a0)) {
          // Not enclosed: extend the sector on the nearer side.
          if (mod16(p - a1) <= mod16(a0 - p)) a1 = p;
          else a0 = p;
        }
      }
      this.secStart[r] = a0;
      this.secEnd[r] = a1;
    }
  }

  /** Edge lengths and removal gains of route r (breaks have no location: edges skip them). */
  private cacheEdges(r: number): void {
    const end = this.endNode(r);
    const kind = this.nodeKind;
    let prevLocated = -1;
    let prevPrev = -1;
    for (let x = this.startNode(r); ; x = this.next[x]) {
      if (kind[x] !== BREAK) {
        if (prevLocated >= 0) {
          this.edgeOut[prevLocated] = this.dd(prevLocated, x);
          if (prevLocated < this.nC && prevPrev >= 0) {
            this.remGain1[prevLocated] = this.dd(prevPrev, x) - this.edgeOut[prevPrev] - this.edgeOut[prevLocated];
          }
        }
        prevPrev = prevLocated;
        prevLocated = x;
      }
      if (x === end) break;
    }
    this.edgeOut[end] = 0;
    for (let x = this.next[this.startNode(r)]; x !== end; x = this.next[x]) {
      const y = this.next[x];
      if (x < this.nC && y < this.nC) {
        const p = this.rp(x);
        const q = this.rn(y);
        this.remGain2[x] = this.dd(p, q) - this.edgeOut[p] - this.edgeOut[x] - this.edgeOut[y];
      }
    }
  }

  /** Length of the edge a -> b, read from b's matrix row when the matrix is symmetric (b is the moving stop, whose row is hot). */
  private into(a: number, b: number): number {
    return this.sym ? this.dist[this.nodeLoc[b] * this.nLoc + this.nodeLoc[a]] : this.dist[this.nodeLoc[a] * this.nLoc + this.nodeLoc[b]];
  }

  private setRouteCost(r: number): void {
    const o = this.FWD + this.endNode(r);
    const c = this.segs.cost(o, r);
    this.routeCost[r] = c;
    this.routePen[r] = c - this.segs.rawCost(o, r);
  }

  /** Recomputes every route's cost after a penalty change. */
  refreshCosts(): void {
    for (let r = 0; r < this.R; r++) this.setRouteCost(r);
  }

  /** Distance between the locations of two located nodes. */
  private dd(a: number, b: number): number {
    return this.dist[this.nodeLoc[a] * this.nLoc + this.nodeLoc[b]];
  }

  /** Previous node that has a location (skips the break). */
  private rp(x: number): number {
    let p = this.prev[x];
    if (!this.hasBreaks) return p;
    while (this.nodeKind[p] === BREAK) p = this.prev[p];
    return p;
  }

  /** Next node that has a location (skips the break). */
  private rn(x: number): number {
    let q = this.next[x];
    if (!this.hasBreaks) return q;
    while (this.nodeKind[q] === BREAK) q = this.next[q];
    return q;
  }

  /**
   * True when a move cannot pay: its distance change alone is at least what
   * it could save in penalties (HGS's filter). Valid when costs are
   * distance-only; never used when a route would become empty.
   */
  private hopeless(ru: number, dU: number, rv: number, dV: number): boolean {
    if (!this.boundOk) return false;
    const inst = this.inst;
    const bound = inst.vCDist[ru] * dU + (rv >= 0 ? inst.vCDist[rv] * dV : 0) - this.routePen[ru] - (rv >= 0 && rv !== ru ? this.routePen[rv] : 0);
    return bound > -EPS;
  }

  /**
   * Cost of simple route r (no times, no disposal) with distance `dist`,
   * the load of slot a (+ slot b when >= 0), plus stops add1/add2 and minus
   * rem1/rem2 (-1 for none). Mirrors SegStore.cost for that case.
   */
  private simpleCost(r: number, dist: number, a: number, b: number, add1: number, add2: number, rem1: number, rem2: number): number {
    const inst = this.inst;
    const segs = this.segs;
    const K = inst.dims;
    let cnt = segs.cnt[a] + (b >= 0 ? segs.cnt[b] : 0) + (add1 >= 0 ? 1 : 0) + (add2 >= 0 ? 1 : 0) - (rem1 >= 0 ? 1 : 0) - (rem2 >= 0 ? 1 : 0);
    if (cnt === 0 && inst.vAlwaysUsed[r] === 0) return 0;
    let excess = 0;
    const dem = inst.cDemand;
    for (let k = 0; k < K; k++) {
      let load = segs.head[a * K + k];
      let total = segs.tot[a * K + k];
      if (b >= 0) {
        load += segs.head[b * K + k];
        total += segs.tot[b * K + k];
      }
      let change = 0;
      if (add1 >= 0) change += dem[add1 * K + k];
      if (add2 >= 0) change += dem[add2 * K + k];
      if (rem1 >= 0) change -= dem[rem1 * K + k];
      if (rem2 >= 0) change -= dem[rem2 * K + k];
      load += change;
      total += change;
      let e = load - inst.vCap[r * K + k];
      e = e > 0 ? e : 0;
      const daily = total - inst.vRouteCap[r * K + k];
      if (daily > 0) e += daily;
      excess += e * inst.dimWeight[k];
    }
    cnt -= inst.vMaxStops[r];
    if (cnt > 0) excess += cnt * segs.stopWeight;
    return inst.vFixed[r] + inst.vCDist[r] * dist + segs.penLoad * excess;
  }

  private touch(r: number): void {
    this.routeLastMod[r] = ++this.moveCount;
    this.improved = true;
  }

  private allowed(c: number, r: number): boolean {
    if (this.singleClass) return true;
    const cls = this.inst.vClass[r];
    return (this.inst.cMask[c * this.W + (cls >> 5)] & (1 << (cls & 31))) !== 0;
  }

  private suffixAllowed(x: number, r: number): boolean {
    const cls = this.inst.vClass[r];
    return (this.bMask[x * this.W + (cls >> 5)] & (1 << (cls & 31))) !== 0;
  }

  private clientsIn(r: number): number {
    return this.segs.cnt[this.FWD + this.endNode(r)];
  }

  /**
   * Whether stop u may be put right after node p of route r: not behind the
   * closing disposal visit, and between the pinned-sequence ranks around it.
   */
  private canInsertAfter(u: number, p: number, r: number): boolean {
    const q = this.next[p];
    if (this.inst.vEndDisposal[r] && (this.segs.flags[this.BWD + q] & RELOAD) === 0) return false;
    const rank = this.inst.cSeqRank[u];
    if (rank >= 0 && (this.fRank[p] > rank || this.bRank[q] < rank)) return false;
    return true;
  }

  /** Prize lost when stop c is not served (its prize, or the stand-in for a mandatory stop in drop mode). */
  private prizeOf(c: number): number {
    return this.inst.cOptional[c] ? this.inst.cPrize[c] : this.inst.cBigPrize[c];
  }

  private removable(c: number): boolean {
    return this.inst.cOptional[c] === 1 || this.dropMode;
  }

  // --------------------------------------------------------------- pricing

  /** Penalised cost of route r made of the concatenation of slots a, b. */
  private eval2(r: number, a: number, b: number): number {
    const fast = this.segs.chainCost(r, 2, a, b, 0, 0);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    return this.segs.cost(t, r);
  }

  private eval3(r: number, a: number, b: number, c: number): number {
    const fast = this.segs.chainCost(r, 3, a, b, c, 0);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    this.segs.concat(t, t, c, r);
    return this.segs.cost(t, r);
  }

  private eval4(r: number, a: number, b: number, c: number, d: number): number {
    const fast = this.segs.chainCost(r, 4, a, b, c, d);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    this.segs.concat(t, t, c, r);
    this.segs.concat(t, t, d, r);
    return this.segs.cost(t, r);
  }

  /** Folds nodes list[0..len) into slot o, driven by route r. */
  private fold(o: number, list: Int32Array, len: number, r: number): void {
    const segs = this.segs;
    if (len === 0) {
      segs.clear(o);
      return;
    }
    segs.copy(o, this.SGL + list[0]);
    for (let i = 1; i < len; i++) segs.concat(o, o, this.SGL + list[i], r);
  }

  /** Copies the nodes from x to y (inclusive, route order) into `list` at `at`; returns the new length. */
  private collect(list: Int32Array, at: number, x: number, y: number): number {
    if (this.pos[x] > this.pos[y]) return at;
    for (let z = x; ; z = this.next[z]) {
      list[at++] = z;
      if (z === y) break;
    }
    return at;
  }

  /** Sequence-pinned stops in `list` must keep their order. */
  private pinsOrdered(list: Int32Array, len: number): boolean {
    let last = -1;
    const rank = this.inst.cSeqRank;
    for (let i = 0; i < len; i++) {
      const z = list[i];
      if (z < this.nC && rank[z] >= 0) {
        if (rank[z] < last) return false;
        last = rank[z];
      }
    }
    return true;
  }

  /**
   * Penalised cost of route r when its nodes from a to b (inclusive, neither a
   * depot) are replaced by list[0..len) (the same nodes in a new order).
   */
  private evalWindow(r: number, a: number, b: number, list: Int32Array, len: number): number {
    const pa = this.prev[a];
    const nb = this.next[b];
    if (this.fPins[b] - this.fPins[pa] >= 2 && !this.pinsOrdered(list, len)) return Infinity;
    // Distance change first: exact for simple routes, a bound for the others.
    const from = this.nodeKind[pa] === BREAK ? this.rp(pa) : pa;
    const to = this.nodeKind[nb] === BREAK ? this.rn(nb) : nb;
    let before = 0;
    let last = from;
    for (let z = a; ; z = this.next[z]) {
      if (this.nodeKind[z] !== BREAK) {
        before += this.dd(last, z);
        last = z;
      }
      if (z === b) break;
    }
    before += this.dd(last, to);
    let after = 0;
    last = from;
    for (let i = 0; i < len; i++) {
      const z = list[i];
      if (this.nodeKind[z] === BREAK) continue;
      after += this.dd(last, z);
      last = z;
    }
    after += this.dd(last, to);
    const change = this.inst.vCDist[r] * (after - before);
    if (this.routeSimple[r]) return this.routeCost[r] + change;
    if (this.boundOk && change - this.routePen[r] > -EPS) return Infinity;
    const t1 = this.T + 1;
    this.fold(t1, list, len, r);
    return this.eval3(r, this.FWD + pa, t1, this.BWD + nb);
  }

  // ------------------------------------------------------------ run

  /** Runs the local search to a local optimum under the given penalties. */
  run(penLoad: number, penTW: number): void {
    const segs = this.segs;
    segs.penLoad = penLoad;
    segs.penTW = penTW;
    this.refreshCosts();
    const { nC, inst, rng } = this;
    const G = inst.granular;
    let count = 0;
    for (let c = 0; c < nC; c++) this.order[count++] = c;
    rng.shuffle(this.order, count);
    if (G > 1) {
      for (let c = 0; c < nC; c++) {
        if (rng.int(G) === 0) shuffleRange(rng, this.neigh, c * G, G);
      }
    }
    let searchCompleted = false;
    let stopped = false;
    for (let loop = 0; !searchCompleted && !stopped; loop++) {
      if (loop > 1) searchCompleted = true;
      this.improved = false;
      this.refreshEmptyRoutes();
      for (let i = 0; i < count; i++) {
        // A loop over a thousand stops can take a second: look at the clock inside it too.
        if ((i & 63) === 63 && this.shouldStop()) {
          stopped = true;
          break;
        }
        const u = this.order[i];
        if (this.routeOf[u] === -1) {
          this.tryInsertUnrouted(u, !this.removable(u));
          continue;
        }
        const lastTest = this.lastTestRI[u];
        this.lastTestRI[u] = this.moveCount;
        for (let j = 0; j < G; j++) {
          const v = this.neigh[u * G + j];
          const rv = this.routeOf[v];
          if (rv === -1 || this.routeOf[u] === -1) continue;
          if (loop > 0 && Math.max(this.routeLastMod[this.routeOf[u]], this.routeLastMod[rv]) <= lastTest) continue;
          if (this.tryMoves(u, v)) continue;
          const pv = this.prev[v];
          if (this.nodeKind[pv] === START && this.tryMovesAfterStart(u, pv)) continue;
        }
        if (this.routeOf[u] !== -1 && loop > 0) this.tryEmptyRoute(u);
        if (this.routeOf[u] !== -1 && this.removable(u)) this.tryRemove(u);
      }
      if (stopped) break;
      // SWAP* is the costly neighbourhood: run it once the cheap moves stall.
      if (this.R > 1 && (!this.improved || !this.lazySwapStar)) this.swapStarPass();
      this.routeOperators();
      if (this.improved) searchCompleted = false;
      if (this.shouldStop()) break;
    }
  }

  private refreshEmptyRoutes(): void {
    this.emptyOfType.fill(-1);
    for (let r = this.R - 1; r >= 0; r--) {
      if (this.clientsIn(r) === 0 && !this.inst.vAlwaysUsed[r]) this.emptyOfType[this.inst.vType[r]] = r;
    }
  }

  private afterChange(...routes: number[]): void {
    for (const r of routes) {
      this.updateRoute(r);
      if (this.segs.cnt[this.FWD + this.endNode(r)] === 0 && !this.inst.vAlwaysUsed[r]) {
        if (this.inst.hasDisposal) {
          this.dropDisposals(r);
          this.updateRoute(r);
        }
      }
      this.touch(r);
    }
    this.refreshEmptyRoutes();
  }

  // --------------------------------------------------------------- moves

  private tryMoves(u: number, v: number): boolean {
    if (this.move1(u, v)) return true;
    const x = this.next[u];
    if (this.nodeKind[x] === CLIENT) {
      if (this.move2(u, v, false)) return true;
      if (this.move2(u, v, true)) return true;
    }
    if (this.nodeKind[v] === CLIENT) {
      if (this.moveSwap(u, v)) return true;
      if (this.nodeKind[x] === CLIENT) {
        if (this.moveSwap21(u, v)) return true;
        if (this.nodeKind[this.next[v]] === CLIENT && this.moveSwap22(u, v)) return true;
      }
    }
    if (this.routeOf[u] === this.routeOf[v]) {
      if (this.move2opt(u, v)) return true;
    } else if (this.move2optStar(u, v)) return true;
    return false;
  }

  private tryMovesAfterStart(u: number, start: number): boolean {
    if (this.move1(u, start)) return true;
    if (this.nodeKind[this.next[u]] === CLIENT) {
      if (this.move2(u, start, false)) return true;
      if (this.move2(u, start, true)) return true;
    }
    if (this.routeOf[u] !== this.routeOf[start] && this.move2optStar(u, start)) return true;
    return false;
  }

  /** Cost of route ru once the chain first..last (consecutive) is taken out. */
  private costWithout(ru: number, first: number, last: number): number {
    return this.eval2(ru, this.FWD + this.prev[first], this.BWD + this.next[last]);
  }

  /** Relocate u after v. */
  private move1(u: number, v: number): boolean {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (u === v || this.next[v] === u) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv)) return false;
      const nv = this.rn(v);
      const dU = this.remGain1[u];
      const dV = this.into(v, u) + this.dd(u, nv) - this.edgeOut[v];
      if (this.clientsIn(ru) > 1 && this.hopeless(ru, dU, rv, dV)) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        const eu = FWD + this.endNode(ru);
        const ev = FWD + this.endNode(rv);
        const costU = this.simpleCost(ru, this.segs.dist[eu] + dU, eu, -1, -1, -1, u, -1);
        const costV = this.simpleCost(rv, this.segs.dist[ev] + dV, ev, -1, u, -1, -1, -1);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      } else {
        const costU = this.costWithout(ru, u, u);
        const costV = this.eval3(rv, FWD + v, SGL + u, BWD + this.next[v]);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      }
    } else if (this.routeSimple[ru] && !this.hasSeqPins) {
      const pu = this.prev[u];
      const nu = this.next[u];
      const nv = this.next[v];
      delta = this.inst.vCDist[ru] * (this.dd(pu, nu) - this.dd(pu, u) - this.dd(u, nu) + this.dd(v, u) + this.dd(u, nv) - this.dd(v, nv));
    } else {
      let len = 0;
      let a: number;
      let b: number;
      if (this.pos[v] < this.pos[u]) {
        a = this.next[v];
        b = u;
        this.list[len++] = u;
        len = this.collect(this.list, len, a, this.prev[u]);
      } else {
        a = u;
        b = v;
        len = this.collect(this.list, len, this.next[u], v);
        this.list[len++] = u;
      }
      delta = this.evalWindow(ru, a, b, this.list, len) - this.routeCost[ru];
    }
    if (delta > -EPS) return false;
    this.unlink(u);
    this.insertAfter(u, v);
    this.routeOf[u] = rv;
    if (ru !== rv) this.afterChange(ru, rv);
    else this.afterChange(ru);
    return true;
  }

  /** Relocate (u, next u) after v, reversed when `reversed`. */
  private move2(u: number, v: number, reversed: boolean): boolean {
    const x = this.next[u];
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (v === u || v === x || this.next[v] === u) return false;
    const { FWD, BWD, SGL } = this;
    const first = reversed ? x : u;
    const second = reversed ? u : x;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(x, rv)) return false;
      const nv = this.rn(v);
      const dU = this.remGain2[u];
      const inner = reversed && !this.sym ? this.dd(x, u) : this.edgeOut[u];
      const dV = this.into(v, first) + inner + this.dd(second, nv) - this.edgeOut[v];
      if (this.clientsIn(ru) > 2 && this.hopeless(ru, dU, rv, dV)) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        const eu = FWD + this.endNode(ru);
        const ev = FWD + this.endNode(rv);
        const costU = this.simpleCost(ru, this.segs.dist[eu] + dU, eu, -1, -1, -1, u, x);
        const costV = this.simpleCost(rv, this.segs.dist[ev] + dV, ev, -1, u, x, -1, -1);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      } else {
        const costU = this.costWithout(ru, u, x);
        const costV = this.eval4(rv, FWD + v, SGL + first, SGL + second, BWD + this.next[v]);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      }
    } else if (this.routeSimple[ru] && !this.hasSeqPins) {
      const pu = this.prev[u];
      const nx = this.next[x];
      const nv = this.next[v];
      delta =
        this.inst.vCDist[ru] *
        (this.dd(pu, nx) - this.dd(pu, u) - this.dd(u, x) - this.dd(x, nx) + this.dd(v, first) + this.dd(first, second) + this.dd(second, nv) - this.dd(v, nv));
    } else {
      let len = 0;
      let a: number;
      let b: number;
      if (this.pos[v] < this.pos[u]) {
        a = this.next[v];
        b = x;
        this.list[len++] = first;
        this.list[len++] = second;
        len = this.collect(this.list, len, a, this.prev[u]);
      } else {
        a = u;
        b = v;
        len = this.collect(this.list, len, this.next[x], v);
        this.list[len++] = first;
        this.list[len++] = second;
      }
      delta = this.evalWindow(ru, a, b, this.list, len) - this.routeCost[ru];
    }
    if (delta > -EPS) return false;
    this.unlink(u);
    this.unlink(x);
    this.insertAfter(first, v);
    this.insertAfter(second, first);
    this.routeOf[u] = rv;
    this.routeOf[x] = rv;
    if (ru !== rv) this.afterChange(ru, rv);
    else this.afterChange(ru);
    return true;
  }

  /** Swap u and v. */
  private moveSwap(u: number, v: number): boolean {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (u === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(v, ru)) return false;
      const pu = this.rp(u);
      const nu = this.rn(u);
      const pv = this.rp(v);
      const nv = this.rn(v);
      const dU = this.into(pu, v) + this.dd(v, nu) - this.edgeOut[pu] - this.edgeOut[u];
      const dV = this.into(pv, u) + this.dd(u, nv) - this.edgeOut[pv] - this.edgeOut[v];
      if (this.hopeless(ru, dU, rv, dV)) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        const eu = FWD + this.endNode(ru);
        const ev = FWD + this.endNode(rv);
        const costU = this.simpleCost(ru, this.segs.dist[eu] + dU, eu, -1, v, -1, u, -1);
        const costV = this.simpleCost(rv, this.segs.dist[ev] + dV, ev, -1, u, -1, v, -1);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      } else {
        const costU = this.eval3(ru, FWD + this.prev[u], SGL + v, BWD + this.next[u]);
        const costV = this.eval3(rv, FWD + this.prev[v], SGL + u, BWD + this.next[v]);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      }
    } else if (this.routeSimple[ru] && !this.hasSeqPins) {
      const pu = this.prev[u];
      const nu = this.next[u];
      const pv = this.prev[v];
      const nv = this.next[v];
      let d: number;
      if (nu === v) d = this.dd(pu, v) + this.dd(v, u) + this.dd(u, nv) - this.dd(pu, u) - this.dd(u, v) - this.dd(v, nv);
      else if (nv === u) d = this.dd(pv, u) + this.dd(u, v) + this.dd(v, nu) - this.dd(pv, v) - this.dd(v, u) - this.dd(u, nu);
      else d = this.dd(pu, v) + this.dd(v, nu) - this.dd(pu, u) - this.dd(u, nu) + this.dd(pv, u) + this.dd(u, nv) - this.dd(pv, v) - this.dd(v, nv);
      delta = this.inst.vCDist[ru] * d;
    } else {
      const [a, b] = this.pos[u] < this.pos[v] ? [u, v] : [v, u];
      let len = 0;
      this.list[len++] = b;
      len = this.collect(this.list, len, this.next[a], this.prev[b]);
      this.list[len++] = a;
      delta = this.evalWindow(ru, a, b, this.list, len) - this.routeCost[ru];
    }
    if (delta > -EPS) return false;
    this.swapNodes(u, v);
    if (ru !== rv) this.afterChange(ru, rv);
    else this.afterChange(ru);
    return true;
  }

  private swapNodes(u: number, v: number): void {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (this.next[u] === v) {
      this.unlink(u);
      this.insertAfter(u, v);
    } else if (this.next[v] === u) {
      this.unlink(v);
      this.insertAfter(v, u);
    } else {
      const pu = this.prev[u];
      const pv = this.prev[v];
      this.unlink(u);
      this.unlink(v);
      this.insertAfter(v, pu);
      this.insertAfter(u, pv);
    }
    this.routeOf[u] = rv;
    this.routeOf[v] = ru;
  }

  /** Swap (u, next u) with v. */
  private moveSwap21(u: number, v: number): boolean {
    const x = this.next[u];
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (v === u || v === x || this.prev[u] === v || this.next[x] === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(x, rv) || !this.allowed(v, ru)) return false;
      const pu = this.rp(u);
      const nx = this.rn(x);
      const pv = this.rp(v);
      const nv = this.rn(v);
      const dU = this.into(pu, v) + this.dd(v, nx) - this.edgeOut[pu] - this.edgeOut[u] - this.edgeOut[x];
      const dV = this.into(pv, u) + this.edgeOut[u] + this.dd(x, nv) - this.edgeOut[pv] - this.edgeOut[v];
      if (this.hopeless(ru, dU, rv, dV)) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        const eu = FWD + this.endNode(ru);
        const ev = FWD + this.endNode(rv);
        const costU = this.simpleCost(ru, this.segs.dist[eu] + dU, eu, -1, v, -1, u, x);
        const costV = this.simpleCost(rv, this.segs.dist[ev] + dV, ev, -1, u, x, v, -1);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      } else {
        const costU = this.eval3(ru, FWD + this.prev[u], SGL + v, BWD + this.next[x]);
        const costV = this.eval4(rv, FWD + this.prev[v], SGL + u, SGL + x, BWD + this.next[v]);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      }
    } else {
      let len = 0;
      let a: number;
      let b: number;
      if (this.pos[v] < this.pos[u]) {
        a = v;
        b = x;
        this.list[len++] = u;
        this.list[len++] = x;
        len = this.collect(this.list, len, this.next[v], this.prev[u]);
        this.list[len++] = v;
      } else {
        a = u;
        b = v;
        this.list[len++] = v;
        len = this.collect(this.list, len, this.next[x], this.prev[v]);
        this.list[len++] = u;
        this.list[len++] = x;
      }
      delta = this.evalWindow(ru, a, b, this.list, len) - this.routeCost[ru];
    }
    if (delta > -EPS) return false;
    const pu = this.prev[u];
    const pv = this.prev[v];
    this.unlink(u);
    this.unlink(x);
    this.unlink(v);
    this.insertAfter(u, pv);
    this.insertAfter(x, u);
    this.insertAfter(v, pu);
    this.routeOf[u] = rv;
    this.routeOf[x] = rv;
    this.routeOf[v] = ru;
    if (ru !== rv) this.afterChange(ru, rv);
    else this.afterChange(ru);
    return true;
  }

  /** Swap (u, next u) with (v, next v). */
  private moveSwap22(u: number, v: number): boolean {
    const x = this.next[u];
    const y = this.next[v];
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (v === u || v === x || y === u || y === x || this.next[y] === u || this.next[x] === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(x, rv) || !this.allowed(v, ru) || !this.allowed(y, ru)) return false;
      const pu = this.rp(u);
      const nx = this.rn(x);
      const pv = this.rp(v);
      const ny = this.rn(y);
      const dU = this.into(pu, v) + this.edgeOut[v] + this.dd(y, nx) - this.edgeOut[pu] - this.edgeOut[u] - this.edgeOut[x];
      const dV = this.into(pv, u) + this.edgeOut[u] + this.dd(x, ny) - this.edgeOut[pv] - this.edgeOut[v] - this.edgeOut[y];
      if (this.hopeless(ru, dU, rv, dV)) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        const eu = FWD + this.endNode(ru);
        const ev = FWD + this.endNode(rv);
        const costU = this.simpleCost(ru, this.segs.dist[eu] + dU, eu, -1, v, y, u, x);
        const costV = this.simpleCost(rv, this.segs.dist[ev] + dV, ev, -1, u, x, v, y);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      } else {
        const costU = this.eval4(ru, FWD + this.prev[u], SGL + v, SGL + y, BWD + this.next[x]);
        const costV = this.eval4(rv, FWD + this.prev[v], SGL + u, SGL + x, BWD + this.next[y]);
        delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
      }
    } else {
      let len = 0;
      let a: number;
      let b: number;
      if (this.pos[y] < this.pos[u]) {
        a = v;
        b = x;
        this.list[len++] = u;
        this.list[len++] = x;
        len = this.collect(this.list, len, this.next[y], this.prev[u]);
        this.list[len++] = v;
        this.list[len++] = y;
      } else {
        a = u;
        b = y;
        this.list[len++] = v;
        this.list[len++] = y;
        len = this.collect(this.list, len, this.next[x], this.prev[v]);
        this.list[len++] = u;
        this.list[len++] = x;
      }
      delta = this.evalWindow(ru, a, b, this.list, len) - this.routeCost[ru];
    }
    if (delta > -EPS) return false;
    const pu = this.prev[u];
    const pv = this.prev[v];
    this.unlink(u);
    this.unlink(x);
    this.unlink(v);
    this.unlink(y);
    this.insertAfter(v, pu);
    this.insertAfter(y, v);
    this.insertAfter(u, pv);
    this.insertAfter(x, u);
    this.routeOf[u] = rv;
    this.routeOf[x] = rv;
    this.routeOf[v] = ru;
    this.routeOf[y] = ru;
    if (ru !== rv) this.afterChange(ru, rv);
    else this.afterChange(ru);
    return true;
  }

  /** 2-opt inside a route: reverse the nodes after u up to v. */
  private move2opt(u: number, v: number): boolean {
    if (this.pos[u] >= this.pos[v] || this.next[u] === v) return false;
    const r = this.routeOf[u];
    const a = this.next[u];
    let len = 0;
    const quick = this.routeSimple[r] && this.inst.symmetric && !this.hasSeqPins;
    let delta = 0;
    if (quick) {
      const nv = this.next[v];
      delta = this.inst.vCDist[r] * (this.dd(u, v) + this.dd(a, nv) - this.dd(u, a) - this.dd(v, nv));
      if (delta > -EPS) return false;
    }
    for (let z = v; ; z = this.prev[z]) {
      this.list[len++] = z;
      if (z === a) break;
    }
    if (!quick) delta = this.evalWindow(r, a, v, this.list, len) - this.routeCost[r];
    if (delta > -EPS) return false;
    // relink in reversed order
    const nv = this.next[v];
    let p = u;
    for (let i = 0; i < len; i++) {
      const z = this.list[i];
      this.next[p] = z;
      this.prev[z] = p;
      p = z;
    }
    this.next[p] = nv;
    this.prev[nv] = p;
    this.afterChange(r);
    return true;
  }

  /** 2-opt* between routes: u keeps its prefix and takes v's tail, and the other way round. */
  private move2optStar(u: number, v: number): boolean {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    const inst = this.inst;
    const nu = this.next[u];
    const nv = this.next[v];
    if (!this.suffixAllowed(nv, ru) || !this.suffixAllowed(nu, rv)) return false;
    // Each route keeps exactly the one break its driver takes.
    const tailVBreak = inst.vHasBreak[rv] && !this.brkBefore[v] ? 1 : 0;
    const tailUBreak = inst.vHasBreak[ru] && !this.brkBefore[u] ? 1 : 0;
    if (this.brkBefore[u] + tailVBreak !== inst.vHasBreak[ru]) return false;
    if (this.brkBefore[v] + tailUBreak !== inst.vHasBreak[rv]) return false;
    if (inst.vEndDisposal[ru] !== inst.vEndDisposal[rv]) return false;
    const { FWD, BWD } = this;
    const segs = this.segs;
    let costU: number;
    let costV: number;
    if (inst.vSegClass[ru] === inst.vSegClass[rv]) {
      const distU = segs.dist[FWD + u] + this.dd(u, this.rn(v)) + segs.dist[BWD + nv];
      const distV = segs.dist[FWD + v] + this.dd(v, this.rn(u)) + segs.dist[BWD + nu];
      const emptiesV = segs.cnt[FWD + v] + segs.cnt[BWD + nu] === 0;
      if (!emptiesV && this.hopeless(ru, distU - segs.dist[FWD + this.endNode(ru)], rv, distV - segs.dist[FWD + this.endNode(rv)])) return false;
      if (this.routeSimple[ru] && this.routeSimple[rv]) {
        costU = this.simpleCost(ru, distU, FWD + u, BWD + nv, -1, -1, -1, -1);
        costV = this.simpleCost(rv, distV, FWD + v, BWD + nu, -1, -1, -1, -1);
      } else {
        costU = this.eval2(ru, FWD + u, BWD + nv);
        costV = this.eval2(rv, FWD + v, BWD + nu);
      }
    } else {
      if ((tailVBreak || tailUBreak) && !sameBreak(inst, ru, rv)) return false;
      const t2 = this.T + 2;
      let len = this.collect(this.list, 0, nv, this.prev[this.endNode(rv)]);
      this.fold(t2, this.list, len, ru);
      costU = this.eval3(ru, FWD + u, t2, this.SGL + this.endNode(ru));
      len = this.collect(this.list, 0, nu, this.prev[this.endNode(ru)]);
      this.fold(t2, this.list, len, rv);
      costV = this.eval3(rv, FWD + v, t2, this.SGL + this.endNode(rv));
    }
    const delta = costU + costV - this.routeCost[ru] - this.routeCost[rv];
    if (delta > -EPS) return false;
    const endU = this.endNode(ru);
    const endV = this.endNode(rv);
    const lastU = this.prev[endU];
    const lastV = this.prev[endV];
    // u -> nv ... lastV -> endU ; v -> nu ... lastU -> endV
    if (nv !== endV) {
      this.next[u] = nv;
      this.prev[nv] = u;
      this.next[lastV] = endU;
      this.prev[endU] = lastV;
    } else {
      this.next[u] = endU;
      this.prev[endU] = u;
    }
    if (nu !== endU) {
      this.next[v] = nu;
      this.prev[nu] = v;
      this.next[lastU] = endV;
      this.prev[endV] = lastU;
    } else {
      this.next[v] = endV;
      this.prev[endV] = v;
    }
    for (let z = this.next[u]; z !== endU; z = this.next[z]) this.routeOf[z] = ru;
    for (let z = this.next[v]; z !== endV; z = this.next[z]) this.routeOf[z] = rv;
    this.afterChange(ru, rv);
    return true;
  }

  // --------------------------------------------------- empty routes, prizes

  /** Penalised cost of a fresh route of vehicle r serving only stop u; fills `list` with the best node order. */
  private freshRouteCost(r: number, u: number): number {
    const inst = this.inst;
    const segs = this.segs;
    const t1 = this.T + 3;
    const start = this.startNode(r);
    const end = this.endNode(r);
    const brk = inst.vHasBreak[r] ? this.routeBreak(r) : -1;
    let best = Infinity;
    const sites = inst.vEndDisposal[r] ? inst.vSites[r] : null;
    const siteCount = sites ? sites.length : 1;
    for (let si = 0; si < siteCount; si++) {
      const siteSlot = sites ? this.SITE + sites[si] : -1;
      const places = brk >= 0 ? (sites ? 3 : 2) : 1;
      for (let bp = 0; bp < places; bp++) {
        segs.copy(t1, this.SGL + start);
        if (brk >= 0 && bp === 0) segs.concat(t1, t1, this.SGL + brk, r);
        segs.concat(t1, t1, this.SGL + u, r);
        if (brk >= 0 && bp === 1) segs.concat(t1, t1, this.SGL + brk, r);
        if (siteSlot >= 0) segs.concat(t1, t1, siteSlot, r);
        if (brk >= 0 && bp === 2) segs.concat(t1, t1, this.SGL + brk, r);
        segs.concat(t1, t1, this.SGL + end, r);
        const c = segs.cost(t1, r);
        if (c < best) {
          best = c;
          let len = 0;
          if (brk >= 0 && bp === 0) this.listB[len++] = brk;
          this.listB[len++] = u;
          if (brk >= 0 && bp === 1) this.listB[len++] = brk;
          if (sites) this.listB[len++] = siteItem(sites[si]);
          if (brk >= 0 && bp === 2) this.listB[len++] = brk;
          this.listB[len] = LIST_END;
        }
      }
    }
    return best;
  }

  /** Rebuilds empty route r from the order left in `listB` by freshRouteCost. */
  private buildFresh(r: number): void {
    const start = this.startNode(r);
    const brk = this.inst.vHasBreak[r] ? this.routeBreak(r) : -1;
    if (brk >= 0) this.unlink(brk);
    this.dropDisposals(r);
    let tailNode = start;
    for (let i = 0; this.listB[i] !== LIST_END; i++) {
      const item = this.listB[i];
      let node: number;
      if (item === brk) node = brk;
      else if (item >= 0) node = item;
      else node = this.allocDisposal(itemSite(item));
      this.insertAfter(node, tailNode);
      this.routeOf[node] = r;
      tailNode = node;
    }
  }

  /** The break node currently in route r, or -1. */
  private routeBreak(r: number): number {
    const end = this.endNode(r);
    for (let x = this.next[this.startNode(r)]; x !== end; x = this.next[x]) if (this.nodeKind[x] === BREAK) return x;
    return -1;
  }

  private tryEmptyRoute(u: number): void {
    const ru = this.routeOf[u];
    const costU = this.costWithout(ru, u, u);
    for (let t = 0; t < this.emptyOfType.length; t++) {
      const r = this.emptyOfType[t];
      if (r < 0 || r === ru || !this.allowed(u, r)) continue;
      const fresh = this.freshRouteCost(r, u);
      const delta = costU + fresh - this.routeCost[ru] - this.routeCost[r];
      if (delta > -EPS) continue;
      this.unlink(u);
      this.routeOf[u] = -1;
      this.buildFresh(r);
      this.afterChange(ru, r);
      return;
    }
  }

  private tryRemove(u: number): void {
    const ru = this.routeOf[u];
    const delta = this.costWithout(ru, u, u) - this.routeCost[ru] + this.prizeOf(u);
    if (delta > -EPS) return;
    this.unlink(u);
    this.routeOf[u] = -1;
    this.afterChange(ru);
  }

  /** Best insertion of unrouted stop u next to its neighbours or into an empty route; applied when it pays (or always with `force`). */
  private tryInsertUnrouted(u: number, force = false): boolean {
    const { FWD, BWD, SGL } = this;
    const G = this.inst.granular;
    let bestDelta = force ? Infinity : this.removable(u) ? this.prizeOf(u) - EPS : Infinity;
    let bestAfter = -1;
    let bestEmpty = -1;
    for (let j = 0; j < G; j++) {
      const v = this.neigh[u * G + j];
      const rv = this.routeOf[v];
      if (rv === -1 || !this.allowed(u, rv)) continue;
      let d = this.canInsertAfter(u, v, rv) ? this.eval3(rv, FWD + v, SGL + u, BWD + this.next[v]) - this.routeCost[rv] : Infinity;
      if (d < bestDelta) {
        bestDelta = d;
        bestAfter = v;
        bestEmpty = -1;
      }
      const pv = this.prev[v];
      d = this.canInsertAfter(u, pv, rv) ? this.eval3(rv, FWD + pv, SGL + u, BWD + v) - this.routeCost[rv] : Infinity;
      if (d < bestDelta) {
        bestDelta = d;
        bestAfter = pv;
        bestEmpty = -1;
      }
    }
    for (let t = 0; t < this.emptyOfType.length; t++) {
      const r = this.emptyOfType[t];
      if (r < 0 || !this.allowed(u, r)) continue;
      const d = this.freshRouteCost(r, u) - this.routeCost[r];
      if (d < bestDelta) {
        bestDelta = d;
        bestEmpty = r;
        bestAfter = -1;
      }
    }
    if (bestAfter < 0 && bestEmpty < 0 && force) {
      // No neighbour is routed: scan every compatible route.
      for (let r = 0; r < this.R; r++) {
        if (!this.allowed(u, r) || (this.clientsIn(r) === 0 && !this.inst.vAlwaysUsed[r])) continue;
        for (let v = this.startNode(r); v !== this.endNode(r); v = this.next[v]) {
          if (!this.canInsertAfter(u, v, r)) continue;
          const d = this.eval3(r, FWD + v, SGL + u, BWD + this.next[v]) - this.routeCost[r];
          if (d < bestDelta) {
            bestDelta = d;
            bestAfter = v;
          }
        }
      }
      if (bestAfter < 0) {
        for (let r = 0; r < this.R; r++) {
          if (!this.allowed(u, r) || this.clientsIn(r) > 0 || this.inst.vAlwaysUsed[r]) continue;
          const d = this.freshRouteCost(r, u) - this.routeCost[r];
          if (d < bestDelta) {
            bestDelta = d;
            bestEmpty = r;
          }
        }
      }
    }
    if (bestAfter >= 0) {
      const rv = this.routeOf[bestAfter];
      this.insertAfter(u, bestAfter);
      this.routeOf[u] = rv;
      this.afterChange(rv);
      return true;
    }
    if (bestEmpty >= 0) {
      this.freshRouteCost(bestEmpty, u);
      this.buildFresh(bestEmpty);
      this.afterChange(bestEmpty);
      return true;
    }
    return false;
  }

  /**
   * Inserts every stop in `stops` that is not routed, cheapest position
   * first among its neighbours (the repair of a crossover child and the
   * construction of a first solution). Optional stops are inserted only when
   * their prize pays for the detour.
   */
  insertMissing(stops: Int32Array, count: number, penLoad: number, penTW: number): void {
    this.segs.penLoad = penLoad;
    this.segs.penTW = penTW;
    this.refreshCosts();
    this.refreshEmptyRoutes();
    for (let i = 0; i < count; i++) {
      const u = stops[i];
      if (this.routeOf[u] !== -1) continue;
      const mandatory = !this.inst.cOptional[u];
      this.tryInsertUnrouted(u, mandatory);
    }
  }

  // ------------------------------------------------------------------ SWAP*

  private swapStarPass(): void {
    const { R, inst, nC } = this;
    const G = Math.min(inst.granular, 10);
    if (inst.cAngle) {
      for (let a = 0; a < R; a++) {
        if (this.clientsIn(a) === 0) continue;
        for (let b = a + 1; b < R; b++) {
          if (this.clientsIn(b) === 0) continue;
          const last = this.swapTested[a * R + b];
          if (Math.max(this.routeLastMod[a], this.routeLastMod[b]) <= last) continue;
          if (!sectorsOverlap(this.secStart[a], this.secEnd[a], this.secStart[b], this.secEnd[b])) continue;
          this.swapTested[a * R + b] = this.moveCount;
          this.swapStar(a, b);
        }
      }
      return;
    }
    this.pairMark.fill(0);
    for (let u = 0; u < nC; u++) {
      const ru = this.routeOf[u];
      if (ru < 0) continue;
      for (let j = 0; j < G; j++) {
        const rv = this.routeOf[this.neigh[u * inst.granular + j]];
        if (rv < 0 || rv === ru) continue;
        const a = ru < rv ? ru : rv;
        const b = ru < rv ? rv : ru;
        this.pairMark[a * R + b] = 1;
      }
    }
    for (let a = 0; a < R; a++) {
      for (let b = a + 1; b < R; b++) {
        if (!this.pairMark[a * R + b]) continue;
        const last = this.swapTested[a * R + b];
        if (Math.max(this.routeLastMod[a], this.routeLastMod[b]) <= last) continue;
        this.swapTested[a * R + b] = this.moveCount;
        if (this.clientsIn(a) === 0 || this.clientsIn(b) === 0) continue;
        this.swapStar(a, b);
      }
    }
  }

  /** Top three insertion places of every stop of route ra into route rb, by distance only (cached per stop and route). */
  private preprocessInsertions(rb: number, clients: Int32Array, count: number): void {
    const inst = this.inst;
    const n = inst.n;
    const d = inst.searchDist;
    const loc = this.nodeLoc;
    const R = this.R;
    const valid = this.routeLastMod[rb];
    let places = -1;
    const placeNode = this.placeNode;
    const placeLoc = this.placeLoc;
    const placeEdge = this.placeEdge;
    for (let i = 0; i < count; i++) {
      const u = clients[i];
      const key = u * R + rb;
      if (this.best3Stamp[key] >= valid) continue;
      if (places < 0) {
        // The places of route rb: after each located node up to the closing disposal visit.
        places = 0;
        const endB = this.endNode(rb);
        const closing = inst.vEndDisposal[rb] === 1;
        for (let p = this.startNode(rb); p !== endB; ) {
          let q = this.next[p];
          while (this.nodeKind[q] === BREAK) q = this.next[q];
          if (closing && (this.segs.flags[this.BWD + this.next[p]] & RELOAD) === 0) break;
          placeNode[places] = p;
          this.placeNextNode[places] = q;
          placeLoc[places] = loc[p];
          placeEdge[places] = d[loc[p] * n + loc[q]];
          placeLoc[places + 1] = loc[q];
          places++;
          p = q;
        }
      }
      this.best3Stamp[key] = this.moveCount;
      let c0 = Infinity;
      let c1 = Infinity;
      let c2 = Infinity;
      let n0 = -1;
      let n1 = -1;
      let n2 = -1;
      let q0 = -1;
      let q1 = -1;
      let q2 = -1;
      const lu = loc[u];
      const row = lu * n;
      const symmetric = inst.symmetric;
      for (let j = 0; j < places; j++) {
        // One row of the matrix when it is symmetric: far fewer cache misses on big instances.
        const cost = (symmetric ? d[row + placeLoc[j]] : d[placeLoc[j] * n + lu]) + d[row + placeLoc[j + 1]] - placeEdge[j];
        if (cost < c2) {
          const p = placeNode[j];
          const q = this.placeNextNode[j];
          if (cost < c1) {
            c2 = c1;
            n2 = n1;
            q2 = q1;
            if (cost < c0) {
              c1 = c0;
              n1 = n0;
              q1 = q0;
              c0 = cost;
              n0 = p;
              q0 = q;
            } else {
              c1 = cost;
              n1 = p;
              q1 = q;
            }
          } else {
            c2 = cost;
            n2 = p;
            q2 = q;
          }
        }
      }
      const k = key * 3;
      this.best3Next[k] = q0;
      this.best3Next[k + 1] = q1;
      this.best3Next[k + 2] = q2;
      this.best3Cost[k] = c0;
      this.best3Cost[k + 1] = c1;
      this.best3Cost[k + 2] = c2;
      this.best3Node[k] = n0;
      this.best3Node[k + 1] = n1;
      this.best3Node[k + 2] = n2;
    }
  }

  private realPrev(x: number): number {
    let p = this.prev[x];
    while (this.nodeKind[p] === BREAK) p = this.prev[p];
    return p;
  }

  private realNext(x: number): number {
    let q = this.next[x];
    while (this.nodeKind[q] === BREAK) q = this.next[q];
    return q;
  }

  private swapStar(ra: number, rb: number): boolean {
    const inst = this.inst;
    const n = inst.n;
    const d = inst.searchDist;
    const loc = this.nodeLoc;
    let na = 0;
    for (let x = this.next[this.startNode(ra)]; x !== this.endNode(ra); x = this.next[x]) {
      if (this.nodeKind[x] === CLIENT && inst.cSeqRank[x] < 0 && this.allowed(x, rb)) this.routeClients[na++] = x;
    }
    let nb = 0;
    for (let x = this.next[this.startNode(rb)]; x !== this.endNode(rb); x = this.next[x]) {
      if (this.nodeKind[x] === CLIENT && inst.cSeqRank[x] < 0 && this.allowed(x, ra)) this.routeClientsB[nb++] = x;
    }
    if (na === 0 || nb === 0) return false;
    this.preprocessInsertions(rb, this.routeClients, na);
    this.preprocessInsertions(ra, this.routeClientsB, nb);
    const wA = inst.vCDist[ra];
    const wB = inst.vCDist[rb];
    const K = inst.dims;
    const segs = this.segs;
    const fullA = this.FWD + this.endNode(ra);
    const fullB = this.FWD + this.endNode(rb);
    const simpleLoads = (segs.flags[fullA] & RELOAD) === 0 && (segs.flags[fullB] & RELOAD) === 0;
    const R = this.R;
    // Removal gains and neighbours of every candidate, once.
    for (let i = 0; i < na; i++) {
      const u = this.routeClients[i];
      const pl = loc[this.realPrev(u)];
      const nl = loc[this.realNext(u)];
      this.swapPrevLoc[i] = pl;
      this.swapNextLoc[i] = nl;
      this.swapRem[i] = d[pl * n + nl] - d[pl * n + loc[u]] - d[loc[u] * n + nl];
    }
    for (let j = 0; j < nb; j++) {
      const v = this.routeClientsB[j];
      const pl = loc[this.realPrev(v)];
      const nl = loc[this.realNext(v)];
      this.swapPrevLocB[j] = pl;
      this.swapNextLocB[j] = nl;
      this.swapRemB[j] = d[pl * n + nl] - d[pl * n + loc[v]] - d[loc[v] * n + nl];
    }
    const penLoad = segs.penLoad;
    let bestCost = -EPS;
    let bestU = -1;
    let bestV = -1;
    let bestAfterU = -1;
    let bestAfterV = -1;
    for (let i = 0; i < na; i++) {
      const u = this.routeClients[i];
      const lu = loc[u];
      const remU = this.swapRem[i];
      const kU = (u * R + rb) * 3;
      for (let j = 0; j < nb; j++) {
        const v = this.routeClientsB[j];
        const remV = this.swapRemB[j];
        let pen = 0;
        if (simpleLoads) {
          for (let k = 0; k < K; k++) {
            const du = inst.cDemand[u * K + k];
            const dv = inst.cDemand[v * K + k];
            const capA = inst.vCap[ra * K + k];
            const capB = inst.vCap[rb * K + k];
            const la = segs.head[fullA * K + k];
            const lb = segs.head[fullB * K + k];
            const a1 = la - du + dv - capA;
            const a0 = la - capA;
            const b1 = lb - dv + du - capB;
            const b0 = lb - capB;
            pen += inst.dimWeight[k] * ((a1 > 0 ? a1 : 0) - (a0 > 0 ? a0 : 0) + (b1 > 0 ? b1 : 0) - (b0 > 0 ? b0 : 0));
          }
          pen *= penLoad;
        }
        // Insertion costs are (almost always) positive: no gain left to find.
        if (wA * remU + wB * remV + pen > -EPS) continue;
        // u into rb, in v's place or at one of its best three places not next to v.
        const lv = loc[v];
        const pvl = this.swapPrevLocB[j];
        const nvl = this.swapNextLocB[j];
        let insU = d[pvl * n + lu] + d[lu * n + nvl] - d[pvl * n + nvl];
        let afterU = this.prev[v];
        for (let t = 0; t < 3; t++) {
          const p = this.best3Node[kU + t];
          if (p < 0) break;
          if (p === v || this.best3Next[kU + t] === v) continue;
          if (this.best3Cost[kU + t] < insU) {
            insU = this.best3Cost[kU + t];
            afterU = p;
          }
          break;
        }
        // v into ra likewise.
        const kV = (v * R + ra) * 3;
        const pul = this.swapPrevLoc[i];
        const nul = this.swapNextLoc[i];
        let insV = d[pul * n + lv] + d[lv * n + nul] - d[pul * n + nul];
        let afterV = this.prev[u];
        for (let t = 0; t < 3; t++) {
          const p = this.best3Node[kV + t];
          if (p < 0) break;
          if (p === u || this.best3Next[kV + t] === u) continue;
          if (this.best3Cost[kV + t] < insV) {
            insV = this.best3Cost[kV + t];
            afterV = p;
          }
          break;
        }
        const approx = wA * (remU + insV) + wB * (remV + insU) + pen;
        if (approx < bestCost) {
          bestCost = approx;
          bestU = u;
          bestV = v;
          bestAfterU = afterU;
          bestAfterV = afterV;
        }
      }
    }
    if (bestU < 0) return false;
    // Exact pricing of the chosen exchange (loads, time windows, disposal trips).
    const newA = this.buildExchanged(ra, bestU, bestV, bestAfterV, this.list);
    const newB = this.buildExchanged(rb, bestV, bestU, bestAfterU, this.listB);
    const t1 = this.T + 4;
    const t2 = this.T + 5;
    this.fold(t1, this.list, newA, ra);
    this.fold(t2, this.listB, newB, rb);
    const costA = this.segs.cost(t1, ra);
    const costB = this.segs.cost(t2, rb);
    const delta = costA + costB - this.routeCost[ra] - this.routeCost[rb];
    if (delta > -EPS) return false;
    if (!this.pinsOrdered(this.list, newA) || !this.pinsOrdered(this.listB, newB)) return false;
    this.relinkRoute(ra, this.list, newA);
    this.relinkRoute(rb, this.listB, newB);
    this.afterChange(ra, rb);
    return true;
  }

  /** Writes into `out` route r (start to end) with `removed` taken out and `added` put after node `after` (or in place of `removed`). */
  private buildExchanged(r: number, removed: number, added: number, after: number, out: Int32Array): number {
    let len = 0;
    const end = this.endNode(r);
    const inPlace = after === this.prev[removed];
    for (let x = this.startNode(r); ; x = this.next[x]) {
      if (x !== removed) out[len++] = x;
      else if (inPlace) out[len++] = added;
      if (!inPlace && x === after) out[len++] = added;
      if (x === end) break;
    }
    return len;
  }

  private relinkRoute(r: number, nodes: Int32Array, len: number): void {
    for (let i = 0; i + 1 < len; i++) {
      this.next[nodes[i]] = nodes[i + 1];
      this.prev[nodes[i + 1]] = nodes[i];
      this.routeOf[nodes[i]] = r;
    }
    this.routeOf[nodes[len - 1]] = r;
  }

  // ------------------------------------------------- disposal and break

  private routeOperators(): void {
    const inst = this.inst;
    if (!inst.hasDisposal && !inst.hasBreaks) return;
    for (let r = 0; r < this.R; r++) {
      if (this.routeLastMod[r] <= this.routeOpsTested[r]) continue;
      this.routeOpsTested[r] = this.moveCount;
      if (this.clientsIn(r) === 0 && !inst.vAlwaysUsed[r]) continue;
      let guard = 0;
      let changed = true;
      while (changed && guard++ < 50) {
        changed = false;
        if (inst.hasDisposal && inst.vSites[r].length > 0) {
          changed = this.disposalMoves(r) || changed;
          if (guard === 1) changed = this.resplitTrips(r) || changed;
        }
        if (inst.vHasBreak[r]) changed = this.breakMove(r) || changed;
      }
      this.routeOpsTested[r] = this.moveCount;
    }
  }

  /** Removes, inserts, moves and re-sites disposal visits of route r; true when something improved. */
  private disposalMoves(r: number): boolean {
    const { FWD, BWD, SGL } = this;
    const segs = this.segs;
    const end = this.endNode(r);
    let improvedAny = false;
    // 1. Remove useless intermediate visits.
    for (let x = this.next[this.startNode(r)]; x !== end; ) {
      const nx = this.next[x];
      if (this.nodeKind[x] === DISPOSAL && !this.isFinalDisposal(x, r)) {
        const c = this.eval2(r, FWD + this.prev[x], BWD + nx);
        if (c < this.routeCost[r] - EPS) {
          this.releaseDisposal(x);
          this.afterChange(r);
          improvedAny = true;
        }
      }
      x = nx;
    }
    // 2. Move each visit (and change its site).
    for (let x = this.next[this.startNode(r)]; x !== end; x = this.next[x]) {
      if (this.nodeKind[x] !== DISPOSAL) continue;
      if (this.isFinalDisposal(x, r)) {
        let best = this.routeCost[r] - EPS;
        let bestSite = -1;
        const count = this.nearSites(r, this.rp(x));
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          if (s === this.nodeSite[x]) continue;
          const c = this.eval3(r, FWD + this.prev[x], this.SITE + s, BWD + this.next[x]);
          if (c < best) {
            best = c;
            bestSite = s;
          }
        }
        if (bestSite >= 0) {
          this.setSite(x, bestSite);
          this.afterChange(r);
          improvedAny = true;
        }
        continue;
      }
      const moved = this.bestDisposalPlace(r, x);
      if (moved) {
        improvedAny = true;
        break;
      }
    }
    // 3. Insert a visit when a trip is over capacity.
    const full = FWD + end;
    if (this.tripExcess(full, r) > 0) {
      let best = this.routeCost[r] - EPS;
      let bestAfter = -1;
      let bestSite = -1;
      for (let p = this.startNode(r); p !== end; p = this.next[p]) {
        const q = this.next[p];
        if (this.nodeKind[p] === DISPOSAL || this.nodeKind[q] === DISPOSAL || q === end) continue;
        if (this.nodeKind[p] === START && !this.hasInitialLoad(r)) continue;
        const count = this.nearSites(r, p);
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          const c = this.eval3(r, FWD + p, this.SITE + s, BWD + q);
          if (c < best) {
            best = c;
            bestAfter = p;
            bestSite = s;
          }
        }
      }
      if (bestAfter >= 0 && this.freeCount > 0) {
        const node = this.allocDisposal(bestSite);
        this.insertAfter(node, bestAfter);
        this.routeOf[node] = r;
        this.afterChange(r);
        improvedAny = true;
      }
    }
    void SGL;
    void segs;
    return improvedAny;
  }

  /**
   * Re-places every intermediate disposal visit of route r at once: with the
   * stops kept in their order, the trip boundaries and sites that minimise
   * distance plus the penalty on overloaded trips (a split by dynamic
   * programming over the stop sequence, as in Prins' split of a giant
   * tour), kept when the route's full penalised cost (times, windows and the
   * day's load included) improves. Moving one visit at a time cannot shift
   * two boundaries together: trips of 70 and then 237 yd against 200 need it.
   */
  private resplitTrips(r: number): boolean {
    const inst = this.inst;
    const K = inst.dims;
    if (this.hasInitialLoad(r) || !inst.vEndDisposal[r]) return false;
    const start = this.startNode(r);
    const end = this.endNode(r);
    // The route as stops in order, where the break sits, and its closing visit.
    const stops = this.routeClients;
    let m = 0;
    let breakNode = -1;
    let breakAfter = -1; // index of the stop the break follows (-1: before the first stop)
    let breakAtEnd = false; // the break follows the closing disposal visit
    let finalNode = -1;
    let intermediates = 0;
    for (let x = this.next[start]; x !== end; x = this.next[x]) {
      const kind = this.nodeKind[x];
      if (kind === CLIENT) stops[m++] = x;
      else if (kind === BREAK) {
        breakNode = x;
        breakAfter = m - 1;
        breakAtEnd = finalNode >= 0;
      } else if (kind === DISPOSAL) {
        // A second visit after the last stop is an intermediate one here (the re-split drops it).
        if (finalNode >= 0) intermediates++;
        if (this.isFinalDisposal(x, r)) finalNode = x;
        else intermediates++;
      }
    }
    if (m < 2 || finalNode < 0) return false;
    if (intermediates === 0 && this.tripExcess(this.FWD + end, r) <= 0) return false;
    if (this.freeCount + intermediates < m) return false;
    const dist = this.dist;
    const nLoc = this.nLoc;
    const cDist = inst.vCDist[r];
    const pen = this.segs.penLoad;
    // The cheapest unloading detour after each stop (the legs between stops are the same for every split).
    const detour = this.splitDetour;
    const detourSite = this.splitSite;
    for (let i = 0; i + 1 < m; i++) {
      const a = this.nodeLoc[stops[i]];
      const b = this.nodeLoc[stops[i + 1]];
      let best = Infinity;
      let bestSite = -1;
      const count = this.nearSites(r, stops[i]);
      for (let k = 0; k < count; k++) {
        const site = this.nearBuf[k];
        const sl = inst.sLoc[site];
        const d = dist[a * nLoc + sl] + dist[sl * nLoc + b];
        if (d < best) {
          best = d;
          bestSite = site;
        }
      }
      detour[i] = best - dist[a * nLoc + b];
      detourSite[i] = bestSite;
    }
    // f[i]: cheapest split of stops 0..i-1 with a trip closed after stop i-1; from[i]: where that trip began.
    const f = this.splitF;
    const from = this.splitFrom;
    const sums = this.splitLoad;
    f[0] = 0;
    for (let i = 1; i <= m; i++) {
      f[i] = Infinity;
      from[i] = -1;
    }
    for (let j = 0; j < m; j++) {
      if (f[j] === Infinity) continue;
      sums.fill(0);
      for (let i = j + 1; i <= m; i++) {
        for (let k = 0; k < K; k++) sums[k] += inst.cDemand[stops[i - 1] * K + k];
        let excess = 0;
        for (let k = 0; k < K; k++) excess += Math.max(0, sums[k] - inst.vCap[r * K + k]);
        // A visit costs its detour, and a little more so that a free one is not added for nothing.
        const close = i < m ? cDist * detour[i - 1] + 1e-6 : 0;
        const c = f[j] + pen * excess + close;
        if (c < f[i] - 1e-12) {
          f[i] = c;
          from[i] = j;
        }
      }
    }
    if (!(f[m] < Infinity)) return false;
    // The boundaries chosen, as a flag per stop: a disposal visit after stop i.
    const cut = this.splitCut;
    cut.fill(0, 0, m);
    for (let i = m; i > 0; ) {
      const j = from[i];
      if (j > 0) cut[j - 1] = 1;
      i = j;
    }
    // Same boundaries and sites as now: nothing to do.
    let same = true;
    {
      let idx = 0;
      for (let x = this.next[start]; x !== end && same; x = this.next[x]) {
        const kind = this.nodeKind[x];
        if (kind === CLIENT) idx++;
        else if (kind === DISPOSAL && x !== finalNode) {
          if (idx === 0 || !cut[idx - 1] || this.nodeSite[x] !== detourSite[idx - 1]) same = false;
        }
      }
      let cuts = 0;
      for (let i = 0; i < m; i++) cuts += cut[i];
      if (cuts !== intermediates) same = false;
    }
    if (same) {
      cut.fill(0, 0, m);
      return false;
    }
    // The new route in slots, folded and priced in full.
    const segs = this.segs;
    const o = this.T + 1;
    segs.copy(o, this.SGL + start);
    if (breakNode >= 0 && breakAfter === -1 && !breakAtEnd) segs.concat(o, o, this.SGL + breakNode, r);
    for (let i = 0; i < m; i++) {
      segs.concat(o, o, this.SGL + stops[i], r);
      if (breakNode >= 0 && breakAfter === i && !breakAtEnd) segs.concat(o, o, this.SGL + breakNode, r);
      if (cut[i] && i + 1 < m) segs.concat(o, o, this.SITE + detourSite[i], r);
    }
    segs.concat(o, o, this.SGL + finalNode, r);
    if (breakNode >= 0 && breakAtEnd) segs.concat(o, o, this.SGL + breakNode, r);
    segs.concat(o, o, this.SGL + end, r);
    const cost = segs.cost(o, r);
    if (!(cost < this.routeCost[r] - EPS)) {
      cut.fill(0, 0, m);
      return false;
    }
    // Apply: release the intermediate visits, then relink stops, break and new visits.
    for (let x = this.next[start]; x !== end; ) {
      const nx = this.next[x];
      if (this.nodeKind[x] === DISPOSAL && x !== finalNode) this.releaseDisposal(x);
      x = nx;
    }
    const nodes = this.list;
    let len = 0;
    nodes[len++] = start;
    if (breakNode >= 0 && breakAfter === -1 && !breakAtEnd) nodes[len++] = breakNode;
    for (let i = 0; i < m; i++) {
      nodes[len++] = stops[i];
      if (breakNode >= 0 && breakAfter === i && !breakAtEnd) nodes[len++] = breakNode;
      if (cut[i] && i + 1 < m) nodes[len++] = this.allocDisposal(detourSite[i]);
    }
    nodes[len++] = finalNode;
    if (breakNode >= 0 && breakAtEnd) nodes[len++] = breakNode;
    nodes[len++] = end;
    cut.fill(0, 0, m);
    this.relinkRoute(r, nodes, len);
    this.afterChange(r);
    return true;
  }

  /**
   * The (at most four) sites vehicle r may use nearest to located node x, in
   * `nearBuf`; returns how many. With many sites (19 on one Kim instance)
   * trying them all at every position is what would cost, and a far site is
   * never the better unloading stop.
   */
  private nearSites(r: number, x: number): number {
    const S = this.inst.S;
    const loc = this.nodeKind[x] === BREAK ? this.nodeLoc[this.rp(x)] : this.nodeLoc[x];
    let count = 0;
    for (let k = 0; k < S && count < NEAR_SITES; k++) {
      const site = this.siteOrder[loc * S + k];
      if (this.siteAllowed[r * S + site]) this.nearBuf[count++] = site;
    }
    return count;
  }

  private hasInitialLoad(r: number): boolean {
    const K = this.inst.dims;
    for (let k = 0; k < K; k++) if (this.inst.vInitLoad[r * K + k] > 0) return true;
    return false;
  }

  private tripExcess(o: number, r: number): number {
    const segs = this.segs;
    const K = this.inst.dims;
    const reload = (segs.flags[o] & RELOAD) !== 0;
    let e = 0;
    for (let k = 0; k < K; k++) {
      const cap = this.inst.vCap[r * K + k];
      const i = o * K + k;
      e += Math.max(0, segs.head[i] - cap);
      if (reload) e += segs.exc[i] + Math.max(0, segs.tail[i] - cap);
    }
    return e;
  }

  private isFinalDisposal(x: number, r: number): boolean {
    return this.inst.vEndDisposal[r] === 1 && this.segs.cnt[this.BWD + x] === 0;
  }

  /**
   * Best new place and site for intermediate disposal visit x of route r,
   * scanning every position with an incrementally folded middle segment.
   */
  private bestDisposalPlace(r: number, x: number): boolean {
    const { FWD, BWD, SGL } = this;
    const segs = this.segs;
    const mid = this.T + 6;
    const t = this.T + 7;
    const px = this.prev[x];
    const nx = this.next[x];
    let best = this.routeCost[r] - EPS;
    let bestAfter = -1;
    let bestSite = -1;
    const endN = this.endNode(r);
    // Same place, other site.
    let count = this.nearSites(r, px);
    for (let k = 0; k < count; k++) {
      const s = this.nearBuf[k];
      if (s === this.nodeSite[x]) continue;
      const c = this.eval3(r, FWD + px, this.SITE + s, BWD + nx);
      if (c < best) {
        best = c;
        bestAfter = px;
        bestSite = s;
      }
    }
    // Earlier: after p, with p running backwards from prev(px).
    segs.clear(mid);
    for (let p = px; this.nodeKind[p] !== START; ) {
      // mid = p ... px
      segs.concat(mid, SGL + p, mid, r);
      const pp = this.prev[p];
      if (this.nodeKind[pp] !== DISPOSAL) {
        count = this.nearSites(r, pp);
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          segs.concat(t, FWD + pp, this.SITE + s, r);
          segs.concat(t, t, mid, r);
          segs.concat(t, t, BWD + nx, r);
          const c = segs.cost(t, r);
          if (c < best) {
            best = c;
            bestAfter = pp;
            bestSite = s;
          }
        }
      }
      p = pp;
      if (this.nodeKind[p] === START) break;
    }
    // Later: after q, with q running forwards from nx.
    segs.clear(mid);
    for (let q = nx; q !== endN; q = this.next[q]) {
      segs.concat(mid, mid, SGL + q, r);
      const nq = this.next[q];
      if (this.nodeKind[q] === DISPOSAL || this.nodeKind[nq] === DISPOSAL || nq === endN) continue;
      if (this.segs.cnt[BWD + nq] === 0) break;
      count = this.nearSites(r, q);
      for (let k = 0; k < count; k++) {
        const s = this.nearBuf[k];
        segs.concat(t, FWD + px, mid, r);
        segs.concat(t, t, this.SITE + s, r);
        segs.concat(t, t, BWD + nq, r);
        const c = segs.cost(t, r);
        if (c < best) {
          best = c;
          bestAfter = q;
          bestSite = s;
        }
      }
    }
    if (bestAfter < 0) return false;
    if (bestAfter !== px) {
      this.unlink(x);
      this.insertAfter(x, bestAfter);
    }
    if (bestSite !== this.nodeSite[x]) this.setSite(x, bestSite);
    this.afterChange(r);
    return true;
  }

  /** Moves the break of route r to its best place. */
  private breakMove(r: number): boolean {
    const { FWD, BWD, SGL } = this;
    const segs = this.segs;
    const endN = this.endNode(r);
    const b = this.routeBreak(r);
    if (b < 0) return false;
    const pb = this.prev[b];
    const nb = this.next[b];
    const mid = this.T + 6;
    const t = this.T + 7;
    let best = this.routeCost[r] - EPS;
    let bestAfter = -1;
    segs.clear(mid);
    for (let p = pb; this.nodeKind[p] !== START; ) {
      segs.concat(mid, SGL + p, mid, r);
      const pp = this.prev[p];
      segs.concat(t, FWD + pp, SGL + b, r);
      segs.concat(t, t, mid, r);
      segs.concat(t, t, BWD + nb, r);
      const c = segs.cost(t, r);
      if (c < best) {
        best = c;
        bestAfter = pp;
      }
      p = pp;
    }
    segs.clear(mid);
    for (let q = nb; q !== endN; q = this.next[q]) {
      segs.concat(mid, mid, SGL + q, r);
      segs.concat(t, FWD + pb, mid, r);
      segs.concat(t, t, SGL + b, r);
      segs.concat(t, t, BWD + this.next[q], r);
      const c = segs.cost(t, r);
      if (c < best) {
        best = c;
        bestAfter = q;
      }
    }
    if (bestAfter < 0) return false;
    this.unlink(b);
    this.insertAfter(b, bestAfter);
    this.afterChange(r);
    return true;
  }

  // ------------------------------------------------------------ results

  /** Sum of penalised route costs plus prizes of stops left out. */
  penalisedCost(): number {
    let c = 0;
    for (let r = 0; r < this.R; r++) c += this.routeCost[r];
    for (let u = 0; u < this.nC; u++) if (this.routeOf[u] === -1) c += this.prizeOf(u);
    return c;
  }

  /** Figures of the current solution: cost without penalties, load excess, time warp, prizes lost, mandatory stops left out. */
  measure(out: SolutionFigures): SolutionFigures {
    const segs = this.segs;
    out.cost = 0;
    out.loadExcess = 0;
    out.timeWarp = 0;
    out.missedPrize = 0;
    out.missedMandatory = 0;
    out.missedBigPrize = 0;
    out.routes = 0;
    for (let r = 0; r < this.R; r++) {
      const o = this.FWD + this.endNode(r);
      if (segs.cnt[o] === 0 && !this.inst.vAlwaysUsed[r]) continue;
      out.routes++;
      out.cost += segs.rawCost(o, r);
      out.loadExcess += segs.loadExcess(o, r);
      out.timeWarp += segs.timeWarp(o, r);
    }
    for (let u = 0; u < this.nC; u++) {
      if (this.routeOf[u] !== -1) continue;
      if (this.inst.cOptional[u]) out.missedPrize += this.inst.cPrize[u];
      else {
        out.missedMandatory++;
        out.missedBigPrize += this.inst.cBigPrize[u];
      }
    }
    return out;
  }

  /**
   * Makes the current solution feasible by taking stops out: while a route
   * breaks a constraint, the stop whose removal cuts the violation most goes.
   * Then, in drop mode under heavy penalties, the local search puts back
   * whatever fits. Returns the stops taken out for good.
   */
  dropUntilFeasible(): number[] {
    const HEAVY = 1e6;
    const segs = this.segs;
    segs.penLoad = HEAVY;
    segs.penTW = HEAVY;
    this.refreshCosts();
    for (let guard = 0; guard < this.nC; guard++) {
      let bestGain = 0;
      let bestU = -1;
      let bestOptional = false;
      for (let r = 0; r < this.R; r++) {
        const o = this.FWD + this.endNode(r);
        if (segs.loadExcess(o, r) < 1e-9 && segs.timeWarp(o, r) < 1e-9) continue;
        const base = segs.loadExcess(o, r) + segs.timeWarp(o, r);
        for (let u = this.next[this.startNode(r)]; u !== this.endNode(r); u = this.next[u]) {
          if (this.nodeKind[u] !== CLIENT) continue;
          this.segs.concat(this.T, this.FWD + this.prev[u], this.BWD + this.next[u], r);
          const gain = base - (segs.loadExcess(this.T, r) + segs.timeWarp(this.T, r));
          const optional = this.inst.cOptional[u] === 1;
          // Optional stops go first; among equals, the biggest cut in violation.
          if (gain > 1e-9 && ((optional && !bestOptional) || (optional === bestOptional && gain > bestGain))) {
            bestGain = gain;
            bestU = u;
            bestOptional = optional;
          }
        }
      }
      if (bestU < 0) break;
      const r = this.routeOf[bestU];
      this.unlink(bestU);
      this.routeOf[bestU] = -1;
      this.afterChange(r);
    }
    this.dropMode = true;
    this.run(HEAVY, HEAVY);
    const dropped: number[] = [];
    for (let u = 0; u < this.nC; u++) if (this.routeOf[u] === -1 && !this.inst.cOptional[u]) dropped.push(u);
    return dropped;
  }

  /**
   * Why unrouted stop u does not fit: over all compatible routes and places,
   * whether some place adds no time warp, and whether it then breaks the
   * trip capacity or a daily limit.
   */
  diagnoseInsertion(u: number): 'capacity_exhausted' | 'time_exhausted' | 'route_limit_reached' | 'no_compatible_vehicle' {
    const segs = this.segs;
    let compatible = false;
    let timeOkTrip = false;
    let timeOkDaily = false;
    let anyTimeOk = false;
    for (let r = 0; r < this.R; r++) {
      if (!this.allowed(u, r)) continue;
      compatible = true;
      const full = this.FWD + this.endNode(r);
      const used = this.clientsIn(r) > 0 || this.inst.vAlwaysUsed[r] === 1;
      const warp0 = used ? segs.timeWarp(full, r) : 0;
      const check = (slot: number): void => {
        if (segs.timeWarp(slot, r) > warp0 + 1e-9) return;
        anyTimeOk = true;
        if (this.tripExcess(slot, r) > (used ? this.tripExcess(full, r) : 0) + 1e-9) timeOkTrip = true;
        else timeOkDaily = true;
      };
      if (!used) {
        this.freshRouteCost(r, u);
        const t = this.T + 8;
        segs.copy(t, this.SGL + this.startNode(r));
        for (let i = 0; this.listB[i] !== LIST_END; i++) {
          const item = this.listB[i];
          segs.concat(t, t, item >= 0 ? this.SGL + item : this.SITE + itemSite(item), r);
        }
        segs.concat(t, t, this.SGL + this.endNode(r), r);
        check(t);
        continue;
      }
      for (let p = this.startNode(r); p !== this.endNode(r); p = this.next[p]) {
        this.segs.concat(this.T, this.FWD + p, this.SGL + u, r);
        this.segs.concat(this.T, this.T, this.BWD + this.next[p], r);
        check(this.T);
      }
    }
    if (!compatible) return 'no_compatible_vehicle';
    if (!anyTimeOk) return 'time_exhausted';
    if (timeOkTrip && !timeOkDaily) return 'capacity_exhausted';
    return 'route_limit_reached';
  }

  /** True when (flags-wise) route r is in use. */
  routeUsed(r: number): boolean {
    return (this.segs.flags[this.FWD + this.endNode(r)] & CORE) !== 0 && (this.clientsIn(r) > 0 || this.inst.vAlwaysUsed[r] === 1);
  }
}

/** Figures of one solution as measured by the local search. */
export interface SolutionFigures {
  cost: number;
  loadExcess: number;
  timeWarp: number;
  missedPrize: number;
  missedMandatory: number;
  missedBigPrize: number;
  routes: number;
}

function mod16(x: number): number {
  return ((x % 65536) + 65536) % 65536;
}

/** Whether two polar sectors (start, end in [0, 65536)) overlap (HGS's CircleSector test). */
function sectorsOverlap(s1: number, e1: number, s2: number, e2: number): boolean {
  return mod16(s2 - s1) <= mod16(e1 - s1) || mod16(s1 - s2) <= mod16(e2 - s2);
}

function shuffleRange(rng: Rng, values: Int32Array, from: number, length: number): void {
  for (let i = length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = values[from + i];
    values[from + i] = values[from + j];
    values[from + j] = tmp;
  }
}

function sameBreak(inst: Instance, a: number, b: number): boolean {
  return inst.vBreakDur[a] === inst.vBreakDur[b] && inst.vBreakE[a] === inst.vBreakE[b] && inst.vBreakL[a] === inst.vBreakL[b];
}
