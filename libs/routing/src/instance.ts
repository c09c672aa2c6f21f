import { InfeasibleProblemError } from './errors';
import type { Matrix, RoutingProblem, Vehicle } from './model';

/** A matrix cell at or above this means "no path" (the distance providers put 1e9 there). */
export const UNREACHABLE_AT = 1e9;
/** Stand-in for "no time limit": finite so that window arithmetic never meets Infinity - Infinity. */
export const FAR = 1e12;
/** Neighbours kept per stop in the granular neighbourhood. */
const DEFAULT_GRANULAR = 20;

/**
 * The problem compiled into flat typed arrays for the search: validated,
 * defaults filled in, vehicles grouped into types, neighbour lists built.
 * Internal to the library.
 */
export interface Instance {
  problem: RoutingProblem;
  /** Locations. */
  n: number;
  dist: Float64Array;
  /** The distances in single precision for the search: half the memory traffic (costs are recomputed exactly for the output). */
  searchDist: Float32Array;
  /** Duration matrices, one per distinct (profile, factor) pair. */
  durs: Float64Array[];
  /** Capacity dimensions. */
  dims: number;
  /** Penalty weight per dimension so that dimensions in different units weigh alike. */
  dimWeight: Float64Array;
  /** True when no time constraint or time cost exists: the search then skips time arithmetic. */
  timed: boolean;
  hasBreaks: boolean;
  hasDisposal: boolean;
  /** Distance matrix is symmetric (2-opt can then be priced in O(1)). */
  symmetric: boolean;
  /** Caller's location index of each internal location (locations are renumbered so that neighbours sit close in memory). */
  origLoc: Int32Array;
  /** Polar angle of each stop around the first vehicle's start, in [0, 65536), from the optional coordinates (null without). */
  cAngle: Int32Array | null;

  // Clients (stops): index c in [0, nC).
  nC: number;
  cLoc: Int32Array;
  cDemand: Float64Array;
  cService: Float64Array;
  cE: Float64Array;
  cL: Float64Array;
  cOptional: Uint8Array;
  cPrize: Float64Array;
  /** Prize that stands in for a mandatory stop when the search may leave mandatory stops out. */
  cBigPrize: Float64Array;
  /** Allowed compatibility classes, `maskWords` words per client. */
  cMask: Int32Array;
  /** Rank in its vehicle's pinned order, -1 when not sequence-pinned. */
  cSeqRank: Int32Array;
  /** Vehicle the stop is pinned to, -1 when free. */
  cPinVehicle: Int32Array;
  /** Granular neighbours, `granular` per client, nearest first. */
  neighbours: Int32Array;
  granular: number;

  // Vehicles (one route each): index r in [0, R).
  R: number;
  vStartLoc: Int32Array;
  vEndLoc: Int32Array;
  vCap: Float64Array;
  vRouteCap: Float64Array;
  vMaxStops: Float64Array;
  vStartE: Float64Array;
  vStartL: Float64Array;
  vEndE: Float64Array;
  vEndL: Float64Array;
  vMaxDur: Float64Array;
  vProfile: Int32Array;
  vFixed: Float64Array;
  vCDist: Float64Array;
  vCTime: Float64Array;
  vHasBreak: Uint8Array;
  vBreakDur: Float64Array;
  vBreakE: Float64Array;
  vBreakL: Float64Array;
  vEndDisposal: Uint8Array;
  vInitLoad: Float64Array;
  vInitCollected: Float64Array;
  /** A vehicle under way is always "used": its route runs even with no stop left. */
  vAlwaysUsed: Uint8Array;
  /** Vehicle type: vehicles with the same type are interchangeable. */
  vType: Int32Array;
  nTypes: number;
  /** Compatibility class (equipment, pins, disposal sites). */
  vClass: Int32Array;
  nClasses: number;
  maskWords: number;
  /** Segment class: routes whose suffix data can be moved between each other unchanged. */
  vSegClass: Int32Array;

  // Disposal sites: index s in [0, S).
  S: number;
  sLoc: Int32Array;
  sService: Float64Array;
  sE: Float64Array;
  sL: Float64Array;
  /** Sites each vehicle may use, as a list per vehicle. */
  vSites: Int32Array[];
  /** Compatibility mask of a site (classes allowed to unload there). */
  sMask: Int32Array;
}

