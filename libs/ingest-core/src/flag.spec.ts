import { decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { flagReadings } from './flag';
import { resolveReadings } from './resolve';
import { nativeTaken, RECEIVED_AT, SPEC_OPTIONS, specRegistry } from './spec-helpers';
import type { IngestContainer } from './types';

const bin: IngestContainer = { district: 'Centrum', wasteType: 'residual', depthMm: 2000 };

function flag(batch: ReturnType<typeof nativeTaken>[], registry = specRegistry([{ ref: 'd1', containerId: 'c1' }, { ref: 'd2', containerId: 'c2' }], { c1: bin, c2: bin })) {
  const { resolved } = resolveReadings(batch, registry, { decode: decodeUplink }, SPEC_OPTIONS);
  return flagReadings(resolved, registry, DEFAULT_QUALITY_THRESHOLDS, SPEC_OPTIONS.rejectKeepBytes);
}

describe(flagReadings.name, () => {
  it('builds one row per reading, with the fill from the distance and the container depth', () => {
    const sut = flag([nativeTaken('d1', { distanceMm: 500, batteryPct: 80, seq: 7 })]);
    expect(sut.rows).toEqual([
      expect.objectContaining({ containerId: 'c1', deviceId: 'id-d1', fillPct: 75, distanceMm: 500, batteryPct: 80, seq: 7, flags: [], alarms: [], format: 'native', levelMm: null }),
    ]);
    expect(sut.rows[0]!.correlationId).toMatch(/^spec-/);
  });

  it('flags in time order per container even when the batch arrived out of order, and keeps the newest as the state', () => {
    // 10 % then, a minute later, 90 %: a jump no waste makes in a minute. Sent newest first.
    const sut = flag([nativeTaken('d1', { fillPct: 90, minutesBefore: 1 }), nativeTaken('d1', { fillPct: 10, minutesBefore: 2 })]);
    expect(sut.rows.map((r) => [r.fillPct, r.flags])).toEqual([[10, []], [90, ['impossible_jump']]]);
    expect(sut.states).toEqual([expect.objectContaining({ containerId: 'c1', fillPct: 90, flags: ['impossible_jump'], measuredAt: new Date(RECEIVED_AT.getTime() - 60_000) })]);
    expect(sut.memories.get('c1')).toMatchObject({ lastFillPct: 90 });
  });

  it('keeps the last known fill in the state when the newest reading carries none', () => {
    const sut = flag([nativeTaken('d1', { fillPct: 35, minutesBefore: 3 }), nativeTaken('d1', { batteryPct: 60, minutesBefore: 1 })]);
    expect(sut.rows.map((r) => r.fillPct)).toEqual([35, null]);
    expect(sut.states).toEqual([expect.objectContaining({ fillPct: 35, batteryPct: 60 })]);
    expect(sut.events).toEqual([expect.objectContaining({ containerId: 'c1', district: 'Centrum', wasteType: 'residual', fillPct: 35, batteryPct: 60 })]);
  });

  it('starts from the memory the registry holds', () => {
    const registry = specRegistry([{ ref: 'd1', containerId: 'c1' }], { c1: bin }, {
      c1: { lastFillPct: 5, lastMeasuredAt: new Date(RECEIVED_AT.getTime() - 600_000), unchangedSince: null, unchangedCount: 1 },
    });
    const sut = flag([nativeTaken('d1', { fillPct: 95 })], registry);
    expect(sut.rows[0]!.flags).toEqual(['impossible_jump']);
  });

  it('gives one state and one event per container, each with the correlation id of its newest reading', () => {
    const batch = [nativeTaken('d1', { fillPct: 20, minutesBefore: 4 }), nativeTaken('d2', { fillPct: 30 }), nativeTaken('d1', { fillPct: 21, minutesBefore: 2 })];
    const sut = flag(batch);
    expect(sut.states.map((s) => [s.containerId, s.fillPct])).toEqual([['c1', 21], ['c2', 30]]);
    expect(sut.events.map((e) => e.correlationId)).toEqual([batch[2]!.correlationId, batch[1]!.correlationId]);
  });

  it('rejects a reading whose container is gone from the registry', () => {
    const registry = specRegistry([{ ref: 'd1', containerId: 'removed' }], {});
    const sut = flag([nativeTaken('d1', { fillPct: 50 })], registry);
    expect(sut.rows).toEqual([]);
    expect(sut.rejects).toEqual([expect.objectContaining({ reason: 'unbound_device', detail: expect.stringContaining('no longer exists'), deviceRef: 'd1' })]);
  });
});
