import type { MqttPayloadFormat } from '@vulgraad/contracts';
import type { CityContainer, CityModel } from '@vulgraad/city-model';
import { hashString, Rng } from '@vulgraad/city-model';
import type { DeviceConfig, DeviceModel } from './device';

export type FormatChoice = MqttPayloadFormat | 'mixed';
export type LorawanModelChoice = Exclude<DeviceModel, 'vulgraad-native'> | 'mixed';

export interface DevicePlanOptions {
  seed: number;
  /** Payload format of every device, or 'mixed' (a third each, drawn per device). */
  format: FormatChoice;
  intervalS: number;
  /** Prefix of every device id (and so of every DevEUI), so parallel runs never collide. */
  devicePrefix?: string;
  /** Model of the LoRaWAN devices; 'mixed' draws per device. */
  lorawanModel?: LorawanModelChoice;
  /** Share of native devices whose firmware also reports a fill percentage. */
  fillPctShare?: number;
}

const FORMATS: readonly MqttPayloadFormat[] = ['native', 'ttn-v3', 'chirpstack-v4'];

/** One sensor per container, fitted at the top of the shaft; ids, EUIs and traits drawn from the seed. */
export function planDevices(city: CityModel, options: DevicePlanOptions): DeviceConfig[] {
  if (!(options.intervalS >= 1)) throw new RangeError(`interval must be at least 1 s, got ${options.intervalS}`);
  const prefix = options.devicePrefix ?? 'sens-';
  const root = new Rng(options.seed).fork('devices');
  const usedEuis = new Set<string>();
  return city.containers.map((container) => {
    const rng = root.fork(container.id);
    const format = options.format === 'mixed' ? (rng.pick(FORMATS) as MqttPayloadFormat) : options.format;
    const deviceId = deviceIdFor(prefix, container);
    let devEui = euiFor(deviceId, 0);
    for (let attempt = 1; usedEuis.has(devEui); attempt++) devEui = euiFor(deviceId, attempt);
    usedEuis.add(devEui);
    const lorawanModel = options.lorawanModel ?? 'mixed';
    const model: DeviceModel = format === 'native' ? 'vulgraad-native' : lorawanModel === 'mixed' ? rng.pick(['dragino-ldds75', 'milesight-em310-udl'] as const) : lorawanModel;
    return {
      deviceId,
      devEui,
      devAddr: `260b${(hashString(`${deviceId}#addr`) & 0xffff).toString(16).padStart(4, '0')}`,
      containerId: container.id,
      model,
      format,
      reportsFillPct: model === 'vulgraad-native' && rng.chance(options.fillPctShare ?? 0.5),
      intervalS: options.intervalS,
      depthMm: container.depthMm ?? 2000,
      capacityL: container.volumeL,
      phaseS: rng.uniform() * options.intervalS,
    };
  });
}

/** A device id valid everywhere it is used: lower-case letters, digits and dashes (The Things Stack's rule), at most 36 characters. */
function deviceIdFor(prefix: string, container: CityContainer): string {
  const cleaned = `${prefix}${container.id}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return cleaned.length <= 36 ? cleaned : `${cleaned.slice(0, 27)}-${hashString(cleaned).toString(16).padStart(8, '0')}`;
}

/** A locally administered EUI-64 (first byte 0x02) derived from the device id. */
function euiFor(deviceId: string, attempt: number): string {
  const high = hashString(`${deviceId}#eui-a#${attempt}`).toString(16).padStart(8, '0');
  const low = hashString(`${deviceId}#eui-b#${attempt}`).toString(16).padStart(8, '0');
  return `02${high.slice(2)}${low}`;
}