function fail(message: string, field?: string): never {
  throw new InfeasibleProblemError('invalid_input', message, undefined, undefined, field);
}

function toFloat64(matrix: Matrix, n: number, field: string, factor = 1): Float64Array {
  if (!matrix || typeof matrix.length !== 'number') fail(`${field} is missing`, field);
  if (matrix.length !== n * n) fail(`${field} has ${matrix.length} cells, expected ${n} x ${n} = ${n * n}`, field);
  const out = matrix instanceof Float64Array && factor === 1 ? matrix : new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const v = matrix[i];
    if (!Number.isFinite(v) || v < 0) fail(`${field}[${i}] is ${v}; cells must be finite and >= 0`, field);
    if (out !== matrix) out[i] = v >= UNREACHABLE_AT ? v : v * factor;
  }
  return out;
}

function checkIndex(value: unknown, n: number, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= n) {
    fail(`${field} = ${String(value)} is not a location index in [0, ${n})`, field);
  }
  return value as number;
}

function checkNumber(value: unknown, field: string, fallback: number, min = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`${field} = ${String(value)} must be a finite number >= ${min}`, field);
  return value;
}

function checkVector(value: number[] | undefined, dims: number, field: string, fallback: number): number[] {
  if (value === undefined) return new Array<number>(dims).fill(fallback);
  if (!Array.isArray(value) || value.length !== dims) fail(`${field} must have ${dims} entries (one per dimension)`, field);
  return value.map((v, k) => checkNumber(v, `${field}[${k}]`, 0));
}

function checkWindow(w: { startS: number; endS: number } | undefined, field: string): [number, number] {
  if (!w) return [-FAR, FAR];
  const a = checkNumber(w.startS, `${field}.startS`, 0, -FAR);
  const b = checkNumber(w.endS, `${field}.endS`, 0, -FAR);
  if (b < a) fail(`${field} ends (${b}) before it starts (${a})`, field);
  return [a, b];
}

