import type { MqttPayloadFormat } from '@vulgraad/contracts';
import type { DeviceConfig, SensorSample } from '../device';

/** One MQTT message as a sensor or a LoRaWAN network server would publish it. */
export interface UplinkMessage {
  format: MqttPayloadFormat;
  topic: string;
  payload: Buffer;
  deviceId: string;
  sample: SensorSample;
}

/** The LoRaWAN network the simulated devices are registered on. */
export interface LorawanNetwork {
  /** The Things Stack application id and tenant (`v3/{app}@{tenant}/...`). */
  ttnApplicationId: string;
  ttnTenantId: string;
  /** ChirpStack tenant and application (UUIDs) and their names. */
  chirpstackTenantId: string;
  chirpstackApplicationId: string;
  chirpstackApplicationName: string;
  chirpstackDeviceProfileId: string;
  /** The gateway that hears every device, 16 hex digits. */
  gatewayEui: string;
}

/**
 * What a LoRaWAN uplink carries besides the raw bytes: `normalised` decoded
 * values in the native field names (as an application payload formatter of
 * ours would produce), the `vendor` decoder's own object (as the device
 * repository's formatter produces), or `none` (raw bytes only; the ingest
 * decodes them by device model).
 */
export const DECODED_STYLES = ['normalised', 'vendor', 'none'] as const;
export type DecodedStyle = (typeof DECODED_STYLES)[number];

export interface FormatContext {
  network: LorawanNetwork;
  decoded: DecodedStyle;
}

export type Formatter = (sample: SensorSample, device: DeviceConfig, context: FormatContext) => UplinkMessage;
