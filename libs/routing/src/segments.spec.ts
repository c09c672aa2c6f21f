import fc from 'fast-check';
import { compileProblem } from './instance';
import { BREAK_ITEM, LocalSearch, siteItem } from './local-search';
import { Rng } from './rng';
import { SegStore } from './segments';
import { gridMatrices, stopAt, truck } from './testing/grid';
import type { RoutingProblem } from './model';

/** A route drawn at random: stops with windows, disposal visits and the break anywhere. */
const routeCase = fc.record({
  points: fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 })), { minLength: 9, maxLength: 9 }),
  windows: fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 800 })), { minLength: 6, maxLength: 6 }),
  demand: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
  order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, BREAK_ITEM, siteItem(0), siteItem(1)], { minLength: 1, maxLength: 9 }),
  breakWindow: fc.tuple(fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 0, max: 600 })),
});

type RouteCase = typeof routeCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: RouteCase): { ls: LocalSearch; nodes: number[] } | null {
  const problem: RoutingProblem = {
    ...gridMatrices({ points: c.points }),
    vehicles: [truck('a', [12], { shift: { startS: 0, endS: 4000 }, break: { durationS: 200, window: { startS: c.breakWindow[0], endS: c.breakWindow[0] + c.breakWindow[1] } }, endWithDisposal: false })],
    stops: c.windows.map(([a, w], i) => stopAt(i + 1, [c.demand[i]], { serviceTimeS: 20, timeWindow: { startS: a, endS: a + w } })),
    disposalSites: [
      { id: 'x', locationIndex: 7, serviceTimeS: 60, openingWindow: { startS: 0, endS: 2500 } },
      { id: 'y', locationIndex: 8, serviceTimeS: 30 },
    ],
  };
  // The check refuses stops no truck can reach; widen the shift so every case is valid input.
  problem.vehicles[0].shift = { startS: 0, endS: 100000 };
  let inst;
  try {
    inst = compileProblem(problem);
  } catch {
    // A window no truck can reach: not a route the search would ever hold.
    return null;
  }
  const ls = new LocalSearch(inst, new Rng(1));
  const items = c.order.includes(BREAK_ITEM) ? c.order : [...c.order, BREAK_ITEM];
  ls.load([Int32Array.from(items)]);
  const nodes: number[] = [];
  for (let x = ls.startNode(0); x !== -1; x = x === ls.endNode(0) ? -1 : ls.next[x]) nodes.push(x);
  return { ls, nodes };
}

describe(SegStore.name, () => {
  it('concatenates associatively: any split of a route gives the same summary as folding it left to right', () => {
    fc.assert(
      fc.property(routeCase, (c) => {
        const built = build(c);
        fc.pre(built !== null);
        const { ls, nodes } = built as NonNullable<typeof built>;
        const sut = ls.segs;
        const single = (x: number): number => 2 * ls.N + x;
        const left = 3 * ls.N + 10;
        const right = 3 * ls.N + 11;
        const joined = 3 * ls.N + 12;
        const whole = 3 * ls.N + 13;
        sut.copy(whole, single(nodes[0]));
        for (let i = 1; i < nodes.length; i++) sut.concat(whole, whole, single(nodes[i]), 0);
        for (let k = 1; k < nodes.length; k++) {
          sut.copy(left, single(nodes[0]));
          for (let i = 1; i < k; i++) sut.concat(left, left, single(nodes[i]), 0);
          sut.copy(right, single(nodes[nodes.length - 1]));
          for (let i = nodes.length - 2; i >= k; i--) sut.concat(right, single(nodes[i]), right, 0);
          sut.concat(joined, left, right, 0);
          for (const field of ['dist', 'D', 'TW', 'E', 'L', 'head', 'tail', 'exc', 'tot'] as const) {
            expect(sut[field][joined]).toBeCloseTo(sut[field][whole], 6);
          }
          expect(sut.cnt[joined]).toBe(sut.cnt[whole]);
        }
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('matches a visit-by-visit simulation: leaving at E takes D seconds and warps TW seconds', () => {
    fc.assert(
      fc.property(routeCase, (c) => {
        const built = build(c);
        fc.pre(built !== null);
        const { ls, nodes } = built as NonNullable<typeof built>;
        const sut = ls.segs;
        const inst = ls.inst;
        const full = ls.endNode(0);
        const n = inst.n;
        const dur = inst.durs[0];
        let t = sut.E[full];
        const begin = t;
        let warp = 0;
        let prevLoc = ls.nodeLoc[nodes[0]];
        let pendingBreak = false;
        for (let i = 1; i < nodes.length; i++) {
          const x = nodes[i];
          const kind = ls.nodeKind[x];
          if (kind === 3) {
            pendingBreak = true;
            continue;
          }
          const loc = ls.nodeLoc[x];
          const travel = dur[prevLoc * n + loc];
          let e: number;
          let l: number;
          let service = 0;
          if (x < inst.nC) {
            e = inst.cE[x];
            l = inst.cL[x];
            service = inst.cService[x];
          } else if (kind === 4) {
            const s = ls.nodeSite[x];
            e = inst.sE[s];
            l = inst.sL[s];
            service = inst.sService[s];
          } else {
            e = inst.vEndE[0];
            l = inst.vEndL[0];
          }
          if (pendingBreak) {
            // Leave no earlier than window start minus the leg; late if leaving after the window.
            const leave = Math.max(t, inst.vBreakE[0] - travel);
            if (leave > inst.vBreakL[0]) {
              warp += leave - inst.vBreakL[0];
              t = inst.vBreakL[0] + travel + inst.vBreakDur[0];
            } else t = leave + travel + inst.vBreakDur[0];
            pendingBreak = false;
          } else t += travel;
          if (t < e) t = e;
          if (t > l) {
            warp += t - l;
            t = l;
          }
          t += service;
          prevLoc = loc;
        }
        // Time warp sets the clock back but still counts in the duration (Vidal 2013).
        expect(t - begin + warp).toBeCloseTo(sut.D[full], 6);
        expect(warp).toBeCloseTo(sut.TW[full], 6);
      }),
      { seed: 12, numRuns: 80 },
    );
  });
});
