import type { LocalSearch } from './local-search';
import { CLIENT, itemSite, LIST_END } from './route-state';

// What the solver says about a solution after the search: how it was made
// feasible when the search ran out of time without a feasible one, and why a
// stop left out did not fit.

/**
 * Makes the current solution feasible by taking stops out: while a route
 * breaks a constraint, the stop whose removal cuts the violation most goes.
 * Then, in drop mode under heavy penalties, the local search puts back
 * whatever fits. Returns the stops taken out for good.
 */
export function dropUntilFeasible(ls: LocalSearch): number[] {
  const HEAVY = 1e6;
  const segs = ls.segs;
  segs.penLoad = HEAVY;
  segs.penTW = HEAVY;
  ls.refreshCosts();
  for (let guard = 0; guard < ls.nC; guard++) {
    let bestGain = 0;
    let bestU = -1;
    let bestOptional = false;
    for (let r = 0; r < ls.R; r++) {
      const o = ls.FWD + ls.endNode(r);
      if (segs.loadExcess(o, r) < 1e-9 && segs.timeWarp(o, r) < 1e-9) continue;
      const base = segs.loadExcess(o, r) + segs.timeWarp(o, r);
      for (let u = ls.next[ls.startNode(r)]; u !== ls.endNode(r); u = ls.next[u]) {
        if (ls.nodeKind[u] !== CLIENT) continue;
        ls.segs.concat(ls.T, ls.FWD + ls.prev[u], ls.BWD + ls.next[u], r);
        const gain = base - (segs.loadExcess(ls.T, r) + segs.timeWarp(ls.T, r));
        const optional = ls.inst.cOptional[u] === 1;
        // Optional stops go first; among equals, the biggest cut in violation.
        if (gain > 1e-9 && ((optional && !bestOptional) || (optional === bestOptional && gain > bestGain))) {
          bestGain = gain;
          bestU = u;
          bestOptional = optional;
        }
      }
    }
    if (bestU < 0) break;
    const r = ls.routeOf[bestU];
    ls.unlink(bestU);
    ls.routeOf[bestU] = -1;
    ls.afterChange(r);
  }
  ls.dropMode = true;
  ls.run(HEAVY, HEAVY);
  const dropped: number[] = [];
  for (let u = 0; u < ls.nC; u++) if (ls.routeOf[u] === -1 && !ls.inst.cOptional[u]) dropped.push(u);
  return dropped;
}

/**
 * Why unrouted stop u does not fit: over all compatible routes and places,
 * whether some place adds no time warp, and whether it then breaks the
 * trip capacity or a daily limit.
 */
export function diagnoseInsertion(ls: LocalSearch, u: number): 'capacity_exhausted' | 'time_exhausted' | 'route_limit_reached' | 'no_compatible_vehicle' {
  const segs = ls.segs;
  let compatible = false;
  let timeOkTrip = false;
  let timeOkDaily = false;
  let anyTimeOk = false;
  for (let r = 0; r < ls.R; r++) {
    if (!ls.allowed(u, r)) continue;
    compatible = true;
    const full = ls.FWD + ls.endNode(r);
    const used = ls.clientsIn(r) > 0 || ls.inst.vAlwaysUsed[r] === 1;
    const warp0 = used ? segs.timeWarp(full, r) : 0;
    const check = (slot: number): void => {
      if (segs.timeWarp(slot, r) > warp0 + 1e-9) return;
      anyTimeOk = true;
      if (ls.tripExcess(slot, r) > (used ? ls.tripExcess(full, r) : 0) + 1e-9) timeOkTrip = true;
      else timeOkDaily = true;
    };
    if (!used) {
      ls.freshRouteCost(r, u);
      const t = ls.T + 8;
      segs.copy(t, ls.SGL + ls.startNode(r));
      for (let i = 0; ls.listB[i] !== LIST_END; i++) {
        const item = ls.listB[i];
        segs.concat(t, t, item >= 0 ? ls.SGL + item : ls.SITE + itemSite(item), r);
      }
      segs.concat(t, t, ls.SGL + ls.endNode(r), r);
      check(t);
      continue;
    }
    for (let p = ls.startNode(r); p !== ls.endNode(r); p = ls.next[p]) {
      ls.segs.concat(ls.T, ls.FWD + p, ls.SGL + u, r);
      ls.segs.concat(ls.T, ls.T, ls.BWD + ls.next[p], r);
      check(ls.T);
    }
  }
  if (!compatible) return 'no_compatible_vehicle';
  if (!anyTimeOk) return 'time_exhausted';
  if (timeOkTrip && !timeOkDaily) return 'capacity_exhausted';
  return 'route_limit_reached';
}
