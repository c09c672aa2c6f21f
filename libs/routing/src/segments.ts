import { FAR, type Instance } from './instance';

/** Segment has at least one located node. */
export const CORE = 1;
/** Segment starts with the break whose incoming travel is not known yet. */
export const OPEN_START = 2;
/** Segment ends with the break whose outgoing travel is not known yet. */
export const OPEN_END = 4;
/** Segment contains a disposal visit (the truck is emptied inside it). */
export const RELOAD = 8;

/**
 * Summaries of route segments, stored struct-of-arrays by slot, that
 * concatenate in O(1) (Vidal et al. 2013 for time windows; loads are kept
 * per trip so that disposal visits inside a segment close trips):
 * - time: minimum duration D, time warp TW, earliest and latest start E/L;
 * - distance, number of stops;
 * - per capacity dimension: load before the first disposal visit (head),
 *   after the last one (tail), excess of the trips closed inside (exc), and
 *   the total collected (tot, for the daily capacity).
 *
 * The break is a node without a location. It is taken somewhere on the leg
 * between its neighbours, so a segment that begins or ends with it is "open"
 * until the neighbour on that side is known; concatenation then folds the
 * leg and the break into one node of duration travel + break that must start
 * (leave the previous stop) no later than the break window's end and no
 * earlier than window start minus the travel time.
 */
export class SegStore {
  readonly dist: Float64Array;
  readonly D: Float64Array;
  readonly TW: Float64Array;
  readonly E: Float64Array;
  readonly L: Float64Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly brk: Int32Array;
  readonly cnt: Int32Array;
  readonly flags: Uint8Array;
  readonly head: Float64Array;
  readonly tail: Float64Array;
  readonly exc: Float64Array;
  readonly tot: Float64Array;
  private readonly K: number;
  private readonly n: number;
  private readonly matrix: Float32Array;
  private readonly durs: Float64Array[];
  private readonly timed: boolean;
  /** Penalty per unit of load excess (first dimension's unit). */
  penLoad = 1;
  /** Penalty per second of time warp. */
  penTW = 1;
  /** Penalty weight of one stop over `maxStops`. */
  stopWeight = 1;

  constructor(
    slots: number,
    private readonly inst: Instance,
    /** Break duration / window by break node id. */
    private readonly nodeService: Float64Array,
    private readonly nodeE: Float64Array,
    private readonly nodeL: Float64Array,
  ) {
    const K = inst.dims;
    this.K = K;
    this.n = inst.n;
    this.matrix = inst.searchDist;
    this.durs = inst.durs;
    this.timed = inst.timed;
    this.dist = new Float64Array(slots);
    this.D = new Float64Array(slots);
    this.TW = new Float64Array(slots);
    this.E = new Float64Array(slots);
    this.L = new Float64Array(slots);
    this.first = new Int32Array(slots);
    this.last = new Int32Array(slots);
    this.brk = new Int32Array(slots);
    this.cnt = new Int32Array(slots);
    this.flags = new Uint8Array(slots);
    this.head = new Float64Array(slots * K);
    this.tail = new Float64Array(slots * K);
    this.exc = new Float64Array(slots * K);
    this.tot = new Float64Array(slots * K);
  }

  /** Makes slot `o` the empty segment. */
  clear(o: number): void {
    this.dist[o] = 0;
    this.D[o] = 0;
    this.TW[o] = 0;
    this.E[o] = -FAR;
    this.L[o] = FAR;
    this.first[o] = -1;
    this.last[o] = -1;
    this.brk[o] = -1;
    this.cnt[o] = 0;
    this.flags[o] = 0;
    const K = this.K;
    for (let k = 0; k < K; k++) {
      this.head[o * K + k] = 0;
      this.tail[o * K + k] = 0;
      this.exc[o * K + k] = 0;
      this.tot[o * K + k] = 0;
    }
  }

