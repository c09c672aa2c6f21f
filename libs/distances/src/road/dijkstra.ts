import type { Seed } from './contraction-hierarchy';
import { NodeHeap } from './heap';
import type { RoadGraph } from './road-graph';

/**
 * Plain Dijkstra on the road graph's forward arcs, from a set of seeds,
 * stopping once every node in `stopWhenSettled` is settled. The reference
 * the contraction hierarchy is checked against, and the baseline the
 * benchmark compares it with.
 */
export class DijkstraSearch {
  readonly costS: Float64Array;
  readonly distM: Float64Array;
  readonly parentArc: Int32Array;
  private readonly heap: NodeHeap;
  private touched: number[] = [];

  constructor(private readonly graph: RoadGraph) {
    const n = graph.nodeCount;
    this.costS = new Float64Array(n).fill(Infinity);
    this.distM = new Float64Array(n);
    this.parentArc = new Int32Array(n).fill(-1);
    this.heap = new NodeHeap(n);
  }

  /** Runs the search; afterwards costS/distM/parentArc hold the results for every settled node. */
  run(seeds: readonly Seed[], stopWhenSettled?: readonly number[]): void {
    const { graph, costS, distM, parentArc, heap } = this;
    for (const v of this.touched) {
      costS[v] = Infinity;
      parentArc[v] = -1;
    }
    this.touched = [];
    heap.clear();
    for (const s of seeds) {
      if (s.costS < costS[s.node]) {
        if (costS[s.node] === Infinity) this.touched.push(s.node);
        costS[s.node] = s.costS;
        distM[s.node] = s.distM;
        heap.push(s.node, s.costS);
      }
    }
    let waiting = 0;
    const wanted = new Set<number>();
    for (const node of stopWhenSettled ?? []) if (!wanted.has(node)) {
      wanted.add(node);
      waiting++;
    }
    const { firstOut, arcHead, arcWeightS, arcDistM } = graph;
    while (!heap.isEmpty) {
      const v = heap.pop();
      if (stopWhenSettled && wanted.has(v) && --waiting === 0) break;
      const base = costS[v];
      const baseDist = distM[v];
      for (let a = firstOut[v]; a < firstOut[v + 1]; a++) {
        const w = arcHead[a];
        const next = base + arcWeightS[a];
        if (next < costS[w]) {
          if (costS[w] === Infinity) this.touched.push(w);
          costS[w] = next;
          distM[w] = baseDist + arcDistM[a];
          parentArc[w] = a;
          heap.push(w, next);
        }
      }
    }
  }
}
