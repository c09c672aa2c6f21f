import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DistanceError } from '../../types';
import { RoadGraphBuilder } from '../road-graph';
import { normaliseHighway, parseMaxspeed, DRIVABLE_HIGHWAYS } from '../speeds';
import { interiorOriented, parseCsv, parseWktLineString } from './text';

/** The file pairs a CSV graph folder may hold, in order of preference. */
const FILE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['drive_nodes.csv', 'drive_edges.csv'],
  ['nodes.csv', 'edges.csv'],
];

/** Whether a folder holds a CSV node/edge graph this reader understands. */
export function isCsvGraphFolder(folder: string): boolean {
  return FILE_PAIRS.some(([nodes, edges]) => existsSync(path.join(folder, nodes)) && existsSync(path.join(folder, edges)));
}

/**
 * Reads a node/edge CSV graph: nodes (`node_id`, `lon`, `lat`) and edges
 * (`u`, `v`, optional `length_m`, `highway`, `oneway` 0/1 meaning u -> v
 * only, `maxspeed` km/h, `geometry_wkt` from u to v). Rows that cannot be
 * read are reported in the error with their line, never skipped silently;
 * non-drivable classes are left out on purpose.
 */
export function readCsvGraph(folder: string, builder: RoadGraphBuilder): void {
  const pair = FILE_PAIRS.find(([nodes, edges]) => existsSync(path.join(folder, nodes)) && existsSync(path.join(folder, edges)));
  if (!pair) throw new DistanceError('graph_format', `${folder}: no drive_nodes.csv/drive_edges.csv or nodes.csv/edges.csv`);
  const nodeIndex = new Map<string, number>();
  const problems: string[] = [];

  let nodeCols: Record<string, number> | null = null;
  parseCsv(readFileSync(path.join(folder, pair[0]), 'utf8'), (fields, line) => {
    if (!nodeCols) {
      nodeCols = columns(fields, ['node_id', 'lon', 'lat'], pair[0]);
      return;
    }
    const lng = Number(fields[nodeCols.lon]);
    const lat = Number(fields[nodeCols.lat]);
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) {
      problems.push(`${pair[0]} line ${line}: bad coordinates`);
      return;
    }
    nodeIndex.set(fields[nodeCols.node_id], builder.addNode(lng, lat));
  });

  let edgeCols: Record<string, number> | null = null;
  parseCsv(readFileSync(path.join(folder, pair[1]), 'utf8'), (fields, line) => {
    if (!edgeCols) {
      edgeCols = columns(fields, ['u', 'v'], pair[1]);
      return;
    }
    const cols = edgeCols;
    const from = nodeIndex.get(fields[cols.u]);
    const to = nodeIndex.get(fields[cols.v]);
    if (from === undefined || to === undefined) {
      problems.push(`${pair[1]} line ${line}: unknown node ${from === undefined ? fields[cols.u] : fields[cols.v]}`);
      return;
    }
    const highway = cols.highway !== undefined ? normaliseHighway(fields[cols.highway]) : 'unclassified';
    if (cols.highway !== undefined && !DRIVABLE_HIGHWAYS.has(highway)) return;
    const lengthM = cols.length_m !== undefined && fields[cols.length_m] !== '' ? Number(fields[cols.length_m]) : null;
    const oneway = cols.oneway !== undefined && ['1', 'true', 'yes', 'True'].includes(fields[cols.oneway]);
    let via: number[] | undefined;
    if (cols.geometry_wkt !== undefined && fields[cols.geometry_wkt]) {
      const coords = parseWktLineString(fields[cols.geometry_wkt]);
      if (!coords) {
        problems.push(`${pair[1]} line ${line}: unreadable geometry`);
        return;
      }
      const a = builder.lngLatOf(from);
      const b = builder.lngLatOf(to);
      via = interiorOriented(coords, a[0], a[1], b[0], b[1]);
    }
    builder.addEdge({
      from,
      to,
      via,
      lengthM: lengthM !== null && Number.isFinite(lengthM) ? lengthM : null,
      highway,
      maxspeedKmh: cols.maxspeed !== undefined ? parseMaxspeed(fields[cols.maxspeed]) : null,
      direction: oneway ? 'forward' : 'both',
    });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    throw new DistanceError('graph_format', `${folder}: ${problems.length} unreadable rows (${shown}${problems.length > 5 ? '; ...' : ''})`);
  }
}

function columns(header: string[], required: string[], file: string): Record<string, number> {
  const cols: Record<string, number> = {};
  header.forEach((name, k) => (cols[name.trim()] = k));
  const missing = required.filter((name) => cols[name] === undefined);
  if (missing.length > 0) throw new DistanceError('graph_format', `${file}: missing column(s) ${missing.join(', ')}`);
  return cols;
}
