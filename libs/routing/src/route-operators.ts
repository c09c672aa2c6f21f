import { type RouteState, BREAK, CLIENT, DISPOSAL, EPS, START } from './route-state';

/** Disposal sites tried at each position (the nearest ones). */
const NEAR_SITES = 4;

/** What the disposal and break moves need of the local search besides the route state. */
export interface RouteOperatorsHost extends RouteState {
  readonly routeLastMod: Int32Array;
  readonly moveCount: number;
  readonly routeCost: Float64Array;
  /** Free nodes left in the disposal pool. */
  readonly freeCount: number;
  /** Scratch node list of route length. */
  readonly list: Int32Array;
  eval2(r: number, a: number, b: number): number;
  eval3(r: number, a: number, b: number, c: number): number;
  tripExcess(o: number, r: number): number;
  routeBreak(r: number): number;
  allocDisposal(site: number): number;
  releaseDisposal(node: number): void;
  setSite(node: number, site: number): void;
  afterChange(...routes: number[]): void;
}

/**
 * Per-route operators of the local search: removing, inserting, moving and
 * re-siting disposal visits, re-splitting a route into trips, and moving the
 * break. They run on a route after the stop moves changed it.
 */
export class RouteOperators {
  /** Move counter when each route was last looked at. */
  private readonly routeOpsTested: Int32Array;
  /** Sites by increasing distance from each location (S per location). */
  private readonly siteOrder: Int32Array;
  /** Whether vehicle r may use site s (R x S). */
  private readonly siteAllowed: Uint8Array;
  private readonly nearBuf: Int32Array;
  // Scratch of the trip re-split (per stop of one route).
  private readonly splitDetour: Float64Array;
  private readonly splitSite: Int32Array;
  private readonly splitF: Float64Array;
  private readonly splitFrom: Int32Array;
  private readonly splitCut: Uint8Array;
  private readonly splitLoad: Float64Array;

  /** The stops of the route being re-split, in order. */
  private readonly stops: Int32Array;

  constructor(private readonly ls: RouteOperatorsHost) {
    const { inst, nC, R } = ls;
    const S = inst.S;
    this.routeOpsTested = new Int32Array(R).fill(-1);
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
    this.stops = new Int32Array(nC + 1);
    this.splitDetour = new Float64Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitSite = new Int32Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitF = new Float64Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitFrom = new Int32Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitCut = new Uint8Array(inst.hasDisposal ? nC + 1 : 0);
    this.splitLoad = new Float64Array(inst.dims);
  }

  /** Forgets which routes were looked at (a new solution was loaded). */
  reset(): void {
    this.routeOpsTested.fill(0);
  }

  /** Runs the disposal and break moves on every route changed since it was last looked at. */
  run(): void {
    const ls = this.ls;
    const inst = ls.inst;
    if (!inst.hasDisposal && !inst.hasBreaks) return;
    for (let r = 0; r < ls.R; r++) {
      if (ls.routeLastMod[r] <= this.routeOpsTested[r]) continue;
      this.routeOpsTested[r] = ls.moveCount;
      if (ls.clientsIn(r) === 0 && !inst.vAlwaysUsed[r]) continue;
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
      this.routeOpsTested[r] = ls.moveCount;
    }
  }

