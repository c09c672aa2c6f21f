import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DomainError, type Clock } from '@vulgraad/contracts';
import { CollectionsRepository, ContainersRepository, DevicesRepository, ReadingsRepository, type ContainerInput, type ContainerRecord } from '@vulgraad/database';
import { createForecaster, forecastSettingsFrom, type FillForecaster } from '@vulgraad/forecasting';
import { AuditService } from '../audit/audit.service';
import { seesDistrict, type AuthUser } from '../auth/roles';
import { LiveService } from '../live/live.service';
import { parseContainerCsv, parseContainerGeoJson, type ImportRow } from './container-import';
import { ContainerViewsRepository, type ContainerView } from './container-views.repository';
import type { ContainerDto, ContainerListQuery, Resolution } from './containers.dto';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longest window each resolution answers, so one request cannot read years of raw rows. */
const MAX_WINDOW_MS: Record<Resolution, number> = { raw: 31 * DAY_MS, hourly: 92 * DAY_MS, daily: 3 * 366 * DAY_MS };
const DEFAULT_WINDOW_MS: Record<Resolution, number> = { raw: 7 * DAY_MS, hourly: 7 * DAY_MS, daily: 90 * DAY_MS };
/** History the forecast learns from. */
const FORECAST_HISTORY_MS = 28 * DAY_MS;

export interface ImportReport {
  format: 'csv' | 'geojson';
  dryRun: boolean;
  received: number;
  accepted: number;
  rejected: number;
  rows: Array<{ row: number; ref: string | null; status: 'created' | 'updated' | 'valid' | 'rejected'; id: string | null; errors: ImportRow['errors'] }>;
}

type Feature = { type: 'Feature'; id: string; geometry: { type: 'Point'; coordinates: [number, number] }; properties: Omit<ContainerView, 'lng' | 'lat'> };

@Injectable()
export class ContainersService {
  /** The city's forecaster, as the planner and the alerts build it: the dashboard's "full at" agrees with the plan. */
  private readonly forecaster: FillForecaster;

  constructor(
    private readonly containers: ContainersRepository,
    private readonly views: ContainerViewsRepository,
    private readonly devices: DevicesRepository,
    private readonly readingStore: ReadingsRepository,
    private readonly collections: CollectionsRepository,
    private readonly audit: AuditService,
    private readonly live: LiveService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: Config,
  ) {
    this.forecaster = createForecaster(forecastSettingsFrom(config));
  }

  /** Containers with their latest state as a GeoJSON FeatureCollection. */
  async list(user: AuthUser, query: ContainerListQuery): Promise<{ type: 'FeatureCollection'; features: Feature[] }> {
    if (query.district && !seesDistrict(user, query.district)) throw new DomainError('forbidden', `you may not see district ${query.district}`, 'district');
    const bbox = query.bbox ? (query.bbox.split(',').map(Number) as [number, number, number, number]) : undefined;
    if (bbox && (bbox[0] > bbox[2] || bbox[1] > bbox[3])) throw new DomainError('validation', 'bbox must be west,south,east,north with west <= east and south <= north', 'bbox');
    const views = await this.views.list({ district: query.district, wasteType: query.wasteType, districts: user.districts, bbox, limit: query.limit ?? 20_000 });
    return {
      type: 'FeatureCollection',
      features: views.map(({ lng, lat, ...properties }) => ({ type: 'Feature', id: properties.id, geometry: { type: 'Point', coordinates: [lng, lat] }, properties })),
    };
  }

  async get(user: AuthUser, id: string): Promise<ContainerView & { bindings: Array<{ deviceId: string; validFrom: string; validTo: string | null }>; lastEmptiedAt: string | null }> {
    const [view] = await this.views.list({ ids: [id], districts: null, limit: 1 });
    if (!view) throw new DomainError('not_found', `container ${id} does not exist`, 'id');
    this.checkDistrict(user, view.district);
    const [bindings, last] = await Promise.all([this.devices.bindingsOfContainer(id), this.collections.lastOf([id])]);
    return {
      ...view,
      bindings: bindings.map((b) => ({ deviceId: b.deviceId, validFrom: b.validFrom.toISOString(), validTo: b.validTo?.toISOString() ?? null })),
      lastEmptiedAt: last[0]?.collectedAt.toISOString() ?? null,
    };
  }

  async create(user: AuthUser, dto: ContainerDto): Promise<ContainerRecord> {
    this.checkDistrict(user, dto.district);
    if (dto.externalRef && (await this.containers.findByExternalRefs([dto.externalRef])).length > 0) {
      throw new DomainError('conflict', `a container with externalRef ${dto.externalRef} exists; update it with PUT /api/containers/{id}`, 'externalRef');
    }
    const [created] = await this.containers.upsert([this.toInput(dto)]);
    await this.audit.record(user, 'container.create', { type: 'container', id: created!.id }, { ...dto });
    this.live.registryChanged([created!.id]);
    return created!;
  }

