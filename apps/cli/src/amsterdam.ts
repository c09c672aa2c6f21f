import { loadAmsterdamCity } from '@vulgraad/city-model';
import type { MqttPayloadFormat } from '@vulgraad/contracts';
import { buildRegistrations, defaultNetwork, planDevices } from '@vulgraad/sensor-simulator';

export interface AmsterdamOptions {
  /** The first N clusters only (all 6,308 when absent). */
  limit?: number;
  seed: number;
  /** One sensor per container in this format, or none. */
  devices: MqttPayloadFormat | 'mixed' | 'none';
  intervalS: number;
  devicePrefix: string;
  boundFrom: Date;
}

/**
 * The Amsterdam demo city as a `vulgraad-city` document: the city's real
 * residual-waste clusters (shared data folder) through the same city model
 * and device plan the sensor simulator uses, so that
 * `npm run sim:sensors -- --city amsterdam` with the same seed, limit, format
 * and prefix publishes as exactly these devices.
 */
export function amsterdamRegistrations(options: AmsterdamOptions): ReturnType<typeof buildRegistrations> {
  const city = loadAmsterdamCity({ seed: options.seed, limit: options.limit });
  const devices =
    options.devices === 'none'
      ? []
      : planDevices(city, { seed: options.seed, format: options.devices, intervalS: options.intervalS, devicePrefix: options.devicePrefix });
  return buildRegistrations(city, devices, defaultNetwork(options.seed, options.devicePrefix), options.boundFrom);
}