  /** Sets slot `o` to a single located node. */
  setNode(o: number, loc: number, service: number, e: number, l: number, reload: boolean, clients: number): void {
    this.clear(o);
    this.D[o] = service;
    this.E[o] = e;
    this.L[o] = l;
    this.first[o] = loc;
    this.last[o] = loc;
    this.cnt[o] = clients;
    this.flags[o] = CORE | (reload ? RELOAD : 0);
  }

  /** Sets slot `o` to the lone break node `node`. */
  setBreak(o: number, node: number): void {
    this.clear(o);
    this.flags[o] = OPEN_START | OPEN_END;
    this.brk[o] = node;
  }

  copy(o: number, a: number): void {
    if (o === a) return;
    this.dist[o] = this.dist[a];
    this.D[o] = this.D[a];
    this.TW[o] = this.TW[a];
    this.E[o] = this.E[a];
    this.L[o] = this.L[a];
    this.first[o] = this.first[a];
    this.last[o] = this.last[a];
    this.brk[o] = this.brk[a];
    this.cnt[o] = this.cnt[a];
    this.flags[o] = this.flags[a];
    const K = this.K;
    for (let k = 0; k < K; k++) {
      this.head[o * K + k] = this.head[a * K + k];
      this.tail[o * K + k] = this.tail[a * K + k];
      this.exc[o * K + k] = this.exc[a * K + k];
      this.tot[o * K + k] = this.tot[a * K + k];
    }
  }

  /** o = a followed by b, driven by route r's vehicle (its duration profile and trip capacity). `o` may alias `a` or `b`. */
  concat(o: number, a: number, b: number, r: number): void {
    const fa = this.flags[a];
    const fb = this.flags[b];
    if ((fa & CORE) === 0) {
      if ((fa & OPEN_START) !== 0 && (fb & CORE) !== 0) {
        const bk = this.brk[a];
        this.copy(o, b);
        this.flags[o] |= OPEN_START;
        this.brk[o] = bk;
      } else if ((fa & OPEN_START) !== 0) {
        this.copy(o, a);
      } else {
        this.copy(o, b);
      }
      return;
    }
    if ((fb & CORE) === 0) {
      const open = (fb & OPEN_START) !== 0;
      const bk = this.brk[b];
      this.copy(o, a);
      if (open) {
        this.flags[o] |= OPEN_END;
        this.brk[o] = bk;
      }
      return;
    }
    const i = this.last[a];
    const j = this.first[b];
    const firstA = this.first[a];
    const lastB = this.last[b];
    const ij = i * this.n + j;
    const resolves = ((fa & OPEN_END) | (fb & OPEN_START)) !== 0;
    const outBrk = (fa & OPEN_START) !== 0 ? this.brk[a] : (fb & OPEN_END) !== 0 ? this.brk[b] : -1;
    this.dist[o] = this.dist[a] + this.dist[b] + this.matrix[ij];
    if (this.timed) {
      const t = this.durs[this.inst.vProfile[r]][ij];
      let aD = this.D[a];
      let aTW = this.TW[a];
      let aE = this.E[a];
      let aL = this.L[a];
      let c = t;
      if (resolves) {
        const bk = (fa & OPEN_END) !== 0 ? this.brk[a] : this.brk[b];
        const bD = t + this.nodeService[bk];
        const bE = this.nodeE[bk] - t;
        const bL = this.nodeL[bk];
        const delta0 = aD - aTW;
        const wt0 = bE - delta0 - aL > 0 ? bE - delta0 - aL : 0;
        const tw0 = aE + delta0 - bL > 0 ? aE + delta0 - bL : 0;
        const nE = (bE - delta0 > aE ? bE - delta0 : aE) - wt0;
        const nL = (bL - delta0 < aL ? bL - delta0 : aL) + tw0;
        aD = aD + bD + wt0;
        aTW = aTW + tw0;
        aE = nE;
        aL = nL;
        c = 0;
      }
      const Eb = this.E[b];
      const Lb = this.L[b];
      const delta = aD - aTW + c;
      const wt = Eb - delta - aL > 0 ? Eb - delta - aL : 0;
      const tw = aE + delta - Lb > 0 ? aE + delta - Lb : 0;
      this.D[o] = aD + this.D[b] + c + wt;
      this.TW[o] = aTW + this.TW[b] + tw;
      this.E[o] = (Eb - delta > aE ? Eb - delta : aE) - wt;
      this.L[o] = (Lb - delta < aL ? Lb - delta : aL) + tw;
    }
    this.first[o] = firstA;
    this.last[o] = lastB;
    this.cnt[o] = this.cnt[a] + this.cnt[b];
    this.brk[o] = outBrk;
    this.flags[o] = CORE | (fa & OPEN_START) | (fb & OPEN_END) | ((fa | fb) & RELOAD);
    const K = this.K;
    const ra = (fa & RELOAD) !== 0;
    const rb = (fb & RELOAD) !== 0;
    const cap = this.inst.vCap;
    for (let k = 0; k < K; k++) {
      const ia = a * K + k;
      const ib = b * K + k;
      const io = o * K + k;
      const ha = this.head[ia];
      const hb = this.head[ib];
      const total = this.tot[ia] + this.tot[ib];
      if (!ra) {
        this.head[io] = ha + hb;
        if (!rb) {
          this.tail[io] = 0;
          this.exc[io] = 0;
        } else {
          this.tail[io] = this.tail[ib];
          this.exc[io] = this.exc[ib];
        }
      } else if (!rb) {
        this.head[io] = ha;
        this.tail[io] = this.tail[ia] + hb;
        this.exc[io] = this.exc[ia];
      } else {
        const mid = this.tail[ia] + hb - cap[r * K + k];
        this.head[io] = ha;
        this.exc[io] = this.exc[ia] + this.exc[ib] + (mid > 0 ? mid : 0);
        this.tail[io] = this.tail[ib];
      }
      this.tot[io] = total;
    }
  }

