import { Rng } from '@vulgraad/city-model';
import { decodeUplink, parseMessage } from '@vulgraad/payloads';
import type { DeviceConfig, DeviceModel } from '../device';
import { DeviceFirmware } from '../device';
import { defaultNetwork } from '../sensor-simulator';
import type { DecodedStyle, FormatContext } from './index';
import { encodeFrame, formatChirpstackV4, formatNative, formatTtnV3, formatUplink } from './index';

const T0 = Date.parse('2024-03-04T08:00:00Z');
const network = defaultNetwork(1, 'sens-');
const context = (decoded: DecodedStyle = 'normalised'): FormatContext => ({ network, decoded });

function device(model: DeviceModel, format: DeviceConfig['format'], reportsFillPct = false): DeviceConfig {
  return { deviceId: 'sens-vul-00001', devEui: '02a1b2c3d4e5f601', devAddr: '260b1234', containerId: 'vul-00001', model, format, reportsFillPct, intervalS: 1800, depthMm: 2300, capacityL: 5000, phaseS: 0 };
}

function sampleOf(config: DeviceConfig, readingsBefore = 0) {
  const firmware = new DeviceFirmware(config, new Rng(1));
  for (let i = 0; i < readingsBefore; i++) firmware.measure(2000, T0 - (readingsBefore - i) * 1_800_000);
  return firmware.measure(2000, T0)!;
}

interface TtnUp {
  end_device_ids: Record<string, unknown>;
  correlation_ids: string[];
  received_at: string;
  uplink_message: {
    f_port: number;
    f_cnt?: number;
    frm_payload: string;
    decoded_payload?: Record<string, unknown>;
    rx_metadata: Array<Record<string, unknown>>;
    settings: { data_rate: { lora: { bandwidth: number } } };
    consumed_airtime: string;
    received_at: string;
  };
}
interface ChirpstackUp {
  deduplicationId: string;
  time: string;
  deviceInfo: Record<string, unknown>;
  fCnt?: number;
  fPort: number;
  data: string;
  object?: Record<string, unknown>;
  rxInfo: Array<Record<string, unknown>>;
  txInfo: { modulation: { lora: Record<string, unknown> } };
}
const json = <T = Record<string, unknown>>(payload: Buffer): T => JSON.parse(payload.toString('utf8')) as T;

describe(formatNative.name, () => {
  it('publishes version 1 JSON on the device topic, leaving out what the device does not measure', () => {
    const config = device('vulgraad-native', 'native', true);
    const sample = sampleOf(config);
    const sut = formatNative(sample, config, context());
    expect(sut.topic).toBe('vulgraad/v1/devices/sens-vul-00001/readings');
    const doc = json(sut.payload);
    expect(doc).toEqual({
      v: 1,
      ts: '2024-03-04T08:00:00.000Z',
      seq: 0,
      id: 'sens-vul-00001:0',
      distanceMm: sample.distanceMm,
      fillPct: sample.fillPct,
      temperatureC: sample.temperatureC,
      batteryPct: sample.batteryPct,
      batteryV: sample.batteryV,
      rssiDbm: sample.rssiDbm,
      snrDb: sample.snrDb,
    });
    const withoutFill = json(formatNative(sampleOf(device('vulgraad-native', 'native', false)), config, context()).payload);
    expect(withoutFill).not.toHaveProperty('fillPct');
  });
});

