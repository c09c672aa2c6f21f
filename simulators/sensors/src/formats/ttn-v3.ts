import { ttnUplinkTopic } from '@vulgraad/payloads';
import type { DeviceConfig, SensorSample } from '../device';
import { encodeFrame } from './lorawan-frames';
import { nativeFields } from './native';
import { radioDetails, stableUlid } from './radio';
import type { FormatContext, UplinkMessage } from './types';

/**
 * An uplink as The Things Stack v3 publishes it on its MQTT integration (the
 * `ApplicationUp` JSON of its "Data Formats" reference): `end_device_ids`,
 * `correlation_ids`, `received_at`, and `uplink_message` with `f_port`,
 * `f_cnt`, `frm_payload` (base64), `decoded_payload`, `rx_metadata` (rssi,
 * snr per gateway), `settings`, `received_at` and `consumed_airtime`. Like
 * the real server it leaves out fields whose value is 0, "" or false (so
 * `f_cnt` is absent on a device's first uplink).
 */
export function formatTtnV3(sample: SensorSample, device: DeviceConfig, context: FormatContext): UplinkMessage {
  const { network } = context;
  const frame = encodeFrame(sample);
  const radio = radioDetails(sample, frame.bytes.length);
  const receivedAt = sample.measuredAt;
  const gatewayTime = new Date(receivedAt.getTime() - 40);
  const serverTime = (offsetMs: number): string => new Date(receivedAt.getTime() + offsetMs).toISOString().replace('Z', `${String(radio.token % 1_000_000).padStart(6, '0')}Z`);
  const uplink: Record<string, unknown> = {
    session_key_id: Buffer.from(`${device.devEui}session`).subarray(0, 16).toString('base64'),
    f_port: frame.fPort,
    f_cnt: sample.seq,
    frm_payload: Buffer.from(frame.bytes).toString('base64'),
  };
  const decoded = decodedPayload(sample, frame.vendor, context);
  if (decoded) uplink.decoded_payload = decoded;
  uplink.rx_metadata = [
    {
      gateway_ids: { gateway_id: `eui-${network.gatewayEui.toLowerCase()}`, eui: network.gatewayEui.toUpperCase() },
      time: gatewayTime.toISOString(),
      timestamp: radio.concentratorUs,
      rssi: sample.rssiDbm,
      channel_rssi: sample.rssiDbm,
      snr: sample.snrDb,
      channel_index: radio.channelIndex,
      received_at: serverTime(-20),
    },
  ];
  uplink.settings = {
    data_rate: { lora: { bandwidth: 125000, spreading_factor: radio.spreadingFactor, coding_rate: '4/5' } },
    frequency: String(radio.frequencyHz),
    timestamp: radio.concentratorUs,
    time: gatewayTime.toISOString(),
  };
  uplink.received_at = serverTime(-10);
  uplink.consumed_airtime = `${radio.airtimeS}s`;
  uplink.network_ids = { net_id: '000013', tenant_id: network.ttnTenantId, cluster_id: 'eu1', cluster_address: 'eu1.cloud.thethings.network' };

  const document = {
    end_device_ids: {
      device_id: device.deviceId,
      application_ids: { application_id: network.ttnApplicationId },
      dev_eui: device.devEui.toUpperCase(),
      join_eui: '0000000000000000',
      dev_addr: device.devAddr.toUpperCase(),
    },
    correlation_ids: [`as:up:${stableUlid(receivedAt.getTime(), `${device.devEui}:${sample.seq}:as`)}`, `ns:uplink:${stableUlid(receivedAt.getTime(), `${device.devEui}:${sample.seq}:ns`)}`],
    received_at: serverTime(0),
    uplink_message: withoutEmpty(uplink),
  };
  return {
    format: 'ttn-v3',
    topic: ttnUplinkTopic(network.ttnApplicationId, network.ttnTenantId, device.deviceId),
    payload: Buffer.from(JSON.stringify(document)),
    deviceId: device.deviceId,
    sample,
  };
}

/** The decoded values an application payload formatter would add, by the chosen style. */
export function decodedPayload(sample: SensorSample, vendor: Record<string, unknown>, context: FormatContext): Record<string, unknown> | null {
  switch (context.decoded) {
    case 'normalised':
      return nativeFields(sample);
    case 'vendor':
      return { ...vendor };
    case 'none':
      return null;
  }
}

/** The Things Stack omits fields with a zero value; so do we, at the top level of the uplink. */
function withoutEmpty(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== 0 && value !== '' && value !== false && value !== undefined));
}