  /**
   * Penalised cost of route r made of slots a, b (, c (, d)) in that order,
   * computed in registers without writing a slot. Only for segments without
   * an open break and a single capacity dimension; returns NaN otherwise so
   * the caller falls back to `concat` + `cost`.
   */
  chainCost(r: number, count: number, a: number, b: number, c: number, d: number): number {
    const flags = this.flags;
    if (this.K !== 1) return NaN;
    const fa = flags[a];
    if ((fa & (OPEN_START | OPEN_END)) !== 0 || (fa & CORE) === 0) return NaN;
    const inst = this.inst;
    const n = this.n;
    const matrix = this.matrix;
    const timed = this.timed;
    const dur = this.durs[timed ? inst.vProfile[r] : 0];
    const cap = inst.vCap[r];
    let dist = this.dist[a];
    let D = this.D[a];
    let TW = this.TW[a];
    let E = this.E[a];
    let L = this.L[a];
    let last = this.last[a];
    let cnt = this.cnt[a];
    let reload = (fa & RELOAD) !== 0;
    let head = this.head[a];
    let tail = this.tail[a];
    let exc = this.exc[a];
    let tot = this.tot[a];
    for (let i = 1; i < count; i++) {
      const s = i === 1 ? b : i === 2 ? c : d;
      const fs = flags[s];
      if ((fs & (OPEN_START | OPEN_END)) !== 0) return NaN;
      if ((fs & CORE) === 0) continue;
      const ij = last * n + this.first[s];
      dist += matrix[ij] + this.dist[s];
      if (timed) {
        const t = dur[ij];
        const Eb = this.E[s];
        const Lb = this.L[s];
        const delta = D - TW + t;
        const wt = Eb - delta - L > 0 ? Eb - delta - L : 0;
        const tw = E + delta - Lb > 0 ? E + delta - Lb : 0;
        D = D + this.D[s] + t + wt;
        TW = TW + this.TW[s] + tw;
        const nE = (Eb - delta > E ? Eb - delta : E) - wt;
        L = (Lb - delta < L ? Lb - delta : L) + tw;
        E = nE;
      }
      const hb = this.head[s];
      if ((fs & RELOAD) === 0) {
        if (!reload) head += hb;
        else tail += hb;
      } else if (!reload) {
        head += hb;
        tail = this.tail[s];
        exc = this.exc[s];
        reload = true;
      } else {
        const mid = tail + hb - cap;
        exc += this.exc[s] + (mid > 0 ? mid : 0);
        tail = this.tail[s];
      }
      tot += this.tot[s];
      cnt += this.cnt[s];
      last = this.last[s];
    }
    if (cnt === 0 && inst.vAlwaysUsed[r] === 0) return 0;
    let excess = head - cap > 0 ? head - cap : 0;
    if (reload) excess += exc + (tail > cap ? tail - cap : 0);
    const daily = tot - inst.vRouteCap[r];
    if (daily > 0) excess += daily;
    const stops = cnt - inst.vMaxStops[r];
    if (stops > 0) excess += stops * this.stopWeight;
    let cost = inst.vFixed[r] + inst.vCDist[r] * dist + this.penLoad * excess * inst.dimWeight[0];
    if (timed) {
      const over = D - inst.vMaxDur[r];
      cost += inst.vCTime[r] * D + this.penTW * (TW + (over > 0 ? over : 0));
    }
    return cost;
  }

