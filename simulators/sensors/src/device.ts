import type { MqttPayloadFormat } from '@vulgraad/contracts';
import type { Rng } from '@vulgraad/city-model';
import type { Fault, FaultKind } from './faults';

/**
 * Device models the simulator can play. `vulgraad-native` is a generic
 * firmware that speaks the native JSON; the two LoRaWAN models send the byte
 * layouts of real sensors (Dragino LDDS75, Milesight EM310-UDL), so the
 * decoders of `libs/payloads` read them.
 */
export const DEVICE_MODELS = ['vulgraad-native', 'dragino-ldds75', 'milesight-em310-udl'] as const;
export type DeviceModel = (typeof DEVICE_MODELS)[number];

interface ModelTraits {
  /** No echo reads as this distance. */
  maxRangeMm: number;
  hasTemperature: boolean;
}

const MODEL_TRAITS: Record<DeviceModel, ModelTraits> = {
  'vulgraad-native': { maxRangeMm: 7500, hasTemperature: true },
  'dragino-ldds75': { maxRangeMm: 7500, hasTemperature: true },
  'milesight-em310-udl': { maxRangeMm: 4500, hasTemperature: false },
};

export interface DeviceConfig {
  /** Native device id; also the device id on The Things Stack. */
  deviceId: string;
  /** 16 lower-case hex digits; ChirpStack names devices by it. */
  devEui: string;
  /** LoRaWAN device address, 8 hex digits. */
  devAddr: string;
  containerId: string;
  model: DeviceModel;
  format: MqttPayloadFormat;
  /** Whether the firmware reports a fill percentage besides the distance. */
  reportsFillPct: boolean;
  intervalS: number;
  /** Sensor-to-bottom distance, mm. */
  depthMm: number;
  capacityL: number;
  /** Seconds after the start of the first reading, so devices do not all report at once. */
  phaseS: number;
}

/** One measurement as the device sends it, plus the truth behind it (never in a payload). */
export interface SensorSample {
  deviceId: string;
  devEui: string;
  containerId: string;
  model: DeviceModel;
  /** Firmware sequence number; the LoRaWAN frame counter. */
  seq: number;
  /** When the device says it measured: its own clock, skew included. */
  measuredAt: Date;
  /** When the network received the uplink: true simulated time. */
  receivedAt: Date;
  distanceMm: number;
  fillPct: number | null;
  temperatureC: number | null;
  batteryPct: number;
  batteryV: number;
  rssiDbm: number;
  snrDb: number;
  tiltDeg: number;
  alarms: string[];
  truth: { volumeL: number; fillPct: number; faults: FaultKind[] };
}

const DAY_OF_YEAR_MS = 86_400_000;

/**
 * The firmware of one sensor: measures the distance to the waste surface with
 * noise, keeps a sequence number and a draining battery, and shows the faults
 * it has been given. Draws from a random stream of its own.
 */
export class DeviceFirmware {
  private readonly faults = new Map<FaultKind, Fault>();
  private readonly traits: ModelTraits;
  private seq = 0;
  private batteryPct: number;
  private readonly baseRssiDbm: number;
  private readonly temperatureOffsetC: number;
  private stuckDistanceMm: number | null = null;
  private lastDistanceMm: number | null = null;

  constructor(
    readonly config: DeviceConfig,
    private readonly rng: Rng,
  ) {
    this.traits = MODEL_TRAITS[config.model];
    this.batteryPct = rng.between(55, 100);
    this.baseRssiDbm = rng.between(-115, -75);
    this.temperatureOffsetC = rng.normal(0, 1);
  }

  get sequence(): number {
    return this.seq;
  }

  get battery(): number {
    return this.batteryPct;
  }

  get activeFaults(): Fault[] {
    return [...this.faults.values()];
  }

  setFault(fault: Fault): void {
    this.faults.set(fault.kind, fault);
    if (fault.kind === 'stuck') this.stuckDistanceMm = this.lastDistanceMm;
  }

  clearFault(kind?: FaultKind): void {
    if (kind === undefined) this.faults.clear();
    else this.faults.delete(kind);
    if (!this.faults.has('stuck')) this.stuckDistanceMm = null;
  }

