import path from 'node:path';
import { CONTAINER_TYPES, type ContainerType, WASTE_FRACTIONS, type WasteFraction } from '@vulgraad/contracts';
import { csvNumber, CsvSyntaxError, parseCsvRecords } from '@vulgraad/csv';
import type { ContainerInput, DeviceInput, District, DisposalSite, Depot, LorawanApplication } from '@vulgraad/database';

/** Everything one registration file says, ready for the database. */
export interface RegistrationSet {
  containers: ContainerInput[];
  devices: DeviceInput[];
  /** Device by external reference; container by id or external reference. */
  bindings: Array<{ deviceRef: string; containerKey: string; validFrom: Date }>;
  applications: LorawanApplication[];
  districts: District[];
  depots: Depot[];
  disposalSites: DisposalSite[];
}

/** A file that cannot be registered, with every problem found (nothing is written). */
export class RegistrationFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`The file cannot be registered:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RegistrationFileError';
  }
}

type Row = Record<string, unknown>;

function readCsv(fileName: string, text: string): Array<Record<string, string>> {
  try {
    return parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new RegistrationFileError([`${fileName}: ${error.message}`]);
    throw error;
  }
}

/**
 * Reads a registration file: a `vulgraad-city` document (.json, as the sensor
 * simulator exports it), a GeoJSON FeatureCollection of points (.geojson or
 * .json; `kind` container, depot or disposal_site) or a CSV with one
 * container per row and optionally its device (.csv; columns as README
 * "Registering containers and devices" lists them).
 */
export function readRegistrations(fileName: string, text: string, options: { boundFrom: Date }): RegistrationSet {
  const extension = path.extname(fileName).toLowerCase();
  if (extension === '.csv') return fromRows(readCsv(fileName, text).map((row, i) => ({ row, where: `line ${i + 2}` })), options);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new RegistrationFileError([`${fileName} is not JSON: ${(error as Error).message}`]);
  }
  const record = (doc ?? {}) as Row;
  if (record.kind === 'vulgraad-city') return fromCityDocument(record);
  if (record.type === 'FeatureCollection' && Array.isArray(record.features)) return fromFeatures(record.features as unknown[], options);
  throw new RegistrationFileError([`${fileName}: expected a vulgraad-city document or a GeoJSON FeatureCollection`]);
}

class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    if (this.list.length < 200) this.list.push(`${where}: ${message}`);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new RegistrationFileError(this.list);
  }
}

const text = (row: Row, key: string): string | null => {
  const value = row[key];
  if (value === undefined || value === null) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
};

function number(row: Row, key: string, where: string, problems: Problems, required = false): number | null {
  const raw = text(row, key);
  if (raw === null) {
    if (required) problems.add(where, `${key} is missing`);
    return null;
  }
  const value = csvNumber(raw);
  if (value === null) {
    problems.add(where, `${key} "${raw}" is not a number`);
    return null;
  }
  return value;
}

/** Minutes after midnight from a number of minutes or "HH:MM". */
function minutes(row: Row, key: string, where: string, problems: Problems): number | null {
  const raw = text(row, key);
  if (raw === null) return null;
  const hhmm = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const value = hhmm ? Number(hhmm[1]) * 60 + Number(hhmm[2]) : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 1440) {
    problems.add(where, `${key} "${raw}" is not minutes 0..1440 or HH:MM`);
    return null;
  }
  return value;
}

function oneOf<T extends string>(row: Row, key: string, allowed: readonly T[], where: string, problems: Problems, fallback?: T): T | null {
  const raw = text(row, key);
  if (raw === null) {
    if (fallback !== undefined) return fallback;
    problems.add(where, `${key} is missing`);
    return null;
  }
  if (!(allowed as readonly string[]).includes(raw)) {
    problems.add(where, `${key} "${raw}" is not one of ${allowed.join(', ')}`);
    return null;
  }
  return raw as T;
}

function time(row: Row, key: string, where: string, problems: Problems, fallback: Date): Date {
  const raw = text(row, key);
  if (raw === null) return fallback;
  const value = new Date(raw);
  if (Number.isNaN(value.getTime())) {
    problems.add(where, `${key} "${raw}" is not a time`);
    return fallback;
  }
  return value;
}

/** One container per row (CSV rows, GeoJSON properties), with its device when the row names one. */
function fromRows(rows: Array<{ row: Row; where: string }>, options: { boundFrom: Date }): RegistrationSet {
  const problems = new Problems();
  const set = emptySet();
  for (const { row, where } of rows) {
    const kind = text(row, 'kind') ?? 'container';
    if (kind === 'depot' || kind === 'disposal_site') {
      const site = readSite(row, where, problems);
      if (!site) continue;
      if (kind === 'depot') set.depots.push({ id: site.id, name: site.name, lng: site.lng, lat: site.lat, address: site.address });
      else set.disposalSites.push(site);
      continue;
    }
    if (kind !== 'container') {
      problems.add(where, `kind "${kind}" is not container, depot or disposal_site`);
      continue;
    }
    const id = text(row, 'container_id') ?? text(row, 'id');
    const externalRef = text(row, 'external_ref');
    if (!id && !externalRef) problems.add(where, 'needs container_id or external_ref');
    const lng = number(row, 'lng', where, problems, true);
    const lat = number(row, 'lat', where, problems, true);
    const district = text(row, 'district');
    if (!district) problems.add(where, 'district is missing');
    const wasteType = oneOf<WasteFraction>(row, 'waste_type', WASTE_FRACTIONS, where, problems);
    const containerType = oneOf<ContainerType>(row, 'container_type', CONTAINER_TYPES, where, problems, 'underground');
    const volumeL = number(row, 'volume_l', where, problems, true);
    const depthMm = number(row, 'depth_mm', where, problems);
    const from = minutes(row, 'access_from_min', where, problems) ?? minutes(row, 'access_from', where, problems);
    const to = minutes(row, 'access_to_min', where, problems) ?? minutes(row, 'access_to', where, problems);
    if ((from === null) !== (to === null)) problems.add(where, 'an access window needs both its start and its end');
    if (lng !== null && (lng < -180 || lng > 180)) problems.add(where, `lng ${lng} is out of range`);
    if (lat !== null && (lat < -90 || lat > 90)) problems.add(where, `lat ${lat} is out of range`);
    if (volumeL !== null && volumeL <= 0) problems.add(where, `volume_l ${volumeL} must be positive`);
    if (id === null && externalRef === null) continue;
    set.containers.push({
      id: id ?? undefined,
      externalRef,
      lng: lng ?? 0,
      lat: lat ?? 0,
      district: district ?? '',
      address: text(row, 'address'),
      wasteType: wasteType ?? 'residual',
      containerType: containerType ?? 'underground',
      volumeL: volumeL ?? 1,
      depthMm,
      accessWindow: from !== null && to !== null ? { fromMin: from, toMin: to } : null,
    });
    const deviceRef = text(row, 'device_id') ?? text(row, 'device_ref');
    if (deviceRef) {
      const devEui = text(row, 'dev_eui')?.toLowerCase() ?? null;
      if (devEui !== null && !/^[0-9a-f]{16}$/.test(devEui)) problems.add(where, `dev_eui "${devEui}" is not 16 hex digits`);
      const model = text(row, 'device_model');
      set.devices.push({
        externalRef: deviceRef,
        devEui,
        model: model === 'vulgraad-native' ? null : model,
        lorawanApplicationId: text(row, 'lorawan_application_id'),
        reportingIntervalS: number(row, 'reporting_interval_s', where, problems) ?? undefined,
      });
      set.bindings.push({ deviceRef, containerKey: (id ?? externalRef) as string, validFrom: time(row, 'bound_from', where, problems, options.boundFrom) });
    }
  }
  problems.throwIfAny();
  return set;
}

function readSite(row: Row, where: string, problems: Problems): DisposalSite | null {
  const id = text(row, 'id') ?? text(row, 'site_id');
  const name = text(row, 'name') ?? id;
  const lng = number(row, 'lng', where, problems, true);
  const lat = number(row, 'lat', where, problems, true);
  if (!id) problems.add(where, 'a depot or disposal site needs an id');
  const rawFractions = row.fractions;
  const fractions = (Array.isArray(rawFractions) ? rawFractions.map(String) : (text(row, 'fractions') ?? '').split(/[;|]/)).map((f) => f.trim()).filter(Boolean);
  const unknown = fractions.filter((f) => !(WASTE_FRACTIONS as readonly string[]).includes(f));
  if (unknown.length > 0) problems.add(where, `fractions ${unknown.join(', ')} are not waste fractions`);
  if (!id || lng === null || lat === null) return null;
  return {
    id,
    name: name ?? id,
    lng,
    lat,
    address: text(row, 'address'),
    fractions: (fractions.length > 0 ? fractions : [...WASTE_FRACTIONS]) as WasteFraction[],
    openFromMin: minutes(row, 'open_from_min', where, problems) ?? 0,
    openToMin: minutes(row, 'open_to_min', where, problems) ?? 1440,
    serviceTimeS: number(row, 'service_time_s', where, problems) ?? 900,
  };
}

function fromFeatures(features: unknown[], options: { boundFrom: Date }): RegistrationSet {
  const problems = new Problems();
  const rows: Array<{ row: Row; where: string }> = [];
  features.forEach((feature, i) => {
    const f = (feature ?? {}) as { geometry?: { type?: string; coordinates?: unknown[] }; properties?: Row };
    const where = `feature ${i}`;
    if (f.geometry?.type !== 'Point' || !Array.isArray(f.geometry.coordinates)) {
      problems.add(where, 'only Point features can be registered');
      return;
    }
    const [lng, lat] = f.geometry.coordinates;
    rows.push({ row: { ...(f.properties ?? {}), lng, lat }, where });
  });
  problems.throwIfAny();
  return fromRows(rows, options);
}

/** The sensor simulator's export (`CityRegistrations`, version 1), as an object. */
export function fromCityDocument(doc: Row): RegistrationSet {
  const problems = new Problems();
  if (doc.version !== 1) throw new RegistrationFileError([`vulgraad-city version ${String(doc.version)} is not supported (this build reads 1)`]);
  const list = (key: string): Row[] => (Array.isArray(doc[key]) ? (doc[key] as Row[]) : []);
  const containerRows = list('containers').map((c, i) => ({
    row: {
      container_id: c.id,
      external_ref: c.externalRef,
      lng: c.lng,
      lat: c.lat,
      district: c.district,
      waste_type: c.wasteType,
      container_type: c.containerType,
      volume_l: c.volumeL,
      depth_mm: c.depthMm,
      access_from_min: (c.accessWindow as Row | null)?.fromMin,
      access_to_min: (c.accessWindow as Row | null)?.toMin,
    },
    where: `containers[${i}]`,
  }));
  const set = fromRows(containerRows, { boundFrom: new Date(0) });
  const deviceRefById = new Map<string, string>();
  list('devices').forEach((d, i) => {
    const ref = text(d, 'externalRef') ?? text(d, 'id');
    if (!ref) {
      problems.add(`devices[${i}]`, 'needs id or externalRef');
      return;
    }
    deviceRefById.set(String(d.id ?? ref), ref);
    const model = text(d, 'model');
    set.devices.push({
      externalRef: ref,
      devEui: text(d, 'devEui')?.toLowerCase() ?? null,
      model: model === 'vulgraad-native' ? null : model,
      lorawanApplicationId: text(d, 'lorawanApplicationId'),
      reportingIntervalS: typeof d.reportingIntervalS === 'number' ? d.reportingIntervalS : undefined,
    });
  });
  list('bindings').forEach((b, i) => {
    const deviceRef = deviceRefById.get(String(b.deviceId));
    if (!deviceRef) problems.add(`bindings[${i}]`, `device ${String(b.deviceId)} is not among the devices`);
    set.bindings.push({
      deviceRef: deviceRef ?? '',
      containerKey: String(b.containerId),
      validFrom: time(b, 'validFrom', `bindings[${i}]`, problems, new Date()),
    });
  });
  set.applications = list('lorawanApplications').map((a) => ({ applicationId: String(a.applicationId), defaultModel: text(a, 'defaultModel') }));
  set.districts = list('districts').map((d) => ({ id: String(d.id), name: String(d.name ?? d.id), lng: typeof d.lng === 'number' ? d.lng : null, lat: typeof d.lat === 'number' ? d.lat : null }));
  list('depots').forEach((s, i) => {
    const site = readSite({ ...s, fractions: s.fractions }, `depots[${i}]`, problems);
    if (site) set.depots.push({ id: site.id, name: site.name, lng: site.lng, lat: site.lat, address: site.address });
  });
  list('disposalSites').forEach((s, i) => {
    const site = readSite(s, `disposalSites[${i}]`, problems);
    if (site) set.disposalSites.push(site);
  });
  problems.throwIfAny();
  return set;
}

function emptySet(): RegistrationSet {
  return { containers: [], devices: [], bindings: [], applications: [], districts: [], depots: [], disposalSites: [] };
}
