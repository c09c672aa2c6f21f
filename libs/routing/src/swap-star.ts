import { RELOAD } from './segments';
import { type RouteState, BREAK, CLIENT, EPS, mod16 } from './route-state';

/** What SWAP* needs of the local search besides the route state. */
export interface SwapStarHost extends RouteState {
  /** Move counter value of each route's last change. */
  readonly routeLastMod: Int32Array;
  readonly moveCount: number;
  /** Polar sector of each route's stops (start, end in [0, 65536)), when the instance has angles. */
  readonly secStart: Int32Array;
  readonly secEnd: Int32Array;
  /** Granular neighbours of each stop. */
  readonly neigh: Int32Array;
  readonly routeCost: Float64Array;
  /** Scratch node lists of route length. */
  readonly list: Int32Array;
  readonly listB: Int32Array;
  allowed(c: number, r: number): boolean;
  fold(o: number, list: Int32Array, len: number, r: number): void;
  pinsOrdered(list: Int32Array, len: number): boolean;
  afterChange(...routes: number[]): void;
}

/**
 * SWAP* (Vidal 2022): exchanges a stop of one route with a stop of a
 * neighbouring route, each inserted at its best place in the other route
 * rather than in the other's place. The best three insertion places of each
 * stop in each route are cached (by distance) and stay valid while that route
 * is unchanged; the chosen exchange is then priced exactly (loads, windows,
 * disposal trips) before it is applied.
 */
export class SwapStar {
  /** Move counter when each pair of routes (a * R + b, a < b) was last tried. */
  private readonly swapTested: Int32Array;
  private readonly pairMark: Uint8Array;
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
  private readonly placeNode: Int32Array;
  private readonly placeNextNode: Int32Array;
  private readonly placeLoc: Int32Array;
  private readonly placeEdge: Float64Array;
  private readonly routeClients: Int32Array;
  private readonly routeClientsB: Int32Array;

  constructor(private readonly ls: SwapStarHost) {
    const { nC, R, N } = ls;
    this.swapTested = new Int32Array(R * R);
    this.pairMark = new Uint8Array(R * R);
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
    this.placeNode = new Int32Array(N + 1);
    this.placeNextNode = new Int32Array(N + 1);
    this.placeLoc = new Int32Array(N + 1);
    this.placeEdge = new Float64Array(N + 1);
    this.routeClients = new Int32Array(nC + 1);
    this.routeClientsB = new Int32Array(nC + 1);
  }

  /** Forgets which pairs were tried (a new solution was loaded). */
  reset(): void {
    this.swapTested.fill(0);
  }

  /** Tries SWAP* on every pair of routes that may gain from it and changed since the pair was last tried. */
  pass(): void {
    const ls = this.ls;
    const { R, inst, nC } = ls;
    const G = Math.min(inst.granular, 10);
    if (inst.cAngle) {
      for (let a = 0; a < R; a++) {
        if (ls.clientsIn(a) === 0) continue;
        for (let b = a + 1; b < R; b++) {
          if (ls.clientsIn(b) === 0) continue;
          const last = this.swapTested[a * R + b];
          if (Math.max(ls.routeLastMod[a], ls.routeLastMod[b]) <= last) continue;
          if (!sectorsOverlap(ls.secStart[a], ls.secEnd[a], ls.secStart[b], ls.secEnd[b])) continue;
          this.swapTested[a * R + b] = ls.moveCount;
          this.exchange(a, b);
        }
      }
      return;
    }
    this.pairMark.fill(0);
    for (let u = 0; u < nC; u++) {
      const ru = ls.routeOf[u];
      if (ru < 0) continue;
      for (let j = 0; j < G; j++) {
        const rv = ls.routeOf[ls.neigh[u * inst.granular + j]];
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
        if (Math.max(ls.routeLastMod[a], ls.routeLastMod[b]) <= last) continue;
        this.swapTested[a * R + b] = ls.moveCount;
        if (ls.clientsIn(a) === 0 || ls.clientsIn(b) === 0) continue;
        this.exchange(a, b);
      }
    }
  }

  /** Top three insertion places of every stop of route ra into route rb, by distance only (cached per stop and route). */
  private preprocessInsertions(rb: number, clients: Int32Array, count: number): void {
    const ls = this.ls;
    const inst = ls.inst;
    const n = inst.n;
    const d = inst.searchDist;
    const loc = ls.nodeLoc;
    const R = ls.R;
    const valid = ls.routeLastMod[rb];
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
        const endB = ls.endNode(rb);
        const closing = inst.vEndDisposal[rb] === 1;
        for (let p = ls.startNode(rb); p !== endB; ) {
          let q = ls.next[p];
          while (ls.nodeKind[q] === BREAK) q = ls.next[q];
          if (closing && (ls.segs.flags[ls.BWD + ls.next[p]] & RELOAD) === 0) break;
          placeNode[places] = p;
          this.placeNextNode[places] = q;
          placeLoc[places] = loc[p];
          placeEdge[places] = d[loc[p] * n + loc[q]];
          placeLoc[places + 1] = loc[q];
          places++;
          p = q;
        }
      }
      this.best3Stamp[key] = ls.moveCount;
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

