import { decodeUplink, decodeUplinkFull, listDecoders } from './index';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe(decodeUplink.name, () => {
  it('decodes by model id, alias and TTN vendor/device id alike, whatever the case', () => {
    const bytes = hex('0c80 04b0 00 0000 01'); // 3.2 V, 1200 mm, probe absent, sensor present
    for (const model of ['dragino-ldds75', 'dragino/ldds75', 'LDDS75', ' Dragino/LDDS75 ']) {
      const sut = decodeUplink(model, 2, bytes);
      expect(sut).toEqual({ ok: true, fields: { batteryV: 3.2, distanceMm: 1200, decodedBy: 'dragino-ldds75' } });
    }
  });

  it('maps LDDS45 to the LDDS75 format', () => {
    const sut = decodeUplink('dragino/ldds45', 2, hex('0c80 04b0 00 0000 01'));
    expect(sut).toEqual({ ok: true, fields: { batteryV: 3.2, distanceMm: 1200, decodedBy: 'dragino-ldds45' } });
  });

  it('rejects an unknown model with unknown_decoder', () => {
    const sut = decodeUplink('acme/bin-sensor', 2, hex('00'));
    expect(sut).toEqual({ ok: false, reason: 'unknown_decoder', detail: 'no decoder for device model "acme/bin-sensor"' });
  });

  it('rejects an empty payload and an impossible FPort without calling the decoder', () => {
    expect(decodeUplink('ldds75', 2, new Uint8Array())).toMatchObject({ ok: false, reason: 'undecodable_payload', detail: expect.stringContaining('empty payload') });
    expect(decodeUplink('ldds75', 300, hex('0c80'))).toMatchObject({ ok: false, reason: 'undecodable_payload', detail: expect.stringContaining('FPort 300') });
  });

  it('rejects bytes that do not fit the layout with the model and what is wrong', () => {
    const sut = decodeUplink('ldds75', 2, hex('0c80 04b0 00'.repeat(2)));
    expect(sut).toEqual({
      ok: false,
      reason: 'undecodable_payload',
      detail: 'dragino-ldds75: LDDS uplink: wrong length 10 bytes, expected 4 or 5 or 8',
    });
  });
});

describe(decodeUplinkFull.name, () => {
  it('returns the vendor-shaped object next to the fields', () => {
    const sut = decodeUplinkFull('ldds75', 2, hex('0c80 04b0 00 00fa 01'));
    expect(sut.ok && sut.uplink.vendor).toMatchObject({ Bat: 3.2, Interrupt_flag: 0, Sensor_flag: 1, TempC_DS18B20: '25.00' });
  });
});

describe(listDecoders.name, () => {
  it('lists every model with a vendor, a name and its aliases', () => {
    const sut = listDecoders();
    expect(sut.find((entry) => entry.model === 'dragino-ldds75')).toEqual({
      model: 'dragino-ldds75',
      vendor: 'Dragino',
      name: expect.any(String),
      aliases: expect.arrayContaining(['dragino/ldds75', 'ldds75']),
    });
    const names = sut.flatMap((entry) => [entry.model, ...entry.aliases].map((name) => name.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
  });
});
