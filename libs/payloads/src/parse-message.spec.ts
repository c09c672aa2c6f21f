import { parseMessage } from './parse-message';
import { buildChirpstackV4Uplink, buildNativeReading, buildTtnV3Uplink, type UplinkSpec } from './uplink-builders';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const at = new Date('2026-05-04T08:15:30.250Z');
const spec: UplinkSpec = {
  deviceId: 'bin-0042',
  devEui: '70B3D57ED0051234',
  applicationId: 'waste-levels',
  receivedAt: at,
  fCnt: 1234,
  fPort: 2,
  rssi: -91,
  snr: 8.5,
};

describe(parseMessage.name, () => {
  describe('native v1', () => {
    it('reads every field', () => {
      const { topic, payload } = buildNativeReading('sensor-7', {
        ts: '2026-05-04T10:15:30+02:00', seq: 17, fillPct: 42.5, distanceMm: 830, temperatureC: 12.5, batteryPct: 88,
        batteryV: 3.61, rssiDbm: -97, snrDb: 7.5, tiltDeg: 2.5, alarms: ['Fire'], id: 'msg-1',
      });
      const sut = parseMessage(topic, bytes(payload));
      expect(sut).toEqual({
        ok: true,
        reading: {
          format: 'native', deviceRef: 'sensor-7', measuredAt: new Date('2026-05-04T08:15:30Z'), seq: 17, fillPct: 42.5,
          distanceMm: 830, temperatureC: 12.5, batteryPct: 88, batteryV: 3.61, rssiDbm: -97, snrDb: 7.5, tiltDeg: 2.5,
          alarms: ['fire'], correlationId: 'msg-1',
        },
      });
    });

    it('takes Unix seconds as the time', () => {
      const sut = parseMessage('vulgraad/v1/devices/s1/readings', bytes('{"v":1,"ts":1777882530.5,"distanceMm":100}'));
      expect(sut.ok && sut.reading.measuredAt).toEqual(new Date(1777882530500));
    });

    it.each([
      ['not json', '{"v":1,', 'malformed_json'],
      ['not an object', '[1,2]', 'wrong_type'],
      ['a string number', '{"v":1,"ts":"2026-05-04T08:00:00Z","fillPct":"42"}', 'wrong_type'],
      ['a time without zone', '{"v":1,"ts":"2026-05-04T08:00:00","fillPct":42}', 'wrong_type'],
      ['a negative sequence', '{"v":1,"ts":"2026-05-04T08:00:00Z","fillPct":42,"seq":-1}', 'wrong_type'],
      ['no version', '{"ts":"2026-05-04T08:00:00Z","fillPct":42}', 'missing_field'],
      ['no time', '{"v":1,"fillPct":42}', 'missing_field'],
      ['no measured value', '{"v":1,"ts":"2026-05-04T08:00:00Z","seq":3}', 'missing_field'],
      ['a newer version', '{"v":2,"ts":"2026-05-04T08:00:00Z","fillPct":42}', 'unsupported_version'],
    ])('rejects %s', (_case, payload, reason) => {
      const sut = parseMessage('vulgraad/v1/devices/s1/readings', bytes(payload));
      expect(sut).toMatchObject({ ok: false, reason, deviceRef: 's1', format: 'native' });
      expect(!sut.ok && sut.detail.length).toBeGreaterThan(5);
    });
  });

  describe('The Things Stack v3', () => {
    it('reads decoded values, identities, frame counter and the best gateway', () => {
      const { topic, payload } = buildTtnV3Uplink({ ...spec, decoded: { distance: '830 mm', battery_v: 3.6, temperature: 14, fire: false, tilt: true } });
      const sut = parseMessage(topic, bytes(payload));
      expect(sut).toEqual({
        ok: true,
        reading: {
          format: 'ttn-v3', deviceRef: 'bin-0042', devEui: '70b3d57ed0051234', applicationId: 'waste-levels', measuredAt: at,
          distanceMm: 830, batteryV: 3.6, temperatureC: 14, alarms: ['tilt'], rssiDbm: -91, snrDb: 8.5, seq: 1234,
          correlationId: expect.stringMatching(/^as:up:/),
        },
      });
    });

    it('hands raw bytes on when the uplink has no decoded values', () => {
      const { topic, payload } = buildTtnV3Uplink({ ...spec, bytes: Uint8Array.from([0x0c, 0xf2, 0x03, 0x3e]) });
      const sut = parseMessage(topic, bytes(payload));
      expect(sut.ok && sut.reading.rawUplink).toEqual({ fPort: 2, bytes: Uint8Array.from([0x0c, 0xf2, 0x03, 0x3e]) });
      expect(sut.ok && sut.reading.applicationId).toBe('waste-levels');
    });

    it('rejects an uplink without uplink_message, and a decoded value of the wrong type', () => {
      expect(parseMessage('v3/app@ttn/devices/d1/up', bytes('{"end_device_ids":{"device_id":"d1"}}'))).toMatchObject({ ok: false, reason: 'missing_field' });
      const { topic, payload } = buildTtnV3Uplink({ ...spec, decoded: { fillPct: { value: 3 } } });
      expect(parseMessage(topic, bytes(payload))).toMatchObject({ ok: false, reason: 'wrong_type', deviceRef: 'bin-0042' });
    });
  });

  describe('ChirpStack v4', () => {
    it('reads object values, DevEUI, fCnt, nanosecond time and rxInfo', () => {
      const { topic, payload } = buildChirpstackV4Uplink({ ...spec, decoded: { fillPct: 63, batteryPct: 71 } });
      const sut = parseMessage(topic, bytes(payload));
      expect(sut).toEqual({
        ok: true,
        reading: {
          format: 'chirpstack-v4', deviceRef: '70b3d57ed0051234', devEui: '70b3d57ed0051234', applicationId: 'waste-levels',
          measuredAt: at, fillPct: 63, batteryPct: 71, rssiDbm: -91, snrDb: 8.5, seq: 1234, correlationId: expect.any(String),
        },
      });
    });

    it('hands raw bytes on when the uplink has no object', () => {
      const { topic, payload } = buildChirpstackV4Uplink({ ...spec, bytes: Uint8Array.from([1, 2, 3]) });
      const sut = parseMessage(topic, bytes(payload));
      expect(sut.ok && sut.reading.rawUplink).toEqual({ fPort: 2, bytes: Uint8Array.from([1, 2, 3]) });
    });
  });

  it('rejects a topic of none of the formats', () => {
    expect(parseMessage('vulgraad/v1/devices/s1/status', bytes('{}'))).toMatchObject({ ok: false, reason: 'unknown_topic' });
    expect(parseMessage('application/1/device/not-an-eui/event/up', bytes('{}'))).toMatchObject({ ok: false, reason: 'unknown_topic' });
  });

  it('rejects an oversize payload before reading it', () => {
    const sut = parseMessage('vulgraad/v1/devices/s1/readings', Buffer.alloc(2048, 0x20), { maxPayloadBytes: 1024 });
    expect(sut).toMatchObject({ ok: false, reason: 'oversize', detail: 'payload is 2048 bytes, the limit is 1024' });
  });
});