/** Validates the problem and compiles it; throws InfeasibleProblemError naming the stop or field at fault. */
export function compileProblem(problem: RoutingProblem, granular = DEFAULT_GRANULAR): Instance {
  const n = problem.locationCount;
  if (!Number.isInteger(n) || n < 1) fail('locationCount must be a positive integer', 'locationCount');
  const dist = toFloat64(problem.distances, n, 'distances');
  const dims = problem.dimensions?.length ?? 1;
  if (dims < 1) fail('dimensions must name at least one capacity dimension', 'dimensions');
  if (!Array.isArray(problem.vehicles) || problem.vehicles.length === 0) fail('at least one vehicle is needed', 'vehicles');
  if (!Array.isArray(problem.stops)) fail('stops must be an array', 'stops');
  const sites = problem.disposalSites ?? [];
  const S = sites.length;
  const R = problem.vehicles.length;
  const nC = problem.stops.length;

  // Duration profiles: one matrix per distinct (profile, factor).
  const profileKeys = new Map<string, number>();
  const durs: Float64Array[] = [];
  const vProfile = new Int32Array(R);
  problem.vehicles.forEach((v, r) => {
    const name = v.durationProfile ?? '';
    const factor = checkNumber(v.durationFactor, `vehicles[${r}].durationFactor`, 1, 1e-9);
    const key = `${name}\u0000${factor}`;
    let idx = profileKeys.get(key);
    if (idx === undefined) {
      let source: Matrix | undefined = problem.durations;
      if (name !== '') {
        source = problem.durationProfiles?.[name];
        if (!source) fail(`vehicles[${r}].durationProfile "${name}" is not in durationProfiles`, `vehicles[${r}].durationProfile`);
      }
      idx = durs.length;
      durs.push(toFloat64(source, n, name === '' ? 'durations' : `durationProfiles.${name}`, factor));
      profileKeys.set(key, idx);
    }
    vProfile[r] = idx;
  });
  if (durs.length === 0) durs.push(toFloat64(problem.durations, n, 'durations'));

  const vehicleIndexById = new Map<string, number>();
  problem.vehicles.forEach((v, r) => {
    if (typeof v.id !== 'string') fail(`vehicles[${r}].id must be a string`, `vehicles[${r}].id`);
    if (vehicleIndexById.has(v.id)) fail(`vehicle id "${v.id}" is used twice`, `vehicles[${r}].id`);
    vehicleIndexById.set(v.id, r);
  });

  // Disposal sites.
  const sLoc = new Int32Array(S);
  const sService = new Float64Array(S);
  const sE = new Float64Array(S);
  const sL = new Float64Array(S);
  sites.forEach((site, s) => {
    sLoc[s] = checkIndex(site.locationIndex, n, `disposalSites[${s}].locationIndex`);
    sService[s] = checkNumber(site.serviceTimeS, `disposalSites[${s}].serviceTimeS`, 0);
    [sE[s], sL[s]] = checkWindow(site.openingWindow, `disposalSites[${s}].openingWindow`);
  });

  // Vehicles.
  const vStartLoc = new Int32Array(R);
  const vEndLoc = new Int32Array(R);
  const vCap = new Float64Array(R * dims);
  const vRouteCap = new Float64Array(R * dims);
  const vMaxStops = new Float64Array(R);
  const vStartE = new Float64Array(R);
  const vStartL = new Float64Array(R);
  const vEndE = new Float64Array(R);
  const vEndL = new Float64Array(R);
  const vMaxDur = new Float64Array(R);
  const vFixed = new Float64Array(R);
  const vCDist = new Float64Array(R);
  const vCTime = new Float64Array(R);
  const vHasBreak = new Uint8Array(R);
  const vBreakDur = new Float64Array(R);
  const vBreakE = new Float64Array(R);
  const vBreakL = new Float64Array(R);
  const vEndDisposal = new Uint8Array(R);
  const vInitLoad = new Float64Array(R * dims);
  const vInitCollected = new Float64Array(R * dims);
  const vAlwaysUsed = new Uint8Array(R);
  const vSites: Int32Array[] = [];
  let timed = false;
  const pinnedVehicles = new Set<number>();
  problem.stops.forEach((stop) => {
    if (stop?.pin) {
      const r = vehicleIndexById.get(stop.pin.vehicleId);
      if (r !== undefined) pinnedVehicles.add(r);
    }
  });

  problem.vehicles.forEach((v: Vehicle, r) => {
    const f = `vehicles[${r}]`;
    vStartLoc[r] = checkIndex(v.startLocationIndex, n, `${f}.startLocationIndex`);
    vEndLoc[r] = checkIndex(v.endLocationIndex, n, `${f}.endLocationIndex`);
    const cap = checkVector(v.capacity, dims, `${f}.capacity`, 0);
    const routeCap = checkVector(v.routeCapacity, dims, `${f}.routeCapacity`, FAR);
    for (let k = 0; k < dims; k++) {
      vCap[r * dims + k] = cap[k];
      vRouteCap[r * dims + k] = routeCap[k];
    }
    vMaxStops[r] = checkNumber(v.maxStops, `${f}.maxStops`, FAR);
    const [shiftStart, shiftEnd] = checkWindow(v.shift, `${f}.shift`);
    vStartE[r] = shiftStart;
    vStartL[r] = shiftEnd;
    vEndE[r] = shiftStart;
    vEndL[r] = shiftEnd;
    vMaxDur[r] = checkNumber(v.maxDurationS, `${f}.maxDurationS`, FAR);
    vFixed[r] = checkNumber(v.fixedCost, `${f}.fixedCost`, 0);
    vCDist[r] = checkNumber(v.costPerDistanceM, `${f}.costPerDistanceM`, 1);
    vCTime[r] = checkNumber(v.costPerDurationS, `${f}.costPerDurationS`, 0);
    if (v.shift || v.maxDurationS !== undefined || vCTime[r] > 0) timed = true;
    if (v.break) {
      vHasBreak[r] = 1;
      vBreakDur[r] = checkNumber(v.break.durationS, `${f}.break.durationS`, 0);
      [vBreakE[r], vBreakL[r]] = checkWindow(v.break.window, `${f}.break.window`);
      timed = true;
    }
    const allowed = v.disposalSiteIndices ?? sites.map((_, s) => s);
    allowed.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 0 || s >= S) fail(`${f}.disposalSiteIndices[${i}] = ${s} is not a disposal site index`, `${f}.disposalSiteIndices`);
    });
    vSites.push(Int32Array.from(allowed));
    vEndDisposal[r] = (v.endWithDisposal ?? S > 0) ? 1 : 0;
    if (vEndDisposal[r] && allowed.length === 0) {
      throw new InfeasibleProblemError('no_disposal_site', `${f} must end with a disposal visit but may use no disposal site`, undefined, undefined, `${f}.disposalSiteIndices`);
    }
    if (v.progress) {
      const p = v.progress;
      vStartLoc[r] = checkIndex(p.locationIndex, n, `${f}.progress.locationIndex`);
      const now = checkNumber(p.timeS, `${f}.progress.timeS`, 0, -FAR);
      vStartE[r] = now;
      timed = true;
      const load = checkVector(p.load, dims, `${f}.progress.load`, 0);
      const collected = checkVector(p.collectedToday, dims, `${f}.progress.collectedToday`, 0);
      for (let k = 0; k < dims; k++) {
        vInitLoad[r * dims + k] = load[k];
        vInitCollected[r * dims + k] = Math.max(collected[k], load[k]);
      }
      vMaxStops[r] = Math.max(0, vMaxStops[r] - checkNumber(p.stopsServed, `${f}.progress.stopsServed`, 0));
      if (p.breakTaken) vHasBreak[r] = 0;
      if (vMaxDur[r] < FAR) {
        const startedAt = checkNumber(p.startedAtS, `${f}.progress.startedAtS`, shiftStart > -FAR ? shiftStart : now, -FAR);
        vMaxDur[r] = Math.max(0, vMaxDur[r] - Math.max(0, now - startedAt));
      }
      vAlwaysUsed[r] = 1;
    }
  });
  const hasBreaks = vHasBreak.some((b) => b === 1);
  if (S > 0) {
    for (let s = 0; s < S; s++) if (sE[s] > -FAR || sL[s] < FAR) timed = true;
  }

  // Compatibility classes: equipment, pin identity and allowed sites.
  const classKeys = new Map<string, number>();
  const vClass = new Int32Array(R);
  const equipmentOf: Array<Set<string>> = [];
  problem.vehicles.forEach((v, r) => {
    const eq = [...new Set(v.equipment ?? [])].sort();
    equipmentOf.push(new Set(eq));
    const key = JSON.stringify([eq, pinnedVehicles.has(r) ? r : -1, Array.from(vSites[r]).sort((a, b) => a - b)]);
    let c = classKeys.get(key);
    if (c === undefined) {
      c = classKeys.size;
      classKeys.set(key, c);
    }
    vClass[r] = c;
  });
  const nClasses = classKeys.size;
  const maskWords = Math.max(1, Math.ceil(nClasses / 32));
  const sMask = new Int32Array(Math.max(1, S) * maskWords);
  for (let r = 0; r < R; r++) {
    for (const s of vSites[r]) sMask[s * maskWords + (vClass[r] >> 5)] |= 1 << (vClass[r] & 31);
  }

  // Vehicle types (everything the search cares about) and segment classes.
  const typeKeys = new Map<string, number>();
  const segKeys = new Map<string, number>();
  const vType = new Int32Array(R);
  const vSegClass = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const capKey = Array.from(vCap.subarray(r * dims, (r + 1) * dims));
    const seg = JSON.stringify([
      vProfile[r],
      capKey,
      vHasBreak[r] ? [vBreakDur[r], vBreakE[r], vBreakL[r]] : null,
      vEndLoc[r],
      vEndE[r],
      vEndL[r],
      vEndDisposal[r],
    ]);
    let sc = segKeys.get(seg);
    if (sc === undefined) {
      sc = segKeys.size;
      segKeys.set(seg, sc);
    }
    vSegClass[r] = sc;
    const type = JSON.stringify([
      seg,
      vClass[r],
      vStartLoc[r],
      vStartE[r],
      vStartL[r],
      Array.from(vRouteCap.subarray(r * dims, (r + 1) * dims)),
      vMaxStops[r],
      vMaxDur[r],
      vFixed[r],
      vCDist[r],
      vCTime[r],
      vAlwaysUsed[r] ? r : -1,
      Array.from(vInitLoad.subarray(r * dims, (r + 1) * dims)),
    ]);
    let t = typeKeys.get(type);
    if (t === undefined) {
      t = typeKeys.size;
      typeKeys.set(type, t);
    }
    vType[r] = t;
  }

  // Stops.
  const cLoc = new Int32Array(nC);
  const cDemand = new Float64Array(nC * dims);
  const cService = new Float64Array(nC);
  const cE = new Float64Array(nC);
  const cL = new Float64Array(nC);
  const cOptional = new Uint8Array(nC);
  const cPrize = new Float64Array(nC);
  const cBigPrize = new Float64Array(nC);
  const cMask = new Int32Array(Math.max(1, nC) * maskWords);
  const cSeqRank = new Int32Array(nC).fill(-1);
  const cPinVehicle = new Int32Array(nC).fill(-1);
  const stopIds = new Set<string>();
  const sequences: Array<Array<{ c: number; seq: number }>> = problem.vehicles.map(() => []);
  problem.stops.forEach((stop, c) => {
    const f = `stops[${c}]`;
    if (!stop || typeof stop.id !== 'string') fail(`${f}.id must be a string`, `${f}.id`);
    if (stopIds.has(stop.id)) fail(`stop id "${stop.id}" is used twice`, `${f}.id`);
    stopIds.add(stop.id);
    cLoc[c] = checkIndex(stop.locationIndex, n, `${f}.locationIndex`);
    const demand = checkVector(stop.demand, dims, `${f}.demand`, 0);
    for (let k = 0; k < dims; k++) cDemand[c * dims + k] = demand[k];
    cService[c] = checkNumber(stop.serviceTimeS, `${f}.serviceTimeS`, 0);
    [cE[c], cL[c]] = checkWindow(stop.timeWindow, `${f}.timeWindow`);
    if (stop.timeWindow) timed = true;
    if (stop.prize !== undefined) {
      cOptional[c] = 1;
      cPrize[c] = checkNumber(stop.prize, `${f}.prize`, 0);
    }
    if (stop.pin) {
      const r = vehicleIndexById.get(stop.pin.vehicleId);
      if (r === undefined) {
        throw new InfeasibleProblemError('no_compatible_vehicle', `stop "${stop.id}" is pinned to vehicle "${stop.pin.vehicleId}", which is not in the fleet`, c, stop.id, `${f}.pin.vehicleId`);
      }
      cPinVehicle[c] = r;
      if (stop.pin.sequence !== undefined) {
        sequences[r].push({ c, seq: checkNumber(stop.pin.sequence, `${f}.pin.sequence`, 0, -FAR) });
      }
    }
  });
  sequences.forEach((list) => {
    list.sort((a, b) => a.seq - b.seq || a.c - b.c);
    list.forEach(({ c }, rank) => (cSeqRank[c] = rank));
  });

  const inst: Instance = {
    problem,
    n,
    dist,
    searchDist: new Float32Array(0),
    durs,
    dims,
    dimWeight: new Float64Array(dims),
    timed,
    hasBreaks,
    hasDisposal: S > 0,
    symmetric: isSymmetric(dist, n),
    cAngle: null,
    origLoc: new Int32Array(0),
    nC,
    cLoc,
    cDemand,
    cService,
    cE,
    cL,
    cOptional,
    cPrize,
    cBigPrize,
    cMask,
    cSeqRank,
    cPinVehicle,
    neighbours: new Int32Array(0),
    granular: 0,
    R,
    vStartLoc,
    vEndLoc,
    vCap,
    vRouteCap,
    vMaxStops,
    vStartE,
    vStartL,
    vEndE,
    vEndL,
    vMaxDur,
    vProfile,
    vFixed,
    vCDist,
    vCTime,
    vHasBreak,
    vBreakDur,
    vBreakE,
    vBreakL,
    vEndDisposal,
    vInitLoad,
    vInitCollected,
    vAlwaysUsed,
    vType,
    nTypes: typeKeys.size,
    vClass,
    nClasses,
    maskWords,
    vSegClass,
    S,
    sLoc,
    sService,
    sE,
    sL,
    vSites,
    sMask,
  };

  // Dimension weights: express every dimension's excess in units of the first one.
  for (let k = 0; k < dims; k++) {
    let maxCap = 0;
    for (let r = 0; r < R; r++) maxCap = Math.max(maxCap, vCap[r * dims + k]);
    inst.dimWeight[k] = k === 0 || maxCap === 0 ? 1 : Math.max(1e-9, firstMaxCap(inst)) / maxCap;
  }

  if (problem.coordinates) {
    if (problem.coordinates.length !== 2 * n) fail(`coordinates has ${problem.coordinates.length} numbers, expected 2 x ${n}`, 'coordinates');
    const xy = problem.coordinates;
    const origin = vStartLoc[0];
    inst.cAngle = new Int32Array(nC);
    for (let c = 0; c < nC; c++) {
      const a = Math.atan2(xy[2 * cLoc[c] + 1] - xy[2 * origin + 1], xy[2 * cLoc[c]] - xy[2 * origin]);
      inst.cAngle[c] = (Math.round((32768 * a) / Math.PI) + 65536) % 65536;
    }
  }
  relabelLocations(inst);
  checkStopsServeable(inst, equipmentOf);
  buildNeighbours(inst, granular);
  return inst;
}