describe(formatTtnV3.name, () => {
  it('has the ApplicationUp shape with base64 frm_payload, decoded_payload and rx_metadata', () => {
    const config = device('dragino-ldds75', 'ttn-v3');
    const sample = sampleOf(config, 3);
    const sut = formatTtnV3(sample, config, context());
    expect(sut.topic).toBe('v3/vulgraad-sim@ttn/devices/sens-vul-00001/up');
    const doc = json<TtnUp>(sut.payload);
    expect(Object.keys(doc).sort()).toEqual(['correlation_ids', 'end_device_ids', 'received_at', 'uplink_message']);
    expect(doc.end_device_ids).toMatchObject({ device_id: 'sens-vul-00001', application_ids: { application_id: 'vulgraad-sim' }, dev_eui: '02A1B2C3D4E5F601', dev_addr: '260B1234' });
    const up = doc.uplink_message;
    expect(up.f_port).toBe(2);
    expect(up.f_cnt).toBe(3);
    expect(Buffer.from(up.frm_payload, 'base64')).toEqual(Buffer.from(encodeFrame(sample).bytes));
    expect(up.decoded_payload).toEqual({ distanceMm: sample.distanceMm, temperatureC: sample.temperatureC, batteryPct: sample.batteryPct, batteryV: sample.batteryV });
    expect(up.rx_metadata[0]).toMatchObject({ rssi: sample.rssiDbm, snr: sample.snrDb, gateway_ids: { gateway_id: expect.stringMatching(/^eui-/) } });
    expect(up.settings.data_rate.lora.bandwidth).toBe(125000);
    expect(up.consumed_airtime).toMatch(/^\d+(\.\d+)?s$/);
    expect(new Date(doc.received_at).getTime()).toBe(T0);
    expect(new Date(up.received_at).getTime()).toBeLessThanOrEqual(T0);
  });

  it('leaves out f_cnt on the first uplink, as The Things Stack leaves out zero values', () => {
    const config = device('dragino-ldds75', 'ttn-v3');
    const up = json<TtnUp>(formatTtnV3(sampleOf(config), config, context()).payload).uplink_message;
    expect(up).not.toHaveProperty('f_cnt');
  });

  it('carries the vendor decoder object, or no decoded values at all, when asked', () => {
    const config = device('milesight-em310-udl', 'ttn-v3');
    const sample = sampleOf(config);
    const vendor = json<TtnUp>(formatTtnV3(sample, config, context('vendor')).payload).uplink_message;
    expect(vendor.decoded_payload).toEqual({ battery: sample.batteryPct, distance: sample.distanceMm, tilt: 'normal' });
    expect(vendor.f_port).toBe(85);
    const raw = json<TtnUp>(formatTtnV3(sample, config, context('none')).payload).uplink_message;
    expect(raw).not.toHaveProperty('decoded_payload');
    expect(raw.frm_payload).toBe(Buffer.from(encodeFrame(sample).bytes).toString('base64'));
  });
});

describe(formatChirpstackV4.name, () => {
  it('has the UplinkEvent shape with deviceInfo, base64 data, object and rxInfo', () => {
    const config = device('milesight-em310-udl', 'chirpstack-v4');
    const sample = sampleOf(config, 7);
    const sut = formatChirpstackV4(sample, config, context());
    expect(sut.topic).toBe(`application/${network.chirpstackApplicationId}/device/02a1b2c3d4e5f601/event/up`);
    const doc = json<ChirpstackUp>(sut.payload);
    expect(doc.deduplicationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.time).toMatch(/^2024-03-04T08:00:00\.\d{9}\+00:00$/);
    expect(doc.deviceInfo).toMatchObject({ tenantId: network.chirpstackTenantId, applicationId: network.chirpstackApplicationId, devEui: '02a1b2c3d4e5f601', deviceName: 'sens-vul-00001' });
    expect(doc.fCnt).toBe(7);
    expect(doc.fPort).toBe(85);
    expect(Buffer.from(doc.data, 'base64')).toEqual(Buffer.from(encodeFrame(sample).bytes));
    expect(doc.object).toEqual({ distanceMm: sample.distanceMm, batteryPct: sample.batteryPct, batteryV: sample.batteryV });
    expect(doc.rxInfo[0]).toMatchObject({ gatewayId: network.gatewayEui, rssi: sample.rssiDbm, snr: sample.snrDb });
    expect(doc.txInfo.modulation.lora).toMatchObject({ bandwidth: 125000, codeRate: 'CR_4_5' });
  });

  it('leaves out fCnt when it is 0 and object when no codec runs', () => {
    const config = device('dragino-ldds75', 'chirpstack-v4');
    const doc = json<ChirpstackUp>(formatChirpstackV4(sampleOf(config), config, context('none')).payload);
    expect(doc).not.toHaveProperty('fCnt');
    expect(doc).not.toHaveProperty('object');
  });
});

