import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DistanceError, parseCsvRows, parseWktLineString } from '@vulgraad/distances';
import type { BasemapFeature } from './types';

/**
 * The streets of a node/edge CSV road graph (`drive_edges.csv` or
 * `edges.csv`, as `DISTANCES_ROAD_GRAPH` reads them): each edge's geometry
 * with its class and, where the file has a `name` column, its name. Edges of
 * one street that meet end to end are joined, so a name can be placed along
 * a long line and the map has fewer pieces to draw.
 */
export function streetsFromCsvGraph(folder: string): BasemapFeature[] {
  const file = ['drive_edges.csv', 'edges.csv'].map((name) => path.join(folder, name)).find((f) => existsSync(f));
  if (!file) throw new DistanceError('graph_format', `${folder}: no drive_edges.csv or edges.csv`);
  let cols: Record<string, number> | null = null;
  const pieces: Array<{ kind: string; name: string | null; coords: number[] }> = [];
  const problems: string[] = [];
  parseCsvRows(readFileSync(file, 'utf8'), (fields, line) => {
    if (!cols) {
      cols = Object.fromEntries(fields.map((name, k) => [name.trim(), k]));
      if (cols.geometry_wkt === undefined) throw new DistanceError('graph_format', `${file}: no geometry_wkt column, so the streets cannot be drawn`);
      return;
    }
    const coords = parseWktLineString(fields[cols.geometry_wkt as number] ?? '');
    if (!coords || coords.length < 4) {
      problems.push(`line ${line}`);
      return;
    }
    const kind = cols.highway !== undefined ? fields[cols.highway] || 'road' : 'road';
    const name = cols.name !== undefined ? fields[cols.name] || null : null;
    pieces.push({ kind, name, coords });
  });
  if (problems.length > 0) throw new DistanceError('graph_format', `${file}: ${problems.length} rows without a readable geometry (${problems.slice(0, 5).join(', ')})`);
  return joinLines(pieces).map((p) => ({ layer: 'street', kind: p.kind, name: p.name, parts: [p.coords] }));
}

/** Joins lines of the same class and name that meet end to end (in either direction). */
export function joinLines(pieces: ReadonlyArray<{ kind: string; name: string | null; coords: number[] }>): Array<{ kind: string; name: string | null; coords: number[] }> {
  const key = (lng: number, lat: number): string => `${lng.toFixed(7)},${lat.toFixed(7)}`;
  const byGroup = new Map<string, Array<{ kind: string; name: string | null; coords: number[] }>>();
  for (const p of pieces) {
    const group = `${p.kind}|${p.name ?? ''}`;
    const list = byGroup.get(group) ?? [];
    list.push({ ...p, coords: [...p.coords] });
    byGroup.set(group, list);
  }
  const joined: Array<{ kind: string; name: string | null; coords: number[] }> = [];
  for (const list of byGroup.values()) {
    if (list[0]?.name === null) {
      joined.push(...list);
      continue;
    }
    const ends = new Map<string, Set<number>>();
    const note = (k: string, i: number): void => {
      const set = ends.get(k) ?? new Set<number>();
      set.add(i);
      ends.set(k, set);
    };
    const startKey = (c: number[]): string => key(c[0] as number, c[1] as number);
    const endKey = (c: number[]): string => key(c[c.length - 2] as number, c[c.length - 1] as number);
    list.forEach((p, i) => {
      note(startKey(p.coords), i);
      note(endKey(p.coords), i);
    });
    const used = new Set<number>();
    const takeAt = (k: string, self: number): number | null => {
      for (const j of ends.get(k) ?? []) if (j !== self && !used.has(j)) return j;
      return null;
    };
    for (let i = 0; i < list.length; i++) {
      if (used.has(i)) continue;
      used.add(i);
      let coords = (list[i] as { coords: number[] }).coords;
      for (;;) {
        const j = takeAt(endKey(coords), i);
        if (j === null) break;
        used.add(j);
        const next = (list[j] as { coords: number[] }).coords;
        coords = endKey(coords) === startKey(next) ? coords.concat(next.slice(2)) : coords.concat(reversePairs(next).slice(2));
      }
      for (;;) {
        const j = takeAt(startKey(coords), i);
        if (j === null) break;
        used.add(j);
        const prev = (list[j] as { coords: number[] }).coords;
        coords = endKey(prev) === startKey(coords) ? prev.concat(coords.slice(2)) : reversePairs(prev).concat(coords.slice(2));
      }
      joined.push({ kind: (list[i] as { kind: string }).kind, name: (list[i] as { name: string | null }).name, coords });
    }
  }
  return joined;
}

function reversePairs(coords: readonly number[]): number[] {
  const out = new Array<number>(coords.length);
  for (let i = 0, n = coords.length; i < n; i += 2) {
    out[n - 2 - i] = coords[i] as number;
    out[n - 1 - i] = coords[i + 1] as number;
  }
  return out;
}
