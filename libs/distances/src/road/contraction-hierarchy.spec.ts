import { ContractionHierarchy, type Seed } from './contraction-hierarchy';
import { DijkstraSearch } from './dijkstra';
import { RoadGraphBuilder, type RoadGraph } from './road-graph';

/** A seeded generator so every run checks the same random cities. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A grid city with random one-way streets, speeds and missing blocks. */
function randomCity(seed: number, size: number): RoadGraph {
  const rnd = random(seed);
  const builder = new RoadGraphBuilder(`random-${seed}`);
  const node: number[][] = [];
  for (let r = 0; r < size; r++) {
    node.push([]);
    for (let c = 0; c < size; c++) node[r].push(builder.addNode(4.8 + c * 0.002 + rnd() * 0.0005, 52.3 + r * 0.0012 + rnd() * 0.0003));
  }
  const classes = ['residential', 'tertiary', 'secondary', 'living_street'];
  const link = (a: number, b: number): void => {
    if (rnd() < 0.1) return;
    const roll = rnd();
    builder.addEdge({
      from: a,
      to: b,
      highway: classes[Math.floor(rnd() * classes.length)],
      maxspeedKmh: rnd() < 0.3 ? 50 : null,
      direction: roll < 0.2 ? 'forward' : roll < 0.35 ? 'backward' : 'both',
      lengthM: null,
    });
  };
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (c + 1 < size) link(node[r][c], node[r][c + 1]);
      if (r + 1 < size) link(node[r][c], node[r + 1][c]);
      if (rnd() < 0.05 && r + 1 < size && c + 1 < size) link(node[r][c], node[r + 1][c + 1]);
    }
  }
  return builder.build();
}

describe(ContractionHierarchy.name, () => {
  it.each([1, 2, 3])('finds the same fastest times and metres as Dijkstra on random city %i', (seed) => {
    const graph = randomCity(seed, 18);
    const sut = ContractionHierarchy.build(graph);
    const rnd = random(seed * 97);
    const seeds = (count: number): Seed[][] =>
      Array.from({ length: count }, () => {
        const node = Math.floor(rnd() * graph.nodeCount);
        const other = Math.floor(rnd() * graph.nodeCount);
        // Two seeds with offsets, like a point part-way along a road.
        return [
          { node, costS: rnd() * 20, distM: rnd() * 100 },
          { node: other, costS: rnd() * 20, distM: rnd() * 100 },
        ];
      });
    const sources = seeds(15);
    const targets = seeds(15);
    const cost = new Float64Array(15 * 15);
    const dist = new Float64Array(15 * 15);
    sut.manyToMany(sources, targets, cost, dist);
    const dijkstra = new DijkstraSearch(graph);
    for (let i = 0; i < 15; i++) {
      dijkstra.run(sources[i]);
      for (let j = 0; j < 15; j++) {
        let best = Infinity;
        for (const t of targets[j]) best = Math.min(best, dijkstra.costS[t.node] + t.costS);
        expect(cost[i * 15 + j]).toBeCloseTo(best, 6);
        const path = sut.pointToPoint(sources[i], targets[j]);
        expect(path?.costS).toBeCloseTo(best, 6);
        expect(path?.distM).toBeCloseTo(dist[i * 15 + j], 6);
        // The unpacked path is a chain of original arcs whose weights add up.
        const seedCost = sources[i].find((s) => s.node === path!.startNode)!.costS;
        const endCost = targets[j].find((t) => t.node === path!.endNode)!.costS;
        let walked = seedCost + endCost;
        let at = path!.startNode;
        for (const arc of path!.arcs) {
          expect(graph.arcTail[arc]).toBe(at);
          walked += graph.arcWeightS[arc];
          at = graph.arcHead[arc];
        }
        expect(at).toBe(path!.endNode);
        expect(walked).toBeCloseTo(best, 6);
      }
    }
  });

  it('adds shortcuts but keeps them few on a grid', () => {
    const graph = randomCity(7, 20);
    const sut = ContractionHierarchy.build(graph);
    expect(sut.shortcutCount).toBeGreaterThan(0);
    expect(sut.shortcutCount).toBeLessThan(3 * graph.arcCount);
    expect(new Set(sut.rank).size).toBe(graph.nodeCount);
  });
});