  /** The best exchange of one stop of route ra with one of route rb, each at its best place in the other route (applied when it pays). */
  private exchange(ra: number, rb: number): boolean {
    const ls = this.ls;
    const inst = ls.inst;
    const n = inst.n;
    const d = inst.searchDist;
    const loc = ls.nodeLoc;
    let na = 0;
    for (let x = ls.next[ls.startNode(ra)]; x !== ls.endNode(ra); x = ls.next[x]) {
      if (ls.nodeKind[x] === CLIENT && inst.cSeqRank[x] < 0 && ls.allowed(x, rb)) this.routeClients[na++] = x;
    }
    let nb = 0;
    for (let x = ls.next[ls.startNode(rb)]; x !== ls.endNode(rb); x = ls.next[x]) {
      if (ls.nodeKind[x] === CLIENT && inst.cSeqRank[x] < 0 && ls.allowed(x, ra)) this.routeClientsB[nb++] = x;
    }
    if (na === 0 || nb === 0) return false;
    this.preprocessInsertions(rb, this.routeClients, na);
    this.preprocessInsertions(ra, this.routeClientsB, nb);
    const wA = inst.vCDist[ra];
    const wB = inst.vCDist[rb];
    const K = inst.dims;
    const segs = ls.segs;
    const fullA = ls.FWD + ls.endNode(ra);
    const fullB = ls.FWD + ls.endNode(rb);
    const simpleLoads = (segs.flags[fullA] & RELOAD) === 0 && (segs.flags[fullB] & RELOAD) === 0;
    const R = ls.R;
    // Removal gains and neighbours of every candidate, once.
    for (let i = 0; i < na; i++) {
      const u = this.routeClients[i];
      const pl = loc[ls.locatedPrev(u)];
      const nl = loc[ls.locatedNext(u)];
      this.swapPrevLoc[i] = pl;
      this.swapNextLoc[i] = nl;
      this.swapRem[i] = d[pl * n + nl] - d[pl * n + loc[u]] - d[loc[u] * n + nl];
    }
    for (let j = 0; j < nb; j++) {
      const v = this.routeClientsB[j];
      const pl = loc[ls.locatedPrev(v)];
      const nl = loc[ls.locatedNext(v)];
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
        let afterU = ls.prev[v];
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
        let afterV = ls.prev[u];
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
    const newA = this.buildExchanged(ra, bestU, bestV, bestAfterV, ls.list);
    const newB = this.buildExchanged(rb, bestV, bestU, bestAfterU, ls.listB);
    const t1 = ls.T + 4;
    const t2 = ls.T + 5;
    ls.fold(t1, ls.list, newA, ra);
    ls.fold(t2, ls.listB, newB, rb);
    const costA = ls.segs.cost(t1, ra);
    const costB = ls.segs.cost(t2, rb);
    const delta = costA + costB - ls.routeCost[ra] - ls.routeCost[rb];
    if (delta > -EPS) return false;
    if (!ls.pinsOrdered(ls.list, newA) || !ls.pinsOrdered(ls.listB, newB)) return false;
    ls.relinkRoute(ra, ls.list, newA);
    ls.relinkRoute(rb, ls.listB, newB);
    ls.afterChange(ra, rb);
    return true;
  }

  /** Writes into `out` route r (start to end) with `removed` taken out and `added` put after node `after` (or in place of `removed`). */
  private buildExchanged(r: number, removed: number, added: number, after: number, out: Int32Array): number {
    const ls = this.ls;
    let len = 0;
    const end = ls.endNode(r);
    const inPlace = after === ls.prev[removed];
    for (let x = ls.startNode(r); ; x = ls.next[x]) {
      if (x !== removed) out[len++] = x;
      else if (inPlace) out[len++] = added;
      if (!inPlace && x === after) out[len++] = added;
      if (x === end) break;
    }
    return len;
  }
}

/** Whether two polar sectors (start, end in [0, 65536)) overlap (HGS's CircleSector test). */
function sectorsOverlap(s1: number, e1: number, s2: number, e2: number): boolean {
  return mod16(s2 - s1) <= mod16(e1 - s1) || mod16(s1 - s2) <= mod16(e2 - s2);
}
