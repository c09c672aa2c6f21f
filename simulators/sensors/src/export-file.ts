import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CityRegistrations } from './registrations';
import { registrationsToCsv, registrationsToGeoJson } from './registrations';

/** Writes the registrations as JSON, GeoJSON or CSV, chosen by the file's extension. */
export function writeRegistrations(file: string, registrations: CityRegistrations): 'json' | 'geojson' | 'csv' {
  const extension = path.extname(file).toLowerCase();
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (extension === '.csv') {
    writeFileSync(file, registrationsToCsv(registrations));
    return 'csv';
  }
  if (extension === '.geojson') {
    writeFileSync(file, `${JSON.stringify(registrationsToGeoJson(registrations))}\n`);
    return 'geojson';
  }
  if (extension === '.json') {
    writeFileSync(file, `${JSON.stringify(registrations, null, 1)}\n`);
    return 'json';
  }
  throw new RangeError(`cannot tell the export format from "${file}": use .json, .geojson or .csv`);
}
