import { wallClockToMs } from '@vulgraad/time';
import type { ContainerHistory, FillObservation } from './types';

/** A container's recorded readings, as a CSV of a city's sensor network holds them. */
export interface RecordedContainer extends ContainerHistory {
  /** The waste fraction when the file names one (`fraction` column), else null. */
  fraction: string | null;
  readings: FillObservation[];
}

/** A row that was not taken, with the reason a person can act on. */
export interface RejectedRow {
  line: number;
  reason: string;
}

/** What `parseFillReadingsCsv` read. */
export interface FillReadingsFile {
  containers: RecordedContainer[];
  rejected: RejectedRow[];
  readings: number;
}

const COLUMNS = {
  container: ['container_id', 'container', 'containerid', 'container_ref', 'id'],
  time: ['measured_at', 'time', 'at', 'timestamp', 'measured', 'datetime'],
  fill: ['fill_pct', 'fill', 'fillpct', 'fill_level', 'level', 'percent'],
  fraction: ['fraction', 'waste_type', 'wastetype'],
} as const;

/** Fill levels outside this range are not a level at all. */
const MIN_FILL_PCT = -5;
const MAX_FILL_PCT = 150;

/**
 * Reads recorded fill levels: one row per reading with a container, a time
 * and a fill percentage (header names as in `COLUMNS`, any order, other
 * columns ignored; fields may be quoted). Times with a zone or offset are
 * taken as they are; times without one are local wall-clock times in
 * `timeZone`. Rows without a container, with an unreadable time or a fill
 * outside -5..150 are rejected with their line and reason, never dropped
 * silently. Readings come back sorted by time per container.
 * Throws when a required column is missing.
 */
export function parseFillReadingsCsv(text: string, options: { timeZone: string }): FillReadingsFile {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((name) => name.trim().toLowerCase());
  const find = (names: readonly string[]): number => header.findIndex((name) => names.includes(name));
  const column = { container: find(COLUMNS.container), time: find(COLUMNS.time), fill: find(COLUMNS.fill), fraction: find(COLUMNS.fraction) };
  const missing = (['container', 'time', 'fill'] as const).filter((key) => column[key] < 0).map((key) => `${key} (${COLUMNS[key].join(' | ')})`);
  if (missing.length > 0) throw new Error(`fill readings CSV lacks the column(s): ${missing.join(', ')}; header was "${lines[0] ?? ''}"`);

  const byContainer = new Map<string, RecordedContainer>();
  const rejected: RejectedRow[] = [];
  let readings = 0;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k] as string;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const containerId = (fields[column.container] ?? '').trim();
    const timeText = (fields[column.time] ?? '').trim();
    const fillText = (fields[column.fill] ?? '').trim();
    if (containerId === '') {
      rejected.push({ line: k + 1, reason: 'no container' });
      continue;
    }
    const atMs = parseTime(timeText, options.timeZone);
    if (atMs === null) {
      rejected.push({ line: k + 1, reason: `time "${timeText}" is not an ISO 8601 date-time` });
      continue;
    }
    const fillPct = fillText === '' ? NaN : Number(fillText);
    if (!Number.isFinite(fillPct) || fillPct < MIN_FILL_PCT || fillPct > MAX_FILL_PCT) {
      rejected.push({ line: k + 1, reason: `fill "${fillText}" is not a level between ${MIN_FILL_PCT} and ${MAX_FILL_PCT}` });
      continue;
    }
    let container = byContainer.get(containerId);
    if (!container) {
      container = { containerId, fraction: column.fraction >= 0 ? (fields[column.fraction] ?? '').trim() || null : null, readings: [] };
      byContainer.set(containerId, container);
    }
    container.readings.push({ atMs, fillPct });
    readings++;
  }
  for (const container of byContainer.values()) container.readings.sort((a, b) => a.atMs - b.atMs);
  return { containers: [...byContainer.values()], rejected, readings };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms of an ISO 8601 date-time; without a zone, local time in `timeZone`. Null when unreadable. */
export function parseTime(text: string, timeZone: string): number | null {
  const match = ISO.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0);
  const check = new Date(wallMs);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  if (!zone) return wallClockToMs(wallMs, timeZone);
  if (zone === 'Z') return wallMs;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return wallMs - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Fields of one CSV line: commas separate, double quotes enclose, a doubled quote is a quote. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
