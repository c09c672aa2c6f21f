/**
 * Feasibility and cost check of a benchmark solution, written apart from the
 * solver: it reads only the raw instance (coordinates and the file's rules)
 * and the visit sequences, recomputes every distance from coordinates, the
 * loads trip by trip, an earliest schedule with waiting allowed, and the
 * waste-collection rules (disposal before the depot, daily load and stop
 * limits, one lunch break inside its window).
 */
import { type BenchInstance, type BenchRoute, distanceOf } from './formats';

/** Outcome of a check. */
export interface CheckResult {
  feasible: boolean;
  /** One line per broken rule (empty when feasible). */
  violations: string[];
  /** Total distance under the instance's convention. */
  cost: number;
  /** Routes that serve at least one customer. */
  vehicles: number;
}

const EPS = 1e-6;

/** Checks routes against the raw instance; `fleetLimit` caps the number of used routes. */
export function checkSolution(inst: BenchInstance, routes: BenchRoute[], fleetLimit?: number): CheckResult {
  const violations: string[] = [];
  const seen = new Map<number, number>();
  const isCustomer = new Uint8Array(inst.n);
  for (const c of inst.customers) isCustomer[c] = 1;
  const isSite = new Uint8Array(inst.n);
  for (const s of inst.disposalSites) isSite[s] = 1;
  const timed = inst.hasTimeWindows || inst.format === 'kim';
  let cost = 0;
  let vehicles = 0;
  routes.forEach((route, ri) => {
    const tag = `route ${ri + 1}`;
    const located = route.visits.filter((v) => v.kind !== 'break');
    const customers = located.filter((v) => v.kind === 'stop');
    if (customers.length === 0) return;
    vehicles++;
    // Distance, from coordinates.
    let prev = inst.depot;
    let routeDist = 0;
    for (const v of located) {
      routeDist += distanceOf(inst, prev, v.loc);
      prev = v.loc;
    }
    routeDist += distanceOf(inst, prev, inst.depot);
    cost += routeDist;
    // Coverage and kinds.
    for (const v of route.visits) {
      if (v.kind === 'stop') {
        if (!isCustomer[v.loc]) violations.push(`${tag}: location ${v.loc} is not a customer`);
        seen.set(v.loc, (seen.get(v.loc) ?? 0) + 1);
      } else if (v.kind === 'disposal' && !isSite[v.loc]) violations.push(`${tag}: location ${v.loc} is not a disposal site`);
    }
    // Loads, trip by trip.
    let load = 0;
    let day = 0;
    for (const v of located) {
      if (v.kind === 'disposal') {
        load = 0;
        continue;
      }
      load += inst.demand[v.loc];
      day += inst.demand[v.loc];
      if (load > inst.capacity + EPS) violations.push(`${tag}: load ${load.toFixed(2)} over capacity ${inst.capacity} at location ${v.loc}`);
    }
    if (inst.routeCapacity !== undefined && day > inst.routeCapacity + EPS) violations.push(`${tag}: collects ${day.toFixed(2)}, over the daily ${inst.routeCapacity}`);
    if (inst.maxStops !== undefined && customers.length > inst.maxStops) violations.push(`${tag}: ${customers.length} stops, over ${inst.maxStops}`);
    if (inst.format === 'kim') {
      const last = located[located.length - 1];
      if (last.kind !== 'disposal') violations.push(`${tag}: does not end with a disposal visit before the depot`);
    }
    // Route length limit (CMT): distance plus service times.
    if (inst.maxRouteLength !== undefined) {
      let length = routeDist;
      for (const v of customers) length += inst.service[v.loc];
      if (length > inst.maxRouteLength + EPS) violations.push(`${tag}: length ${length.toFixed(3)} over ${inst.maxRouteLength}`);
    }
    if (!timed) return;
    // Earliest schedule with waiting allowed; the break is taken somewhere on its leg.
    const breaks = route.visits.filter((v) => v.kind === 'break').length;
    if (inst.breakDurationS !== undefined && breaks !== 1) violations.push(`${tag}: ${breaks} breaks, expected 1`);
    let t = Math.max(route.departS ?? inst.twStart[inst.depot], inst.twStart[inst.depot]);
    if (t > inst.twEnd[inst.depot] + EPS) violations.push(`${tag}: leaves the depot after it closes`);
    prev = inst.depot;
    let breakPending = false;
    const arrive = (loc: number, label: string): void => {
      const travel = distanceOf(inst, prev, loc) * inst.timePerDistance;
      let ready = t + travel;
      if (breakPending && inst.breakWindow && inst.breakDurationS !== undefined) {
        const [w1, w2] = inst.breakWindow;
        const breakStart = Math.max(t, w1);
        if (breakStart > w2 + EPS) violations.push(`${tag}: break starts at ${breakStart.toFixed(0)}, after ${w2}`);
        ready = Math.max(t + travel, w1) + inst.breakDurationS;
        breakPending = false;
      }
      const start = Math.max(ready, inst.twStart[loc]);
      if (start > inst.twEnd[loc] + EPS) violations.push(`${tag}: ${label} ${loc} served at ${start.toFixed(2)}, after ${inst.twEnd[loc]}`);
      t = start + (loc === inst.depot && label === 'depot' ? 0 : inst.service[loc]);
      prev = loc;
    };
    for (const v of route.visits) {
      if (v.kind === 'break') {
        breakPending = true;
        continue;
      }
      arrive(v.loc, v.kind === 'stop' ? 'customer' : 'disposal site');
    }
    arrive(inst.depot, 'depot');
  });
  for (const c of inst.customers) {
    const times = seen.get(c) ?? 0;
    if (times !== 1) violations.push(`customer ${c} served ${times} times`);
  }
  if (fleetLimit !== undefined && vehicles > fleetLimit) violations.push(`${vehicles} routes, fleet has ${fleetLimit}`);
  return { feasible: violations.length === 0, violations, cost, vehicles };
}