  /**
   * One reading of a container holding `volumeL` at `atMs`. Null when nothing
   * reaches the network: a silent device (its counter still advances) or a
   * dead battery (it does not).
   */
  measure(volumeL: number, atMs: number): SensorSample | null {
    if (this.batteryPct <= 0) return null;
    const { config, rng } = this;
    const drain = this.faults.get('battery_drain');
    this.batteryPct = Math.max(0, this.batteryPct - 0.0015 - (drain?.kind === 'battery_drain' ? drain.pctPerReading : 0));
    const seq = this.seq++;

    const trueFill = config.capacityL > 0 ? volumeL / config.capacityL : 0;
    let distanceMm = this.surfaceDistanceMm(trueFill);
    let tiltDeg = Math.abs(rng.normal(0, 0.8));
    const alarms: string[] = [];
    const tilt = this.faults.get('tilt');
    if (tilt?.kind === 'tilt') {
      tiltDeg = tilt.tiltDeg + rng.normal(0, 1);
      distanceMm = Math.round(config.depthMm * rng.between(0.3, 1.2));
      alarms.push('tilt');
    }
    const spikes = this.faults.get('spikes');
    if (spikes?.kind === 'spikes' && rng.chance(spikes.probability)) {
      distanceMm = rng.chance(0.5) ? Math.round(rng.between(40, 300)) : this.traits.maxRangeMm;
    }
    if (this.faults.has('stuck')) {
      if (this.stuckDistanceMm === null) this.stuckDistanceMm = distanceMm;
      distanceMm = this.stuckDistanceMm;
    }
    this.lastDistanceMm = distanceMm;

    let temperatureC = this.ambientTemperatureC(atMs);
    const fire = this.faults.get('fire');
    if (fire?.kind === 'fire') {
      temperatureC = fire.temperatureC + rng.normal(0, 2);
      alarms.push('fire');
    }
    const rssiDbm = Math.round(this.baseRssiDbm + rng.normal(0, 2.5));
    const snrDb = round1(Math.max(-20, Math.min(12, (rssiDbm + 120) / 3 + rng.normal(0, 1.5))));
    const skew = this.faults.get('clock_skew');
    const skewMs = skew?.kind === 'clock_skew' ? skew.skewS * 1000 : 0;

    if (this.faults.has('silence')) return null;
    return {
      deviceId: config.deviceId,
      devEui: config.devEui,
      containerId: config.containerId,
      model: config.model,
      seq,
      measuredAt: new Date(Math.round(atMs + skewMs)),
      receivedAt: new Date(Math.round(atMs)),
      distanceMm,
      fillPct: config.reportsFillPct ? round1(Math.max(0, Math.min(100, ((config.depthMm - distanceMm) / config.depthMm) * 100))) : null,
      temperatureC: this.traits.hasTemperature ? round1(temperatureC) : null,
      batteryPct: Math.round(this.batteryPct),
      batteryV: Math.round((3.0 + (0.65 * this.batteryPct) / 100) * 1000) / 1000,
      rssiDbm,
      snrDb,
      tiltDeg: round1(tiltDeg),
      alarms,
      truth: { volumeL, fillPct: trueFill * 100, faults: [...this.faults.keys()] },
    };
  }

  /**
   * Echo distance to the waste: the depth less the level the volume reaches,
   * less a heap (bags pile up under the inlet, and the cone sees the top),
   * plus transducer noise; an overfull container reads almost nothing.
   */
  private surfaceDistanceMm(trueFill: number): number {
    const { depthMm } = this.config;
    const heapMm = trueFill > 0.02 ? this.rng.between(0, 0.04 * depthMm) : 0;
    const level = depthMm * Math.min(trueFill, 1.2);
    return Math.round(Math.max(20, Math.min(this.traits.maxRangeMm, depthMm - level - heapMm + this.rng.normal(0, 8))));
  }

  /** Air in an underground shaft: a mild season and a small daily swing around 10 degrees C. */
  private ambientTemperatureC(atMs: number): number {
    const dayOfYear = (atMs / DAY_OF_YEAR_MS) % 365.25;
    const hour = (atMs / 3_600_000) % 24;
    const season = 5 * Math.sin((2 * Math.PI * (dayOfYear - 110)) / 365.25);
    const daily = 2 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    return 11 + season + daily + this.temperatureOffsetC + this.rng.normal(0, 0.3);
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
