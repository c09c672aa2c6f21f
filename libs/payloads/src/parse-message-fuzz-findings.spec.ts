import { parseMessage } from './parse-message';
import { buildChirpstackV4Uplink, buildTtnV3Uplink, type UplinkSpec } from './uplink-builders';

// Messages the payload fuzzer (npm run fuzz) found to break the parser's contract, each kept as a case.
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const spec: UplinkSpec = {
  deviceId: 'bin-0042', devEui: '70B3D57ED0051234', applicationId: 'waste-levels', receivedAt: new Date('2026-05-04T08:15:30.250Z'),
  fCnt: 12, fPort: 2, decoded: { distanceMm: 900 }, rssi: -91, snr: 8.5,
};

describe('parseMessage on what the fuzzer found', () => {
  it('rejects Unix seconds too large for a date instead of accepting an invalid time', () => {
    const sut = parseMessage('vulgraad/v1/devices/s1/readings', bytes('{"v":1,"ts":7.86e286,"fillPct":42}'));
    expect(sut).toMatchObject({ ok: false, reason: 'wrong_type', detail: expect.stringContaining('not a valid time') });
    expect(parseMessage('vulgraad/v1/devices/s1/readings', bytes('{"v":1,"ts":8640000000000,"fillPct":42}')).ok).toBe(true);
  });

  it('ignores gateway RSSI and SNR that JSON turns into Infinity (1e999)', () => {
    const ttn = buildTtnV3Uplink(spec);
    const sut = parseMessage(ttn.topic, bytes(ttn.payload.replace(/"rssi":-91/g, '"rssi":1e999').replace(/"channel_rssi":-91/g, '"channel_rssi":-1e999').replace('"snr":8.5', '"snr":-1e999')));
    expect(sut.ok).toBe(true);
    if (!sut.ok) return;
    expect([sut.reading.rssiDbm, sut.reading.snrDb].every((v) => v === undefined || Number.isFinite(v))).toBe(true);
    const cs = buildChirpstackV4Uplink(spec);
    const chirp = parseMessage(cs.topic, bytes(cs.payload.replace('"rssi":-91', '"rssi":-1e999')));
    expect(chirp.ok && chirp.reading.rssiDbm).toBeUndefined();
  });

  it('takes the device from the topic when the payload names it with an empty string', () => {
    const ttn = buildTtnV3Uplink(spec);
    const sut = parseMessage(ttn.topic, bytes(ttn.payload.replace('"device_id":"bin-0042"', '"device_id":""')));
    expect(sut.ok && sut.reading.deviceRef).toBe('bin-0042');
    const cs = buildChirpstackV4Uplink(spec);
    const chirp = parseMessage(cs.topic, bytes(cs.payload.replace('"devEui":"70b3d57ed0051234"', '"devEui":""')));
    expect(chirp.ok && chirp.reading.deviceRef).toBe('70b3d57ed0051234');
  });
});
