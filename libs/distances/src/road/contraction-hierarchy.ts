import { NodeHeap } from './heap';
import type { RoadGraph } from './road-graph';

/** A search start or end: a node reached at an initial cost (a snapped point sits part-way along an edge). */
export interface Seed {
  node: number;
  costS: number;
  distM: number;
}

/** Tuning of the preprocessing; the defaults suit city road graphs. */
export interface ContractionOptions {
  /** Nodes a witness search may settle while ordering (cheap estimate). Default 30. */
  simulateSettleLimit?: number;
  /** Nodes a witness search may settle while contracting for real. Default 150. */
  contractSettleLimit?: number;
}

interface UpwardGraph {
  first: Int32Array;
  head: Int32Array;
  w: Float64Array;
  d: Float64Array;
  id: Int32Array;
}

interface HierarchyParts {
  rank: Int32Array;
  up: UpwardGraph;
  down: UpwardGraph;
  shortcutFirst: Int32Array;
  shortcutSecond: Int32Array;
}

interface DynEdge {
  to: number;
  w: number;
  d: number;
  id: number;
}

/** Element types of the stored arrays, in `arrays()` order. */
const ARRAY_KINDS = [Int32Array, Int32Array, Int32Array, Float64Array, Float64Array, Int32Array, Int32Array, Int32Array, Float64Array, Float64Array, Int32Array, Int32Array, Int32Array] as const;

/** The weight tolerance below which two paths count as equally fast. */
const EPS = 1e-9;

/**
 * A contraction hierarchy over a RoadGraph's arcs (weights in seconds, with
 * metres carried along). Nodes are contracted in order of edge difference,
 * contracted neighbours and depth; shortcuts remember their two halves so
 * any path unpacks to original arcs for its geometry. Queries search upward
 * only, with stall-on-demand; `manyToMany` uses buckets on the backward
 * search spaces, so an n x n matrix costs 2n small searches, not n full ones.
 */
export class ContractionHierarchy {
  readonly rank: Int32Array;
  /** Upward forward graph: arcs u -> w with rank[w] > rank[u], CSR by u. */
  private readonly upFirst: Int32Array;
  private readonly upHead: Int32Array;
  private readonly upW: Float64Array;
  private readonly upD: Float64Array;
  private readonly upId: Int32Array;
  /** Upward backward graph: arcs u -> w with rank[u] > rank[w], CSR by w, head = u. */
  private readonly downFirst: Int32Array;
  private readonly downHead: Int32Array;
  private readonly downW: Float64Array;
  private readonly downD: Float64Array;
  private readonly downId: Int32Array;
  /** Shortcut halves by shortcut index (id - original arc count). */
  private readonly shortcutFirst: Int32Array;
  private readonly shortcutSecond: Int32Array;
  readonly shortcutCount: number;
  private readonly originalArcs: number;

  // Reusable search state.
  private readonly heapF: NodeHeap;
  private readonly heapB: NodeHeap;
  private readonly costF: Float64Array;
  private readonly costB: Float64Array;
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  private readonly parentF: Int32Array;
  private readonly parentB: Int32Array;
  private readonly touchedF: number[] = [];
  private readonly touchedB: number[] = [];

  private constructor(
    readonly graph: RoadGraph,
    parts: HierarchyParts,
  ) {
    const n = graph.nodeCount;
    this.rank = parts.rank;
    this.upFirst = parts.up.first;
    this.upHead = parts.up.head;
    this.upW = parts.up.w;
    this.upD = parts.up.d;
    this.upId = parts.up.id;
    this.downFirst = parts.down.first;
    this.downHead = parts.down.head;
    this.downW = parts.down.w;
    this.downD = parts.down.d;
    this.downId = parts.down.id;
    this.shortcutFirst = parts.shortcutFirst;
    this.shortcutSecond = parts.shortcutSecond;
    this.shortcutCount = parts.shortcutFirst.length;
    this.originalArcs = graph.arcCount;
    this.heapF = new NodeHeap(n);
    this.heapB = new NodeHeap(n);
    this.costF = new Float64Array(n).fill(Infinity);
    this.costB = new Float64Array(n).fill(Infinity);
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.parentF = new Int32Array(n).fill(-1);
    this.parentB = new Int32Array(n).fill(-1);
  }

  /** Preprocesses the graph; a few seconds for a city of 30,000 junctions. */
  static build(graph: RoadGraph, options: ContractionOptions = {}): ContractionHierarchy {
    return new ContractionHierarchy(graph, contract(graph, options.simulateSettleLimit ?? 30, options.contractSettleLimit ?? 150));
  }

