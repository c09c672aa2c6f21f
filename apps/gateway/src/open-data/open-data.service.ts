import { Inject, Injectable } from '@nestjs/common';
import { AlertsRepository, NextVisitsRepository } from '@vulgraad/alerts';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DATABASE, type Clock, type ContainerType, type WasteFraction } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import type { OpenContainer } from './ngsi-ld';

/** Statistics cover this many days back from now. */
export const OPEN_DATA_WINDOW_DAYS = 30;

/** -- Params: none. Registry and latest fill of active containers (view open_data_containers). */
const SELECT_CONTAINERS = `
  SELECT id, external_ref, lng, lat, district, address, waste_type, container_type, volume_l, fill_pct, fill_measured_at
  FROM open_data_containers ORDER BY district, id`;
/** -- Params: $1 from, $2 to */
const SELECT_STATS = `SELECT container_id, readings, fill_avg, fill_max, full_days, emptyings, last_emptied_at FROM open_data_container_stats($1, $2)`;

export interface OpenDistrict {
  district: string;
  containers: number;
  byWasteType: Record<string, number>;
  volumeL: number;
  fillNowAvgPct: number | null;
  fillAvgPct: number | null;
  containersFullNow: number;
  emptyings: number;
  emptyingsPerContainerPerWeek: number;
}

export interface OpenDataSnapshot {
  generatedAt: string;
  windowDays: number;
  containers: OpenContainer[];
  districts: OpenDistrict[];
}

const round = (v: number | null, digits = 1): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * The open data: container locations, waste type, fill statistics per
 * container and district, emptying frequency, next planned visit. Computed
 * at most once per GATEWAY_OPEN_DATA_CACHE_S (anyone may ask, so a burst of
 * anonymous requests costs one computation).
 */
@Injectable()
export class OpenDataService {
  private cached: { at: number; value: Promise<OpenDataSnapshot> } | null = null;
  private readonly alerts: AlertsRepository;
  private readonly visits: NextVisitsRepository;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.alerts = new AlertsRepository(db);
    this.visits = new NextVisitsRepository(db);
  }

  snapshot(): Promise<OpenDataSnapshot> {
    const ttlMs = this.config.gateway.openDataCacheS * 1000;
    const now = Date.now();
    if (this.cached && now - this.cached.at < ttlMs) return this.cached.value;
    const value = this.compute();
    this.cached = { at: now, value };
    value.catch(() => {
      if (this.cached?.value === value) this.cached = null;
    });
    return value;
  }

  private async compute(): Promise<OpenDataSnapshot> {
    const now = this.clock.now();
    const from = new Date(now.getTime() - OPEN_DATA_WINDOW_DAYS * 86_400_000);
    const [containers, stats, unresolved, visits] = await Promise.all([
      this.db.query<{
        id: string; external_ref: string | null; lng: number; lat: number; district: string; address: string | null;
        waste_type: WasteFraction; container_type: ContainerType; volume_l: number; fill_pct: number | null; fill_measured_at: Date | null;
      }>(SELECT_CONTAINERS),
      this.db.query<{ container_id: string; readings: number; fill_avg: number | null; fill_max: number | null; full_days: number; emptyings: number; last_emptied_at: Date | null }>(
        SELECT_STATS,
        [from, now],
      ),
      this.alerts.unresolvedKeys(),
      this.visits.from(now).catch(() => new Map<string, Date>()),
    ]);
    const statsById = new Map(stats.rows.map((s) => [s.container_id, s]));
    const causes = new Map<string, Set<string>>();
    for (const { containerId, cause } of unresolved) {
      const set = causes.get(containerId) ?? new Set<string>();
      set.add(cause);
      causes.set(containerId, set);
    }
    const weeks = OPEN_DATA_WINDOW_DAYS / 7;
    const open: OpenContainer[] = containers.rows.map((c) => {
      const s = statsById.get(c.id);
      const alertCauses = causes.get(c.id);
      const emptyings = Number(s?.emptyings ?? 0);
      return {
        id: c.id,
        externalRef: c.external_ref,
        lng: c.lng,
        lat: c.lat,
        district: c.district,
        address: c.address,
        wasteType: c.waste_type,
        containerType: c.container_type,
        volumeL: c.volume_l,
        fillPct: round(c.fill_pct),
        fillMeasuredAt: iso(c.fill_measured_at),
        fillAvgPct: round(s?.fill_avg ?? null),
        fillMaxPct: round(s?.fill_max ?? null),
        fullDays: Number(s?.full_days ?? 0),
        emptyings,
        emptyingsPerWeek: round(emptyings / weeks, 2) as number,
        lastEmptiedAt: iso(s?.last_emptied_at ?? null),
        nextVisitAt: iso(visits.get(c.id) ?? null),
        status: alertCauses?.has('temperature_high') ? 'burning' : c.fill_pct === null || alertCauses?.has('sensor_silent') ? 'unknown' : 'ok',
      };
    });
    return { generatedAt: now.toISOString(), windowDays: OPEN_DATA_WINDOW_DAYS, containers: open, districts: this.byDistrict(open, weeks) };
  }

  private byDistrict(containers: readonly OpenContainer[], weeks: number): OpenDistrict[] {
    const groups = new Map<string, OpenContainer[]>();
    for (const c of containers) groups.set(c.district, [...(groups.get(c.district) ?? []), c]);
    const mean = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
    return [...groups.entries()].map(([district, list]) => {
      const byWasteType: Record<string, number> = {};
      for (const c of list) byWasteType[c.wasteType] = (byWasteType[c.wasteType] ?? 0) + 1;
      const emptyings = list.reduce((a, c) => a + c.emptyings, 0);
      return {
        district,
        containers: list.length,
        byWasteType,
        volumeL: list.reduce((a, c) => a + c.volumeL, 0),
        fillNowAvgPct: round(mean(list.flatMap((c) => (c.fillPct === null ? [] : [c.fillPct])))),
        fillAvgPct: round(mean(list.flatMap((c) => (c.fillAvgPct === null ? [] : [c.fillAvgPct])))),
        containersFullNow: list.filter((c) => c.fillPct !== null && c.fillPct >= 100).length,
        emptyings,
        emptyingsPerContainerPerWeek: round(emptyings / list.length / weeks, 2) as number,
      };
    });
  }
}