function firstMaxCap(inst: Instance): number {
  let m = 0;
  for (let r = 0; r < inst.R; r++) m = Math.max(m, inst.vCap[r * inst.dims]);
  return m;
}

/**
 * Per stop: which vehicles may serve it (equipment, pin), whether one of them
 * has room for its demand, can reach it in its window and get home in its
 * shift. Fills the compatibility masks and the big prize. Throws naming the
 * first stop no vehicle can serve.
 */
function checkStopsServeable(inst: Instance, equipmentOf: Array<Set<string>>): void {
  const { problem, dims, R, n, dist } = inst;
  // Shortest travel times (the matrices need not obey the triangle inequality).
  const cache = new Map<string, Float64Array>();
  const shortest = (profile: number, loc: number, towards: boolean): Float64Array => {
    const key = `${profile}:${loc}:${towards ? 'to' : 'from'}`;
    let out = cache.get(key);
    if (!out) {
      out = dijkstra(inst.durs[profile], n, loc, towards);
      cache.set(key, out);
    }
    return out;
  };
  problem.stops.forEach((stop, c) => {
    const required = stop.requiredEquipment ?? [];
    let compatible = 0;
    let capacityOk = 0;
    let reachable = 0;
    let timeOk = 0;
    let bigPrize = 0;
    const pinned = inst.cPinVehicle[c];
    for (let r = 0; r < R; r++) {
      if (pinned >= 0 && pinned !== r) continue;
      if (!required.every((tag) => equipmentOf[r].has(tag))) continue;
      compatible++;
      inst.cMask[c * inst.maskWords + (inst.vClass[r] >> 5)] |= 1 << (inst.vClass[r] & 31);
      let fits = inst.vMaxStops[r] >= 1;
      for (let k = 0; k < dims; k++) {
        const d = inst.cDemand[c * dims + k];
        if (d > inst.vCap[r * dims + k] + 1e-9 || d + inst.vInitCollected[r * dims + k] > inst.vRouteCap[r * dims + k] + 1e-9) fits = false;
      }
      if (!fits) continue;
      capacityOk++;
      const loc = inst.cLoc[c];
      const start = inst.vStartLoc[r];
      const end = inst.vEndLoc[r];
      const profile = inst.vProfile[r];
      const toStop = shortest(profile, start, false)[loc];
      const toEnd = shortest(profile, end, true);
      if (toStop >= UNREACHABLE_AT || (!inst.vEndDisposal[r] && toEnd[loc] >= UNREACHABLE_AT)) continue;
      reachable++;
      const arrive = Math.max(inst.vStartE[r] + toStop, inst.cE[c]);
      if (arrive > inst.cL[c] + 1e-9) continue;
      const depart = arrive + inst.cService[c];
      let back = Infinity;
      let homeDist = 0;
      if (inst.vEndDisposal[r]) {
        for (const s of inst.vSites[r]) {
          const site = inst.sLoc[s];
          const atSite = Math.max(depart + shortest(profile, site, true)[loc], inst.sE[s]);
          if (atSite > inst.sL[s] + 1e-9) continue;
          const home = atSite + inst.sService[s] + toEnd[site];
          if (home < back) {
            back = home;
            homeDist = dist[loc * n + site] + dist[site * n + end];
          }
        }
      } else {
        back = depart + toEnd[loc];
        homeDist = dist[loc * n + end];
      }
      const leave = Math.max(inst.vStartE[r], arrive - toStop);
      if (!(back <= inst.vEndL[r] + 1e-9) || back - leave > inst.vMaxDur[r] + 1e-9) continue;
      timeOk++;
      const cost = inst.vFixed[r] + inst.vCDist[r] * (dist[start * n + loc] + homeDist) + inst.vCTime[r] * (back - leave);
      bigPrize = Math.max(bigPrize, cost);
    }
    const where = `stop "${stop.id}" (stops[${c}])`;
    if (compatible === 0) {
      const why = pinned >= 0 ? `its pinned vehicle "${problem.vehicles[pinned].id}" lacks equipment ${JSON.stringify(required)}` : `no vehicle has all of ${JSON.stringify(required)}`;
      throw new InfeasibleProblemError('no_compatible_vehicle', `${where} cannot be served: ${why}`, c, stop.id, `stops[${c}].requiredEquipment`);
    }
    if (capacityOk === 0) {
      throw new InfeasibleProblemError('demand_exceeds_capacity', `${where} has demand ${JSON.stringify(stop.demand ?? [])}, more than any compatible vehicle can carry`, c, stop.id, `stops[${c}].demand`);
    }
    if (reachable === 0) {
      throw new InfeasibleProblemError('unreachable_location', `${where} cannot be reached from (or left back to) the depot of any compatible vehicle`, c, stop.id, `stops[${c}].locationIndex`);
    }
    if (timeOk === 0) {
      throw new InfeasibleProblemError('time_window_unreachable', `${where} cannot be reached inside its time window and back within the shift of any compatible vehicle`, c, stop.id, `stops[${c}].timeWindow`);
    }
    inst.cBigPrize[c] = 4 * bigPrize + 1;
  });
  // A mandatory stop outweighs every optional stop together.
  let prizes = 0;
  for (let c = 0; c < inst.nC; c++) if (inst.cOptional[c]) prizes += inst.cPrize[c];
  for (let c = 0; c < inst.nC; c++) inst.cBigPrize[c] += prizes;
}

