import { buildChirpstackV4Uplink, buildTtnV3Uplink } from '@vulgraad/payloads';
import { envelopeOf } from './uplink-envelope';

const spec = { deviceId: 'sens-1', devEui: '70B3D57ED005A1B2', applicationId: 'waste', receivedAt: new Date('2026-05-04T10:00:00Z'), fCnt: 1, decoded: { fill: 10 } };

describe(envelopeOf.name, () => {
  it('takes the identities of a The Things Stack or ChirpStack uplink, and KPN\'s DevEUI with the integration as application', () => {
    expect(envelopeOf('tts', 'hook', Buffer.from(buildTtnV3Uplink(spec).payload))).toEqual({ ok: true, topic: 'v3/waste/devices/sens-1/up', applicationId: 'waste', deviceRef: 'sens-1' });
    expect(envelopeOf('chirpstack', 'cs', Buffer.from(buildChirpstackV4Uplink(spec).payload))).toEqual({
      ok: true, topic: 'application/waste/device/70b3d57ed005a1b2/event/up', applicationId: 'waste', deviceRef: '70b3d57ed005a1b2',
    });
    expect(envelopeOf('kpn', 'city-kpn', Buffer.from('[{"bn": "urn:dev:DEVEUI:0059AC00001B2F3A:","bt":1}]'))).toEqual({
      ok: true, topic: 'kpn/city-kpn/devices/0059ac00001b2f3a/up', applicationId: 'city-kpn', deviceRef: '0059ac00001b2f3a',
    });
    expect(envelopeOf('device', 'nb-1', Buffer.from('{}'))).toEqual({ ok: true, topic: 'vulgraad/v1/devices/nb-1/readings', applicationId: null, deviceRef: 'nb-1' });
  });

  it('names what is missing, and leaves a body that is not JSON to the parser', () => {
    expect(envelopeOf('tts', 'hook', Buffer.from('{"end_device_ids":{"device_id":"d"},"uplink_message":{}}'))).toMatchObject({ ok: false, reason: 'missing_field', detail: expect.stringContaining('application_id') });
    expect(envelopeOf('tts', 'hook', Buffer.from('{"end_device_ids":{"application_ids":{"application_id":"a/b"},"device_id":"d"}}'))).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(envelopeOf('chirpstack', 'cs', Buffer.from('{"deviceInfo":{"applicationId":"a","devEui":"xyz"}}'))).toMatchObject({ ok: false, detail: expect.stringContaining('16 hex digits') });
    expect(envelopeOf('tts', 'hook', Buffer.from('{"end_device_ids":'))).toEqual({ ok: true, topic: 'v3/unknown/devices/unknown/up', applicationId: null, deviceRef: null });
  });

  it('an escaped identity goes the long way and comes out the same', () => {
    expect(envelopeOf('tts', 'hook', Buffer.from('{"end_device_ids":{"device_id":"s\\u0065ns-1","application_ids":{"application_id":"waste"}}}'))).toEqual({
      ok: true, topic: 'v3/waste/devices/sens-1/up', applicationId: 'waste', deviceRef: 'sens-1',
    });
  });
});
