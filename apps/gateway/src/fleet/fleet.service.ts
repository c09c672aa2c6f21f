import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, DomainError, EVENT_BUS, type Clock } from '@vulgraad/contracts';
import { DepotsRepository, DisposalSitesRepository, VehiclesRepository, type Depot, type DisposalSite, type Vehicle } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { DistrictSettingsRepository } from '@vulgraad/planning';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/roles';
import type { DepotDto, DisposalSiteDto, VehicleDto, VehicleStatusDto } from './fleet.dto';

/** A truck as the API shows it: the stored truck with its compaction (null = the configured default). */
export type VehicleView = Omit<Vehicle, 'updatedAt'> & { compactionFactor: number | null; updatedAt: string };

const ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The fleet as data people manage: trucks, depots and disposal sites. Every
 * change is written to the audit log; a truck's status change is published
 * as `vehicle.status`, so the planner re-plans the rest of its day.
 */
@Injectable()
export class FleetService {
  constructor(
    private readonly vehicles: VehiclesRepository,
    private readonly depots: DepotsRepository,
    private readonly sites: DisposalSitesRepository,
    private readonly settings: DistrictSettingsRepository,
    private readonly audit: AuditService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async listVehicles(): Promise<VehicleView[]> {
    const [vehicles, compaction] = await Promise.all([this.vehicles.list({ activeOnly: false }), this.settings.compactionFactors()]);
    return vehicles.map((v) => view(v, compaction.get(v.id) ?? null));
  }

  async getVehicle(id: string): Promise<VehicleView> {
    const vehicle = await this.vehicles.findById(id);
    if (!vehicle) throw new DomainError('not_found', `vehicle ${id} does not exist`, 'id');
    return view(vehicle, (await this.settings.compactionFactors()).get(id) ?? null);
  }

  /** Creates or replaces a truck (its status is kept: that changes through `setStatus`). */
  async putVehicle(user: AuthUser, id: string, dto: VehicleDto): Promise<VehicleView> {
    checkId(id);
    if (dto.shiftEndMin <= dto.shiftStartMin) throw new DomainError('validation', 'shiftEndMin must be after shiftStartMin', 'shiftEndMin');
    const shiftByWeekday = dto.shiftByWeekday ? checkWeekdays(dto.shiftByWeekday) : null;
    if (!(await this.depots.list()).some((d) => d.id === dto.depotId)) throw new DomainError('validation', `depot ${dto.depotId} does not exist`, 'depotId');
    const existing = await this.vehicles.findById(id);
    await this.vehicles.upsert({
      id, name: dto.name, depotId: dto.depotId, capacityL: dto.capacityL, capacityKg: dto.capacityKg, fractions: [...new Set(dto.fractions)],
      equipment: [...new Set(dto.equipment)], speedFactor: dto.speedFactor ?? 1, costPerKm: dto.costPerKm ?? 0, costPerHour: dto.costPerHour ?? 0,
      shiftStartMin: dto.shiftStartMin, shiftEndMin: dto.shiftEndMin, shiftByWeekday, breakMin: dto.breakMin ?? null,
      maxRouteDurationS: dto.maxRouteDurationS ?? null, active: dto.active ?? true,
      status: existing?.status ?? 'in_service', statusReason: existing?.statusReason ?? null,
    });
    await this.settings.setCompactionFactor(id, dto.compactionFactor ?? null);
    await this.audit.record(user, existing ? 'vehicle.update' : 'vehicle.create', { type: 'vehicle', id }, { ...dto });
    return this.getVehicle(id);
  }

  /** In service or broken down: stored, audited and published for the planner. */
  async setStatus(user: AuthUser, id: string, dto: VehicleStatusDto): Promise<VehicleView> {
    if (!(await this.vehicles.findById(id))) throw new DomainError('not_found', `vehicle ${id} does not exist`, 'id');
    await this.vehicles.setStatus(id, dto.status, dto.reason ?? null);
    await this.audit.record(user, 'vehicle.status', { type: 'vehicle', id }, { status: dto.status, reason: dto.reason ?? null });
    await this.bus.publish('vehicle.status', { vehicleId: id, district: null, status: dto.status, at: this.clock.now().toISOString(), reason: dto.reason });
    return this.getVehicle(id);
  }

  listDepots(): Promise<Depot[]> {
    return this.depots.list();
  }

  async putDepot(user: AuthUser, id: string, dto: DepotDto): Promise<Depot> {
    checkId(id);
    const existed = (await this.depots.list()).some((d) => d.id === id);
    const depot: Depot = { id, name: dto.name, lng: dto.lng, lat: dto.lat, address: dto.address ?? null };
    await this.depots.upsert(depot);
    await this.audit.record(user, existed ? 'depot.update' : 'depot.create', { type: 'depot', id }, { ...dto });
    return depot;
  }

  listSites(): Promise<DisposalSite[]> {
    return this.sites.list();
  }

  async putSite(user: AuthUser, id: string, dto: DisposalSiteDto): Promise<DisposalSite> {
    checkId(id);
    const site: DisposalSite = {
      id, name: dto.name, lng: dto.lng, lat: dto.lat, address: dto.address ?? null, fractions: [...new Set(dto.fractions)],
      openFromMin: dto.openFromMin ?? 0, openToMin: dto.openToMin ?? 1440, serviceTimeS: dto.serviceTimeS ?? 900,
    };
    if (site.openToMin <= site.openFromMin) throw new DomainError('validation', 'openToMin must be after openFromMin', 'openToMin');
    const existed = (await this.sites.list()).some((s) => s.id === id);
    await this.sites.upsert(site);
    await this.audit.record(user, existed ? 'disposal_site.update' : 'disposal_site.create', { type: 'disposal_site', id }, { ...dto });
    return site;
  }
}

const view = (v: Vehicle, compactionFactor: number | null): VehicleView => ({ ...v, compactionFactor, updatedAt: v.updatedAt.toISOString() });

function checkId(id: string): void {
  if (!ID.test(id)) throw new DomainError('validation', 'an id is 1-100 letters, digits, dots, dashes or underscores', 'id');
}

/** Shift hours per ISO weekday: keys 1..7, each [start, end] minutes with 0 <= start < end <= 2880. */
export function checkWeekdays(value: Record<string, unknown>): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [key, hours] of Object.entries(value)) {
    if (!/^[1-7]$/.test(key)) throw new DomainError('validation', `shiftByWeekday: "${key}" is not an ISO weekday 1-7`, 'shiftByWeekday');
    const ok = Array.isArray(hours) && hours.length === 2 && hours.every((h) => Number.isInteger(h)) && 0 <= hours[0] && hours[0] < hours[1] && hours[1] <= 2880;
    if (!ok) throw new DomainError('validation', `shiftByWeekday.${key}: expected [start, end] minutes with 0 <= start < end <= 2880`, 'shiftByWeekday');
    out[key] = [hours[0] as number, hours[1] as number];
  }
  return out;
}
