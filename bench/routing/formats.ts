/**
 * Readers for the routing benchmark formats, into one neutral instance
 * description that both the problem builder and the independent checker
 * read: CVRPLIB/VRPLIB `.vrp` (X, classic A/B/P/CMT, and VRPLIB files with
 * time windows), Solomon's VRPTW text format, and the Kim et al. (2006)
 * waste-collection format. Any file path is accepted; the format is told
 * from the content.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** How edge lengths are derived from coordinates. */
export type DistanceConvention =
  /** Euclidean, rounded to the nearest integer per edge (TSPLIB nint). */
  | 'nint'
  /** Euclidean in full double precision. */
  | 'real'
  /** Euclidean truncated to one decimal (DIMACS VRPTW convention). */
  | 'dimacs'
  /** Manhattan distance in feet converted to miles (Kim et al.). */
  | 'manhattan-miles'
  /** Explicit matrix given in the file. */
  | 'explicit';

/** A benchmark instance, format-neutral. Locations are 0-based. */
export interface BenchInstance {
  name: string;
  format: 'vrplib' | 'solomon' | 'kim';
  /** Number of locations (depot, customers, disposal sites). */
  n: number;
  x: Float64Array;
  y: Float64Array;
  depot: number;
  /** Customer location indices. */
  customers: number[];
  demand: Float64Array;
  service: Float64Array;
  /** Earliest and latest start of service per location (seconds or the file's time unit). */
  twStart: Float64Array;
  twEnd: Float64Array;
  /** Whether any customer has a real time window. */
  hasTimeWindows: boolean;
  capacity: number;
  /** Fleet size given by the file, if any. */
  vehicles?: number;
  /** Longest route length (CMT `DISTANCE`), service time included. */
  maxRouteLength?: number;
  convention: DistanceConvention;
  /** Explicit distances (row-major n x n) when the file has them. */
  explicit?: Float64Array;
  /** Travel time per unit of distance (Kim: seconds per mile; otherwise 1). */
  timePerDistance: number;
  // Waste collection (Kim et al.)
  disposalSites: number[];
  routeCapacity?: number;
  maxStops?: number;
  breakDurationS?: number;
  breakWindow?: [number, number];
  /** The file's own ids per location (Kim files with non-sequential ids). */
  labels?: string[];
}

/** A solution in benchmark terms: routes as visit lists by location. */
export interface BenchRoute {
  visits: Array<{ kind: 'stop' | 'disposal' | 'break'; loc: number }>;
  /** Departure from the depot, when the solver reports one. */
  departS?: number;
}

/** Reads any supported instance file. */
export function readInstance(file: string, convention?: DistanceConvention): BenchInstance {
  const text = readFileSync(file, 'utf8').replace(/\r/g, '');
  const name = path.basename(file).replace(/\.(vrp|txt)$/i, '');
  if (/^\s*(NAME|TYPE|DIMENSION)\s*:/m.test(text) && /(NODE_COORD_SECTION|EDGE_WEIGHT_SECTION)/.test(text)) {
    return readVrplib(text, name, convention);
  }
  if (/^\s*VEHICLE\s*$/m.test(text) && /^\s*CUSTOMER\s*$/m.test(text)) return readSolomon(text, name, convention);
  if (/\/\/\s*vehicle capacity/i.test(text) || /Stop_?Type|Landfill/i.test(text)) return readKim(text, name);
  throw new Error(`${file}: not a VRPLIB, Solomon or Kim et al. instance`);
}

function emptyInstance(name: string, format: BenchInstance['format'], n: number): BenchInstance {
  return {
    name,
    format,
    n,
    x: new Float64Array(n),
    y: new Float64Array(n),
    depot: 0,
    customers: [],
    demand: new Float64Array(n),
    service: new Float64Array(n),
    twStart: new Float64Array(n),
    twEnd: new Float64Array(n).fill(Number.MAX_SAFE_INTEGER),
    hasTimeWindows: false,
    capacity: 0,
    convention: 'nint',
    timePerDistance: 1,
    disposalSites: [],
  };
}

