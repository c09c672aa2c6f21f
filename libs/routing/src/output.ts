import { FAR, type Instance } from './instance';
import { BREAK_ITEM, itemSite, type LocalSearch } from './local-search';
import type { RoutingSolution, SolutionRoute, SolveStats, UnservedStop, Visit } from './model';

const TOLERANCE = 1e-6;

/**
 * Turns routes (items per vehicle) into the public solution: a timed
 * schedule per route (leaving at the earliest moment that still gives the
 * shortest duration), loads after each visit, costs, and the stops left out.
 * The schedule is recomputed here visit by visit, so a route the search
 * mispriced would show up as infeasible rather than be hidden.
 */
export function buildSolution(
  inst: Instance,
  ls: LocalSearch,
  routes: Int32Array[],
  unservedReasons: Map<number, UnservedStop['reason']>,
  stats: SolveStats,
): RoutingSolution {
  const { problem, n, dist, dims } = inst;
  ls.load(routes);
  const out: SolutionRoute[] = [];
  let feasible = true;
  let totalCost = 0;
  let totalDist = 0;
  let totalDur = 0;
  const routed = new Uint8Array(inst.nC);
  for (let r = 0; r < inst.R; r++) {
    const items = routes[r];
    let stops = 0;
    for (let i = 0; i < items.length; i++) if (items[i] >= 0) stops++;
    if (stops === 0 && !inst.vAlwaysUsed[r]) continue;
    const dur = inst.durs[inst.vProfile[r]];
    const full = ls.endNode(r);
    const earliest = ls.segs.E[full];
    const noEarlier = inst.vStartE[r] > -FAR ? inst.vStartE[r] : 0;
    let t = inst.timed ? Math.min(Math.max(earliest, noEarlier), Math.max(inst.vStartL[r], noEarlier)) : noEarlier;
    const departAt = t;
    const load = Array.from(inst.vInitLoad.subarray(r * dims, (r + 1) * dims));
    const collected = new Array<number>(dims).fill(0);
    const dailyStart = Array.from(inst.vInitCollected.subarray(r * dims, (r + 1) * dims));
    const visits: Visit[] = [
      { kind: 'start', locationIndex: inst.origLoc[inst.vStartLoc[r]], arrivalS: t, startS: t, departureS: t, distanceFromPreviousM: 0, loadAfter: load.slice() },
    ];
    let prevLoc = inst.vStartLoc[r];
    let distance = 0;
    let warp = 0;
    let overload = false;
    let pendingBreak = false;
    let trips = 0;
    let tripHasStop = false;
    const visitLocated = (
      kind: Visit['kind'],
      loc: number,
      service: number,
      e: number,
      l: number,
      extra: Pick<Visit, 'stopIndex' | 'disposalSiteIndex'>,
    ): void => {
      const travel = dur[prevLoc * n + loc];
      let arrival: number;
      if (pendingBreak) {
        const w1 = inst.vBreakE[r];
        const w2 = inst.vBreakL[r];
        const leave = Math.max(t, w1 - travel);
        const breakStart = Math.max(leave, w1);
        if (leave > w2 + TOLERANCE) warp += leave - w2;
        visits.push({
          kind: 'break',
          locationIndex: inst.origLoc[prevLoc],
          arrivalS: breakStart,
          startS: breakStart,
          departureS: breakStart + inst.vBreakDur[r],
          distanceFromPreviousM: 0,
          loadAfter: load.slice(),
        });
        arrival = leave + travel + inst.vBreakDur[r];
        pendingBreak = false;
      } else {
        arrival = t + travel;
      }
      let start = Math.max(arrival, e);
      if (start > l + TOLERANCE) {
        warp += start - l;
        start = l < arrival ? arrival : l;
      }
      t = start + service;
      const legDist = dist[prevLoc * n + loc];
      distance += legDist;
      prevLoc = loc;
      visits.push({ kind, locationIndex: inst.origLoc[loc], ...extra, arrivalS: arrival, startS: start, departureS: t, distanceFromPreviousM: legDist, loadAfter: load.slice() });
    };
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === BREAK_ITEM) {
        pendingBreak = true;
        continue;
      }
      if (item >= 0) {
        for (let k = 0; k < dims; k++) {
          load[k] += inst.cDemand[item * dims + k];
          collected[k] += inst.cDemand[item * dims + k];
          if (load[k] > inst.vCap[r * dims + k] + TOLERANCE) overload = true;
        }
        routed[item] = 1;
        tripHasStop = true;
        visitLocated('stop', inst.cLoc[item], inst.cService[item], inst.cE[item], inst.cL[item], { stopIndex: item });
      } else {
        const s = itemSite(item);
        load.fill(0);
        visitLocated('disposal', inst.sLoc[s], inst.sService[s], inst.sE[s], inst.sL[s], { disposalSiteIndex: s });
        if (tripHasStop) trips++;
        tripHasStop = false;
      }
    }
    if (tripHasStop) trips++;
    visitLocated('end', inst.vEndLoc[r], 0, inst.vEndE[r], inst.vEndL[r], {});
    const durationS = t - departAt;
    if (inst.timed && durationS > inst.vMaxDur[r] + TOLERANCE) warp += durationS - inst.vMaxDur[r];
    for (let k = 0; k < dims; k++) {
      if (dailyStart[k] + collected[k] > inst.vRouteCap[r * dims + k] + TOLERANCE) overload = true;
    }
    if (stops > inst.vMaxStops[r] + TOLERANCE) overload = true;
    if (inst.vEndDisposal[r] && stops > 0) {
      const lastLocated = visits.filter((v) => v.kind !== 'break' && v.kind !== 'end').pop();
      if (!lastLocated || lastLocated.kind !== 'disposal') overload = true;
    }
    if (warp > TOLERANCE || overload) feasible = false;
    const cost = inst.vFixed[r] + inst.vCDist[r] * distance + inst.vCTime[r] * durationS;
    totalCost += cost;
    totalDist += distance;
    totalDur += durationS;
    out.push({ vehicleIndex: r, vehicleId: problem.vehicles[r].id, visits, distanceM: distance, durationS, cost, trips, collected });
  }
  const droppedOptional: number[] = [];
  const unserved: UnservedStop[] = [];
  let missedPrize = 0;
  for (let c = 0; c < inst.nC; c++) {
    if (routed[c]) continue;
    if (inst.cOptional[c]) {
      droppedOptional.push(c);
      missedPrize += inst.cPrize[c];
    } else {
      const reason = unservedReasons.get(c) ?? 'time_exhausted';
      unserved.push({ stopIndex: c, stopId: problem.stops[c].id, reason, detail: describe(reason, problem.stops[c].id) });
    }
  }
  return {
    routes: out,
    cost: totalCost,
    objective: totalCost + missedPrize,
    distanceM: totalDist,
    durationS: totalDur,
    droppedOptional,
    unserved,
    feasible,
    stats,
  };
}

function describe(reason: UnservedStop['reason'], id: string): string {
  switch (reason) {
    case 'capacity_exhausted':
      return `stop "${id}" did not fit: every route that could take it is full`;
    case 'time_exhausted':
      return `stop "${id}" did not fit: no route had time left to reach it inside its window and shift`;
    case 'route_limit_reached':
      return `stop "${id}" did not fit: the routes that could take it reached their daily load or stop limit`;
    case 'no_compatible_vehicle':
      return `stop "${id}" did not fit: no compatible vehicle was available`;
  }
}
