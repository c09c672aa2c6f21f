import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DistanceError } from '../types';
import { readCsvGraph } from './readers/csv-graph.reader';
import { readGraphml } from './readers/graphml.reader';
import { readOsmPbf } from './readers/osm-pbf.reader';
import { readOsmXml } from './readers/osm-xml.reader';
import { RoadGraph, RoadGraphBuilder } from './road-graph';
import type { SpeedOptions } from './speeds';

/** The formats `loadRoadGraph` understands. */
export type RoadGraphFormat = 'csv' | 'graphml' | 'osm-xml' | 'osm-pbf';

/** Options of loading a road graph. */
export interface LoadRoadGraphOptions {
  speeds?: SpeedOptions;
  /** Force a format instead of guessing from the path. */
  format?: RoadGraphFormat;
  /** Keep only the largest strongly connected component (default true). */
  keepLargestComponent?: boolean;
}

/** Guesses the format from a path: a folder is a CSV graph; otherwise by extension (gzip allowed for XML formats). */
export function guessFormat(filePath: string, isDirectory: boolean): RoadGraphFormat {
  if (isDirectory) return 'csv';
  const name = filePath.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.pbf')) return 'osm-pbf';
  if (name.endsWith('.graphml')) return 'graphml';
  if (name.endsWith('.osm') || name.endsWith('.xml')) return 'osm-xml';
  throw new DistanceError('graph_format', `${filePath}: unknown road graph format (expected a CSV folder, .graphml, .osm, .osm.gz or .osm.pbf)`);
}

/**
 * Loads a road network from OpenStreetMap data (`.osm.pbf`, `.osm`/`.osm.gz`),
 * an OSMnx GraphML file, or a folder with a node/edge CSV graph, and builds
 * the routable graph (speeds, one-way streets, largest strongly connected
 * component).
 */
export async function loadRoadGraph(filePath: string, options: LoadRoadGraphOptions = {}): Promise<RoadGraph> {
  const info = await stat(filePath).catch(() => null);
  if (!info) throw new DistanceError('graph_format', `${filePath}: no such file or folder`);
  const format = options.format ?? guessFormat(filePath, info.isDirectory());
  const builder = new RoadGraphBuilder(`${format}:${path.resolve(filePath)}:${info.size}:${Math.round(info.mtimeMs)}`);
  if (format === 'csv') {
    readCsvGraph(filePath, builder);
  } else {
    let bytes: Buffer = await readFile(filePath);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    if (format === 'osm-pbf') readOsmPbf(bytes, builder, filePath);
    else if (format === 'graphml') readGraphml(bytes.toString('utf8'), builder, filePath);
    else readOsmXml(bytes.toString('utf8'), builder, filePath);
  }
  return builder.build({ speeds: options.speeds, keepLargestComponent: options.keepLargestComponent });
}
