import type { CollectionRecorded, DriverFeedback, MqttPayloadFormat } from '@vulgraad/contracts';
import type { CityModel, EmptyingRecord } from '@vulgraad/city-model';
import { DepositEngine, Rng } from '@vulgraad/city-model';
import type { DeviceConfig } from './device';
import { DeviceFirmware } from './device';
import type { DevicePlanOptions, FormatChoice, LorawanModelChoice } from './devices';
import { planDevices } from './devices';
import { EventQueue } from './event-queue';
import type { Fault, FaultKind } from './faults';
import type { DecodedStyle, FormatContext, LorawanNetwork, UplinkMessage } from './formats';
import { formatUplink, stableUuid } from './formats';
import type { CityRegistrations } from './registrations';
import { buildRegistrations } from './registrations';
import { SimulationClock } from './sim-clock';
import type { UplinkSink } from './sinks';

export interface SensorSimulatorOptions {
  city: CityModel;
  sink: UplinkSink;
  /** Seed of deposits and devices; defaults to the city's seed. */
  seed?: number;
  /** Simulated start time; defaults to now, to the second. */
  start?: Date;
  /** Seconds between two readings of a device (default 1800). */
  intervalS?: number;
  format?: FormatChoice;
  lorawanModel?: LorawanModelChoice;
  /** Prefix of every device id and so every DevEUI (default "sens-"). */
  devicePrefix?: string;
  fillPctShare?: number;
  /** Decoded values in LoRaWAN uplinks (default "normalised"). */
  decoded?: DecodedStyle;
  network?: Partial<LorawanNetwork>;
  /** Containers start empty or partly full (default: random, up to 80%). */
  initialFill?: 'empty' | 'random';
  /** Litres already inside given containers at the start (a run resumed from stored readings); override `initialFill`. */
  initialVolumesL?: ReadonlyMap<string, number>;
  /** Use these devices instead of one planned per container. */
  devices?: DeviceConfig[];
  /** Problems that must not stop the simulation (a failed publish, an unknown container in a collection). */
  onProblem?: (problem: string) => void;
}

export interface SimulatorStats {
  published: number;
  byFormat: Record<MqttPayloadFormat, number>;
  /** Readings not sent: silent devices and dead batteries. */
  notSent: number;
  emptyings: number;
  /** Collection notifications for containers this city does not have. */
  unknownCollections: number;
  /** Simulated time of the last processed reading. */
  simulatedTo: string;
  /** In scaled mode: how far the readings lag behind the clock, seconds. */
  lagS: number;
}

type QueueItem = { kind: 'reading'; device: DeviceFirmware } | { kind: 'emptying'; containerId: string };

/** Defaults for the LoRaWAN network; the ids are fixed so registrations stay valid across runs. */
export function defaultNetwork(seed: number, prefix: string): LorawanNetwork {
  return {
    ttnApplicationId: 'vulgraad-sim',
    ttnTenantId: 'ttn',
    chirpstackTenantId: stableUuid(`tenant:${prefix}:${seed}`),
    chirpstackApplicationId: stableUuid(`application:${prefix}:${seed}`),
    chirpstackApplicationName: 'vulgraad-sim',
    chirpstackDeviceProfileId: stableUuid(`profile:${prefix}:${seed}`),
    gatewayEui: 'a84041ffff1e0001',
  };
}

/**
 * Sensor firmware for every container of a city: deposits from the city
 * model's engine, a reading per device every interval (noise, battery,
 * sequence number, faults), published in the device's format. Runs as fast
 * as possible (`runUntil`) or scaled to the wall clock (`start(speed)`), and
 * shares its simulated clock. Trucks empty containers through `empty`,
 * `scheduleEmptying` or the `collection.recorded` / `driver.feedback` hooks.
 */
export class SensorSimulator {
  readonly clock: SimulationClock;
  readonly engine: DepositEngine;
  readonly devices: readonly DeviceConfig[];
  readonly network: LorawanNetwork;
  private readonly city: CityModel;
  private readonly sink: UplinkSink;
  private readonly context: FormatContext;
  private readonly firmware = new Map<string, DeviceFirmware>();
  private readonly containerIdByRef = new Map<string, string>();
  private readonly queue = new EventQueue<QueueItem>();
  private readonly emptiedListeners: Array<(record: EmptyingRecord) => void> = [];
  private readonly uplinkListeners: Array<(message: UplinkMessage) => void> = [];
  private readonly onProblem: (problem: string) => void;
  private readonly counts = { published: 0, notSent: 0, emptyings: 0, unknownCollections: 0 };
  private readonly byFormat: Record<MqttPayloadFormat, number> = { native: 0, 'ttn-v3': 0, 'chirpstack-v4': 0 };
  private processedMs: number;
  private timer: NodeJS.Timeout | null = null;
  private working: Promise<void> | null = null;
  private lagMs = 0;