describe(encodeFrame.name, () => {
  it.each(['dragino-ldds75', 'milesight-em310-udl'] as const)('writes %s bytes that the LoRaWAN decoder of that model reads back', (model) => {
    const config = device(model, 'chirpstack-v4');
    const sample = sampleOf(config);
    const frame = encodeFrame(sample);
    const decoded = decodeUplink(model, frame.fPort, frame.bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.fields.distanceMm).toBe(sample.distanceMm);
    if (model === 'dragino-ldds75') {
      expect(decoded.fields.batteryV).toBeCloseTo(sample.batteryV, 3);
      expect(decoded.fields.temperatureC).toBeCloseTo(sample.temperatureC!, 1);
    } else {
      expect(decoded.fields.batteryPct).toBe(sample.batteryPct);
    }
  });

  it('marks a tilted EM310-UDL in its position record', () => {
    const config = device('milesight-em310-udl', 'ttn-v3');
    const firmware = new DeviceFirmware(config, new Rng(1));
    firmware.setFault({ kind: 'tilt', tiltDeg: 40 });
    const frame = encodeFrame(firmware.measure(1000, T0)!);
    expect(Array.from(frame.bytes.slice(-3))).toEqual([0x04, 0x00, 0x01]);
    expect(frame.vendor.tilt).toBe('tilt');
  });
});

describe(formatUplink.name, () => {
  it('picks the formatter by the device format', () => {
    for (const format of ['native', 'ttn-v3', 'chirpstack-v4'] as const) {
      const config = device(format === 'native' ? 'vulgraad-native' : 'dragino-ldds75', format);
      expect(formatUplink(sampleOf(config), config, context()).format).toBe(format);
    }
  });
});

describe('round trip through the ingest parser', () => {
  it.each(['normalised', 'vendor', 'none'] as const)('every uplink parses into the reading it was made from (decoded values: %s)', (decoded) => {
    const cases = [
      device('vulgraad-native', 'native', true),
      device('dragino-ldds75', 'ttn-v3'),
      device('milesight-em310-udl', 'ttn-v3'),
      device('dragino-ldds75', 'chirpstack-v4'),
      device('milesight-em310-udl', 'chirpstack-v4'),
    ];
    for (const config of cases) {
      const sample = sampleOf(config, 2);
      const message = formatUplink(sample, config, context(decoded));
      const result = parseMessage(message.topic, message.payload);
      if (!result.ok) throw new Error(`${config.format}/${config.model}: ${result.reason}: ${result.detail}`);
      const reading = result.reading;
      expect(reading.format).toBe(config.format);
      expect(reading.deviceRef).toBe(config.format === 'chirpstack-v4' ? config.devEui : config.deviceId);
      expect(reading.seq).toBe(2);
      expect(reading.measuredAt?.getTime()).toBeGreaterThan(T0 - 1000);
      expect(reading.measuredAt?.getTime()).toBeLessThanOrEqual(T0);
      const values = reading.rawUplink && reading.distanceMm === undefined ? decodeUplink(config.model, reading.rawUplink.fPort, reading.rawUplink.bytes) : { ok: true as const, fields: reading };
      if (!values.ok) throw new Error(values.detail);
      expect(values.fields.distanceMm).toBe(sample.distanceMm);
      if (config.format !== 'native') expect(reading.rssiDbm).toBe(sample.rssiDbm);
    }
  });
});