  /** Load over capacity of a whole route held in slot o (weighted sum over dimensions, trips, daily limit and stop count). */
  loadExcess(o: number, r: number): number {
    const K = this.K;
    const inst = this.inst;
    const reload = (this.flags[o] & RELOAD) !== 0;
    let excess = 0;
    for (let k = 0; k < K; k++) {
      const cap = inst.vCap[r * K + k];
      const io = o * K + k;
      let e = this.head[io] - cap > 0 ? this.head[io] - cap : 0;
      if (reload) {
        e += this.exc[io];
        if (this.tail[io] > cap) e += this.tail[io] - cap;
      }
      const daily = this.tot[io] - inst.vRouteCap[r * K + k];
      if (daily > 0) e += daily;
      excess += e * inst.dimWeight[k];
    }
    const stops = this.cnt[o] - inst.vMaxStops[r];
    if (stops > 0) excess += stops * this.stopWeight;
    return excess;
  }

  /** Time warp of a whole route in slot o, including going over the maximum duration. */
  timeWarp(o: number, r: number): number {
    if (!this.timed) return 0;
    const over = this.D[o] - this.inst.vMaxDur[r];
    return this.TW[o] + (over > 0 ? over : 0);
  }

  /** Cost of a whole route in slot o without penalties (0 for an unused vehicle). */
  rawCost(o: number, r: number): number {
    const inst = this.inst;
    if (this.cnt[o] === 0 && inst.vAlwaysUsed[r] === 0) return 0;
    let c = inst.vFixed[r] + inst.vCDist[r] * this.dist[o];
    if (this.timed) c += inst.vCTime[r] * this.D[o];
    return c;
  }

  /** Penalised cost of a whole route in slot o. */
  cost(o: number, r: number): number {
    const inst = this.inst;
    if (this.cnt[o] === 0 && inst.vAlwaysUsed[r] === 0) return 0;
    let c = inst.vFixed[r] + inst.vCDist[r] * this.dist[o] + this.penLoad * this.loadExcess(o, r);
    if (this.timed) {
      const over = this.D[o] - inst.vMaxDur[r];
      c += inst.vCTime[r] * this.D[o] + this.penTW * (this.TW[o] + (over > 0 ? over : 0));
    }
    return c;
  }
}