/**
 * Renumbers the locations so that places near each other get near indices
 * (Hilbert curve order with coordinates, else a nearest-neighbour chain):
 * the search reads the matrices mostly between neighbours, and on big
 * instances memory latency, not arithmetic, is what it waits for.
 */
function relabelLocations(inst: Instance): void {
  const { n } = inst;
  const order = inst.problem.coordinates ? hilbertOrder(inst.problem.coordinates, n) : chainOrder(inst.dist, n, inst.vStartLoc[0]);
  const inv = new Int32Array(n);
  for (let i = 0; i < n; i++) inv[order[i]] = i;
  const permute = (m: Float64Array): Float64Array => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const row = order[i] * n;
      for (let j = 0; j < n; j++) out[i * n + j] = m[row + order[j]];
    }
    return out;
  };
  inst.dist = permute(inst.dist);
  inst.searchDist = Float32Array.from(inst.dist);
  inst.durs = inst.durs.map(permute);
  for (const arr of [inst.cLoc, inst.vStartLoc, inst.vEndLoc, inst.sLoc]) for (let i = 0; i < arr.length; i++) arr[i] = inv[arr[i]];
  inst.origLoc = order;
}

function hilbertOrder(xy: Float64Array, n: number): Int32Array {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xy[2 * i]);
    maxX = Math.max(maxX, xy[2 * i]);
    minY = Math.min(minY, xy[2 * i + 1]);
    maxY = Math.max(maxY, xy[2 * i + 1]);
  }
  const side = 65535;
  const span = Math.max(maxX - minX, maxY - minY, 1e-12);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.round(((xy[2 * i] - minX) / span) * side);
    let y = Math.round(((xy[2 * i + 1] - minY) / span) * side);
    let d = 0;
    for (let s = 32768; s > 0; s >>= 1) {
      const rx = (x & s) > 0 ? 1 : 0;
      const ry = (y & s) > 0 ? 1 : 0;
      d += s * s * ((3 * rx) ^ ry);
      if (ry === 0) {
        if (rx === 1) {
          x = side - x;
          y = side - y;
        }
        const t = x;
        x = y;
        y = t;
      }
    }
    key[i] = d;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => key[a] - key[b] || a - b);
  return Int32Array.from(order);
}

