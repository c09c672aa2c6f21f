import { CONTAINER_TYPES, DomainError, WASTE_FRACTIONS, type ContainerType, type WasteFraction } from '@vulgraad/contracts';
import { csvNumber, CsvSyntaxError, parseCsv } from '@vulgraad/csv';
import type { ContainerInput } from '@vulgraad/database';

/** One row of an import: the container it describes, or why it cannot be taken. */
export interface ImportRow {
  /** 1-based: the CSV data line (header not counted) or the GeoJSON feature index + 1. */
  row: number;
  ref: string | null;
  input: ContainerInput | null;
  errors: Array<{ field: string; message: string }>;
}

export const MAX_IMPORT_ROWS = 50_000;

/** Column names people use for each field (lower case, spaces and dashes as underscores). */
const ALIASES: Record<string, string[]> = {
  externalRef: ['external_ref', 'externalref', 'ref', 'reference', 'container_ref', 'id'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x'],
  lat: ['lat', 'latitude', 'y'],
  district: ['district', 'stadsdeel', 'area'],
  address: ['address', 'adres', 'street'],
  wasteType: ['waste_type', 'wastetype', 'fraction', 'fractie', 'stored_waste_kind'],
  containerType: ['container_type', 'containertype', 'type'],
  volumeL: ['volume_l', 'volumel', 'volume', 'capacity_l'],
  depthMm: ['depth_mm', 'depthmm', 'depth'],
  accessFromMin: ['access_from_min', 'accessfrommin'],
  accessToMin: ['access_to_min', 'accesstomin'],
};

const normaliseKey = (key: string): string => key.trim().toLowerCase().replace(/[\s-]+/g, '_');

function pick(raw: Record<string, unknown>, field: string): unknown {
  for (const alias of ALIASES[field] ?? []) {
    if (raw[alias] !== undefined && raw[alias] !== '') return raw[alias];
  }
  return undefined;
}

function number(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return typeof value === 'string' ? csvNumber(value) : null;
}

/** Checks one row's fields; every problem is listed, not only the first. */
export function validateRow(row: number, raw: Record<string, unknown>, position?: { lng: number; lat: number }): ImportRow {
  const errors: ImportRow['errors'] = [];
  const refValue = pick(raw, 'externalRef');
  const ref = refValue === undefined || refValue === null ? null : String(refValue).trim() || null;
  if (!ref) errors.push({ field: 'externalRef', message: 'a reference is needed to update the same container on a later import' });
  else if (ref.length > 100) errors.push({ field: 'externalRef', message: 'at most 100 characters' });

  const lng = position?.lng ?? number(pick(raw, 'lng'));
  const lat = position?.lat ?? number(pick(raw, 'lat'));
  if (lng === null || !Number.isFinite(lng) || lng < -180 || lng > 180) errors.push({ field: 'lng', message: `longitude must be a number in -180..180, got ${JSON.stringify(pick(raw, 'lng') ?? null)}` });
  if (lat === null || !Number.isFinite(lat) || lat < -90 || lat > 90) errors.push({ field: 'lat', message: `latitude must be a number in -90..90, got ${JSON.stringify(pick(raw, 'lat') ?? null)}` });

  const district = String(pick(raw, 'district') ?? '').trim();
  if (!district) errors.push({ field: 'district', message: 'district is required' });
  else if (district.length > 100) errors.push({ field: 'district', message: 'at most 100 characters' });

  const wasteType = String(pick(raw, 'wasteType') ?? '').trim().toLowerCase();
  if (!(WASTE_FRACTIONS as readonly string[]).includes(wasteType)) errors.push({ field: 'wasteType', message: `must be one of ${WASTE_FRACTIONS.join(', ')}, got "${wasteType}"` });

  const typeRaw = String(pick(raw, 'containerType') ?? 'underground').trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (!(CONTAINER_TYPES as readonly string[]).includes(typeRaw)) errors.push({ field: 'containerType', message: `must be one of ${CONTAINER_TYPES.join(', ')}, got "${typeRaw}"` });

  const volumeL = number(pick(raw, 'volumeL'));
  if (volumeL === null || volumeL <= 0 || volumeL > 100_000) errors.push({ field: 'volumeL', message: 'volume must be litres in 1..100000' });

  const depthRaw = pick(raw, 'depthMm');
  const depthMm = depthRaw === undefined || depthRaw === null ? null : number(depthRaw);
  if (depthRaw !== undefined && depthRaw !== null && (depthMm === null || depthMm <= 0 || depthMm > 10_000)) errors.push({ field: 'depthMm', message: 'depth must be millimetres in 1..10000' });

  const fromRaw = pick(raw, 'accessFromMin');
  const toRaw = pick(raw, 'accessToMin');
  let accessWindow: ContainerInput['accessWindow'] = null;
  if (fromRaw !== undefined || toRaw !== undefined) {
    const fromMin = number(fromRaw);
    const toMin = number(toRaw);
    if (fromMin === null || toMin === null || fromMin < 0 || toMin > 1440 || fromMin >= toMin || !Number.isInteger(fromMin) || !Number.isInteger(toMin)) {
      errors.push({ field: 'accessWindow', message: 'access_from_min and access_to_min must both be whole minutes with 0 <= from < to <= 1440' });
    } else {
      accessWindow = { fromMin, toMin };
    }
  }

  const address = pick(raw, 'address');
  if (errors.length > 0) return { row, ref, input: null, errors };
  return {
    row,
    ref,
    errors,
    input: {
      externalRef: ref,
      lng: lng as number,
      lat: lat as number,
      district,
      address: address === undefined || address === null ? null : String(address).slice(0, 300),
      wasteType: wasteType as WasteFraction,
      containerType: typeRaw as ContainerType,
      volumeL: volumeL as number,
      depthMm,
      accessWindow,
    },
  };
}

/** Rows of a CSV file with a header line (`,` or `;`, with or without a byte-order mark). */
export function parseContainerCsv(text: string): ImportRow[] {
  const lines = readCsv(text);
  if (lines.length === 0) throw new DomainError('validation', 'the CSV is empty', 'body');
  const header = (lines[0] as string[]).map(normaliseKey);
  for (const needed of ['lng', 'lat', 'district', 'wasteType', 'volumeL']) {
    if (!header.some((h) => ALIASES[needed]?.includes(h))) {
      throw new DomainError('validation', `the CSV header has no column for ${needed} (e.g. ${ALIASES[needed]?.[0]})`, needed);
    }
  }
  const data = lines.slice(1);
  if (data.length > MAX_IMPORT_ROWS) throw new DomainError('validation', `at most ${MAX_IMPORT_ROWS} rows per import, got ${data.length}`, 'body');
  return data.map((cells, i) => {
    const raw: Record<string, unknown> = {};
    header.forEach((key, c) => (raw[key] = cells[c]));
    if (cells.length !== header.length) {
      return { row: i + 1, ref: null, input: null, errors: [{ field: 'row', message: `expected ${header.length} fields, got ${cells.length}` }] };
    }
    return validateRow(i + 1, raw);
  });
}

function readCsv(text: string): string[][] {
  try {
    return parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new DomainError('validation', `the CSV cannot be read: ${error.message}`, 'body');
    throw error;
  }
}

/** Rows of a GeoJSON FeatureCollection of Point features with the fields as properties. */
export function parseContainerGeoJson(document: unknown): ImportRow[] {
  const features = (document as { type?: unknown; features?: unknown })?.features;
  if ((document as { type?: unknown })?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new DomainError('validation', 'expected a GeoJSON FeatureCollection', 'type');
  }
  if (features.length > MAX_IMPORT_ROWS) throw new DomainError('validation', `at most ${MAX_IMPORT_ROWS} features per import, got ${features.length}`, 'features');
  return features.map((feature: unknown, i) => {
    const f = feature as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown; id?: unknown };
    const coordinates = f?.geometry?.coordinates;
    if (f?.type !== 'Feature' || f.geometry?.type !== 'Point' || !Array.isArray(coordinates) || coordinates.length < 2) {
      return { row: i + 1, ref: null, input: null, errors: [{ field: 'geometry', message: 'each feature must be a Feature with a Point geometry' }] };
    }
    const props = (f.properties && typeof f.properties === 'object' ? f.properties : {}) as Record<string, unknown>;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) raw[normaliseKey(key.replace(/([a-z])([A-Z])/g, '$1_$2'))] = value;
    if (raw.external_ref === undefined && f.id !== undefined) raw.external_ref = f.id;
    const [lng, lat] = coordinates as unknown[];
    return validateRow(i + 1, raw, { lng: typeof lng === 'number' ? lng : NaN, lat: typeof lat === 'number' ? lat : NaN });
  });
}