  async update(user: AuthUser, id: string, dto: ContainerDto): Promise<ContainerRecord> {
    const existing = await this.containers.findById(id);
    if (!existing) throw new DomainError('not_found', `container ${id} does not exist`, 'id');
    this.checkDistrict(user, existing.district);
    this.checkDistrict(user, dto.district);
    if (dto.externalRef && dto.externalRef !== existing.externalRef) {
      const [other] = await this.containers.findByExternalRefs([dto.externalRef]);
      if (other && other.id !== id) throw new DomainError('conflict', `externalRef ${dto.externalRef} belongs to container ${other.id}`, 'externalRef');
    }
    const [updated] = await this.containers.upsert([{ ...this.toInput(dto), id, externalRef: dto.externalRef ?? existing.externalRef }]);
    await this.audit.record(user, 'container.update', { type: 'container', id }, { before: existing, after: dto });
    this.live.registryChanged([id]);
    return updated!;
  }

  async deactivate(user: AuthUser, id: string): Promise<void> {
    const existing = await this.containers.findById(id);
    if (!existing) throw new DomainError('not_found', `container ${id} does not exist`, 'id');
    this.checkDistrict(user, existing.district);
    await this.containers.setActive(id, false);
    await this.audit.record(user, 'container.deactivate', { type: 'container', id }, {});
    this.live.registryChanged([id]);
  }

  /** Imports a CSV text or a GeoJSON document; valid rows are stored in one go, every row is reported. */
  async import(user: AuthUser, body: unknown, format: 'csv' | 'geojson', dryRun: boolean): Promise<ImportReport> {
    const rows = format === 'csv' ? parseContainerCsv(typeof body === 'string' ? body : '') : parseContainerGeoJson(body);
    for (const row of rows) {
      if (row.input && !seesDistrict(user, row.input.district)) {
        row.errors.push({ field: 'district', message: `you may not manage district ${row.input.district}` });
        row.input = null;
      }
    }
    const seen = new Map<string, number>();
    for (const row of rows) {
      if (!row.input || !row.ref) continue;
      const first = seen.get(row.ref);
      if (first !== undefined) {
        row.errors.push({ field: 'externalRef', message: `the same reference is on row ${first}; each container once per import` });
        row.input = null;
      } else {
        seen.set(row.ref, row.row);
      }
    }
    const found = await this.containers.findByExternalRefs(rows.filter((r) => r.input).map((r) => r.ref as string));
    // Re-homing a container is managing the district it leaves as well as the one it joins (as PUT checks both).
    const foreign = new Map(found.filter((c) => !seesDistrict(user, c.district)).map((c) => [c.externalRef, c.district]));
    for (const row of rows) {
      const district = row.input && row.ref ? foreign.get(row.ref) : undefined;
      if (district === undefined) continue;
      row.errors.push({ field: 'district', message: `container ${row.ref} is in district ${district}, which you may not manage` });
      row.input = null;
    }
    const valid = rows.filter((r) => r.input);
    const existing = new Map(found.map((c) => [c.externalRef, c.id]));
    const stored = new Map<string, string>();
    if (!dryRun && valid.length > 0) {
      for (const record of await this.containers.upsert(valid.map((r) => r.input as ContainerInput))) stored.set(record.externalRef ?? '', record.id);
    }
    const report: ImportReport = {
      format,
      dryRun,
      received: rows.length,
      accepted: valid.length,
      rejected: rows.length - valid.length,
      rows: rows.map((r) => ({
        row: r.row,
        ref: r.ref,
        status: !r.input ? 'rejected' : dryRun ? 'valid' : existing.has(r.ref) ? 'updated' : 'created',
        id: r.input ? (stored.get(r.ref as string) ?? existing.get(r.ref as string) ?? null) : null,
        errors: r.errors,
      })),
    };
    if (!dryRun) {
      await this.audit.record(user, 'container.import', { type: 'container', id: null }, { format, received: report.received, accepted: report.accepted, rejected: report.rejected });
      this.live.registryChanged([...stored.values()]);
    }
    return report;
  }

