import type { ParsedReading } from '@vulgraad/contracts';
import { describe, FieldProblem, isObject, type JsonObject, withoutNul } from './fields';

/** The reading fields a network server's payload formatter may hand us. */
export type DecodedFields = Pick<ParsedReading, 'fillPct' | 'distanceMm' | 'levelMm' | 'temperatureC' | 'batteryPct' | 'batteryV' | 'tiltDeg' | 'alarms'>;

type NumericField = Exclude<keyof DecodedFields, 'alarms'>;
type Unit = 'mm' | 'pct' | 'c' | 'v' | 'deg';

/**
 * Key spellings seen in LoRaWAN payload formatters, compared after lower-casing
 * and dropping `_`, `-` and spaces. The first column is our own normalised
 * name, which a formatter written for this system should use.
 */
const ALIASES: Record<NumericField, { unit: Unit; keys: string[] }> = {
  fillPct: { unit: 'pct', keys: ['fillpct', 'fill', 'filllevel', 'fillpercent', 'fillpercentage', 'fillingpercentage', 'fullness'] },
  distanceMm: { unit: 'mm', keys: ['distancemm', 'distance'] },
  levelMm: { unit: 'mm', keys: ['levelmm', 'heightmm'] },
  temperatureC: { unit: 'c', keys: ['temperaturec', 'temperature', 'temp', 'tempc'] },
  batteryPct: { unit: 'pct', keys: ['batterypct', 'batterypercent', 'batterypercentage', 'batterylevel'] },
  batteryV: { unit: 'v', keys: ['batteryv', 'batteryvoltage', 'batv', 'bat', 'vbat', 'voltage'] },
  tiltDeg: { unit: 'deg', keys: ['tiltdeg', 'tiltangle', 'angle'] },
};
/** Boolean alarm keys and the alarm name each raises when true. */
const ALARM_KEYS: Record<string, string> = {
  fire: 'fire', firealarm: 'fire', full: 'full', fullalarm: 'full', tilt: 'tilt', tiltalarm: 'tilt',
  lowbattery: 'battery_low', batterylow: 'battery_low', batteryalarm: 'battery_low',
};

/** A table's own entry: a key from a payload such as `constructor` or `__proto__` must not find Object.prototype's. */
const ownValue = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[_\-\s]/g, '');

const UNIT_FACTORS: Record<Unit, Record<string, number>> = {
  mm: { mm: 1, cm: 10, m: 1000 },
  pct: { '%': 1, pct: 1 },
  c: { c: 1, '°c': 1, '℃': 1 },
  v: { v: 1, mv: 0.001 },
  deg: { '°': 1, deg: 1 },
};

function toNumber(value: unknown, unit: Unit, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    // Formatters often print a value with its unit: "1234 mm", "87 %", "3.6 V".
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*([^\d\s]*)\s*$/.exec(value);
    if (m) {
      const suffix = (m[2] as string).toLowerCase();
      const factor = suffix === '' ? 1 : ownValue(UNIT_FACTORS[unit], suffix);
      if (factor !== undefined) return Number(m[1]) * factor;
    }
  }
  throw new FieldProblem('wrong_type', `${path} must be a number${unit === 'mm' ? ' (mm)' : ''}, got ${describe(value)}`);
}

/**
 * Reads the values a network server decoded (TTN `decoded_payload`,
 * ChirpStack `object`) into reading fields. Nested objects one level deep
 * are searched too (formatters group values as `{ data: {...} }`). Returns
 * the fields found; a known key with an unusable value is a FieldProblem.
 */
export function readDecodedValues(decoded: JsonObject, path: string): DecodedFields {
  const fields: DecodedFields = {};
  const alarms = new Set<string>();
  const visit = (obj: JsonObject, prefix: string, depth: number): void => {
    for (const [key, value] of Object.entries(obj)) {
      const norm = normaliseKey(key);
      const at = `${prefix}.${key}`;
      if (norm === 'alarms' && Array.isArray(value)) {
        for (const item of value) {
          if (typeof item !== 'string') throw new FieldProblem('wrong_type', `${at} must be an array of strings`);
          alarms.add(withoutNul(item.toLowerCase()));
        }
        continue;
      }
      const alarm = ownValue(ALARM_KEYS, norm);
      if (alarm !== undefined && typeof value === 'boolean') {
        if (value) alarms.add(alarm);
        continue;
      }
      const target = (Object.keys(ALIASES) as NumericField[]).find((field) => ALIASES[field].keys.includes(norm));
      if (target) {
        if (value === null || value === undefined) continue;
        if (fields[target] === undefined) fields[target] = toNumber(value, ALIASES[target].unit, at);
        continue;
      }
      if (depth === 0 && isObject(value)) visit(value, at, depth + 1);
    }
  };
  visit(decoded, path, 0);
  if (alarms.size > 0) fields.alarms = [...alarms].sort();
  return fields;
}

/** True when the fields hold anything a reading is stored for. */
export function hasMeasurement(fields: DecodedFields): boolean {
  return (
    fields.fillPct !== undefined ||
    fields.distanceMm !== undefined ||
    fields.levelMm !== undefined ||
    fields.temperatureC !== undefined ||
    fields.batteryPct !== undefined ||
    fields.batteryV !== undefined ||
    fields.tiltDeg !== undefined ||
    (fields.alarms !== undefined && fields.alarms.length > 0)
  );
}