function chainOrder(dist: Float64Array, n: number, from: number): Int32Array {
  const order = new Int32Array(n);
  const used = new Uint8Array(n);
  let cur = from;
  for (let k = 0; k < n; k++) {
    order[k] = cur;
    used[cur] = 1;
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      const d = dist[cur * n + j] + dist[j * n + cur];
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (best < 0) break;
    cur = best;
  }
  return order;
}

function isSymmetric(m: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (m[i * n + j] !== m[j * n + i]) return false;
  return true;
}

/** Single-source shortest travel times on a dense matrix (O(n^2)); `towards` gives times to `src` instead. */
function dijkstra(matrix: Float64Array, n: number, src: number, towards: boolean): Float64Array {
  const best = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  best[src] = 0;
  for (let iter = 0; iter < n; iter++) {
    let u = -1;
    let bu = Infinity;
    for (let i = 0; i < n; i++) {
      if (!done[i] && best[i] < bu) {
        bu = best[i];
        u = i;
      }
    }
    if (u < 0) break;
    done[u] = 1;
    for (let v = 0; v < n; v++) {
      if (done[v]) continue;
      const w = towards ? matrix[v * n + u] : matrix[u * n + v];
      if (w >= UNREACHABLE_AT) continue;
      if (bu + w < best[v]) best[v] = bu + w;
    }
  }
  return best;
}

