import { Rng, type CityModel } from '@vulgraad/city-model';
import type { CollectionObservation, FillObservation } from '@vulgraad/forecasting';
import { assessReading, EMPTY_QUALITY_MEMORY, rawFillPct, type QualityMemory } from '@vulgraad/payloads';
import { DeviceFirmware, planDevices } from '@vulgraad/sensor-simulator';

interface Sensor {
  firmware: DeviceFirmware;
  depthMm: number;
  memory: QualityMemory;
}

/** The readings and emptyings stored since the last plan: what the planner reads from the database. */
export interface StoredHistory {
  readings: Map<string, FillObservation[]>;
  collections: Map<string, CollectionObservation[]>;
}

/**
 * The sensors and the ingest in one: every container's sensor firmware
 * (`@vulgraad/sensor-simulator`: noisy echo distance, heap under the inlet,
 * battery) measures the true volume, and the ingest's own pure steps
 * (`rawFillPct`, `assessReading` of `@vulgraad/payloads`) turn the distance
 * into a stored fill with its quality flags. Readings and reported emptyings
 * wait here until the next plan folds them into the forecast.
 */
export class SensorFeed {
  private readonly sensors = new Map<string, Sensor>();
  private pending: StoredHistory = { readings: new Map(), collections: new Map() };
  readingsStored = 0;
  readingsLost = 0;
  flaggedReadings = 0;

  constructor(city: CityModel, options: { seed: number; intervalS: number }) {
    const devices = planDevices(city, { seed: options.seed, format: 'native', intervalS: options.intervalS, fillPctShare: 0, devicePrefix: 'sim-' });
    const root = new Rng(options.seed).fork('firmware');
    const byContainer = new Map(city.containers.map((c) => [c.id, c]));
    for (const device of devices) {
      const container = byContainer.get(device.containerId);
      const depthMm = container?.depthMm ?? device.depthMm;
      this.sensors.set(device.containerId, { firmware: new DeviceFirmware(device, root.fork(device.deviceId)), depthMm, memory: EMPTY_QUALITY_MEMORY });
    }
  }

  /** One reading of a container holding `volumeL` at `atMs`. */
  read(containerId: string, atMs: number, volumeL: number): void {
    const sensor = this.sensors.get(containerId);
    if (!sensor) return;
    const sample = sensor.firmware.measure(volumeL, atMs);
    if (!sample) {
      this.readingsLost++;
      return;
    }
    const assessment = assessReading(
      {
        rawFillPct: rawFillPct({ distanceMm: sample.distanceMm }, sensor.depthMm),
        distanceMm: sample.distanceMm,
        temperatureC: sample.temperatureC ?? undefined,
        batteryPct: sample.batteryPct,
        tiltDeg: sample.tiltDeg,
        alarms: sample.alarms,
        measuredAt: sample.measuredAt,
        receivedAt: sample.receivedAt,
      },
      sensor.memory,
    );
    sensor.memory = assessment.memory;
    if (assessment.flags.length > 0) this.flaggedReadings++;
    push(this.pending.readings, containerId, { atMs: sample.measuredAt.getTime(), fillPct: assessment.fillPct, flags: assessment.flags });
    this.readingsStored++;
  }

  /** A driver marked the container emptied. */
  collected(containerId: string, atMs: number): void {
    push(this.pending.collections, containerId, { atMs, observedFillPct: null });
  }

  /** Hands over what was stored for these containers since the last call, and forgets it. */
  take(containerIds: readonly string[]): StoredHistory {
    const out: StoredHistory = { readings: new Map(), collections: new Map() };
    for (const id of containerIds) {
      const readings = this.pending.readings.get(id);
      if (readings) {
        out.readings.set(id, readings);
        this.pending.readings.delete(id);
      }
      const collections = this.pending.collections.get(id);
      if (collections) {
        out.collections.set(id, collections);
        this.pending.collections.delete(id);
      }
    }
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
}