  /**
   * The hierarchy as bytes (a JSON header, then the typed arrays), to be
   * stored next to the matrix cache and loaded by `fromBytes` on the next start.
   */
  toBytes(): Buffer {
    const arrays = this.arrays();
    const header = Buffer.from(JSON.stringify({ format: 'vulgraad-ch', version: 1, fingerprint: this.graph.fingerprint, lengths: arrays.map((a) => a.length) }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    return Buffer.concat([length, header, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
  }

  /** Restores a hierarchy written by `toBytes` for this very graph; null when the bytes belong to another graph or are damaged. */
  static fromBytes(graph: RoadGraph, bytes: Uint8Array): ContractionHierarchy | null {
    try {
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = view.readUInt32LE(0);
      const header = JSON.parse(view.subarray(4, 4 + headerLength).toString('utf8')) as { format?: string; version?: number; fingerprint?: string; lengths?: number[] };
      if (header.format !== 'vulgraad-ch' || header.version !== 1 || header.fingerprint !== graph.fingerprint || !Array.isArray(header.lengths) || header.lengths.length !== ARRAY_KINDS.length) return null;
      let offset = 4 + headerLength;
      const arrays = ARRAY_KINDS.map((Kind, k) => {
        const count = (header.lengths as number[])[k];
        const byteLength = count * Kind.BYTES_PER_ELEMENT;
        if (offset + byteLength > view.length) throw new Error('truncated');
        // A copy, so the arrays are aligned whatever the header length.
        const copy = new Uint8Array(byteLength);
        copy.set(view.subarray(offset, offset + byteLength));
        offset += byteLength;
        return new Kind(copy.buffer);
      });
      if (offset !== view.length || arrays[0].length !== graph.nodeCount) return null;
      const [rank, upFirst, upHead, upW, upD, upId, downFirst, downHead, downW, downD, downId, shortcutFirst, shortcutSecond] = arrays;
      return new ContractionHierarchy(graph, {
        rank: rank as Int32Array,
        up: { first: upFirst as Int32Array, head: upHead as Int32Array, w: upW as Float64Array, d: upD as Float64Array, id: upId as Int32Array },
        down: { first: downFirst as Int32Array, head: downHead as Int32Array, w: downW as Float64Array, d: downD as Float64Array, id: downId as Int32Array },
        shortcutFirst: shortcutFirst as Int32Array,
        shortcutSecond: shortcutSecond as Int32Array,
      });
    } catch {
      return null;
    }
  }

  private arrays(): Array<Int32Array | Float64Array> {
    return [
      this.rank,
      this.upFirst,
      this.upHead,
      this.upW,
      this.upD,
      this.upId,
      this.downFirst,
      this.downHead,
      this.downW,
      this.downD,
      this.downId,
      this.shortcutFirst,
      this.shortcutSecond,
    ];
  }

  /**
   * Shortest (fastest) paths from every source to every target, each side
   * given as seeds. Fills row-major `costS`/`distM` (sources x targets).
   */
  manyToMany(sources: ReadonlyArray<readonly Seed[]>, targets: ReadonlyArray<readonly Seed[]>, costS: Float64Array, distM: Float64Array): void {
    const nt = targets.length;
    costS.fill(Infinity);
    distM.fill(Infinity);
    // Backward searches: collect (node, target, cost, dist) entries, then bucket them by node.
    const entryNode: number[] = [];
    const entryTarget: number[] = [];
    const entryCost: number[] = [];
    const entryDist: number[] = [];
    for (let j = 0; j < nt; j++) {
      this.upwardSearch(targets[j], false, (node, cost, dist) => {
        entryNode.push(node);
        entryTarget.push(j);
        entryCost.push(cost);
        entryDist.push(dist);
      });
    }
    const n = this.graph.nodeCount;
    const bucketStart = new Int32Array(n + 1);
    for (const node of entryNode) bucketStart[node + 1]++;
    for (let v = 0; v < n; v++) bucketStart[v + 1] += bucketStart[v];
    const fill = bucketStart.slice(0, n);
    const bTarget = new Int32Array(entryNode.length);
    const bCost = new Float64Array(entryNode.length);
    const bDist = new Float64Array(entryNode.length);
    for (let k = 0; k < entryNode.length; k++) {
      const at = fill[entryNode[k]]++;
      bTarget[at] = entryTarget[k];
      bCost[at] = entryCost[k];
      bDist[at] = entryDist[k];
    }
    for (let i = 0; i < sources.length; i++) {
      const row = i * nt;
      this.upwardSearch(sources[i], true, (node, cost, dist) => {
        for (let p = bucketStart[node]; p < bucketStart[node + 1]; p++) {
          const total = cost + bCost[p];
          const cell = row + bTarget[p];
          if (total < costS[cell]) {
            costS[cell] = total;
            distM[cell] = dist + bDist[p];
          }
        }
      });
    }
  }

  /**
   * The fastest path between two seed sets: cost, metres and the original
   * arcs in driving order (empty when source and target meet at one node).
   * Null when no path exists.
   */
  pointToPoint(sources: readonly Seed[], targets: readonly Seed[]): { costS: number; distM: number; arcs: number[]; startNode: number; endNode: number } | null {
    const { heapF, heapB, costF, costB, distF, distB, parentF, parentB } = this;
    this.reset();
    for (const s of sources) this.seed(s, true);
    for (const t of targets) this.seed(t, false);
    let best = Infinity;
    let meet = -1;
    let forwardTurn = true;
    while (!heapF.isEmpty || !heapB.isEmpty) {
      if (Math.min(heapF.minKey, heapB.minKey) >= best) break;
      const forward = heapB.isEmpty ? true : heapF.isEmpty ? false : forwardTurn;
      forwardTurn = !forwardTurn;
      const heap = forward ? heapF : heapB;
      if (heap.minKey >= best) continue;
      const v = heap.pop();
      const cost = forward ? costF[v] : costB[v];
      const other = forward ? costB[v] : costF[v];
      if (cost + other < best) {
        best = cost + other;
        meet = v;
      }
      if (this.stalled(v, cost, forward)) continue;
      this.relax(v, forward);
    }
    if (meet < 0) return null;
    const arcs: number[] = [];
    // Forward half: walk parents back to a seed, then reverse.
    const forwardIds: number[] = [];
    let v = meet;
    while (parentF[v] >= 0) {
      forwardIds.push(parentF[v]);
      v = this.arcTailOf(parentF[v]);
    }
    const startNode = v;
    for (let k = forwardIds.length - 1; k >= 0; k--) this.unpack(forwardIds[k], arcs);
    v = meet;
    while (parentB[v] >= 0) {
      this.unpack(parentB[v], arcs);
      v = this.arcHeadOf(parentB[v]);
    }
    return { costS: best, distM: distF[meet] + distB[meet], arcs, startNode, endNode: v };
  }

  /** Expands an arc id (original or shortcut) into original arcs, in order. */
  unpack(id: number, out: number[]): void {
    const stack = [id];
    while (stack.length > 0) {
      const a = stack.pop() as number;
      if (a < this.originalArcs) out.push(a);
      else {
        const k = a - this.originalArcs;
        stack.push(this.shortcutSecond[k], this.shortcutFirst[k]);
      }
    }
  }

  private arcTailOf(id: number): number {
    let a = id;
    while (a >= this.originalArcs) a = this.shortcutFirst[a - this.originalArcs];
    return this.graph.arcTail[a];
  }

  private arcHeadOf(id: number): number {
    let a = id;
    while (a >= this.originalArcs) a = this.shortcutSecond[a - this.originalArcs];
    return this.graph.arcHead[a];
  }

  private reset(): void {
    for (const v of this.touchedF) {
      this.costF[v] = Infinity;
      this.parentF[v] = -1;
    }
    for (const v of this.touchedB) {
      this.costB[v] = Infinity;
      this.parentB[v] = -1;
    }
    this.touchedF.length = 0;
    this.touchedB.length = 0;
    this.heapF.clear();
    this.heapB.clear();
  }

  private seed(s: Seed, forward: boolean): void {
    const cost = forward ? this.costF : this.costB;
    if (s.costS >= cost[s.node]) return;
    if (cost[s.node] === Infinity) (forward ? this.touchedF : this.touchedB).push(s.node);
    cost[s.node] = s.costS;
    (forward ? this.distF : this.distB)[s.node] = s.distM;
    (forward ? this.parentF : this.parentB)[s.node] = -1;
    (forward ? this.heapF : this.heapB).push(s.node, s.costS);
  }

  /** A node whose cost can be beaten through a higher neighbour is not on any shortest up-down path. */
  private stalled(v: number, cost: number, forward: boolean): boolean {
    if (forward) {
      const costF = this.costF;
      for (let p = this.downFirst[v]; p < this.downFirst[v + 1]; p++) if (costF[this.downHead[p]] + this.downW[p] < cost - EPS) return true;
    } else {
      const costB = this.costB;
      for (let p = this.upFirst[v]; p < this.upFirst[v + 1]; p++) if (costB[this.upHead[p]] + this.upW[p] < cost - EPS) return true;
    }
    return false;
  }

  private relax(v: number, forward: boolean): void {
    const first = forward ? this.upFirst : this.downFirst;
    const head = forward ? this.upHead : this.downHead;
    const weight = forward ? this.upW : this.downW;
    const metres = forward ? this.upD : this.downD;
    const ids = forward ? this.upId : this.downId;
    const cost = forward ? this.costF : this.costB;
    const dist = forward ? this.distF : this.distB;
    const parent = forward ? this.parentF : this.parentB;
    const touched = forward ? this.touchedF : this.touchedB;
    const heap = forward ? this.heapF : this.heapB;
    const base = cost[v];
    const baseDist = dist[v];
    for (let p = first[v]; p < first[v + 1]; p++) {
      const w = head[p];
      const next = base + weight[p];
      if (next < cost[w]) {
        if (cost[w] === Infinity) touched.push(w);
        cost[w] = next;
        dist[w] = baseDist + metres[p];
        parent[w] = ids[p];
        heap.push(w, next);
      }
    }
  }

  /** Runs one complete upward search and reports every settled, unstalled node. */
  private upwardSearch(seeds: readonly Seed[], forward: boolean, settled: (node: number, cost: number, dist: number) => void): void {
    this.reset();
    for (const s of seeds) this.seed(s, forward);
    const heap = forward ? this.heapF : this.heapB;
    const cost = forward ? this.costF : this.costB;
    const dist = forward ? this.distF : this.distB;
    while (!heap.isEmpty) {
      const v = heap.pop();
      if (this.stalled(v, cost[v], forward)) continue;
      settled(v, cost[v], dist[v]);
      this.relax(v, forward);
    }
  }
}

/** Removes (unordered) every edge of the list that points at `node`. */
function removeTo(list: DynEdge[], node: number): void {
  for (let k = list.length - 1; k >= 0; k--) {
    if (list[k].to === node) {
      list[k] = list[list.length - 1];
      list.pop();
    }
  }
}

/** The contraction itself: node order, shortcuts, and the two upward graphs. */
function contract(graph: RoadGraph, simulateLimit: number, contractLimit: number): HierarchyParts {
  const n = graph.nodeCount;
  const out: DynEdge[][] = Array.from({ length: n }, () => []);
  const inn: DynEdge[][] = Array.from({ length: n }, () => []);
  const shortcutFirst: number[] = [];
  const shortcutSecond: number[] = [];
  const originalArcs = graph.arcCount;

  // Keep the fastest of parallel arcs.
  const addEdge = (u: number, w: number, weight: number, metres: number, id: number): void => {
    const list = out[u];
    for (const e of list) {
      if (e.to === w) {
        if (weight < e.w - EPS) {
          e.w = weight;
          e.d = metres;
          e.id = id;
          const back = inn[w].find((b) => b.to === u) as DynEdge;
          back.w = weight;
          back.d = metres;
          back.id = id;
        }
        return;
      }
    }
    list.push({ to: w, w: weight, d: metres, id });
    inn[w].push({ to: u, w: weight, d: metres, id });
  };
  for (let a = 0; a < graph.arcCount; a++) {
    const u = graph.arcTail[a];
    const w = graph.arcHead[a];
    if (u !== w) addEdge(u, w, graph.arcWeightS[a], graph.arcDistM[a], a);
  }

  const contracted = new Uint8Array(n);
  const deletedNeighbours = new Int32Array(n);
  const depth = new Int32Array(n);
  const witnessCost = new Float64Array(n).fill(Infinity);
  const witnessHeap = new NodeHeap(n);
  const touched: number[] = [];

  const isTarget = new Uint8Array(n);
  /** Dijkstra from `source` avoiding `skip`, up to `limit` cost and `settleLimit` nodes, or until all `targetCount` targets settle. */
  const witness = (source: number, skip: number, limit: number, settleLimit: number, targetCount: number): void => {
    for (const v of touched) witnessCost[v] = Infinity;
    touched.length = 0;
    witnessHeap.clear();
    witnessCost[source] = 0;
    touched.push(source);
    witnessHeap.push(source, 0);
    let settledCount = 0;
    let targetsLeft = targetCount - (isTarget[source] ? 1 : 0);
    while (!witnessHeap.isEmpty) {
      const v = witnessHeap.pop();
      const c = witnessCost[v];
      if (c > limit || ++settledCount > settleLimit) break;
      if (isTarget[v] && v !== source && --targetsLeft <= 0) break;
      const edges = out[v];
      for (let k = 0; k < edges.length; k++) {
        const e = edges[k];
        if (e.to === skip) continue;
        const next = c + e.w;
        if (next < witnessCost[e.to]) {
          if (witnessCost[e.to] === Infinity) touched.push(e.to);
          witnessCost[e.to] = next;
          witnessHeap.push(e.to, next);
        }
      }
    }
  };

  /** Shortcuts needed to contract v: calls `emit` for each (or just counts when emit is absent). */
  const shortcutsFor = (v: number, settleLimit: number, emit?: (u: number, w: number, weight: number, metres: number, first: number, second: number) => void): number => {
    let count = 0;
    const outs = out[v];
    if (outs.length === 0) return 0;
    let maxOut = 0;
    for (const e of outs) {
      if (e.w > maxOut) maxOut = e.w;
      isTarget[e.to] = 1;
    }
    for (const inEdge of inn[v]) {
      const u = inEdge.to;
      witness(u, v, inEdge.w + maxOut, settleLimit, outs.length);
      for (const outEdge of outs) {
        const w = outEdge.to;
        if (w === u) continue;
        const via = inEdge.w + outEdge.w;
        if (witnessCost[w] <= via + EPS) continue;
        count++;
        emit?.(u, w, via, inEdge.d + outEdge.d, inEdge.id, outEdge.id);
      }
    }
    for (const e of outs) isTarget[e.to] = 0;
    return count;
  };

  const priority = (v: number): number => {
    // Edges to contracted nodes are removed as they go, so the lists hold live neighbours only.
    const degree = out[v].length + inn[v].length;
    const added = shortcutsFor(v, simulateLimit);
    return 2 * (added - degree) + deletedNeighbours[v] + depth[v];
  };

  const queue = new NodeHeap(n);
  for (let v = 0; v < n; v++) queue.push(v, priority(v));
  const rank = new Int32Array(n);
  const upLists: DynEdge[][] = Array.from({ length: n }, () => []);
  const downLists: DynEdge[][] = Array.from({ length: n }, () => []);
  let order = 0;
  while (!queue.isEmpty) {
    const v = queue.pop();
    // Lazy update: re-queue when the priority went stale and another node is now cheaper.
    const fresh = priority(v);
    if (!queue.isEmpty && fresh > queue.minKey) {
      queue.push(v, fresh);
      continue;
    }
    rank[v] = order++;
    for (const e of out[v]) upLists[v].push({ ...e });
    for (const e of inn[v]) downLists[v].push({ ...e });
    shortcutsFor(v, contractLimit, (u, w, weight, metres, first, second) => {
      const id = originalArcs + shortcutFirst.length;
      shortcutFirst.push(first);
      shortcutSecond.push(second);
      addEdge(u, w, weight, metres, id);
    });
    contracted[v] = 1;
    const neighbours = new Set<number>();
    for (const e of out[v]) neighbours.add(e.to);
    for (const e of inn[v]) neighbours.add(e.to);
    for (const u of neighbours) {
      deletedNeighbours[u]++;
      if (depth[u] < depth[v] + 1) depth[u] = depth[v] + 1;
      // Drop edges to the contracted node so later witness searches and degrees skip it for free.
      removeTo(out[u], v);
      removeTo(inn[u], v);
      queue.update(u, priority(u));
    }
  }

  const csr = (lists: DynEdge[][]): UpwardGraph => {
    const first = new Int32Array(n + 1);
    for (let v = 0; v < n; v++) first[v + 1] = first[v] + lists[v].length;
    const total = first[n];
    const head = new Int32Array(total);
    const w = new Float64Array(total);
    const d = new Float64Array(total);
    const id = new Int32Array(total);
    for (let v = 0; v < n; v++) {
      let p = first[v];
      for (const e of lists[v]) {
        head[p] = e.to;
        w[p] = e.w;
        d[p] = e.d;
        id[p] = e.id;
        p++;
      }
    }
    return { first, head, w, d, id };
  };
  return {
    rank,
    up: csr(upLists),
    down: csr(downLists),
    shortcutFirst: Int32Array.from(shortcutFirst),
    shortcutSecond: Int32Array.from(shortcutSecond),
  };
}
