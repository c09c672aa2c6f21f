import type { NativeReadingV1 } from './native';

/**
 * Messages shaped as each network server sends them, for simulators, tests
 * and benchmarks. Only the fields the parsers read, plus a few that real
 * messages always carry so that the parsers are tested against noise.
 */
export interface UplinkSpec {
  deviceId: string;
  devEui: string;
  applicationId: string;
  receivedAt: Date;
  fCnt: number;
  fPort?: number;
  /** Raw frame bytes; sent as frm_payload / data. */
  bytes?: Uint8Array;
  /** Values decoded by the network server's payload formatter. */
  decoded?: Record<string, unknown>;
  rssi?: number;
  snr?: number;
}

export function buildTtnV3Uplink(spec: UplinkSpec, tenantId = 'ttn'): { topic: string; payload: string } {
  const body: Record<string, unknown> = {
    end_device_ids: {
      device_id: spec.deviceId,
      application_ids: { application_id: spec.applicationId },
      dev_eui: spec.devEui.toUpperCase(),
      join_eui: '0000000000000000',
      dev_addr: '260B1234',
    },
    correlation_ids: [`as:up:01H${spec.fCnt.toString(36).toUpperCase().padStart(8, '0')}`, 'rpc:/ttn.lorawan.v3.AppAs/SimulateUplink'],
    received_at: spec.receivedAt.toISOString(),
    uplink_message: {
      session_key_id: 'AXBSH1Pk6Z0G166=',
      f_port: spec.fPort ?? 1,
      f_cnt: spec.fCnt,
      ...(spec.bytes ? { frm_payload: Buffer.from(spec.bytes).toString('base64') } : {}),
      ...(spec.decoded ? { decoded_payload: spec.decoded } : {}),
      rx_metadata: [
        { gateway_ids: { gateway_id: 'gw-a', eui: 'B827EBFFFE000001' }, rssi: (spec.rssi ?? -97) - 12, channel_rssi: (spec.rssi ?? -97) - 12, snr: (spec.snr ?? 7) - 4 },
        { gateway_ids: { gateway_id: 'gw-b', eui: 'B827EBFFFE000002' }, rssi: spec.rssi ?? -97, channel_rssi: spec.rssi ?? -97, snr: spec.snr ?? 7 },
      ],
      settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: '4/5' } }, frequency: '868100000' },
      received_at: spec.receivedAt.toISOString(),
      consumed_airtime: '0.061696s',
      network_ids: { net_id: '000013', tenant_id: tenantId },
    },
  };
  return { topic: `v3/${spec.applicationId}@${tenantId}/devices/${spec.deviceId}/up`, payload: JSON.stringify(body) };
}

export function buildChirpstackV4Uplink(spec: UplinkSpec): { topic: string; payload: string } {
  const devEui = spec.devEui.toLowerCase();
  const body: Record<string, unknown> = {
    deduplicationId: `3ac7e3c4-4401-4b8d-9386-${spec.fCnt.toString(16).padStart(12, '0')}`,
    // ChirpStack writes nanoseconds and a numeric offset.
    time: spec.receivedAt.toISOString().replace(/\.(\d{3})Z$/, '.$1123456+00:00'),
    deviceInfo: {
      tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
      tenantName: 'City',
      applicationId: spec.applicationId,
      applicationName: 'Waste containers',
      deviceProfileId: 'f9d6d5c9-1a42-4a58-a8e2-8fdb5d43a6b7',
      deviceProfileName: 'Ultrasonic level',
      deviceName: spec.deviceId,
      devEui,
      tags: {},
    },
    devAddr: '00189440',
    adr: true,
    dr: 5,
    fCnt: spec.fCnt,
    fPort: spec.fPort ?? 1,
    confirmed: false,
    ...(spec.bytes ? { data: Buffer.from(spec.bytes).toString('base64') } : {}),
    ...(spec.decoded ? { object: spec.decoded } : {}),
    rxInfo: [{ gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: spec.rssi ?? -97, snr: spec.snr ?? 7, context: 'EFwMtA==' }],
    txInfo: { frequency: 868100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } } },
  };
  return { topic: `application/${spec.applicationId}/device/${devEui}/event/up`, payload: JSON.stringify(body) };
}

export function buildNativeReading(deviceId: string, reading: Omit<NativeReadingV1, 'v'>): { topic: string; payload: string } {
  return { topic: `vulgraad/v1/devices/${deviceId}/readings`, payload: JSON.stringify({ v: 1, ...reading }) };
}
