import type { MqttPayloadFormat } from '@vulgraad/contracts';
import type { DeviceConfig, SensorSample } from '../device';
import { formatChirpstackV4 } from './chirpstack-v4';
import { formatNative } from './native';
import { formatTtnV3 } from './ttn-v3';
import type { FormatContext, Formatter, UplinkMessage } from './types';

export * from './types';
export { encodeFrame, type LorawanFrame } from './lorawan-frames';
export { formatNative, nativeFields, type NativeFields } from './native';
export { formatTtnV3 } from './ttn-v3';
export { formatChirpstackV4 } from './chirpstack-v4';
export { stableUuid } from './radio';

/** One formatter per payload format: the only place that knows each wire shape. */
export const FORMATTERS: Record<MqttPayloadFormat, Formatter> = {
  native: formatNative,
  'ttn-v3': formatTtnV3,
  'chirpstack-v4': formatChirpstackV4,
};

export function formatUplink(sample: SensorSample, device: DeviceConfig, context: FormatContext): UplinkMessage {
  return FORMATTERS[device.format](sample, device, context);
}
