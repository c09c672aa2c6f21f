import { Rng, type CityModel } from '@vulgraad/city-model';
import type { CollectionObservation, FillObservation } from '@vulgraad/forecasting';
import { assessReading, EMPTY_QUALITY_MEMORY, rawFillPct, type QualityMemory } from '@vulgraad/payloads';
import { DeviceFirmware, planDevices } from '@vulgraad/sensor-simulator';

/**
 * Fault rates of the replay's sensors, per sensor over the replay (assumed: no field rates
 * of ultrasonic container sensors were found in public sources; see docs/replay.md).
 */
export const SENSOR_FAULTS = {
  /** Goes silent from a random moment, for 1-7 days (lost coverage, a broken antenna). */
  silentShare: 0.03,
  /** Freezes at its last distance from a random moment to the end (a fouled transducer). */
  stuckShare: 0.01,
  /** Some readings are echoes off a bag or the lid, or no echo: this share of sensors, each reading with this probability. */
  spikesShare: 0.03,
  spikeProbability: 0.15,
  /** Mounted in the wrong cluster (the nearest other one): it reports that cluster's content under this one's id. */
  misplacedShare: 0.005,
  /** Reading intervals are uniform between these (minutes), per sensor. */
  intervalMinMin: 30,
  intervalMaxMin: 60,
} as const;

interface Sensor {
  firmware: DeviceFirmware;
  depthMm: number;
  memory: QualityMemory;
  intervalMs: number;
  nextMs: number;
  /** The cluster whose content it measures (another one when misplaced). */
  measures: string;
  silentFromMs: number;
  silentToMs: number;
  stuckFromMs: number;
  stuck: boolean;
}

export interface SensorCounts {
  readings: number;
  lost: number;
  flagged: number;
  silent: number;
  stuck: number;
  spiky: number;
  misplaced: number;
}

/**
 * One sensor per cluster: the sensor simulator's firmware (echo noise, heap
 * under the inlet, battery, spike and stuck faults) reading every 30-60 min,
 * through the ingest's own quality checks (`assessReading`). Faults are drawn
 * per sensor from the seed at the rates of `SENSOR_FAULTS`.
 */
export class ReplaySensors {
  private readonly sensors = new Map<string, Sensor>();
  private readonly pendingCollections = new Map<string, CollectionObservation[]>();
  readonly counts: SensorCounts = { readings: 0, lost: 0, flagged: 0, silent: 0, stuck: 0, spiky: 0, misplaced: 0 };

  constructor(city: CityModel, options: { seed: number; startMs: number; endMs: number; nearest: (id: string) => string }) {
    const devices = planDevices(city, { seed: options.seed, format: 'native', intervalS: 1800, fillPctShare: 0, devicePrefix: 'replay-' });
    const root = new Rng(options.seed).fork('replay-sensors');
    const byContainer = new Map(city.containers.map((c) => [c.id, c]));
    const span = options.endMs - options.startMs;
    const f = SENSOR_FAULTS;
    for (const device of devices) {
      const rng = root.fork(device.containerId);
      const firmware = new DeviceFirmware(device, rng.fork('firmware'));
      const intervalMs = Math.round(rng.between(f.intervalMinMin, f.intervalMaxMin)) * 60_000;
      const sensor: Sensor = {
        firmware, depthMm: byContainer.get(device.containerId)?.depthMm ?? device.depthMm, memory: EMPTY_QUALITY_MEMORY, intervalMs,
        nextMs: options.startMs + rng.uniform() * intervalMs, measures: device.containerId, silentFromMs: Infinity, silentToMs: Infinity, stuckFromMs: Infinity, stuck: false,
      };
      if (rng.chance(f.silentShare)) {
        sensor.silentFromMs = options.startMs + rng.uniform() * span;
        sensor.silentToMs = sensor.silentFromMs + rng.between(1, 7) * 86_400_000;
        this.counts.silent++;
      }
      if (rng.chance(f.stuckShare)) {
        sensor.stuckFromMs = options.startMs + rng.uniform() * span;
        this.counts.stuck++;
      }
      if (rng.chance(f.spikesShare)) {
        firmware.setFault({ kind: 'spikes', probability: f.spikeProbability });
        this.counts.spiky++;
      }
      if (rng.chance(f.misplacedShare)) {
        sensor.measures = options.nearest(device.containerId);
        this.counts.misplaced++;
      }
      this.sensors.set(device.containerId, sensor);
    }
  }

  /**
   * The readings each sensor took up to `untilMs` since the last call, read off
   * `volumeAt` (the cluster's content then), as the database would hold them.
   */
  take(untilMs: number, volumeAt: (id: string, atMs: number) => number): { readings: Map<string, FillObservation[]>; collections: Map<string, CollectionObservation[]> } {
    const readings = new Map<string, FillObservation[]>();
    for (const [id, s] of this.sensors) {
      const list: FillObservation[] = [];
      for (; s.nextMs <= untilMs; s.nextMs += s.intervalMs) {
        const t = s.nextMs;
        if (!s.stuck && t >= s.stuckFromMs) {
          s.stuck = true;
          s.firmware.setFault({ kind: 'stuck' });
        }
        const silent = t >= s.silentFromMs && t < s.silentToMs;
        const sample = s.firmware.measure(volumeAt(s.measures, t), t);
        if (!sample || silent) {
          this.counts.lost++;
          continue;
        }
        const assessment = assessReading(
          {
            rawFillPct: rawFillPct({ distanceMm: sample.distanceMm }, s.depthMm), distanceMm: sample.distanceMm, temperatureC: sample.temperatureC ?? undefined,
            batteryPct: sample.batteryPct, tiltDeg: sample.tiltDeg, alarms: sample.alarms, measuredAt: sample.measuredAt, receivedAt: sample.receivedAt,
          },
          s.memory,
        );
        s.memory = assessment.memory;
        if (assessment.flags.length > 0) this.counts.flagged++;
        list.push({ atMs: sample.measuredAt.getTime(), fillPct: assessment.fillPct, flags: assessment.flags });
        this.counts.readings++;
      }
      if (list.length > 0) readings.set(id, list);
    }
    const collections = new Map(this.pendingCollections);
    this.pendingCollections.clear();
    return { readings, collections };
  }

  /** A driver marked the cluster emptied. */
  collected(id: string, atMs: number): void {
    let list = this.pendingCollections.get(id);
    if (!list) this.pendingCollections.set(id, (list = []));
    list.push({ atMs, observedFillPct: null });
  }
}