  constructor(options: SensorSimulatorOptions) {
    this.city = options.city;
    this.sink = options.sink;
    const seed = options.seed ?? options.city.seed;
    const start = options.start ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    const prefix = options.devicePrefix ?? 'sens-';
    this.onProblem = options.onProblem ?? ((problem) => process.stderr.write(`sensor simulator: ${problem}\n`));
    this.clock = new SimulationClock(start);
    this.processedMs = start.getTime();
    this.engine = new DepositEngine(options.city.containers, options.city.timezone, {
      seed,
      start,
      initialFill: options.initialFill ?? 'random',
      initialVolumesL: options.initialVolumesL,
    });
    const plan: DevicePlanOptions = {
      seed,
      format: options.format ?? 'native',
      intervalS: options.intervalS ?? 1800,
      devicePrefix: prefix,
      lorawanModel: options.lorawanModel,
      fillPctShare: options.fillPctShare,
    };
    this.devices = options.devices ?? planDevices(options.city, plan);
    this.network = { ...defaultNetwork(seed, prefix), ...options.network };
    this.context = { network: this.network, decoded: options.decoded ?? 'normalised' };
    for (const c of options.city.containers) {
      this.containerIdByRef.set(c.id, c.id);
      if (c.externalRef && !this.containerIdByRef.has(c.externalRef)) this.containerIdByRef.set(c.externalRef, c.id);
    }
    const root = new Rng(seed).fork('firmware');
    for (const device of this.devices) {
      if (this.firmware.has(device.deviceId)) throw new RangeError(`duplicate device id ${device.deviceId}`);
      if (!this.engine.has(device.containerId)) throw new RangeError(`device ${device.deviceId} is bound to unknown container ${device.containerId}`);
      const firmware = new DeviceFirmware(device, root.fork(device.deviceId));
      this.firmware.set(device.deviceId, firmware);
      this.queue.push(start.getTime() + device.phaseS * 1000, { kind: 'reading', device: firmware });
    }
  }

  /** Containers, devices and bindings for the registry (see `CityRegistrations`). */
  registrations(): CityRegistrations {
    return buildRegistrations(this.city, this.devices, this.network, new Date(this.engine.startMs));
  }

  setFault(deviceId: string, fault: Fault): void {
    this.device(deviceId).setFault(fault);
  }

  clearFault(deviceId: string, kind?: FaultKind): void {
    this.device(deviceId).clearFault(kind);
  }

  faults(deviceId: string): Fault[] {
    return this.device(deviceId).activeFaults;
  }

  /** The firmware's battery and sequence number, for tests and status pages. */
  deviceStatus(deviceId: string): { batteryPct: number; seq: number } {
    const firmware = this.device(deviceId);
    return { batteryPct: firmware.battery, seq: firmware.sequence };
  }

  /** Called after every emptying (by any route). */
  onEmptied(listener: (record: EmptyingRecord) => void): void {
    this.emptiedListeners.push(listener);
  }

  /** Called for every uplink handed to the sink. */
  onUplink(listener: (message: UplinkMessage) => void): void {
    this.uplinkListeners.push(listener);
  }

  /**
   * A truck empties a container (by id or external reference) at `at`
   * (default: the simulated now). A time before what the simulation has
   * already shown of the container is moved up to it.
   */
  empty(containerIdOrRef: string, at?: Date): EmptyingRecord {
    const containerId = this.containerIdByRef.get(containerIdOrRef);
    if (!containerId) throw new RangeError(`unknown container ${containerIdOrRef}`);
    const requested = at?.getTime() ?? this.clock.nowMs();
    // clockOf is whole milliseconds, the engine's own clock may lie a fraction past it (reading phases are fractional): round up.
    const shownMs = this.engine.clockOf(containerId).getTime() + 1;
    const atMs = Math.max(Number.isFinite(requested) ? requested : this.clock.nowMs(), shownMs);
    const record = this.engine.empty(containerId, atMs);
    this.counts.emptyings++;
    for (const listener of this.emptiedListeners) listener(record);
    return record;
  }

