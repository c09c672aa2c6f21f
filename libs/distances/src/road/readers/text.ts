import { DistanceError } from '../../types';

/**
 * Splits CSV text into rows of fields (RFC 4180: quoted fields, doubled
 * quotes, line breaks inside quotes; CRLF or LF). Calls `row` per record.
 */
export function parseCsv(text: string, row: (fields: string[], line: number) => void): void {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      // Copy a run of ordinary characters at once.
      let j = i;
      while (j < length && text.charCodeAt(j) !== 34) {
        if (text.charCodeAt(j) === 10) line++;
        j++;
      }
      field += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === 34) {
      inQuotes = true;
      i++;
    } else if (c === 44) {
      fields.push(field);
      field = '';
      i++;
    } else if (c === 10 || c === 13) {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) row(fields, recordLine);
      fields = [];
      field = '';
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      i++;
      line++;
      recordLine = line;
    } else {
      let j = i;
      while (j < length) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13 || d === 34) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (inQuotes) throw new DistanceError('graph_format', `unterminated quoted field starting on line ${recordLine}`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    row(fields, recordLine);
  }
}

/** Coordinates of a WKT LINESTRING as flat [lng, lat, ...]; null when the text is not one. */
export function parseWktLineString(wkt: string): number[] | null {
  const match = /^\s*LINESTRING\s*\(([^)]*)\)\s*$/i.exec(wkt);
  if (!match) return null;
  const out: number[] = [];
  for (const pair of match[1].split(',')) {
    const parts = pair.trim().split(/\s+/);
    if (parts.length < 2) return null;
    const lng = Number(parts[0]);
    const lat = Number(parts[1]);
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    out.push(lng, lat);
  }
  return out.length >= 4 ? out : null;
}

/**
 * The interior vertices of a polyline that should run from (fromLng, fromLat)
 * to (toLng, toLat): reversed when it was stored the other way round.
 */
export function interiorOriented(coords: readonly number[], fromLng: number, fromLat: number, toLng: number, toLat: number): number[] {
  const n = coords.length / 2;
  const d2 = (k: number, lng: number, lat: number): number => (coords[2 * k] - lng) ** 2 + (coords[2 * k + 1] - lat) ** 2;
  const reversed = d2(0, fromLng, fromLat) + d2(n - 1, toLng, toLat) > d2(0, toLng, toLat) + d2(n - 1, fromLng, fromLat);
  const interior: number[] = [];
  if (reversed) for (let k = n - 2; k >= 1; k--) interior.push(coords[2 * k], coords[2 * k + 1]);
  else for (let k = 1; k <= n - 2; k++) interior.push(coords[2 * k], coords[2 * k + 1]);
  return interior;
}