  /** Removes, inserts, moves and re-sites disposal visits of route r; true when something improved. */
  private disposalMoves(r: number): boolean {
    const ls = this.ls;
    const { FWD, BWD } = ls;
    const end = ls.endNode(r);
    let improvedAny = false;
    // 1. Remove useless intermediate visits.
    for (let x = ls.next[ls.startNode(r)]; x !== end; ) {
      const nx = ls.next[x];
      if (ls.nodeKind[x] === DISPOSAL && !this.isFinalDisposal(x, r)) {
        const c = ls.eval2(r, FWD + ls.prev[x], BWD + nx);
        if (c < ls.routeCost[r] - EPS) {
          ls.releaseDisposal(x);
          ls.afterChange(r);
          improvedAny = true;
        }
      }
      x = nx;
    }
    // 2. Move each visit (and change its site).
    for (let x = ls.next[ls.startNode(r)]; x !== end; x = ls.next[x]) {
      if (ls.nodeKind[x] !== DISPOSAL) continue;
      if (this.isFinalDisposal(x, r)) {
        let best = ls.routeCost[r] - EPS;
        let bestSite = -1;
        const count = this.nearSites(r, ls.locatedPrev(x));
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          if (s === ls.nodeSite[x]) continue;
          const c = ls.eval3(r, FWD + ls.prev[x], ls.SITE + s, BWD + ls.next[x]);
          if (c < best) {
            best = c;
            bestSite = s;
          }
        }
        if (bestSite >= 0) {
          ls.setSite(x, bestSite);
          ls.afterChange(r);
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
    if (ls.tripExcess(full, r) > 0) {
      let best = ls.routeCost[r] - EPS;
      let bestAfter = -1;
      let bestSite = -1;
      for (let p = ls.startNode(r); p !== end; p = ls.next[p]) {
        const q = ls.next[p];
        if (ls.nodeKind[p] === DISPOSAL || ls.nodeKind[q] === DISPOSAL || q === end) continue;
        if (ls.nodeKind[p] === START && !this.hasInitialLoad(r)) continue;
        const count = this.nearSites(r, p);
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          const c = ls.eval3(r, FWD + p, ls.SITE + s, BWD + q);
          if (c < best) {
            best = c;
            bestAfter = p;
            bestSite = s;
          }
        }
      }
      if (bestAfter >= 0 && ls.freeCount > 0) {
        const node = ls.allocDisposal(bestSite);
        ls.insertAfter(node, bestAfter);
        ls.routeOf[node] = r;
        ls.afterChange(r);
        improvedAny = true;
      }
    }
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
  resplitTrips(r: number): boolean {
    const ls = this.ls;
    const inst = ls.inst;
    const K = inst.dims;
    if (this.hasInitialLoad(r) || !inst.vEndDisposal[r]) return false;
    const start = ls.startNode(r);
    const end = ls.endNode(r);
    // The route as stops in order, where the break sits, and its closing visit.
    const stops = this.stops;
    let m = 0;
    let breakNode = -1;
    let breakAfter = -1; // index of the stop the break follows (-1: before the first stop)
    let breakAtEnd = false; // the break follows the closing disposal visit
    let finalNode = -1;
    let intermediates = 0;
    for (let x = ls.next[start]; x !== end; x = ls.next[x]) {
      const kind = ls.nodeKind[x];
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
    if (intermediates === 0 && ls.tripExcess(ls.FWD + end, r) <= 0) return false;
    if (ls.freeCount + intermediates < m) return false;
    const dist = ls.dist;
    const nLoc = ls.nLoc;
    const cDist = inst.vCDist[r];
    const pen = ls.segs.penLoad;
    // The cheapest unloading detour after each stop (the legs between stops are the same for every split).
    const detour = this.splitDetour;
    const detourSite = this.splitSite;
    for (let i = 0; i + 1 < m; i++) {
      const a = ls.nodeLoc[stops[i]];
      const b = ls.nodeLoc[stops[i + 1]];
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
      for (let x = ls.next[start]; x !== end && same; x = ls.next[x]) {
        const kind = ls.nodeKind[x];
        if (kind === CLIENT) idx++;
        else if (kind === DISPOSAL && x !== finalNode) {
          if (idx === 0 || !cut[idx - 1] || ls.nodeSite[x] !== detourSite[idx - 1]) same = false;
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
    const segs = ls.segs;
    const o = ls.T + 1;
    segs.copy(o, ls.SGL + start);
    if (breakNode >= 0 && breakAfter === -1 && !breakAtEnd) segs.concat(o, o, ls.SGL + breakNode, r);
    for (let i = 0; i < m; i++) {
      segs.concat(o, o, ls.SGL + stops[i], r);
      if (breakNode >= 0 && breakAfter === i && !breakAtEnd) segs.concat(o, o, ls.SGL + breakNode, r);
      if (cut[i] && i + 1 < m) segs.concat(o, o, ls.SITE + detourSite[i], r);
    }
    segs.concat(o, o, ls.SGL + finalNode, r);
    if (breakNode >= 0 && breakAtEnd) segs.concat(o, o, ls.SGL + breakNode, r);
    segs.concat(o, o, ls.SGL + end, r);
    const cost = segs.cost(o, r);
    if (!(cost < ls.routeCost[r] - EPS)) {
      cut.fill(0, 0, m);
      return false;
    }
    // Apply: release the intermediate visits, then relink stops, break and new visits.
    for (let x = ls.next[start]; x !== end; ) {
      const nx = ls.next[x];
      if (ls.nodeKind[x] === DISPOSAL && x !== finalNode) ls.releaseDisposal(x);
      x = nx;
    }
    const nodes = ls.list;
    let len = 0;
    nodes[len++] = start;
    if (breakNode >= 0 && breakAfter === -1 && !breakAtEnd) nodes[len++] = breakNode;
    for (let i = 0; i < m; i++) {
      nodes[len++] = stops[i];
      if (breakNode >= 0 && breakAfter === i && !breakAtEnd) nodes[len++] = breakNode;
      if (cut[i] && i + 1 < m) nodes[len++] = ls.allocDisposal(detourSite[i]);
    }
    nodes[len++] = finalNode;
    if (breakNode >= 0 && breakAtEnd) nodes[len++] = breakNode;
    nodes[len++] = end;
    cut.fill(0, 0, m);
    ls.relinkRoute(r, nodes, len);
    ls.afterChange(r);
    return true;
  }

  /**
   * The (at most four) sites vehicle r may use nearest to located node x, in
   * `nearBuf`; returns how many. With many sites (19 on one Kim instance)
   * trying them all at every position is what would cost, and a far site is
   * never the better unloading stop.
   */
  private nearSites(r: number, x: number): number {
    const ls = this.ls;
    const S = ls.inst.S;
    const loc = ls.nodeKind[x] === BREAK ? ls.nodeLoc[ls.locatedPrev(x)] : ls.nodeLoc[x];
    let count = 0;
    for (let k = 0; k < S && count < NEAR_SITES; k++) {
      const site = this.siteOrder[loc * S + k];
      if (this.siteAllowed[r * S + site]) this.nearBuf[count++] = site;
    }
    return count;
  }

  private hasInitialLoad(r: number): boolean {
    const ls = this.ls;
    const K = ls.inst.dims;
    for (let k = 0; k < K; k++) if (ls.inst.vInitLoad[r * K + k] > 0) return true;
    return false;
  }

  private isFinalDisposal(x: number, r: number): boolean {
    const ls = this.ls;
    return ls.inst.vEndDisposal[r] === 1 && ls.segs.cnt[ls.BWD + x] === 0;
  }

  /**
   * Best new place and site for intermediate disposal visit x of route r,
   * scanning every position with an incrementally folded middle segment.
   */
  private bestDisposalPlace(r: number, x: number): boolean {
    const ls = this.ls;
    const { FWD, BWD, SGL } = ls;
    const segs = ls.segs;
    const mid = ls.T + 6;
    const t = ls.T + 7;
    const px = ls.prev[x];
    const nx = ls.next[x];
    let best = ls.routeCost[r] - EPS;
    let bestAfter = -1;
    let bestSite = -1;
    const endN = ls.endNode(r);
    // Same place, other site.
    let count = this.nearSites(r, px);
    for (let k = 0; k < count; k++) {
      const s = this.nearBuf[k];
      if (s === ls.nodeSite[x]) continue;
      const c = ls.eval3(r, FWD + px, ls.SITE + s, BWD + nx);
      if (c < best) {
        best = c;
        bestAfter = px;
        bestSite = s;
      }
    }
    // Earlier: after p, with p running backwards from prev(px).
    segs.clear(mid);
    for (let p = px; ls.nodeKind[p] !== START; ) {
      // mid = p ... px
      segs.concat(mid, SGL + p, mid, r);
      const pp = ls.prev[p];
      if (ls.nodeKind[pp] !== DISPOSAL) {
        count = this.nearSites(r, pp);
        for (let k = 0; k < count; k++) {
          const s = this.nearBuf[k];
          segs.concat(t, FWD + pp, ls.SITE + s, r);
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
      if (ls.nodeKind[p] === START) break;
    }
    // Later: after q, with q running forwards from nx.
    segs.clear(mid);
    for (let q = nx; q !== endN; q = ls.next[q]) {
      segs.concat(mid, mid, SGL + q, r);
      const nq = ls.next[q];
      if (ls.nodeKind[q] === DISPOSAL || ls.nodeKind[nq] === DISPOSAL || nq === endN) continue;
      if (ls.segs.cnt[BWD + nq] === 0) break;
      count = this.nearSites(r, q);
      for (let k = 0; k < count; k++) {
        const s = this.nearBuf[k];
        segs.concat(t, FWD + px, mid, r);
        segs.concat(t, t, ls.SITE + s, r);
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
      ls.unlink(x);
      ls.insertAfter(x, bestAfter);
    }
    if (bestSite !== ls.nodeSite[x]) ls.setSite(x, bestSite);
    ls.afterChange(r);
    return true;
  }

  /** Moves the break of route r to its best place. */
  private breakMove(r: number): boolean {
    const ls = this.ls;
    const { FWD, BWD, SGL } = ls;
    const segs = ls.segs;
    const endN = ls.endNode(r);
    const b = ls.routeBreak(r);
    if (b < 0) return false;
    const pb = ls.prev[b];
    const nb = ls.next[b];
    const mid = ls.T + 6;
    const t = ls.T + 7;
    let best = ls.routeCost[r] - EPS;
    let bestAfter = -1;
    segs.clear(mid);
    for (let p = pb; ls.nodeKind[p] !== START; ) {
      segs.concat(mid, SGL + p, mid, r);
      const pp = ls.prev[p];
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
    for (let q = nb; q !== endN; q = ls.next[q]) {
      segs.concat(mid, mid, SGL + q, r);
      segs.concat(t, FWD + pb, mid, r);
      segs.concat(t, t, SGL + b, r);
      segs.concat(t, t, BWD + ls.next[q], r);
      const c = segs.cost(t, r);
      if (c < best) {
        best = c;
        bestAfter = q;
      }
    }
    if (bestAfter < 0) return false;
    ls.unlink(b);
    ls.insertAfter(b, bestAfter);
    ls.afterChange(r);
    return true;
  }
}
