import { WASTE_FRACTIONS, type WasteFraction } from '@vulgraad/contracts';
import type { CityContainer, CityModel, DepositVolume, WeeklyProfile } from './city';

/** Marks the compact city format; a file with another mark is refused. */
export const CITY_FILE_FORMAT = 'vulgraad-city/1';

/** A container as one row: id, externalRef, lng, lat, district, fraction, volumeL, depthMm, pitCount, depositsPerDay, profile, depositVolume, rateSource, access from, access to (minutes). */
type ContainerRow = [string, string | null, number, number, string, WasteFraction, number, number | null, number, number, string, string, string, number | null, number | null];

interface CityFileJson {
  format: string;
  name: string;
  kind: CityModel['kind'];
  timezone: string;
  seed: number;
  centre: CityModel['centre'];
  notes: string[];
  districts: CityModel['districts'];
  depots: CityModel['depots'];
  disposalSites: CityModel['disposalSites'];
  profiles: Record<string, WeeklyProfile>;
  depositVolumes: Record<string, DepositVolume>;
  containers: ContainerRow[];
}

/**
 * A city model as compact JSON text: the hourly profiles and deposit volumes
 * once, every container as one row on a line of its own (so a rebuilt file
 * diffs by container). `readCityFile` gives the same model back.
 */
export function writeCityFile(city: CityModel): string {
  const profiles: Record<string, WeeklyProfile> = {};
  const depositVolumes: Record<string, DepositVolume> = {};
  const volumeKey = (v: DepositVolume): string => `${v.minL}/${v.modeL}/${v.maxL}`;
  const rows: ContainerRow[] = city.containers.map((c) => {
    profiles[c.demand.profile.id] = c.demand.profile;
    depositVolumes[volumeKey(c.demand.depositVolumeL)] = c.demand.depositVolumeL;
    return [
      c.id, c.externalRef, c.lng, c.lat, c.district, c.wasteType, c.volumeL, c.depthMm, c.pitCount, c.demand.depositsPerDay,
      c.demand.profile.id, volumeKey(c.demand.depositVolumeL), c.rateSource, c.accessWindow?.fromMin ?? null, c.accessWindow?.toMin ?? null,
    ];
  });
  const head = {
    format: CITY_FILE_FORMAT, name: city.name, kind: city.kind, timezone: city.timezone, seed: city.seed, centre: city.centre, notes: city.notes,
    districts: city.districts, depots: city.depots, disposalSites: city.disposalSites, profiles, depositVolumes,
  };
  const headText = JSON.stringify(head, null, 1).replace(/\n}$/, '');
  return `${headText},\n "containers": [\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n ]\n}\n`;
}

/** Reads what `writeCityFile` wrote; a wrong format or a broken row is an error naming it. */
export function readCityFile(text: string, source: string): CityModel {
  let parsed: CityFileJson;
  try {
    parsed = JSON.parse(text) as CityFileJson;
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (parsed.format !== CITY_FILE_FORMAT || !Array.isArray(parsed.containers)) throw new Error(`${source}: not a ${CITY_FILE_FORMAT} file`);
  const containers: CityContainer[] = parsed.containers.map((row, i) => {
    const [id, externalRef, lng, lat, district, wasteType, volumeL, depthMm, pitCount, depositsPerDay, profileId, volumeKey, rateSource, fromMin, toMin] = row;
    const profile = parsed.profiles[profileId];
    const depositVolumeL = parsed.depositVolumes[volumeKey];
    const valid =
      typeof id === 'string' && Number.isFinite(lng) && Number.isFinite(lat) && typeof district === 'string' && WASTE_FRACTIONS.includes(wasteType) &&
      Number.isFinite(volumeL) && volumeL > 0 && Number.isFinite(depositsPerDay) && profile !== undefined && depositVolumeL !== undefined;
    if (!valid) throw new Error(`${source}: container row ${i + 1} is not valid: ${JSON.stringify(row)}`);
    return {
      id, externalRef, lng, lat, district, wasteType, containerType: 'underground', volumeL, depthMm, pitCount,
      accessWindow: fromMin !== null && toMin !== null ? { fromMin, toMin } : null,
      demand: { depositsPerDay, profile, depositVolumeL },
      rateSource,
    };
  });
  return {
    name: parsed.name, kind: parsed.kind === 'generated' ? 'generated' : 'amsterdam', timezone: parsed.timezone, seed: parsed.seed, centre: parsed.centre, districts: parsed.districts,
    containers, depots: parsed.depots, disposalSites: parsed.disposalSites, notes: parsed.notes,
  };
}
