import { readFileSync } from 'node:fs';
import { parseCsvRecords } from '@vulgraad/csv';
import { addDays, localTimeMs } from '@vulgraad/time';

/** One weighing of the city's record: a container lifted into the truck, and what it weighed. */
export interface Weighing {
  clusterId: string;
  /** Epoch ms of the local time the city recorded. */
  atMs: number;
  kg: number;
}

/** One visit of a cluster: weighings less than `VISIT_GAP_MIN` apart (one per container lifted). */
export interface RecordedVisit {
  clusterId: string;
  atMs: number;
  /** Local date of the visit, YYYY-MM-DD. */
  date: string;
  kg: number;
  /** Containers lifted (weighings in the visit). */
  lifts: number;
}

/** The month as the city recorded it. */
export interface CollectionRecord {
  /** Local dates from the first to the last day with a weighing. */
  dates: string[];
  /** Visits per cluster, in time order. */
  visits: Map<string, RecordedVisit[]>;
  /** Visits per local date. */
  byDate: Map<string, RecordedVisit[]>;
  weighings: number;
  /** Rows skipped: a weight that is not a number (kept: weights <= 0, counted as lifts of 0 kg). */
  skipped: number;
}

/** Weighings of one cluster less than this many minutes apart are one visit (one weighing per pit), as in the city model. */
export const VISIT_GAP_MIN = 60;

const LOCAL_STAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/**
 * Reads a weighings file of the city's open data (`id,dateObserved,lat,long,weight`, as
 * `rest_weighings_2021-03.csv`). `dateObserved` ends in `Z` but is local time
 * (Europe/Amsterdam; see the data's PROVENANCE.md): the `Z` is ignored.
 */
export function parseWeighings(text: string, timeZone: string, source = 'weighings'): Weighing[] {
  const rows = parseCsvRecords(text);
  if (rows.length === 0) throw new Error(`${source}: no rows`);
  for (const column of ['id', 'dateObserved', 'weight']) {
    if (!(column in (rows[0] as Record<string, string>))) throw new Error(`${source}: the column "${column}" is missing (expected id,dateObserved,lat,long,weight)`);
  }
  const out: Weighing[] = [];
  rows.forEach((row, k) => {
    const stamp = LOCAL_STAMP.exec(row.dateObserved ?? '');
    if (!stamp) throw new Error(`${source}: row ${k + 2}: dateObserved "${row.dateObserved}" is not YYYY-MM-DDTHH:MM:SS`);
    const [, date, hh, mm, ss] = stamp as unknown as [string, string, string, string, string];
    const kg = Number(row.weight);
    const clusterId = (row.id ?? '').trim();
    if (clusterId === '') throw new Error(`${source}: row ${k + 2}: empty id`);
    out.push({ clusterId, atMs: localTimeMs(date, Number(hh) * 60 + Number(mm), timeZone) + Number(ss) * 1000, kg: Number.isFinite(kg) ? kg : Number.NaN });
  });
  return out;
}

/** Groups weighings into visits per cluster and per local date. */
export function buildRecord(weighings: readonly Weighing[], timeZone: string): CollectionRecord {
  const perCluster = new Map<string, Weighing[]>();
  let skipped = 0;
  for (const w of weighings) {
    if (!Number.isFinite(w.kg)) {
      skipped++;
      continue;
    }
    let list = perCluster.get(w.clusterId);
    if (!list) perCluster.set(w.clusterId, (list = []));
    list.push(w);
  }
  const dateOf = localDateFormatter(timeZone);
  const visits = new Map<string, RecordedVisit[]>();
  const byDate = new Map<string, RecordedVisit[]>();
  for (const [clusterId, list] of perCluster) {
    list.sort((a, b) => a.atMs - b.atMs);
    const own: RecordedVisit[] = [];
    let last = -Infinity;
    for (const w of list) {
      const current = own[own.length - 1];
      if (current && w.atMs - last < VISIT_GAP_MIN * 60_000) {
        current.kg += Math.max(0, w.kg);
        current.lifts++;
      } else {
        own.push({ clusterId, atMs: w.atMs, date: dateOf(w.atMs), kg: Math.max(0, w.kg), lifts: 1 });
      }
      last = w.atMs;
    }
    visits.set(clusterId, own);
    for (const v of own) {
      let day = byDate.get(v.date);
      if (!day) byDate.set(v.date, (day = []));
      day.push(v);
    }
  }
  const sorted = [...byDate.keys()].sort();
  if (sorted.length === 0) throw new Error('the weighings hold no usable row');
  const dates: string[] = [];
  for (let d = sorted[0] as string; d <= (sorted[sorted.length - 1] as string); d = addDays(d, 1)) dates.push(d);
  return { dates, visits, byDate, weighings: weighings.length - skipped, skipped };
}

/** Reads and groups a weighings file. */
export function readRecord(file: string, timeZone: string): CollectionRecord {
  return buildRecord(parseWeighings(readFileSync(file, 'utf8'), timeZone, file), timeZone);
}

function localDateFormatter(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (ms) => format.format(ms);
}
