import type { Plan, PlanRoute, PlanStop } from '@vulgraad/contracts';
import { toCsv, type CsvValue } from '@vulgraad/csv';

/** A GeoJSON FeatureCollection (RFC 7946), typed just enough for the exports. */
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    geometry: { type: 'LineString'; coordinates: Array<[number, number]> } | { type: 'Point'; coordinates: [number, number] };
    properties: Record<string, string | number | boolean | null>;
  }>;
}

const routesOf = (plan: Plan, vehicleId?: string): PlanRoute[] =>
  vehicleId === undefined ? plan.routes : plan.routes.filter((r) => r.vehicleId === vehicleId);

const located = (s: PlanStop): s is PlanStop & { lng: number; lat: number } => s.lng !== null && s.lat !== null;

/** The road path of a route, or straight legs between its stops when no geometry was computed. */
function lineOf(route: PlanRoute): Array<[number, number]> {
  if (route.geometry && route.geometry.coordinates.length >= 2) return route.geometry.coordinates;
  return route.stops.filter(located).filter((s) => s.kind !== 'break').map((s): [number, number] => [s.lng, s.lat]);
}

/**
 * A plan (or one truck's route) as GeoJSON: one LineString per route and one
 * Point per stop, with the stop's order, times, load and why as properties.
 */
export function planToGeoJson(plan: Plan, options: { vehicleId?: string } = {}): FeatureCollection {
  const features: FeatureCollection['features'] = [];
  for (const route of routesOf(plan, options.vehicleId)) {
    const line = lineOf(route);
    if (line.length >= 2) {
      features.push({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: line },
        properties: {
          planId: plan.id, routeId: route.id, vehicleId: route.vehicleId, shiftDate: plan.shiftDate, version: plan.version,
          distanceM: route.distanceM, durationS: route.durationS, startAt: route.startAt, endAt: route.endAt,
          roadGeometry: route.geometry !== null,
        },
      });
    }
    for (const stop of route.stops.filter(located)) {
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [stop.lng, stop.lat] },
        properties: {
          planId: plan.id, vehicleId: route.vehicleId, seq: stop.seq, kind: stop.kind, containerId: stop.containerId,
          disposalSiteId: stop.disposalSiteId, arriveAt: stop.arriveAt, departAt: stop.departAt, loadAfterL: stop.loadAfterL,
          loadAfterKg: stop.loadAfterKg, category: stop.why?.category ?? null, fillNowPct: stop.why?.fillNowPct ?? null,
          predictedFillAtArrivalPct: stop.why?.predictedFillAtArrivalPct ?? null, overflowRisk: stop.why?.overflowRisk ?? null,
          plannerAction: stop.why?.plannerDecision?.action ?? null, fromHistoryOnly: stop.why?.fromHistoryOnly ?? null,
          doneAt: stop.doneAt,
        },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

const xml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

function stopName(stop: PlanStop): string {
  if (stop.kind === 'container') return `${stop.seq} ${stop.containerId ?? ''}`.trim();
  if (stop.kind === 'disposal') return `${stop.seq} unload ${stop.disposalSiteId ?? ''}`.trim();
  return `${stop.seq} ${stop.kind.replace('_', ' ')}`;
}

/**
 * A plan (or one route) as GPX 1.1 for fleet navigation units: per truck a
 * `<rte>` of its stops in order (name, planned arrival, why) and a `<trk>`
 * with the road path.
 */
export function planToGpx(plan: Plan, options: { vehicleId?: string } = {}): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="vulgraad" xmlns="http://www.topografix.com/GPX/1/1">',
    `  <metadata><name>${xml(`${plan.district} ${plan.fraction} ${plan.shiftDate} v${plan.version}`)}</name><time>${xml(plan.createdAt)}</time></metadata>`,
  ];
  for (const route of routesOf(plan, options.vehicleId)) {
    out.push(`  <rte><name>${xml(route.vehicleId)}</name>`);
    for (const stop of route.stops.filter(located)) {
      const desc = stop.why
        ? `${stop.why.category}; fill ${stop.why.fillNowPct ?? '?'}% now, ${stop.why.predictedFillAtArrivalPct ?? '?'}% at arrival`
        : stop.kind;
      out.push(
        `    <rtept lat="${stop.lat}" lon="${stop.lng}"><time>${xml(stop.arriveAt)}</time><name>${xml(stopName(stop))}</name><desc>${xml(desc)}</desc><type>${stop.kind}</type></rtept>`,
      );
    }
    out.push('  </rte>');
    const line = lineOf(route);
    if (line.length >= 2) {
      out.push(`  <trk><name>${xml(route.vehicleId)}</name><trkseg>`);
      for (const [lng, lat] of line) out.push(`    <trkpt lat="${lat}" lon="${lng}"/>`);
      out.push('  </trkseg></trk>');
    }
  }
  out.push('</gpx>', '');
  return out.join('\n');
}

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'plan_id', 'shift_date', 'version', 'vehicle_id', 'seq', 'kind', 'container_id', 'disposal_site_id', 'lng', 'lat',
  'arrive_at', 'depart_at', 'load_after_l', 'load_after_kg', 'category', 'fill_now_pct', 'predicted_fill_at_arrival_pct',
  'overflow_risk', 'planner_action', 'planner_reason', 'from_history_only', 'done_at',
] as const;

/** A plan (or one route) as CSV (RFC 4180, header row, CRLF, formulas defused), one row per stop. */
export function planToCsv(plan: Plan, options: { vehicleId?: string } = {}): string {
  const rows: CsvValue[][] = [];
  for (const route of routesOf(plan, options.vehicleId)) {
    for (const s of route.stops) {
      const w = s.why;
      rows.push(
        [
          plan.id, plan.shiftDate, plan.version, route.vehicleId, s.seq, s.kind, s.containerId, s.disposalSiteId, s.lng, s.lat,
          s.arriveAt, s.departAt, s.loadAfterL, s.loadAfterKg, w?.category ?? null, w?.fillNowPct ?? null,
          w?.predictedFillAtArrivalPct ?? null, w?.overflowRisk ?? null, w?.plannerDecision?.action ?? null,
          w?.plannerDecision?.reason ?? null, w ? w.fromHistoryOnly : null, s.doneAt,
        ],
      );
    }
  }
  return toCsv(CSV_COLUMNS, rows);
}
