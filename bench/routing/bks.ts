/**
 * Best-known solutions from the `bks.csv` files next to the instances (and
 * `.sol` files as a fallback), so that any instance path gets a gap when a
 * reference exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readSolution } from './formats';

/** A reference result for one instance. */
export interface Reference {
  /** Best-known cost under the convention the benchmark uses. */
  cost: number;
  /** Vehicles of the reference, when known. */
  vehicles?: number;
  /** Where the number comes from. */
  source: string;
  /** Other published rows (Kim et al. give two algorithms). */
  others?: Array<{ cost: number; vehicles?: number; source: string }>;
}

/** Parses a small CSV (quoted fields allowed). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const src = text.replace(/\r/g, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function findCsv(file: string): string | null {
  for (const dir of [path.dirname(file), path.dirname(path.dirname(file))]) {
    const candidate = path.join(dir, 'bks.csv');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The reference for an instance file, or null when none is found. `dimacs` picks Solomon's DIMACS optimum column. */
export function referenceFor(file: string, name: string, dimacs = false): Reference | null {
  const csv = findCsv(file);
  if (csv) {
    const rows = parseCsv(readFileSync(csv, 'utf8'));
    const mine = rows.filter((r) => (r.name ?? r.instance) === name);
    if (mine.length > 0) {
      const first = mine[0];
      if (first.bks !== undefined) return { cost: Number(first.bks), vehicles: first.k_min ? Number(first.k_min) : undefined, source: path.relative(path.dirname(csv), csv) };
      if (first.dist_only_distance !== undefined) {
        const column = dimacs ? 'dimacs_optimal_distance' : 'dist_only_distance';
        return { cost: Number(first[column]), vehicles: Number(first.dist_only_vehicles), source: `bks.csv ${column}` };
      }
      if (first.distance_miles !== undefined) {
        const published = mine.filter((r) => r.distance_miles !== '').map((r) => ({ cost: Number(r.distance_miles), vehicles: Number(r.vehicles), source: `${r.source_paper}, ${r.algorithm}` }));
        if (published.length === 0) return null;
        published.sort((a, b) => a.cost - b.cost);
        return { ...published[0], others: published.slice(1) };
      }
    }
  }
  const sol = file.replace(/\.(vrp|txt)$/i, '.sol');
  if (sol !== file && existsSync(sol)) {
    const { cost, routes } = readSolution(sol);
    if (cost !== null) return { cost, vehicles: routes.length, source: path.basename(sol) };
  }
  return null;
}

/** Distance convention a classic-set bks.csv row declares, if any. */
export function conventionFromCsv(file: string, name: string): 'nint' | 'real' | undefined {
  const csv = findCsv(file);
  if (!csv) return undefined;
  const row = parseCsv(readFileSync(csv, 'utf8')).find((r) => r.name === name);
  const c = row?.distance_convention ?? '';
  if (/nint|integer/i.test(c)) return 'nint';
  if (/real/i.test(c)) return 'real';
  return undefined;
}

/** One published result: total distance and trucks. */
export interface PublishedRow {
  cost: number;
  vehicles?: number;
  source: string;
}

/** Every published row of a reference, the best (lowest distance, then fewer trucks) first. */
export function publishedRows(ref: Reference): PublishedRow[] {
  return [ref, ...(ref.others ?? [])].map((r) => ({ cost: r.cost, vehicles: r.vehicles, source: r.source })).sort((a, b) => a.cost - b.cost || (a.vehicles ?? Infinity) - (b.vehicles ?? Infinity));
}

/**
 * Whether a solution beats the best published row of an instance: the row
 * with the lowest distance (ties: fewer trucks), matched or beaten when the
 * solution is feasible, uses no more trucks than that row and is no longer.
 * A row without a truck count cannot be beaten.
 */
export function beatsBestPublished(ref: Reference, solution: { feasible: boolean; vehicles: number; cost: number }): boolean {
  const best = publishedRows(ref)[0];
  return solution.feasible && best.vehicles !== undefined && solution.vehicles <= best.vehicles && solution.cost <= best.cost + 1e-9;
}
