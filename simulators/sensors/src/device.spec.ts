import { Rng } from '@vulgraad/city-model';
import type { DeviceConfig } from './device';
import { DeviceFirmware } from './device';

const config = (overrides: Partial<DeviceConfig> = {}): DeviceConfig => ({
  deviceId: 'sens-1',
  devEui: '0200000000000001',
  devAddr: '260b0001',
  containerId: 'c1',
  model: 'vulgraad-native',
  format: 'native',
  reportsFillPct: true,
  intervalS: 1800,
  depthMm: 2300,
  capacityL: 5000,
  phaseS: 0,
  ...overrides,
});
const T0 = Date.parse('2024-03-04T08:00:00Z');
const STEP = 1_800_000;

function readings(sut: DeviceFirmware, volumes: number[]) {
  return volumes.map((volume, i) => sut.measure(volume, T0 + i * STEP));
}

describe(DeviceFirmware.name, () => {
  it('measures the distance to the waste: the full depth when empty, little when full, with small noise', () => {
    const sut = new DeviceFirmware(config(), new Rng(1));
    const empty = readings(sut, new Array(50).fill(0)).map((s) => s!.distanceMm);
    const half = readings(sut, new Array(50).fill(2500)).map((s) => s!.distanceMm);
    const full = readings(sut, new Array(50).fill(5000)).map((s) => s!.distanceMm);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(empty) - 2300)).toBeLessThan(15);
    expect(mean(half)).toBeGreaterThan(2300 / 2 - 100);
    expect(mean(half)).toBeLessThan(2300 / 2 + 20);
    expect(mean(full)).toBeLessThan(120);
    expect(Math.max(...empty) - Math.min(...empty)).toBeLessThan(80);
  });

  it('reports fill % only when its firmware does, and counts its sequence number up', () => {
    const withFill = new DeviceFirmware(config(), new Rng(2));
    const distanceOnly = new DeviceFirmware(config({ reportsFillPct: false }), new Rng(2));
    const a = readings(withFill, [2500, 2500, 2500]);
    const b = readings(distanceOnly, [2500]);
    expect(a.map((s) => s!.seq)).toEqual([0, 1, 2]);
    expect(a[0]!.fillPct).toBeGreaterThan(45);
    expect(a[0]!.fillPct).toBeLessThan(57);
    expect(b[0]!.fillPct).toBeNull();
  });

  it('drains its battery slowly in normal use', () => {
    const sut = new DeviceFirmware(config(), new Rng(3));
    const before = sut.battery;
    readings(sut, new Array(48 * 30).fill(1000));
    expect(before - sut.battery).toBeGreaterThan(1.5);
    expect(before - sut.battery).toBeLessThan(3);
  });

  it('repeats the last distance while stuck, whatever the waste does', () => {
    const sut = new DeviceFirmware(config(), new Rng(4));
    const before = sut.measure(1000, T0)!;
    sut.setFault({ kind: 'stuck' });
    const stuck = readings(sut, [1500, 2500, 4000]).map((s) => s!.distanceMm);
    expect(stuck).toEqual([before.distanceMm, before.distanceMm, before.distanceMm]);
    sut.clearFault('stuck');
    expect(sut.measure(4000, T0 + 10 * STEP)!.distanceMm).toBeLessThan(before.distanceMm - 500);
  });

  it('sends nothing while silent but keeps counting frames', () => {
    const sut = new DeviceFirmware(config(), new Rng(5));
    sut.setFault({ kind: 'silence' });
    expect(readings(sut, [1000, 1000])).toEqual([null, null]);
    sut.clearFault();
    expect(sut.measure(1000, T0 + 5 * STEP)!.seq).toBe(2);
  });

  it('dies when a battery fault drains it, and stays silent', () => {
    const sut = new DeviceFirmware(config(), new Rng(6));
    sut.setFault({ kind: 'battery_drain', pctPerReading: 20 });
    const out = readings(sut, new Array(8).fill(1000));
    const sent = out.filter((s) => s !== null);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThan(6);
    expect(sent[sent.length - 1]!.batteryPct).toBeLessThan(25);
    expect(out[out.length - 1]).toBeNull();
    const seqAfterDeath = sut.sequence;
    sut.measure(1000, T0 + 20 * STEP);
    expect(sut.sequence).toBe(seqAfterDeath);
  });

  it('sends spikes: echoes far too short or no echo at all', () => {
    const sut = new DeviceFirmware(config(), new Rng(7));
    sut.setFault({ kind: 'spikes', probability: 0.5 });
    const distances = readings(sut, new Array(100).fill(2500)).map((s) => s!.distanceMm);
    const spikes = distances.filter((d) => d <= 300 || d === 7500);
    expect(spikes.length).toBeGreaterThan(30);
    expect(spikes.length).toBeLessThan(70);
    expect(distances.some((d) => d === 7500)).toBe(true);
    expect(distances.some((d) => d <= 300)).toBe(true);
  });

  it('stamps readings with a skewed clock', () => {
    const sut = new DeviceFirmware(config(), new Rng(8));
    sut.setFault({ kind: 'clock_skew', skewS: -3 * 86400 });
    const sample = sut.measure(1000, T0)!;
    expect(sample.receivedAt.getTime()).toBe(T0);
    expect(sample.measuredAt.getTime()).toBe(T0 - 3 * 86_400_000);
  });

  it('reports a fire as a high temperature with an alarm, and a tilt', () => {
    const sut = new DeviceFirmware(config(), new Rng(9));
    const normal = sut.measure(1000, T0)!;
    expect(normal.temperatureC).toBeGreaterThan(-5);
    expect(normal.temperatureC).toBeLessThan(30);
    sut.setFault({ kind: 'fire', temperatureC: 85 });
    sut.setFault({ kind: 'tilt', tiltDeg: 40 });
    const burning = sut.measure(1000, T0 + STEP)!;
    expect(burning.temperatureC).toBeGreaterThan(75);
    expect(burning.alarms).toEqual(expect.arrayContaining(['fire', 'tilt']));
    expect(burning.tiltDeg).toBeGreaterThan(30);
    expect(burning.truth.faults).toEqual(expect.arrayContaining(['fire', 'tilt']));
  });

  it('has no temperature on a model without a temperature sensor', () => {
    const sut = new DeviceFirmware(config({ model: 'milesight-em310-udl', format: 'ttn-v3', reportsFillPct: false }), new Rng(10));
    expect(sut.measure(1000, T0)!.temperatureC).toBeNull();
  });
});
