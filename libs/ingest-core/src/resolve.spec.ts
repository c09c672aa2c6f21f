import { decodeUplink } from '@vulgraad/payloads';
import { containersToLoad, devicesToLoad, resolveReadings } from './resolve';
import { buildTtnV3Uplink, nativeTaken, RECEIVED_AT, SPEC_OPTIONS, specRegistry, taken } from './spec-helpers';

const decoder = { decode: decodeUplink };

describe(resolveReadings.name, () => {
  it('resolves a registered, bound device to its container at the measurement time', () => {
    const registry = specRegistry([{ ref: 'd1', containerId: 'c1' }]);
    const sut = resolveReadings([nativeTaken('d1', { fillPct: 40, minutesBefore: 5 })], registry, decoder, SPEC_OPTIONS);
    expect(sut.rejects).toEqual([]);
    expect(sut.resolved).toHaveLength(1);
    expect(sut.resolved[0]).toMatchObject({ containerId: 'c1', measuredMs: RECEIVED_AT.getTime() - 300_000 });
  });

  it('keeps every message it cannot resolve as a rejected row with its reason, in arrival order', () => {
    const registry = specRegistry([{ ref: 'bound' }, { ref: 'loose', containerId: null }]);
    const batch = [
      taken('vulgraad/v1/devices/bound/readings', '{not json'),
      nativeTaken('nobody', { fillPct: 1 }),
      nativeTaken('loose', { fillPct: 2 }),
      nativeTaken('bound', { fillPct: 3, minutesBefore: -60 }),
      nativeTaken('bound', { fillPct: 4 }),
    ];
    const sut = resolveReadings(batch, registry, decoder, SPEC_OPTIONS);
    expect(sut.rejects.map((r) => r.reason)).toEqual(['malformed_json', 'unknown_device', 'unbound_device', 'future_time']);
    expect(sut.resolved.map((r) => r.reading.fillPct)).toEqual([4]);
    const [malformed, unknown] = sut.rejects;
    expect(malformed).toMatchObject({ topic: 'vulgraad/v1/devices/bound/readings', payloadSize: 9, deviceRef: 'bound', correlationId: batch[0]!.correlationId });
    // Only the first rejectKeepBytes bytes are kept.
    expect(Buffer.from(malformed!.payload).toString()).toBe('{not jso');
    expect(unknown!.detail).toContain('"nobody"');
  });

  it('refuses a LoRaWAN device named by a network server of another application', () => {
    const registry = specRegistry([{ ref: 'ttn-dev', lorawanApplicationId: 'city-bins' }]);
    const uplink = (application: string) =>
      buildTtnV3Uplink({ deviceId: 'ttn-dev', devEui: '70B3D57ED0000001', applicationId: application, receivedAt: new Date(RECEIVED_AT.getTime() - 1000), fCnt: 3, decoded: { fillPct: 30 } });
    const own = uplink('city-bins');
    const foreign = uplink('someone-else');
    const sut = resolveReadings([taken(own.topic, own.payload), taken(foreign.topic, foreign.payload)], registry, decoder, SPEC_OPTIONS);
    expect(sut.resolved).toHaveLength(1);
    expect(sut.rejects).toMatchObject([{ reason: 'foreign_device', deviceRef: 'ttn-dev', format: 'ttn-v3' }]);
  });

  it('decodes a raw frame with the device model, and names the missing decoder when there is none', () => {
    const registry = specRegistry([
      { ref: 'with-model', lorawanApplicationId: 'app', model: 'no-such-model' },
      { ref: 'without-model', lorawanApplicationId: 'app' },
    ]);
    const raw = (deviceId: string) => buildTtnV3Uplink({ deviceId, devEui: '70B3D57ED0000002', applicationId: 'app', receivedAt: RECEIVED_AT, fCnt: 1, bytes: new Uint8Array([1, 2, 3]) });
    const batch = [raw('with-model'), raw('without-model')].map((m) => taken(m.topic, m.payload));
    const sut = resolveReadings(batch, registry, decoder, SPEC_OPTIONS);
    expect(sut.rejects.map((r) => r.reason)).toEqual(['unknown_decoder', 'unknown_decoder']);
    expect(sut.rejects[1]!.detail).toContain('has no model');
  });

  it('lists the devices and containers a batch needs loaded', () => {
    const registry = specRegistry([{ ref: 'a', containerId: 'c1' }, { ref: 'b', containerId: 'c1' }]);
    const batch = [nativeTaken('a', { fillPct: 1 }), nativeTaken('b', { fillPct: 2 }), taken('nowhere', '{}')];
    expect([...devicesToLoad(batch)]).toEqual(['a', 'b']);
    expect([...containersToLoad(resolveReadings(batch, registry, decoder, SPEC_OPTIONS).resolved)]).toEqual(['c1']);
  });
});
