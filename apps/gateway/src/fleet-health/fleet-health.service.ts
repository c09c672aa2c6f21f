import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, DomainError } from '@vulgraad/contracts';
import { DevicesRepository } from '@vulgraad/database';
import type { AuthUser } from '../auth/roles';
import { type FleetDayRow, FleetHealthRepository } from './fleet-health.repository';
import { assessSensor, type SensorHealthFlag } from './sensor-health';

const DAY_MS = 86_400_000;

/** One sensor as the fleet-health view shows it. */
export interface SensorHealthRow {
  deviceId: string;
  externalRef: string;
  devEui: string | null;
  model: string | null;
  lorawanApplicationId: string | null;
  containerId: string;
  containerRef: string;
  district: string;
  lastMeasuredAt: string | null;
  lastReceivedAt: string | null;
  batteryPct: number | null;
  batteryTrendPctPerDay: number | null;
  batteryEmptyInDays: number | null;
  meanRssiDbm: number | null;
  meanSnrDb: number | null;
  readings: number;
  flaggedShare: number | null;
  recentShare: number | null;
  rejected: number;
  flags: SensorHealthFlag[];
}

export const FLEET_CSV_COLUMNS = [
  'externalRef', 'devEui', 'model', 'lorawanApplicationId', 'containerRef', 'district', 'lastMeasuredAt', 'lastReceivedAt', 'batteryPct',
  'batteryTrendPctPerDay', 'batteryEmptyInDays', 'meanRssiDbm', 'meanSnrDb', 'readings', 'flaggedShare', 'recentShare', 'rejected', 'flags',
] as const;

const round = (v: number | null, digits = 1): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10 ** digits) / 10 ** digits);

/**
 * Sensor fleet health for operations: every sensor bound to a container, with
 * its last message, battery and its trend, radio, data-quality share and
 * rejected messages over the last `days` days, judged by assessSensor.
 */
@Injectable()
export class FleetHealthService {
  constructor(
    private readonly repository: FleetHealthRepository,
    private readonly devices: DevicesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(user: AuthUser, query: { days?: number; district?: string; flag?: string; q?: string }): Promise<SensorHealthRow[]> {
    const windowDays = query.days ?? 14;
    const now = this.clock.now();
    const todayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const since = new Date(todayStart - (windowDays - 1) * DAY_MS);
    let districts = user.districts;
    if (query.district) {
      if (districts !== null && !districts.includes(query.district)) throw new DomainError('forbidden', `district ${query.district} is not one you may see`, 'district');
      districts = [query.district];
    }
    const [devices, days] = await Promise.all([this.repository.devices(since, districts), this.repository.days(since, districts)]);
    const daysOf = new Map<string, FleetDayRow[]>();
    for (const d of days) daysOf.set(d.device_id, [...(daysOf.get(d.device_id) ?? []), d]);
    const rows = devices.map((d): SensorHealthRow => {
      const own = daysOf.get(d.device_id) ?? [];
      const health = assessSensor({
        reportingIntervalS: d.reporting_interval_s,
        lastMeasuredAt: d.last_measured_at ? new Date(d.last_measured_at) : null,
        now,
        days: own.map((day) => ({ daysAgo: Math.round((todayStart - new Date(day.day).getTime()) / DAY_MS), readings: day.readings, flagged: day.flagged, batteryMinPct: day.battery_min === null ? null : Number(day.battery_min) })),
        windowDays,
        meanRssiDbm: d.rssi === null ? null : Number(d.rssi),
        meanSnrDb: d.snr === null ? null : Number(d.snr),
        rejected: d.rejected,
      });
      const readings = own.reduce((s, day) => s + day.readings, 0);
      return {
        deviceId: d.device_id,
        externalRef: d.external_ref,
        devEui: d.dev_eui,
        model: d.model,
        lorawanApplicationId: d.lorawan_application_id,
        containerId: d.container_id,
        containerRef: d.container_ref,
        district: d.district,
        lastMeasuredAt: d.last_measured_at ? new Date(d.last_measured_at).toISOString() : null,
        lastReceivedAt: d.last_received_at ? new Date(d.last_received_at).toISOString() : null,
        batteryPct: round(d.battery_pct),
        batteryTrendPctPerDay: health.batteryTrendPctPerDay,
        batteryEmptyInDays: health.batteryEmptyInDays,
        meanRssiDbm: round(d.rssi),
        meanSnrDb: round(d.snr),
        readings,
        flaggedShare: readings > 0 ? round(own.reduce((s, day) => s + day.flagged, 0) / readings, 3) : null,
        recentShare: health.recentShare,
        rejected: d.rejected,
        flags: health.flags,
      };
    });
    const needle = query.q?.toLowerCase();
    return rows.filter((r) => (!query.flag || r.flags.includes(query.flag as SensorHealthFlag)) && (!needle || r.externalRef.toLowerCase().includes(needle) || r.containerRef.toLowerCase().includes(needle)));
  }

  /** The rejected messages of one device (by its reference or DevEUI), newest first. */
  async rejected(user: AuthUser, deviceId: string, limit: number) {
    const [device] = await this.devices.findByIds([deviceId]);
    if (!device) throw new DomainError('not_found', `device ${deviceId} does not exist`, 'id');
    if (user.districts !== null) {
      const visible = await this.list(user, { days: 1, q: device.externalRef });
      if (!visible.some((r) => r.deviceId === deviceId)) throw new DomainError('forbidden', `device ${deviceId} is not in a district you may see`, 'id');
    }
    return this.repository.rejected(device.externalRef, device.devEui, limit);
  }
}