  /** A truck will empty the container at `at`; handled in time order with the readings. */
  scheduleEmptying(containerIdOrRef: string, at: Date): void {
    const containerId = this.containerIdByRef.get(containerIdOrRef);
    if (!containerId) throw new RangeError(`unknown container ${containerIdOrRef}`);
    this.queue.push(at.getTime(), { kind: 'emptying', containerId });
  }

  /**
   * Hook for `collection.recorded`: a reported emptying empties the simulated
   * container. Emptyings the ingest detected from our own readings, and our
   * own, are ignored: they already happened here.
   */
  readonly handleCollection = (event: CollectionRecorded): void => {
    if (event.source === 'detected' || event.source === 'simulator') return;
    this.emptyReported(event.containerId, event.collectedAt);
  };

  /** Hook for `driver.feedback`: an "emptied" report empties the simulated container. */
  readonly handleDriverFeedback = (event: DriverFeedback): void => {
    if (event.kind !== 'emptied') return;
    this.emptyReported(event.containerId, event.at);
  };

  /** Processes every reading and emptying up to `end` as fast as the sink takes them. */
  async runUntil(end: Date): Promise<SimulatorStats> {
    if (this.timer) throw new Error('the simulator is running scaled; stop it first');
    if (this.clock.speedFactor !== 0) this.clock.freeze();
    await this.process(end.getTime(), true);
    await this.sink.flush();
    this.lagMs = 0;
    this.clock.advanceTo(end);
    if (end.getTime() > this.engine.now.getTime()) this.engine.advanceTo(end);
    return this.stats();
  }

  /** Runs against the wall clock, `speed` simulated seconds per second, until `stop`. */
  start(speed: number, tickMs = 200): void {
    if (this.timer) return;
    this.clock.runScaled(speed);
    this.timer = setInterval(() => {
      if (this.working) return;
      const target = this.clock.nowMs();
      this.working = this.process(target, false)
        .catch((error: unknown) => this.onProblem(`processing failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          const next = this.queue.peekTime();
          this.lagMs = next !== null && next < this.clock.nowMs() ? this.clock.nowMs() - next : 0;
          this.working = null;
        });
    }, tickMs);
  }

  /** Stops the wall-clock run, waits for the work in hand, freezes the clock. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.working) await this.working;
    this.clock.freeze();
    await this.sink.flush().catch((error: unknown) => this.onProblem(error instanceof Error ? error.message : String(error)));
  }

  stats(): SimulatorStats {
    return { ...this.counts, byFormat: { ...this.byFormat }, simulatedTo: new Date(this.processedMs).toISOString(), lagS: Math.round(this.lagMs / 1000) };
  }

  private async process(untilMs: number, moveClock: boolean): Promise<void> {
    for (;;) {
      const next = this.queue.peekTime();
      if (next === null || next > untilMs) break;
      const event = this.queue.pop() as { atMs: number; item: QueueItem };
      if (moveClock) this.clock.advanceTo(event.atMs);
      this.processedMs = Math.max(this.processedMs, event.atMs);
      if (event.item.kind === 'emptying') {
        this.empty(event.item.containerId, new Date(event.atMs));
        continue;
      }
      const firmware = event.item.device;
      const config = firmware.config;
      this.queue.push(event.atMs + config.intervalS * 1000, event.item);
      const atMs = Math.max(event.atMs, this.engine.clockOf(config.containerId).getTime());
      const state = this.engine.stateAt(config.containerId, atMs);
      const sample = firmware.measure(state.volumeL, atMs);
      if (!sample) {
        this.counts.notSent++;
        continue;
      }
      const message = formatUplink(sample, config, this.context);
      try {
        await this.sink.publish(message);
      } catch (error) {
        this.onProblem(`publish of ${message.topic} failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      this.counts.published++;
      this.byFormat[message.format]++;
      for (const listener of this.uplinkListeners) listener(message);
    }
  }

  private emptyReported(containerIdOrRef: string, at: string): void {
    if (!this.containerIdByRef.has(containerIdOrRef)) {
      this.counts.unknownCollections++;
      this.onProblem(`collection for unknown container ${containerIdOrRef} ignored`);
      return;
    }
    const atMs = Date.parse(at);
    this.empty(containerIdOrRef, Number.isFinite(atMs) ? new Date(atMs) : undefined);
  }

  private device(deviceId: string): DeviceFirmware {
    const firmware = this.firmware.get(deviceId);
    if (!firmware) throw new RangeError(`unknown device ${deviceId}`);
    return firmware;
  }
}