/** VRPLIB / TSPLIB-style CVRP (and VRPTW) file. */
export function readVrplib(text: string, name: string, convention?: DistanceConvention): BenchInstance {
  const lines = text.split('\n');
  const header = new Map<string, string>();
  const sections = new Map<string, string[]>();
  let current: string | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line === 'EOF') continue;
    const kv = /^([A-Z_]+)\s*:\s*(.*)$/.exec(line);
    if (kv && !/_SECTION$/.test(kv[1])) {
      header.set(kv[1], kv[2].trim().replace(/^"|"$/g, ''));
      current = null;
      continue;
    }
    const sec = /^([A-Z_]+_SECTION)\s*:?\s*$/.exec(line);
    if (sec) {
      current = sec[1];
      sections.set(current, []);
      continue;
    }
    if (current) sections.get(current)?.push(line);
  }
  const n = Number(header.get('DIMENSION'));
  if (!Number.isInteger(n) || n < 2) throw new Error(`${name}: bad DIMENSION`);
  const inst = emptyInstance(header.get('NAME') ?? name, 'vrplib', n);
  inst.capacity = Number(header.get('CAPACITY') ?? 'Infinity');
  const weightType = header.get('EDGE_WEIGHT_TYPE') ?? 'EUC_2D';
  if (header.has('VEHICLES')) inst.vehicles = Number(header.get('VEHICLES'));
  if (header.has('DISTANCE')) inst.maxRouteLength = Number(header.get('DISTANCE'));
  for (const row of sections.get('NODE_COORD_SECTION') ?? []) {
    const [id, x, y] = row.split(/\s+/).map(Number);
    inst.x[id - 1] = x;
    inst.y[id - 1] = y;
  }
  for (const row of sections.get('DEMAND_SECTION') ?? []) {
    const [id, d] = row.split(/\s+/).map(Number);
    inst.demand[id - 1] = d;
  }
  const depots = (sections.get('DEPOT_SECTION') ?? []).map(Number).filter((v) => v > 0);
  inst.depot = depots.length > 0 ? depots[0] - 1 : 0;
  const serviceAll = header.has('SERVICE_TIME') ? Number(header.get('SERVICE_TIME')) : 0;
  for (let i = 0; i < n; i++) if (i !== inst.depot) inst.service[i] = serviceAll;
  for (const row of sections.get('SERVICE_TIME_SECTION') ?? []) {
    const [id, s] = row.split(/\s+/).map(Number);
    inst.service[id - 1] = s;
  }
  for (const row of sections.get('TIME_WINDOW_SECTION') ?? []) {
    const [id, a, b] = row.split(/\s+/).map(Number);
    inst.twStart[id - 1] = a;
    inst.twEnd[id - 1] = b;
    if (id - 1 !== inst.depot) inst.hasTimeWindows = true;
  }
  if (weightType === 'EXPLICIT') {
    inst.explicit = readExplicit(sections.get('EDGE_WEIGHT_SECTION') ?? [], n, header.get('EDGE_WEIGHT_FORMAT') ?? 'FULL_MATRIX');
    inst.convention = 'explicit';
  } else if (weightType === 'EUC_2D') {
    inst.convention = convention ?? 'nint';
  } else {
    throw new Error(`${name}: EDGE_WEIGHT_TYPE ${weightType} is not supported`);
  }
  for (let i = 0; i < n; i++) if (i !== inst.depot) inst.customers.push(i);
  return inst;
}

function readExplicit(rows: string[], n: number, format: string): Float64Array {
  const values = rows.join(' ').trim().split(/\s+/).map(Number);
  const m = new Float64Array(n * n);
  let k = 0;
  if (format === 'FULL_MATRIX') {
    for (let i = 0; i < n * n; i++) m[i] = values[k++];
  } else if (format === 'LOWER_ROW' || format === 'LOWER_DIAG_ROW') {
    const diag = format === 'LOWER_DIAG_ROW';
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < (diag ? i + 1 : i); j++) {
        m[i * n + j] = values[k];
        m[j * n + i] = values[k++];
      }
    }
  } else if (format === 'UPPER_ROW' || format === 'UPPER_DIAG_ROW') {
    const diag = format === 'UPPER_DIAG_ROW';
    for (let i = 0; i < n; i++) {
      for (let j = diag ? i : i + 1; j < n; j++) {
        m[i * n + j] = values[k];
        m[j * n + i] = values[k++];
      }
    }
  } else {
    throw new Error(`EDGE_WEIGHT_FORMAT ${format} is not supported`);
  }
  return m;
}