  /** Fill history: raw readings, or the hourly/daily roll-ups. */
  async readings(user: AuthUser, id: string, resolution: Resolution, from?: string, to?: string): Promise<{ containerId: string; resolution: Resolution; from: string; to: string; points: unknown[] }> {
    const container = await this.containers.findById(id);
    if (!container) throw new DomainError('not_found', `container ${id} does not exist`, 'id');
    this.checkDistrict(user, container.district);
    const toDate = to ? new Date(to) : this.clock.now();
    const fromDate = from ? new Date(from) : new Date(toDate.getTime() - DEFAULT_WINDOW_MS[resolution]);
    if (fromDate >= toDate) throw new DomainError('validation', 'from must be before to', 'from');
    if (toDate.getTime() - fromDate.getTime() > MAX_WINDOW_MS[resolution]) {
      throw new DomainError('validation', `at most ${MAX_WINDOW_MS[resolution] / DAY_MS} days at resolution ${resolution}`, 'from');
    }
    let points: unknown[];
    if (resolution === 'raw') {
      points = (await this.readingStore.range(id, fromDate, toDate)).reverse().map((r) => ({
        measuredAt: r.measuredAt.toISOString(),
        fillPct: r.fillPct,
        temperatureC: r.temperatureC,
        batteryPct: r.batteryPct,
        flags: r.flags,
        alarms: r.alarms,
        deviceId: r.deviceId,
      }));
    } else {
      const rollups = resolution === 'hourly' ? await this.readingStore.hourly([id], fromDate, toDate) : await this.readingStore.daily([id], fromDate, toDate);
      points = rollups.map(({ containerId: _containerId, bucket, ...rest }) => ({ bucket: bucket.toISOString(), ...rest }));
    }
    return { containerId: id, resolution, from: fromDate.toISOString(), to: toDate.toISOString(), points };
  }

  /** The fill forecast: expected fill per hour with its 80 % band, when it will be full, and whether the sensor is trusted. */
  async forecast(user: AuthUser, id: string, hours: number): Promise<unknown> {
    const container = await this.containers.findById(id);
    if (!container) throw new DomainError('not_found', `container ${id} does not exist`, 'id');
    this.checkDistrict(user, container.district);
    const now = this.clock.now();
    const since = new Date(now.getTime() - FORECAST_HISTORY_MS);
    const [readings, collections] = await Promise.all([this.readingStore.range(id, since, new Date(now.getTime() + 1), 50_000), this.collections.range([id], since, now)]);
    const model = this.forecaster.fit({
      containerId: id,
      readings: readings.map((r) => ({ atMs: r.measuredAt.getTime(), fillPct: r.fillPct, flags: r.flags })),
      collections: collections.map((c) => ({ atMs: c.collectedAt.getTime(), observedFillPct: c.observedFillPct })),
    });
    const nowMs = now.getTime();
    const firstHour = Math.ceil(nowMs / HOUR_MS) * HOUR_MS;
    const points = Array.from({ length: hours }, (_, i) => {
      const p = this.forecaster.predict(model, firstHour + i * HOUR_MS, nowMs);
      return { at: new Date(p.atMs).toISOString(), meanPct: round(p.meanPct), lowPct: round(p.lowPct), highPct: round(p.highPct), overflowProbability: round(p.overflowProbability, 3) };
    });
    const full = this.forecaster.predictFullAt(model, nowMs);
    const status = this.forecaster.sensorStatus(model, nowMs);
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      containerId: id,
      at: now.toISOString(),
      readingsUsed: model.readingsUsed,
      meanRatePctPerH: round(this.forecaster.meanRate(model), 3),
      sensor: { state: status.state, lastTrustedAt: iso(status.lastTrustedAtMs), recentFlaggedShare: round(status.recentFlaggedShare, 3) },
      fullAt: iso(full.fullAtMs),
      fullEarliest: iso(full.earliestMs),
      fullLatest: iso(full.latestMs),
      fromHistoryOnly: full.fromHistoryOnly,
      points,
    };
  }

  async districts(user: AuthUser): Promise<Array<{ district: string; containers: number }>> {
    return (await this.containers.districts()).filter((d) => seesDistrict(user, d.district));
  }

  private toInput(dto: ContainerDto): ContainerInput {
    if (dto.accessWindow && dto.accessWindow.fromMin >= dto.accessWindow.toMin) {
      throw new DomainError('validation', 'accessWindow.fromMin must be before accessWindow.toMin', 'accessWindow.fromMin');
    }
    return {
      externalRef: dto.externalRef ?? null,
      lng: dto.lng,
      lat: dto.lat,
      district: dto.district,
      address: dto.address ?? null,
      wasteType: dto.wasteType,
      containerType: dto.containerType ?? 'underground',
      volumeL: dto.volumeL,
      depthMm: dto.depthMm ?? null,
      accessWindow: dto.accessWindow ?? null,
    };
  }

  private checkDistrict(user: AuthUser, district: string): void {
    if (!seesDistrict(user, district)) throw new DomainError('forbidden', `you may not see or change district ${district}`, 'district');
  }
}

const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