/**
 * Granular neighbourhood: for each stop the `granular` stops nearest by a
 * proximity that also counts unavoidable waiting and lateness between their
 * windows (as in PyVRP), taken symmetric so asymmetric matrices still pair
 * stops both ways.
 */
function buildNeighbours(inst: Instance, granular: number): void {
  const { nC, n, dist, cLoc, cE, cL, cService } = inst;
  const dur = inst.durs[0];
  const G = Math.min(granular, Math.max(0, nC - 1));
  inst.granular = G;
  inst.neighbours = new Int32Array(nC * G);
  if (G === 0) return;
  const prox = (u: number, v: number): number => {
    const t = dur[cLoc[u] * n + cLoc[v]];
    let p = dist[cLoc[u] * n + cLoc[v]];
    if (inst.timed) {
      const wait = Math.max(cE[v] - (cL[u] + cService[u] + t), 0);
      const late = Math.max(cE[u] + cService[u] + t - cL[v], 0);
      p += 0.2 * wait + late;
    }
    return p;
  };
  const score = new Float64Array(nC);
  const order = new Int32Array(nC);
  for (let u = 0; u < nC; u++) {
    for (let v = 0; v < nC; v++) {
      order[v] = v;
      score[v] = v === u ? Infinity : Math.min(prox(u, v), prox(v, u)) - 0 * inst.cPrize[v];
    }
    partialSort(order, score, G);
    for (let i = 0; i < G; i++) inst.neighbours[u * G + i] = order[i];
  }
}

/** Moves the k smallest scores to the front of `order`, sorted (quickselect, then sort of the head). */
function partialSort(order: Int32Array, score: Float64Array, k: number): void {
  let lo = 0;
  let hi = order.length - 1;
  while (lo < hi) {
    const pivot = score[order[(lo + hi) >> 1]];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (score[order[i]] < pivot) i++;
      while (score[order[j]] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
  const head = Array.from(order.subarray(0, k));
  head.sort((a, b) => score[a] - score[b] || a - b);
  for (let i = 0; i < k; i++) order[i] = head[i];
}