/** Solomon's VRPTW text format (customer 0 is the depot; its due date is the horizon). */
export function readSolomon(text: string, name: string, convention?: DistanceConvention): BenchInstance {
  const lines = text.split('\n').map((l) => l.trim());
  const vIdx = lines.findIndex((l) => l === 'VEHICLE');
  const cIdx = lines.findIndex((l) => l === 'CUSTOMER');
  const fleetLine = lines.slice(vIdx + 1, cIdx).find((l) => /^\d+\s+\d+/.test(l));
  if (!fleetLine) throw new Error(`${name}: no VEHICLE line`);
  const [vehicles, capacity] = fleetLine.split(/\s+/).map(Number);
  const rows = lines
    .slice(cIdx + 1)
    .filter((l) => /^\d/.test(l))
    .map((l) => l.split(/\s+/).map(Number));
  const n = rows.length;
  const inst = emptyInstance(lines[0] || name, 'solomon', n);
  inst.vehicles = vehicles;
  inst.capacity = capacity;
  inst.convention = convention ?? 'real';
  for (const [id, x, y, demand, ready, due, service] of rows) {
    inst.x[id] = x;
    inst.y[id] = y;
    inst.demand[id] = demand;
    inst.twStart[id] = ready;
    inst.twEnd[id] = due;
    inst.service[id] = service;
  }
  inst.depot = 0;
  inst.hasTimeWindows = true;
  for (let i = 1; i < n; i++) inst.customers.push(i);
  return inst;
}

/** HHMM integer (e.g. 1030, 700, 0, 2400) to seconds since midnight. */
export function hhmmToSeconds(value: number): number {
  const h = Math.floor(value / 100);
  const m = value % 100;
  return h * 3600 + m * 60;
}

/** Kim, Kim & Sahoo (2006) waste-collection instance. */
export function readKim(text: string, name: string): BenchInstance {
  const lines = text.split('\n');
  const num = (i: number): number => Number(lines[i].split('//')[0].trim().split(/\s+/)[0]);
  const capacity = num(0);
  const routeCapacity = num(1);
  const maxStops = num(2);
  const lunch = num(3);
  const speed = num(4);
  const rows = lines
    .slice(6)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
  const n = rows.length;
  const inst = emptyInstance(name, 'kim', n);
  inst.capacity = capacity;
  inst.routeCapacity = routeCapacity;
  inst.maxStops = maxStops;
  inst.breakDurationS = lunch;
  inst.breakWindow = [11 * 3600, 12 * 3600];
  inst.convention = 'manhattan-miles';
  inst.timePerDistance = 3600 / speed;
  inst.labels = [];
  rows.forEach((f, i) => {
    const [id, x, y, early, late, service, load, type] = f;
    inst.labels?.push(id);
    inst.x[i] = Number(x);
    inst.y[i] = Number(y);
    inst.twStart[i] = hhmmToSeconds(Number(early));
    inst.twEnd[i] = hhmmToSeconds(Number(late));
    inst.service[i] = Number(service);
    const t = Number(type);
    if (t === 0) inst.depot = i;
    else if (t === 2) inst.disposalSites.push(i);
    else {
      inst.customers.push(i);
      inst.demand[i] = Number(load);
      if (inst.twStart[i] > 0 || inst.twEnd[i] < 24 * 3600) inst.hasTimeWindows = true;
    }
  });
  return inst;
}

/** Distance between two locations under the instance's convention. */
export function distanceOf(inst: BenchInstance, i: number, j: number): number {
  if (inst.explicit) return inst.explicit[i * inst.n + j];
  const dx = inst.x[i] - inst.x[j];
  const dy = inst.y[i] - inst.y[j];
  switch (inst.convention) {
    case 'nint':
      return Math.floor(Math.sqrt(dx * dx + dy * dy) + 0.5);
    case 'real':
      return Math.sqrt(dx * dx + dy * dy);
    case 'dimacs':
      return Math.floor(10 * Math.sqrt(dx * dx + dy * dy)) / 10;
    case 'manhattan-miles':
      return (Math.abs(dx) + Math.abs(dy)) / 5280;
    default:
      throw new Error(`no coordinates for convention ${inst.convention}`);
  }
}

/** Reads a CVRPLIB `.sol` file: routes of customer numbers (0-based location indices) and the cost. */
export function readSolution(file: string): { routes: number[][]; cost: number | null } {
  const text = readFileSync(file, 'utf8').replace(/\r/g, '');
  const routes: number[][] = [];
  let cost: number | null = null;
  for (const line of text.split('\n')) {
    const route = /^Route\s*#\d+\s*:\s*(.*)$/i.exec(line.trim());
    if (route) {
      const stops = route[1].trim();
      routes.push(stops === '' ? [] : stops.split(/\s+/).map(Number));
      continue;
    }
    const c = /^Cost\s+([-\d.eE+]+)/i.exec(line.trim());
    if (c) cost = Number(c[1]);
  }
  return { routes, cost };
}
