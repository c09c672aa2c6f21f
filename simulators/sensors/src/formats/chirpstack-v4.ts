import { chirpstackUplinkTopic } from '@vulgraad/payloads';
import type { DeviceConfig, SensorSample } from '../device';
import { encodeFrame } from './lorawan-frames';
import { radioDetails, stableUuid } from './radio';
import { decodedPayload } from './ttn-v3';
import type { FormatContext, UplinkMessage } from './types';

/**
 * An uplink event as ChirpStack v4 publishes it (the JSON mapping of its
 * `UplinkEvent`): `deduplicationId`, `time`, `deviceInfo` (tenant,
 * application, profile, name, `devEui`), `devAddr`, `adr`, `dr`, `fCnt`,
 * `fPort`, `data` (base64), `object` (decoded values, when a codec runs),
 * `rxInfo` (per gateway: rssi, snr, times) and `txInfo`. Fields at their
 * protobuf default (0, false) are left out, as the server does.
 */
export function formatChirpstackV4(sample: SensorSample, device: DeviceConfig, context: FormatContext): UplinkMessage {
  const { network } = context;
  const frame = encodeFrame(sample);
  const radio = radioDetails(sample, frame.bytes.length);
  const at = sample.measuredAt.getTime();
  const nanos = (offsetMs: number): string => new Date(at + offsetMs).toISOString().replace('Z', `${String(radio.token % 1_000_000).padStart(6, '0')}+00:00`);
  const document: Record<string, unknown> = {
    deduplicationId: stableUuid(`${device.devEui}:${sample.seq}:dedup`),
    time: nanos(0),
    deviceInfo: {
      tenantId: network.chirpstackTenantId,
      tenantName: 'vulgraad',
      applicationId: network.chirpstackApplicationId,
      applicationName: network.chirpstackApplicationName,
      deviceProfileId: network.chirpstackDeviceProfileId,
      deviceProfileName: device.model,
      deviceName: device.deviceId,
      devEui: device.devEui.toLowerCase(),
      deviceClassEnabled: 'CLASS_A',
      tags: { container: device.containerId },
    },
    devAddr: device.devAddr.toLowerCase(),
    adr: true,
    dr: radio.dataRateIndex,
    fCnt: sample.seq,
    fPort: frame.fPort,
    data: Buffer.from(frame.bytes).toString('base64'),
  };
  const decoded = decodedPayload(sample, frame.vendor, context);
  if (decoded) document.object = decoded;
  document.rxInfo = [
    {
      gatewayId: network.gatewayEui.toLowerCase(),
      uplinkId: radio.token,
      gwTime: new Date(at - 40).toISOString(),
      nsTime: nanos(-15),
      rssi: sample.rssiDbm,
      snr: sample.snrDb,
      channel: radio.channelIndex,
      context: Buffer.from(radio.concentratorUs.toString(16).padStart(8, '0'), 'hex').toString('base64'),
      metadata: { region_config_id: 'eu868', region_common_name: 'EU868' },
      crcStatus: 'CRC_OK',
    },
  ];
  document.txInfo = { frequency: radio.frequencyHz, modulation: { lora: { bandwidth: 125000, spreadingFactor: radio.spreadingFactor, codeRate: 'CR_4_5' } } };
  return {
    format: 'chirpstack-v4',
    topic: chirpstackUplinkTopic(network.chirpstackApplicationId, device.devEui.toLowerCase()),
    payload: Buffer.from(JSON.stringify(withoutDefaults(document))),
    deviceId: device.deviceId,
    sample,
  };
}

function withoutDefaults(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== 0 && value !== false && value !== ''));
}
