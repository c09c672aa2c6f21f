import type { Instance } from './instance';
import type { Rng } from './rng';
import { CORE, RELOAD } from './segments';
import { BREAK, BREAK_ITEM, CLIENT, DISPOSAL, EPS, itemSite, LIST_END, mod16, RouteState, siteItem, START } from './route-state';
import { RouteOperators } from './route-operators';
import { SwapStar } from './swap-star';

export { BREAK_ITEM, itemSite, siteItem } from './route-state';

/**
 * Granular local search on a solution held as doubly linked routes (the
 * layout is documented on RouteState), with cached prefix/suffix segment
 * summaries per node so that every move is priced by a few O(1)
 * concatenations (inter-route) or one fold over the changed window
 * (intra-route). This class holds the move core: relocate of one or two stops
 * (also reversed), swaps 1-1, 2-1, 2-2, 2-opt inside a route, 2-opt* between
 * routes, moves into an empty route, insertion and removal of optional stops.
 * SWAP* between neighbouring routes lives in swap-star.ts, the per-route
 * disposal and break moves in route-operators.ts, and what is said about a
 * finished search (dropping stops until feasible, why a stop did not fit) in
 * diagnostics.ts. Members are open to those files, not outside the library:
 * the package index does not export this class.
 */
export class LocalSearch extends RouteState {
  readonly W: number;
  readonly bMask: Int32Array;
  readonly fPins: Int32Array;
  /** Highest pinned-sequence rank up to this node in its route (-1 if none). */
  readonly fRank: Int32Array;
  /** Lowest pinned-sequence rank from this node on (a large number if none). */
  readonly bRank: Int32Array;
  readonly brkBefore: Uint8Array;
  readonly routeCost: Float64Array;
  /** Penalty part of routeCost (what a move can at most save besides distance). */
  readonly routePen: Float64Array;
  /** Route has no time arithmetic and no disposal visit: moves are priced by plain sums. */
  readonly routeSimple: Uint8Array;
  /** Costs of routes are distance only (no time cost): the distance lower bound is valid. */
  readonly boundOk: boolean;
  readonly singleClass: boolean;
  readonly routeLastMod: Int32Array;
  readonly lastTestRI: Int32Array;
  readonly freePool: Int32Array;
  freeCount = 0;
  moveCount = 0;
  improved = false;
  readonly order: Int32Array;
  readonly neigh: Int32Array;
  readonly list: Int32Array;
  readonly listB: Int32Array;
  readonly emptyOfType: Int32Array;
  /** Optional stops (and, in drop mode, mandatory ones) may be left out at their prize. */
  dropMode = false;
  /** Run SWAP* only in loops where the other moves found nothing. */
  lazySwapStar = false;
  /** Stop the run early when this returns true (checked between loops). */
  shouldStop: () => boolean = () => false;
  readonly secStart: Int32Array;
  readonly secEnd: Int32Array;
  readonly hasSeqPins: boolean;
  /** Distance from each located route node to the next located node. */
  readonly edgeOut: Float64Array;
  /** Distance change when the stop alone is taken out of its route. */
  readonly remGain1: Float64Array;
  /** Distance change when the stop and its successor (a stop) are taken out. */
  readonly remGain2: Float64Array;
  readonly sym: boolean;

  /** SWAP* and its caches. */
  readonly swapStar: SwapStar;
  /** Disposal and break moves. */
  readonly routeOperators: RouteOperators;

