import type { SensorSample } from '../device';

/** The bytes a LoRaWAN sensor sends, with the object its vendor's decoder makes of them. */
export interface LorawanFrame {
  fPort: number;
  bytes: Uint8Array;
  vendor: Record<string, unknown>;
}

/**
 * Encodes a sample in the byte layout of the device's model. The layouts are
 * the vendors' published uplink formats:
 * - Dragino LDDS75, FPort 2, 8 bytes big-endian: battery mV (14 bits), distance
 *   mm, interrupt flag, DS18B20 temperature x 10 (signed), sensor flag.
 * - Milesight EM310-UDL, FPort 85, channel/type/value records: 01 75 battery %,
 *   03 82 distance mm (uint16 little-endian), 04 00 position (0 normal, 1 tilt).
 * The generic native firmware has no byte layout of its own; it is sent as an
 * LDDS75 frame when a LoRaWAN format is asked of it.
 */
export function encodeFrame(sample: SensorSample): LorawanFrame {
  if (sample.model === 'milesight-em310-udl') return encodeEm310Udl(sample);
  return encodeLdds75(sample);
}

function encodeLdds75(sample: SensorSample): LorawanFrame {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  const batteryMv = Math.max(0, Math.min(0x3fff, Math.round(sample.batteryV * 1000)));
  const distanceMm = clampU16(sample.distanceMm);
  const temperatureX10 = sample.temperatureC === null ? 0 : Math.max(-32768, Math.min(32767, Math.round(sample.temperatureC * 10)));
  view.setUint16(0, batteryMv);
  view.setUint16(2, distanceMm);
  view.setUint8(4, 0);
  view.setInt16(5, temperatureX10);
  view.setUint8(7, 1);
  return {
    fPort: 2,
    bytes,
    vendor: {
      Bat: batteryMv / 1000,
      Distance: `${distanceMm} mm`,
      Interrupt_flag: 0,
      Sensor_flag: 1,
      TempC_DS18B20: (temperatureX10 / 10).toFixed(2),
    },
  };
}

function encodeEm310Udl(sample: SensorSample): LorawanFrame {
  const distanceMm = clampU16(sample.distanceMm);
  const battery = Math.max(0, Math.min(100, Math.round(sample.batteryPct)));
  const tilted = sample.alarms.includes('tilt');
  const bytes = Uint8Array.from([0x01, 0x75, battery, 0x03, 0x82, distanceMm & 0xff, distanceMm >> 8, 0x04, 0x00, tilted ? 1 : 0]);
  return { fPort: 85, bytes, vendor: { battery, distance: distanceMm, tilt: tilted ? 'tilt' : 'normal' } };
}

function clampU16(value: number): number {
  return Math.max(0, Math.min(0xffff, Math.round(value)));
}
