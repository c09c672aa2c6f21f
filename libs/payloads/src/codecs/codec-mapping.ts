import type { DecodedFields } from '../decoded-values';

/** The reading fields a codec's output can be mapped to. */
export const MAPPED_FIELDS = ['distanceMm', 'levelMm', 'fillPct', 'batteryPct', 'batteryV', 'temperatureC', 'tiltDeg'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** Units a mapped value may come in; each is turned into the field's own unit. */
const UNIT_FACTORS: Record<MappedField, Record<string, number>> = {
  distanceMm: { mm: 1, cm: 10, m: 1000 },
  levelMm: { mm: 1, cm: 10, m: 1000 },
  fillPct: { '%': 1, ratio: 100 },
  batteryPct: { '%': 1, ratio: 100 },
  batteryV: { V: 1, mV: 0.001 },
  temperatureC: { Cel: 1, C: 1, dC: 0.1 },
  tiltDeg: { deg: 1 },
};

/** Where one field is in the codec's `data`: a dotted path (`distance`, `sensor.0.level`), with its unit. */
export type FieldRule = string | { path: string; unit?: string; scale?: number };
/** An alarm is raised when the value at the path is true, or equals `equals`. */
export type AlarmRule = string | { path: string; equals: string | number | boolean };

/** How one sensor model's codec output becomes a reading (the `*.codec.json` next to the codec). */
export interface CodecMapping {
  fields: Partial<Record<MappedField, FieldRule>>;
  alarms?: Record<string, AlarmRule>;
}

const valueAt = (data: unknown, path: string): unknown => {
  let at = data;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) && /^\d+$/.test(key) ? at[Number(key)] : (at as Record<string, unknown>)[key];
  }
  return at;
};

/** Checks a mapping as read from its file; the problems, none when it is usable. */
export function mappingProblems(mapping: unknown): string[] {
  if (mapping === null || typeof mapping !== 'object') return ['the mapping must be an object with "fields"'];
  const { fields, alarms } = mapping as Record<string, unknown>;
  const problems: string[] = [];
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return ['"fields" must map reading fields to paths in the codec\'s data'];
  for (const [field, rule] of Object.entries(fields)) {
    if (!(MAPPED_FIELDS as readonly string[]).includes(field)) {
      problems.push(`"${field}" is not a reading field (${MAPPED_FIELDS.join(', ')})`);
      continue;
    }
    const unit = typeof rule === 'object' && rule !== null ? (rule as { unit?: unknown }).unit : undefined;
    const path = typeof rule === 'string' ? rule : typeof rule === 'object' && rule !== null ? (rule as { path?: unknown }).path : undefined;
    if (typeof path !== 'string' || path === '') problems.push(`fields.${field} needs a path`);
    if (unit !== undefined && (typeof unit !== 'string' || UNIT_FACTORS[field as MappedField][unit] === undefined)) {
      problems.push(`fields.${field}: unit ${JSON.stringify(unit)} is none of ${Object.keys(UNIT_FACTORS[field as MappedField]).join(', ')}`);
    }
  }
  if (alarms !== undefined && (alarms === null || typeof alarms !== 'object' || Array.isArray(alarms))) problems.push('"alarms" must map alarm names to paths');
  return problems;
}

/**
 * Applies a model's mapping to its codec's `data`. A path that is absent
 * leaves its field out (a status frame has no distance); a value that is
 * there but not a finite number (or a numeric string) is an error, so
 * nonsense from a codec is refused rather than stored.
 */
export function applyMapping(mapping: CodecMapping, data: Record<string, unknown>): { ok: true; fields: DecodedFields } | { ok: false; detail: string } {
  const fields: DecodedFields = {};
  for (const field of MAPPED_FIELDS) {
    const rule = mapping.fields[field];
    if (rule === undefined) continue;
    const { path, unit, scale } = typeof rule === 'string' ? { path: rule, unit: undefined, scale: undefined } : rule;
    const raw = valueAt(data, path);
    if (raw === undefined || raw === null) continue;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(value)) return { ok: false, detail: `data.${path} (for ${field}) is ${JSON.stringify(raw)?.slice(0, 60)}, not a number` };
    fields[field] = value * (unit ? (UNIT_FACTORS[field][unit] ?? 1) : 1) * (scale ?? 1);
  }
  const alarms: string[] = [];
  for (const [name, rule] of Object.entries(mapping.alarms ?? {})) {
    const value = valueAt(data, typeof rule === 'string' ? rule : rule.path);
    if (typeof rule === 'string' ? value === true : value === rule.equals) alarms.push(name);
  }
  if (alarms.length > 0) fields.alarms = alarms.sort();
  return { ok: true, fields };
}
