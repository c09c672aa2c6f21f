import { parseMessage } from './parse-message';
import { kpnUplinkTopic } from './topics';

const TOPIC = kpnUplinkTopic('city-kpn', '0059ac00001b2f3a');
const parse = (pack: unknown) => parseMessage(TOPIC, Buffer.from(JSON.stringify(pack)));

describe('KPN Things SenML', () => {
  it('reads measurements by name and unit, the frame counter and radio, the time from bt + t', () => {
    const sut = parse([
      { bn: 'urn:dev:DEVEUI:0059AC00001B2F3A:', bt: 1777889731 },
      { n: 'distance', u: 'cm', v: 125, t: 2 },
      { n: 'temperature', u: 'Cel', v: 14.5 },
      { n: 'battery', u: 'V', v: 3.6 },
      { n: 'fire', vb: true },
      { n: 'fcnt', v: 31 },
      { n: 'rssi', v: -101 },
      { n: 'snr', v: 4.5 },
    ]);
    expect(sut).toEqual({
      ok: true,
      reading: {
        format: 'kpn-senml', deviceRef: '0059ac00001b2f3a', devEui: '0059ac00001b2f3a', applicationId: 'city-kpn',
        distanceMm: 1250, temperatureC: 14.5, batteryV: 3.6, alarms: ['fire'], seq: 31, rssiDbm: -101, snrDb: 4.5,
        measuredAt: new Date((1777889731 + 2) * 1000),
      },
    });
  });

  it('a raw payload record is kept for the device model decoder', () => {
    const sut = parse([{ bn: 'urn:dev:DEVEUI:0059AC00001B2F3A:', bt: 1777889731 }, { n: 'payload', vs: '800001011107d000190000000000000081' }, { n: 'port', v: 3 }]);
    expect(sut.ok && sut.reading.rawUplink).toEqual({ fPort: 3, bytes: new Uint8Array(Buffer.from('800001011107d000190000000000000081', 'hex')) });
  });

  it('refuses what is not a pack of records, naming the problem', () => {
    expect(parse({ bn: 'x' })).toMatchObject({ ok: false, reason: 'wrong_type', detail: expect.stringContaining('SenML pack') });
    expect(parse([])).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(parse([{ bn: 'urn:dev:DEVEUI:0059AC00001B2F3A:' }, { n: 'distance', u: 'furlong', v: 1 }])).toMatchObject({ ok: false, reason: 'wrong_type', detail: expect.stringContaining('furlong') });
    expect(parse([{ bn: 'urn:dev:DEVEUI:0059AC00001B2F3A:' }, { n: 'payload', vs: 'zz' }])).toMatchObject({ ok: false, reason: 'wrong_type', detail: expect.stringContaining('hex') });
    expect(parse([{ bn: 'urn:dev:DEVEUI:0059AC00001B2F3A:' }, { n: 'fcnt', v: 3 }])).toMatchObject({ ok: false, reason: 'missing_field' });
  });
});