  constructor(
    inst: Instance,
    private readonly rng: Rng,
  ) {
    super(inst);
    const { nC, R, N } = this;
    const pool = inst.hasDisposal ? nC + 2 * R + 4 : 0;
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
    this.singleClass = inst.nClasses === 1;
    this.routeLastMod = new Int32Array(R);
    this.lastTestRI = new Int32Array(nC);
    this.freePool = new Int32Array(pool);
    this.order = new Int32Array(nC);
    this.neigh = Int32Array.from(inst.neighbours);
    this.list = new Int32Array(N);
    this.listB = new Int32Array(N);
    this.emptyOfType = new Int32Array(inst.nTypes);
    this.secStart = new Int32Array(R);
    this.secEnd = new Int32Array(R);
    this.hasSeqPins = inst.cSeqRank.some((rank) => rank >= 0);
    this.edgeOut = new Float64Array(N);
    this.remGain1 = new Float64Array(nC);
    this.remGain2 = new Float64Array(nC);
    this.sym = inst.symmetric;
    this.swapStar = new SwapStar(this);
    this.routeOperators = new RouteOperators(this);
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
    this.swapStar.reset();
    this.routeOperators.reset();
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

  allocDisposal(site: number): number {
    const node = this.freePool[--this.freeCount];
    this.setSite(node, site);
    return node;
  }

  setSite(node: number, site: number): void {
    const inst = this.inst;
    this.nodeSite[node] = site;
    this.nodeLoc[node] = inst.sLoc[site];
    this.segs.copy(this.SGL + node, this.SITE + site);
    for (let w = 0; w < this.W; w++) this.bMask[node * this.W + w] = 0;
  }

  releaseDisposal(node: number): void {
    this.unlink(node);
    this.routeOf[node] = -1;
    this.nodeSite[node] = -1;
    this.freePool[this.freeCount++] = node;
  }

  dropDisposals(r: number): void {
    const end = this.endNode(r);
    for (let x = this.next[this.startNode(r)]; x !== end; ) {
      const nx = this.next[x];
      if (this.nodeKind[x] === DISPOSAL) this.releaseDisposal(x);
      x = nx;
    }
  }

  /** Adds the closing disposal visit when the vehicle needs one and the route lacks it. */
  ensureFinalDisposal(r: number): void {
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
  cacheEdges(r: number): void {
    const end = this.endNode(r);
    const kind = this.nodeKind;
    let prevLocated = -1;
    let prevPrev = -1;
    for (let x = this.startNode(r); ; x = this.next[x]) {
      if (kind[x] !== BREAK) {
        if (prevLocated >= 0) {
          this.edgeOut[prevLocated] = this.distanceBetween(prevLocated, x);
          if (prevLocated < this.nC && prevPrev >= 0) {
            this.remGain1[prevLocated] = this.distanceBetween(prevPrev, x) - this.edgeOut[prevPrev] - this.edgeOut[prevLocated];
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
        const p = this.locatedPrev(x);
        const q = this.locatedNext(y);
        this.remGain2[x] = this.distanceBetween(p, q) - this.edgeOut[p] - this.edgeOut[x] - this.edgeOut[y];
      }
    }
  }

  /** Length of the edge a -> b, read from b's matrix row when the matrix is symmetric (b is the moving stop, whose row is hot). */
  into(a: number, b: number): number {
    return this.sym ? this.dist[this.nodeLoc[b] * this.nLoc + this.nodeLoc[a]] : this.dist[this.nodeLoc[a] * this.nLoc + this.nodeLoc[b]];
  }

  setRouteCost(r: number): void {
    const o = this.FWD + this.endNode(r);
    const c = this.segs.cost(o, r);
    this.routeCost[r] = c;
    this.routePen[r] = c - this.segs.rawCost(o, r);
  }

  /** Recomputes every route's cost after a penalty change. */
  refreshCosts(): void {
    for (let r = 0; r < this.R; r++) this.setRouteCost(r);
  }

  /**
   * True when a move cannot pay: its distance change alone is at least what
   * it could save in penalties (HGS's filter). Valid when costs are
   * distance-only; never used when a route would become empty.
   */
  hopeless(ru: number, dU: number, rv: number, dV: number): boolean {
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
  simpleCost(r: number, dist: number, a: number, b: number, add1: number, add2: number, rem1: number, rem2: number): number {
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

  touch(r: number): void {
    this.routeLastMod[r] = ++this.moveCount;
    this.improved = true;
  }

  allowed(c: number, r: number): boolean {
    if (this.singleClass) return true;
    const cls = this.inst.vClass[r];
    return (this.inst.cMask[c * this.W + (cls >> 5)] & (1 << (cls & 31))) !== 0;
  }

  suffixAllowed(x: number, r: number): boolean {
    const cls = this.inst.vClass[r];
    return (this.bMask[x * this.W + (cls >> 5)] & (1 << (cls & 31))) !== 0;
  }

  /**
   * Whether stop u may be put right after node p of route r: not behind the
   * closing disposal visit, and between the pinned-sequence ranks around it.
   */
  canInsertAfter(u: number, p: number, r: number): boolean {
    const q = this.next[p];
    if (this.inst.vEndDisposal[r] && (this.segs.flags[this.BWD + q] & RELOAD) === 0) return false;
    const rank = this.inst.cSeqRank[u];
    if (rank >= 0 && (this.fRank[p] > rank || this.bRank[q] < rank)) return false;
    return true;
  }

  /** Prize lost when stop c is not served (its prize, or the stand-in for a mandatory stop in drop mode). */
  prizeOf(c: number): number {
    return this.inst.cOptional[c] ? this.inst.cPrize[c] : this.inst.cBigPrize[c];
  }

  removable(c: number): boolean {
    return this.inst.cOptional[c] === 1 || this.dropMode;
  }

  // --------------------------------------------------------------- pricing

  /** Penalised cost of route r made of the concatenation of slots a, b. */
  eval2(r: number, a: number, b: number): number {
    const fast = this.segs.chainCost(r, 2, a, b, 0, 0);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    return this.segs.cost(t, r);
  }

  eval3(r: number, a: number, b: number, c: number): number {
    const fast = this.segs.chainCost(r, 3, a, b, c, 0);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    this.segs.concat(t, t, c, r);
    return this.segs.cost(t, r);
  }

  eval4(r: number, a: number, b: number, c: number, d: number): number {
    const fast = this.segs.chainCost(r, 4, a, b, c, d);
    if (fast === fast) return fast;
    const t = this.T;
    this.segs.concat(t, a, b, r);
    this.segs.concat(t, t, c, r);
    this.segs.concat(t, t, d, r);
    return this.segs.cost(t, r);
  }

  /** Folds nodes list[0..len) into slot o, driven by route r. */
  fold(o: number, list: Int32Array, len: number, r: number): void {
    const segs = this.segs;
    if (len === 0) {
      segs.clear(o);
      return;
    }
    segs.copy(o, this.SGL + list[0]);
    for (let i = 1; i < len; i++) segs.concat(o, o, this.SGL + list[i], r);
  }

  /** Copies the nodes from x to y (inclusive, route order) into `list` at `at`; returns the new length. */
  collect(list: Int32Array, at: number, x: number, y: number): number {
    if (this.pos[x] > this.pos[y]) return at;
    for (let z = x; ; z = this.next[z]) {
      list[at++] = z;
      if (z === y) break;
    }
    return at;
  }

  /** Sequence-pinned stops in `list` must keep their order. */
  pinsOrdered(list: Int32Array, len: number): boolean {
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
  evalWindow(r: number, a: number, b: number, list: Int32Array, len: number): number {
    const pa = this.prev[a];
    const nb = this.next[b];
    if (this.fPins[b] - this.fPins[pa] >= 2 && !this.pinsOrdered(list, len)) return Infinity;
    // Distance change first: exact for simple routes, a bound for the others.
    const from = this.nodeKind[pa] === BREAK ? this.locatedPrev(pa) : pa;
    const to = this.nodeKind[nb] === BREAK ? this.locatedNext(nb) : nb;
    let before = 0;
    let last = from;
    for (let z = a; ; z = this.next[z]) {
      if (this.nodeKind[z] !== BREAK) {
        before += this.distanceBetween(last, z);
        last = z;
      }
      if (z === b) break;
    }
    before += this.distanceBetween(last, to);
    let after = 0;
    last = from;
    for (let i = 0; i < len; i++) {
      const z = list[i];
      if (this.nodeKind[z] === BREAK) continue;
      after += this.distanceBetween(last, z);
      last = z;
    }
    after += this.distanceBetween(last, to);
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
      if (this.R > 1 && (!this.improved || !this.lazySwapStar)) this.swapStar.pass();
      this.routeOperators.run();
      if (this.improved) searchCompleted = false;
      if (this.shouldStop()) break;
    }
  }

  refreshEmptyRoutes(): void {
    this.emptyOfType.fill(-1);
    for (let r = this.R - 1; r >= 0; r--) {
      if (this.clientsIn(r) === 0 && !this.inst.vAlwaysUsed[r]) this.emptyOfType[this.inst.vType[r]] = r;
    }
  }

  afterChange(...routes: number[]): void {
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

  tryMoves(u: number, v: number): boolean {
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

  tryMovesAfterStart(u: number, start: number): boolean {
    if (this.move1(u, start)) return true;
    if (this.nodeKind[this.next[u]] === CLIENT) {
      if (this.move2(u, start, false)) return true;
      if (this.move2(u, start, true)) return true;
    }
    if (this.routeOf[u] !== this.routeOf[start] && this.move2optStar(u, start)) return true;
    return false;
  }

  /** Cost of route ru once the chain first..last (consecutive) is taken out. */
  costWithout(ru: number, first: number, last: number): number {
    return this.eval2(ru, this.FWD + this.prev[first], this.BWD + this.next[last]);
  }

  /** Relocate u after v. */
  move1(u: number, v: number): boolean {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (u === v || this.next[v] === u) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv)) return false;
      const nv = this.locatedNext(v);
      const dU = this.remGain1[u];
      const dV = this.into(v, u) + this.distanceBetween(u, nv) - this.edgeOut[v];
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
      delta = this.inst.vCDist[ru] * (this.distanceBetween(pu, nu) - this.distanceBetween(pu, u) - this.distanceBetween(u, nu) + this.distanceBetween(v, u) + this.distanceBetween(u, nv) - this.distanceBetween(v, nv));
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
  move2(u: number, v: number, reversed: boolean): boolean {
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
      const nv = this.locatedNext(v);
      const dU = this.remGain2[u];
      const inner = reversed && !this.sym ? this.distanceBetween(x, u) : this.edgeOut[u];
      const dV = this.into(v, first) + inner + this.distanceBetween(second, nv) - this.edgeOut[v];
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
        (this.distanceBetween(pu, nx) - this.distanceBetween(pu, u) - this.distanceBetween(u, x) - this.distanceBetween(x, nx) + this.distanceBetween(v, first) + this.distanceBetween(first, second) + this.distanceBetween(second, nv) - this.distanceBetween(v, nv));
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
  moveSwap(u: number, v: number): boolean {
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (u === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(v, ru)) return false;
      const pu = this.locatedPrev(u);
      const nu = this.locatedNext(u);
      const pv = this.locatedPrev(v);
      const nv = this.locatedNext(v);
      const dU = this.into(pu, v) + this.distanceBetween(v, nu) - this.edgeOut[pu] - this.edgeOut[u];
      const dV = this.into(pv, u) + this.distanceBetween(u, nv) - this.edgeOut[pv] - this.edgeOut[v];
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
      if (nu === v) d = this.distanceBetween(pu, v) + this.distanceBetween(v, u) + this.distanceBetween(u, nv) - this.distanceBetween(pu, u) - this.distanceBetween(u, v) - this.distanceBetween(v, nv);
      else if (nv === u) d = this.distanceBetween(pv, u) + this.distanceBetween(u, v) + this.distanceBetween(v, nu) - this.distanceBetween(pv, v) - this.distanceBetween(v, u) - this.distanceBetween(u, nu);
      else d = this.distanceBetween(pu, v) + this.distanceBetween(v, nu) - this.distanceBetween(pu, u) - this.distanceBetween(u, nu) + this.distanceBetween(pv, u) + this.distanceBetween(u, nv) - this.distanceBetween(pv, v) - this.distanceBetween(v, nv);
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

  swapNodes(u: number, v: number): void {
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
  moveSwap21(u: number, v: number): boolean {
    const x = this.next[u];
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (v === u || v === x || this.prev[u] === v || this.next[x] === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(x, rv) || !this.allowed(v, ru)) return false;
      const pu = this.locatedPrev(u);
      const nx = this.locatedNext(x);
      const pv = this.locatedPrev(v);
      const nv = this.locatedNext(v);
      const dU = this.into(pu, v) + this.distanceBetween(v, nx) - this.edgeOut[pu] - this.edgeOut[u] - this.edgeOut[x];
      const dV = this.into(pv, u) + this.edgeOut[u] + this.distanceBetween(x, nv) - this.edgeOut[pv] - this.edgeOut[v];
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
  moveSwap22(u: number, v: number): boolean {
    const x = this.next[u];
    const y = this.next[v];
    const ru = this.routeOf[u];
    const rv = this.routeOf[v];
    if (v === u || v === x || y === u || y === x || this.next[y] === u || this.next[x] === v) return false;
    const { FWD, BWD, SGL } = this;
    let delta: number;
    if (ru !== rv) {
      if (!this.allowed(u, rv) || !this.allowed(x, rv) || !this.allowed(v, ru) || !this.allowed(y, ru)) return false;
      const pu = this.locatedPrev(u);
      const nx = this.locatedNext(x);
      const pv = this.locatedPrev(v);
      const ny = this.locatedNext(y);
      const dU = this.into(pu, v) + this.edgeOut[v] + this.distanceBetween(y, nx) - this.edgeOut[pu] - this.edgeOut[u] - this.edgeOut[x];
      const dV = this.into(pv, u) + this.edgeOut[u] + this.distanceBetween(x, ny) - this.edgeOut[pv] - this.edgeOut[v] - this.edgeOut[y];
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
  move2opt(u: number, v: number): boolean {
    if (this.pos[u] >= this.pos[v] || this.next[u] === v) return false;
    const r = this.routeOf[u];
    const a = this.next[u];
    let len = 0;
    const quick = this.routeSimple[r] && this.inst.symmetric && !this.hasSeqPins;
    let delta = 0;
    if (quick) {
      const nv = this.next[v];
      delta = this.inst.vCDist[r] * (this.distanceBetween(u, v) + this.distanceBetween(a, nv) - this.distanceBetween(u, a) - this.distanceBetween(v, nv));
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
  move2optStar(u: number, v: number): boolean {
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
      const distU = segs.dist[FWD + u] + this.distanceBetween(u, this.locatedNext(v)) + segs.dist[BWD + nv];
      const distV = segs.dist[FWD + v] + this.distanceBetween(v, this.locatedNext(u)) + segs.dist[BWD + nu];
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
  freshRouteCost(r: number, u: number): number {
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
  buildFresh(r: number): void {
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
  routeBreak(r: number): number {
    const end = this.endNode(r);
    for (let x = this.next[this.startNode(r)]; x !== end; x = this.next[x]) if (this.nodeKind[x] === BREAK) return x;
    return -1;
  }

  tryEmptyRoute(u: number): void {
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

  tryRemove(u: number): void {
    const ru = this.routeOf[u];
    const delta = this.costWithout(ru, u, u) - this.routeCost[ru] + this.prizeOf(u);
    if (delta > -EPS) return;
    this.unlink(u);
    this.routeOf[u] = -1;
    this.afterChange(ru);
  }

  /** Best insertion of unrouted stop u next to its neighbours or into an empty route; applied when it pays (or always with `force`). */
  tryInsertUnrouted(u: number, force = false): boolean {
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

  tripExcess(o: number, r: number): number {
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

