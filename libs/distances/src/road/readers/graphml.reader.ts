import { DistanceError } from '../../types';
import { type Direction, RoadGraphBuilder } from '../road-graph';
import { DRIVABLE_HIGHWAYS, normaliseHighway, parseMaxspeed } from '../speeds';
import { interiorOriented, parseWktLineString } from './text';
import { scanXml } from './xml';

interface PendingEdge {
  from: number;
  to: number;
  data: Record<string, string>;
}

/**
 * Reads a GraphML road network as OSMnx writes it: nodes with `x` (lon) and
 * `y` (lat); edges with `length`, `highway`, `maxspeed`, `oneway` and an
 * optional WKT `geometry`. In a directed OSMnx graph a two-way street is two
 * edges; they are merged back into one two-way road piece so a snapped point
 * can leave in both directions. List-valued attributes (Python reprs) are
 * normalised; non-drivable classes are left out.
 */
export function readGraphml(xml: string, builder: RoadGraphBuilder, source: string): void {
  const keyName = new Map<string, string>();
  const nodeIndex = new Map<string, number>();
  const pendingNodes: Array<{ id: string; data: Record<string, string> }> = [];
  const edges: PendingEdge[] = [];
  let directed = true;
  let current: { kind: 'node' | 'edge'; id: string; source?: string; target?: string; data: Record<string, string> } | null = null;
  let dataKey: string | null = null;
  let dataText = '';

  scanXml(xml, {
    open(name, attributes) {
      if (name === 'key' && attributes.id && attributes['attr.name']) keyName.set(attributes.id, attributes['attr.name']);
      else if (name === 'graph') directed = attributes.edgedefault !== 'undirected';
      else if (name === 'node') current = { kind: 'node', id: attributes.id ?? '', data: {} };
      else if (name === 'edge') current = { kind: 'edge', id: attributes.id ?? '', source: attributes.source, target: attributes.target, data: {} };
      else if (name === 'data' && current) {
        dataKey = attributes.key ?? null;
        dataText = '';
      }
    },
    text(text) {
      if (dataKey !== null) dataText += text;
    },
    close(name) {
      if (name === 'data' && current && dataKey !== null) {
        current.data[keyName.get(dataKey) ?? dataKey] = dataText.trim();
        dataKey = null;
      } else if (name === 'node' && current?.kind === 'node') {
        pendingNodes.push({ id: current.id, data: current.data });
        current = null;
      } else if (name === 'edge' && current?.kind === 'edge') {
        const edge = current;
        current = null;
        // Nodes come before edges in OSMnx files; index them on the first edge.
        if (pendingNodes.length > 0) flushNodes();
        const from = nodeIndex.get(edge.source ?? '');
        const to = nodeIndex.get(edge.target ?? '');
        if (from === undefined || to === undefined) {
          throw new DistanceError('graph_format', `${source}: edge ${edge.source} -> ${edge.target} refers to an unknown node`);
        }
        edges.push({ from, to, data: edge.data });
      }
    },
  });
  if (pendingNodes.length > 0) flushNodes();

  function flushNodes(): void {
    for (const node of pendingNodes) {
      const lng = Number(node.data.x ?? node.data.lon);
      const lat = Number(node.data.y ?? node.data.lat);
      if (!Number.isFinite(lng) || !Number.isFinite(lat)) throw new DistanceError('graph_format', `${source}: node ${node.id} has no x/y coordinates`);
      nodeIndex.set(node.id, builder.addNode(lng, lat));
    }
    pendingNodes.length = 0;
  }

  // Pair each directed edge with its reverse twin (same end nodes, same length) to form one two-way piece.
  const twinKey = (from: number, to: number, data: Record<string, string>): string => `${from}|${to}|${Math.round(Number(data.length ?? 0))}`;
  const unpaired = new Map<string, number[]>();
  const direction: Direction[] = [];
  const skip = new Uint8Array(edges.length);
  edges.forEach((edge, k) => {
    const oneway = /^(true|yes|1)$/i.test(edge.data.oneway ?? '');
    direction[k] = directed || oneway ? 'forward' : 'both';
    if (!directed) return;
    const reverse = unpaired.get(twinKey(edge.to, edge.from, edge.data));
    if (reverse && reverse.length > 0) {
      const partner = reverse.pop() as number;
      direction[partner] = 'both';
      skip[k] = 1;
      return;
    }
    const key = twinKey(edge.from, edge.to, edge.data);
    const list = unpaired.get(key);
    if (list) list.push(k);
    else unpaired.set(key, [k]);
  });

  edges.forEach((edge, k) => {
    if (skip[k]) return;
    const highway = normaliseHighway(edge.data.highway);
    if (edge.data.highway !== undefined && !DRIVABLE_HIGHWAYS.has(highway)) return;
    let via: number[] | undefined;
    if (edge.data.geometry) {
      const coords = parseWktLineString(edge.data.geometry);
      if (!coords) throw new DistanceError('graph_format', `${source}: edge ${k} has an unreadable geometry`);
      const a = builder.lngLatOf(edge.from);
      const b = builder.lngLatOf(edge.to);
      via = interiorOriented(coords, a[0], a[1], b[0], b[1]);
    }
    const length = edge.data.length !== undefined ? Number(edge.data.length) : null;
    builder.addEdge({
      from: edge.from,
      to: edge.to,
      via,
      lengthM: length !== null && Number.isFinite(length) ? length : null,
      highway: highway || 'unclassified',
      maxspeedKmh: parseMaxspeed(edge.data.maxspeed),
      direction: direction[k],
    });
  });
}
