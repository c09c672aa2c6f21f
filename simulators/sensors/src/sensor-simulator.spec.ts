import { generateCity } from '@vulgraad/city-model';
import { parseCsvRecords } from '@vulgraad/csv';
import { SensorSimulator } from './sensor-simulator';
import { MemorySink } from './sinks';
import { registrationsToCsv, registrationsToGeoJson } from './registrations';
import type { SensorSimulatorOptions } from './sensor-simulator';

const START = new Date('2024-03-04T06:00:00Z');
const HOUR = 3_600_000;
const city = generateCity({ containers: 12, seed: 4 });

function simulator(overrides: Partial<SensorSimulatorOptions> = {}) {
  const sink = new MemorySink();
  const sut = new SensorSimulator({ city, sink, start: START, intervalS: 900, format: 'native', initialFill: 'empty', onProblem: () => undefined, ...overrides });
  return { sut, sink };
}

const native = (payload: Buffer) => JSON.parse(payload.toString('utf8')) as { seq: number; ts: string; distanceMm: number; temperatureC?: number };

describe(SensorSimulator.name, () => {
  it('sends a reading per device every interval, with rising sequence numbers, and shares its clock', async () => {
    const { sut, sink } = simulator();
    const stats = await sut.runUntil(new Date(START.getTime() + 2 * HOUR));
    expect(stats.published).toBe(12 * 8);
    expect(stats.byFormat.native).toBe(96);
    expect(sut.clock.now()).toEqual(new Date(START.getTime() + 2 * HOUR));
    const first = sink.messages.filter((m) => m.deviceId === sut.devices[0]!.deviceId).map((m) => native(m.payload));
    expect(first.map((d) => d.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const times = first.map((d) => Date.parse(d.ts));
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(new Array(7).fill(900_000));
    // Containers fill up over the morning: distances shrink.
    expect(first[7]!.distanceMm).toBeLessThan(first[0]!.distanceMm);
  });

  it('produces byte-identical messages for the same seed', async () => {
    const a = simulator({ format: 'mixed' });
    const b = simulator({ format: 'mixed' });
    await a.sut.runUntil(new Date(START.getTime() + HOUR));
    await b.sut.runUntil(new Date(START.getTime() + HOUR));
    expect(b.sink.messages.map((m) => m.payload.toString())).toEqual(a.sink.messages.map((m) => m.payload.toString()));
    const other = simulator({ format: 'mixed', seed: 99 });
    await other.sut.runUntil(new Date(START.getTime() + HOUR));
    expect(other.sink.messages.map((m) => m.payload.toString())).not.toEqual(a.sink.messages.map((m) => m.payload.toString()));
  });

  it('empties a container when a truck comes, and the next reading shows it', async () => {
    const { sut, sink } = simulator({ initialFill: 'random' });
    const device = sut.devices[0]!;
    await sut.runUntil(new Date(START.getTime() + HOUR));
    const record = sut.empty(device.containerId);
    expect(record.volumeL).toBeGreaterThan(0);
    expect(sut.engine.state(device.containerId).volumeL).toBe(0);
    await sut.runUntil(new Date(START.getTime() + HOUR + 900_000));
    const last = native(sink.messages.filter((m) => m.deviceId === device.deviceId).at(-1)!.payload);
    expect(last.distanceMm).toBeGreaterThan(device.depthMm - 200);
    expect(sut.stats().emptyings).toBe(1);
  });

  it('empties a container the simulation has read a fraction of a millisecond past the requested time', () => {
    const { sut } = simulator({ initialFill: 'random' });
    const id = city.containers[0]!.id;
    sut.engine.stateAt(id, START.getTime() + 60_000.4);
    const record = sut.empty(id, new Date(START.getTime() + 60_000));
    expect(record.at.getTime()).toBeGreaterThan(START.getTime() + 60_000.4);
    expect(sut.engine.state(id).volumeL).toBe(0);
  });

  it('empties on collection.recorded and driver feedback, ignores its own and detected ones, and reports unknown containers', async () => {
    const { sut } = simulator({ initialFill: 'random' });
    const emptied: string[] = [];
    sut.onEmptied((record) => emptied.push(record.containerId));
    await sut.runUntil(new Date(START.getTime() + HOUR));
    const [c1, c2, c3] = city.containers;
    const at = new Date(START.getTime() + HOUR).toISOString();
    sut.handleCollection({ containerId: c1!.id, district: c1!.district, collectedAt: at, observedFillPct: null, source: 'driver' });
    sut.handleCollection({ containerId: c2!.id, district: c2!.district, collectedAt: at, observedFillPct: 40, source: 'detected' });
    sut.handleDriverFeedback({ containerId: c3!.externalRef!, kind: 'emptied', at });
    sut.handleDriverFeedback({ containerId: c2!.id, kind: 'blocked', at });
    sut.handleCollection({ containerId: 'nowhere', district: 'x', collectedAt: at, observedFillPct: null, source: 'driver' });
    expect(emptied).toEqual([c1!.id, c3!.id]);
    expect(sut.stats().unknownCollections).toBe(1);
  });

  it('handles scheduled emptyings in time order with the readings', async () => {
    const { sut, sink } = simulator({ initialFill: 'random' });
    const device = sut.devices[1]!;
    const truckAt = new Date(START.getTime() + 30 * 60_000 + device.phaseS * 1000 + 1000);
    sut.scheduleEmptying(device.containerId, truckAt);
    await sut.runUntil(new Date(START.getTime() + HOUR));
    const readings = sink.messages.filter((m) => m.deviceId === device.deviceId).map((m) => ({ at: Date.parse(native(m.payload).ts), volume: m.sample.truth.volumeL }));
    const before = readings.filter((r) => r.at < truckAt.getTime());
    const after = readings.filter((r) => r.at > truckAt.getTime());
    expect(before.at(-1)!.volume).toBeGreaterThan(after[0]!.volume);
    expect(sut.engine.state(device.containerId).lastEmptiedAt).toEqual(truckAt);
  });

  it('shows faults in the messages it sends', async () => {
    const { sut, sink } = simulator();
    const [silent, stuck, hot, skewed, spiky] = sut.devices.map((d) => d.deviceId);
    sut.setFault(silent!, { kind: 'silence' });
    await sut.runUntil(new Date(START.getTime() + 15 * 60_000));
    sut.setFault(stuck!, { kind: 'stuck' });
    sut.setFault(hot!, { kind: 'fire', temperatureC: 90 });
    sut.setFault(skewed!, { kind: 'clock_skew', skewS: 86_400 });
    sut.setFault(spiky!, { kind: 'spikes', probability: 1 });
    await sut.runUntil(new Date(START.getTime() + 3 * HOUR));
    const from = (id: string) => sink.messages.filter((m) => m.deviceId === id).map((m) => native(m.payload));
    expect(from(silent!)).toHaveLength(0);
    expect(sut.stats().notSent).toBe(12);
    expect(new Set(from(stuck!).slice(1).map((d) => d.distanceMm)).size).toBe(1);
    expect(from(hot!).slice(1).every((d) => (d.temperatureC ?? 0) > 80)).toBe(true);
    const skewedMessages = sink.messages.filter((m) => m.deviceId === skewed!).slice(1);
    expect(skewedMessages.every((m) => Date.parse(native(m.payload).ts) - m.sample.receivedAt.getTime() === 86_400_000)).toBe(true);
    expect(from(spiky!).slice(1).every((d) => d.distanceMm <= 300 || d.distanceMm === 7500)).toBe(true);
    sut.clearFault(silent!);
    await sut.runUntil(new Date(START.getTime() + 4 * HOUR));
    expect(from(silent!).length).toBe(4);
  });

  it('runs against the wall clock at a speed factor until stopped', async () => {
    const { sut, sink } = simulator();
    sut.start(36_000, 20);
    const deadline = Date.now() + 10_000;
    while (sink.messages.length < 24 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await sut.stop();
    expect(sink.messages.length).toBeGreaterThanOrEqual(24);
    const frozen = sut.clock.nowMs();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sut.clock.nowMs()).toBe(frozen);
    expect(frozen).toBeGreaterThan(START.getTime());
  });

  it('exports containers, devices and bindings with the device reference each format carries', () => {
    const { sut } = simulator({ format: 'mixed' });
    const registrations = sut.registrations();
    expect(registrations.containers).toHaveLength(12);
    expect(registrations.devices).toHaveLength(12);
    expect(registrations.bindings.map((b) => b.containerId).sort()).toEqual(city.containers.map((c) => c.id).sort());
    for (const d of registrations.devices) {
      expect(d.deviceRef).toBe(d.format === 'chirpstack-v4' ? d.devEui : d.id);
      expect(d.lorawanApplicationId === null).toBe(d.format === 'native');
      expect(d.devEui).toMatch(/^[0-9a-f]{16}$/);
    }
    const rows = parseCsvRecords(registrationsToCsv(registrations));
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ container_id: city.containers[0]!.id, device_id: sut.devices[0]!.deviceId, waste_type: city.containers[0]!.wasteType });
    const geo = registrationsToGeoJson(registrations);
    expect(geo.features).toHaveLength(12 + city.depots.length + city.disposalSites.length);
  });

  it('refuses devices bound to containers the city does not have', () => {
    expect(() => simulator({ devices: [{ ...simulator().sut.devices[0]!, containerId: 'ghost' }] })).toThrow(/unknown container ghost/);
  });
});
