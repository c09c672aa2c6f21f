import type { ContainerState, ReadingRow } from '@vulgraad/contracts';
import type { Database, Queryable } from '../database';
import { copyField, toArrayLiteral } from '../database';
import { binaryCopyFits, readingsAsCopyBinary } from './copy-binary';
import { CopyBytes } from './copy-bytes';
import { toDate, toDateOrNull } from './sql-helpers';

/** One stored reading, mapped to its container, with its quality flags (declared in @vulgraad/contracts). */
export type { ContainerState, ReadingRow } from '@vulgraad/contracts';


/** One bucket of readings_hourly or readings_daily. */
export interface ReadingRollup {
  containerId: string;
  bucket: Date;
  readings: number;
  flagged: number;
  fillAvg: number | null;
  fillMin: number | null;
  fillMax: number | null;
  fillLast: number | null;
  temperatureMax: number | null;
  batteryMin: number | null;
}

/**
 * How a batch reaches the table; all three absorb duplicates through the unique key.
 * The two COPY ways send the rows in COPY's binary format (copy-binary.ts),
 * or as text when a value does not fit its column's binary form.
 * - copy: COPY straight into readings under a savepoint; if a row is already
 *   stored (unique violation) the savepoint is rolled back and the batch goes
 *   the staging way. Fastest when duplicates are rare, which is normal. First
 *   in its transaction (WriteOptions.firstInTransaction) it needs no savepoint:
 *   the caller writes the batch again the staging way in a new transaction.
 * - staging: COPY into a per-session staging table, then one
 *   INSERT ... ON CONFLICT DO NOTHING. Best right after a restart, when the
 *   broker redelivers.
 * - unnest: one INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING.
 */
export type ReadingWriteStrategy = 'copy' | 'staging' | 'unnest';

/** Options of ReadingsRepository.write. */
export interface WriteOptions {
  /**
   * The write is the first statement of its transaction, and the caller
   * writes the whole transaction again if it fails: a 'copy' then goes
   * without its savepoint (two round trips less per batch) and a row already
   * stored ends it with ReadingsAlreadyStoredError instead of falling back to
   * the staging way inside it.
   */
  firstInTransaction?: boolean;
}

/**
 * A COPY written without a savepoint (WriteOptions.firstInTransaction) met a
 * row already stored (broker redelivery): the transaction is aborted; write
 * the batch again with the 'staging' strategy, which skips such rows.
 */
export class ReadingsAlreadyStoredError extends Error {
  readonly code = 'readings_already_stored';

  constructor(readonly rows: number) {
    super(`a batch of ${rows} readings holds readings already stored; write it again the staging way`);
    this.name = ReadingsAlreadyStoredError.name;
  }
}

/** What insertBatch did: rows new in the table, and whether the batch met rows already stored. */
export interface InsertOutcome {
  inserted: number;
  hadDuplicates: boolean;
}

/** Column order of readings used by every write path. */
export const READING_COLUMNS = [
  'container_id', 'device_id', 'measured_at', 'received_at', 'fill_pct', 'distance_mm', 'temperature_c', 'battery_pct',
  'battery_v', 'rssi_dbm', 'snr_db', 'seq', 'tilt_deg', 'flags', 'alarms', 'format', 'correlation_id', 'level_mm',
] as const;
const COLUMN_LIST = READING_COLUMNS.join(', ');

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '\\N' : String(v));
const txt = (v: string | null | undefined): string => (v === null || v === undefined ? '\\N' : copyField(v));
const list = (v: readonly string[]): string => (v.length === 0 ? '{}' : copyField(v));

/** Reading rows in COPY text format, in READING_COLUMNS order (written out field by field: this runs per reading). */
export function readingsAsCopyText(rows: readonly ReadingRow[]): string {
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as ReadingRow;
    lines[i] =
      `${txt(r.containerId)}\t${txt(r.deviceId)}\t${r.measuredAt.toISOString()}\t${r.receivedAt.toISOString()}\t` +
      `${num(r.fillPct)}\t${num(r.distanceMm)}\t${num(r.temperatureC)}\t${num(r.batteryPct)}\t${num(r.batteryV)}\t` +
      `${num(r.rssiDbm)}\t${num(r.snrDb)}\t${num(r.seq)}\t${num(r.tiltDeg)}\t${list(r.flags)}\t${list(r.alarms)}\t` +
      `${txt(r.format)}\t${txt(r.correlationId)}\t${num(r.levelMm)}\n`;
  }
  return lines.join('');
}

const TAB = 9;
const NEWLINE = 10;

/** Reading rows in COPY text format, in READING_COLUMNS order, as UTF-8 bytes ready to send (rows readingsAsCopyBinary cannot take). */
export function readingsAsCopyBytes(rows: readonly ReadingRow[]): Buffer {
  const out = new CopyBytes(rows.length * 200);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as ReadingRow;
    out.text(r.containerId);
    out.byte(TAB);
    out.text(r.deviceId);
    out.byte(TAB);
    out.timestamp(r.measuredAt, 0);
    out.byte(TAB);
    out.timestamp(r.receivedAt, 1);
    out.byte(TAB);
    out.number(r.fillPct);
    out.byte(TAB);
    out.number(r.distanceMm);
    out.byte(TAB);
    out.number(r.temperatureC);
    out.byte(TAB);
    out.number(r.batteryPct);
    out.byte(TAB);
    out.number(r.batteryV);
    out.byte(TAB);
    out.number(r.rssiDbm);
    out.byte(TAB);
    out.number(r.snrDb);
    out.byte(TAB);
    out.number(r.seq);
    out.byte(TAB);
    out.number(r.tiltDeg);
    out.byte(TAB);
    out.list(r.flags);
    out.byte(TAB);
    out.list(r.alarms);
    out.byte(TAB);
    out.text(r.format);
    out.byte(TAB);
    out.text(r.correlationId);
    out.byte(TAB);
    out.number(r.levelMm);
    out.byte(NEWLINE);
  }
  return out.result();
}

/** -- Params: none. The staging table lives per session and empties at each commit. */
const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS readings_staging (LIKE readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`;
const COPY_STAGING = `COPY readings_staging (${COLUMN_LIST}) FROM STDIN`;
const COPY_DIRECT = `COPY readings (${COLUMN_LIST}) FROM STDIN`;
const BINARY = ' (FORMAT binary)';
const UNIQUE_VIOLATION = '23505';
/** -- Params: none. Rows already stored (broker redelivery) are skipped. */
const INSERT_FROM_STAGING = `INSERT INTO readings (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM readings_staging ON CONFLICT DO NOTHING`;
/** -- Params: $1..$18 one array per column in READING_COLUMNS order; flags and alarms as array literals. */
const INSERT_UNNEST = `
  INSERT INTO readings (${COLUMN_LIST})
  SELECT container_id, device_id, measured_at, received_at, fill_pct, distance_mm, temperature_c, battery_pct,
         battery_v, rssi_dbm, snr_db, seq, tilt_deg, flags::text[], alarms::text[], format, correlation_id, level_mm
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[], $6::int4[], $7::float8[],
              $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int8[], $13::float8[], $14::text[],
              $15::text[], $16::text[], $17::text[], $18::int4[])
       AS u (${COLUMN_LIST})
  ON CONFLICT DO NOTHING`;

/**
 * -- Params: $1 container_id text[], $2 device_id text[], $3 measured_at timestamptz[], $4 fill_pct float8[],
 * $5 distance_mm int4[], $6 temperature_c float8[], $7 battery_pct float8[], $8 flags (array literals) text[],
 * $9 unchanged_since timestamptz[], $10 unchanged_count int4[]. Only a newer reading replaces the state.
 * Rows are taken in container order so that concurrent writers lock them in the same order.
 */
const UPSERT_STATES = `
  INSERT INTO container_state (container_id, device_id, measured_at, fill_pct, distance_mm, temperature_c, battery_pct,
                               flags, unchanged_since, unchanged_count)
  SELECT container_id, device_id, measured_at, fill_pct, distance_mm, temperature_c, battery_pct, flags::text[],
         unchanged_since, unchanged_count
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::int4[], $6::float8[], $7::float8[], $8::text[],
              $9::timestamptz[], $10::int4[])
       AS s (container_id, device_id, measured_at, fill_pct, distance_mm, temperature_c, battery_pct, flags,
             unchanged_since, unchanged_count)
  ORDER BY container_id
  ON CONFLICT (container_id) DO UPDATE SET
    device_id = EXCLUDED.device_id, measured_at = EXCLUDED.measured_at, fill_pct = EXCLUDED.fill_pct,
    distance_mm = EXCLUDED.distance_mm, temperature_c = EXCLUDED.temperature_c, battery_pct = EXCLUDED.battery_pct,
    flags = EXCLUDED.flags, unchanged_since = EXCLUDED.unchanged_since, unchanged_count = EXCLUDED.unchanged_count,
    updated_at = now()
  WHERE container_state.measured_at <= EXCLUDED.measured_at`;

/**
 * A small batch's readings and the containers' states in one statement: one
 * round trip and no BEGIN/COMMIT, as a statement commits on its own (both
 * parts or neither). Params: INSERT_UNNEST's $1-$18, then UPSERT_STATES's as
 * $19-$28. Returns the readings inserted (the others were already stored).
 */
const INSERT_UNNEST_WITH_STATES = `
  WITH inserted AS (${INSERT_UNNEST}
    RETURNING 1),
  states AS (${UPSERT_STATES.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 18}`)})
  SELECT count(*)::int AS inserted FROM inserted`;

const STATE_COLUMNS = `container_id, device_id, measured_at, fill_pct, distance_mm, temperature_c, battery_pct, flags,
  unchanged_since, unchanged_count`;
/** -- Params: $1 container ids text[] */
const SELECT_STATES = `SELECT ${STATE_COLUMNS} FROM container_state WHERE container_id = ANY($1::text[])`;
/** -- Params: none */
const SELECT_ALL_STATES = `SELECT ${STATE_COLUMNS} FROM container_state`;
/** -- Params: $1 container id, $2 from (inclusive), $3 to (exclusive), $4 limit */
const SELECT_RANGE = `
  SELECT ${COLUMN_LIST} FROM readings
  WHERE container_id = $1 AND measured_at >= $2 AND measured_at < $3
  ORDER BY measured_at DESC LIMIT $4`;
const ROLLUP_COLUMNS = `container_id, bucket, readings, flagged, fill_avg, fill_min, fill_max, fill_last, temperature_max, battery_min`;
/** -- Params: $1 container ids text[], $2 from (inclusive), $3 to (exclusive). The view name is fixed per call. */
const selectRollupSql = (view: 'readings_hourly' | 'readings_daily'): string => `
  SELECT ${ROLLUP_COLUMNS} FROM ${view}
  WHERE container_id = ANY($1::text[]) AND bucket >= $2 AND bucket < $3
  ORDER BY container_id, bucket`;

interface ReadingDbRow {
  container_id: string;
  device_id: string;
  measured_at: Date;
  received_at: Date;
  fill_pct: number | null;
  distance_mm: number | null;
  temperature_c: number | null;
  battery_pct: number | null;
  battery_v: number | null;
  rssi_dbm: number | null;
  snr_db: number | null;
  seq: number | null;
  tilt_deg: number | null;
  flags: string[];
  alarms: string[];
  format: string;
  correlation_id: string | null;
  level_mm: number | null;
}

interface StateDbRow {
  container_id: string;
  device_id: string;
  measured_at: Date;
  fill_pct: number | null;
  distance_mm: number | null;
  temperature_c: number | null;
  battery_pct: number | null;
  flags: string[];
  unchanged_since: Date | null;
  unchanged_count: number;
}

interface RollupDbRow {
  container_id: string;
  bucket: Date;
  readings: number;
  flagged: number;
  fill_avg: number | null;
  fill_min: number | null;
  fill_max: number | null;
  fill_last: number | null;
  temperature_max: number | null;
  battery_min: number | null;
}

const toReading = (r: ReadingDbRow): ReadingRow => ({
  containerId: r.container_id,
  deviceId: r.device_id,
  measuredAt: toDate(r.measured_at),
  receivedAt: toDate(r.received_at),
  fillPct: r.fill_pct,
  distanceMm: r.distance_mm,
  temperatureC: r.temperature_c,
  batteryPct: r.battery_pct,
  batteryV: r.battery_v,
  rssiDbm: r.rssi_dbm,
  snrDb: r.snr_db,
  seq: r.seq === null ? null : Number(r.seq),
  tiltDeg: r.tilt_deg,
  flags: r.flags,
  alarms: r.alarms,
  format: r.format,
  correlationId: r.correlation_id,
  levelMm: r.level_mm,
});

const toState = (r: StateDbRow): ContainerState => ({
  containerId: r.container_id,
  deviceId: r.device_id,
  measuredAt: toDate(r.measured_at),
  fillPct: r.fill_pct,
  distanceMm: r.distance_mm,
  temperatureC: r.temperature_c,
  batteryPct: r.battery_pct,
  flags: r.flags,
  unchangedSince: toDateOrNull(r.unchanged_since),
  unchangedCount: r.unchanged_count,
});

const toRollup = (r: RollupDbRow): ReadingRollup => ({
  containerId: r.container_id,
  bucket: toDate(r.bucket),
  readings: Number(r.readings),
  flagged: Number(r.flagged),
  fillAvg: r.fill_avg,
  fillMin: r.fill_min,
  fillMax: r.fill_max,
  fillLast: r.fill_last,
  temperatureMax: r.temperature_max,
  batteryMin: r.battery_min,
});

/** One array literal per column in READING_COLUMNS order, for INSERT_UNNEST (the driver's own conversion formats element by element). */
function columnLiterals(rows: readonly ReadingRow[]): string[] {
  const column = <T>(pick: (r: ReadingRow) => T): T[] => rows.map(pick);
  return [
    toArrayLiteral(column((r) => r.containerId)),
    toArrayLiteral(column((r) => r.deviceId)),
    timesLiteral(column((r) => r.measuredAt)),
    timesLiteral(column((r) => r.receivedAt)),
    numbersLiteral(column((r) => r.fillPct)),
    numbersLiteral(column((r) => r.distanceMm)),
    numbersLiteral(column((r) => r.temperatureC)),
    numbersLiteral(column((r) => r.batteryPct)),
    numbersLiteral(column((r) => r.batteryV)),
    numbersLiteral(column((r) => r.rssiDbm)),
    numbersLiteral(column((r) => r.snrDb)),
    numbersLiteral(column((r) => r.seq)),
    numbersLiteral(column((r) => r.tiltDeg)),
    toArrayLiteral(column((r) => toArrayLiteral(r.flags))),
    toArrayLiteral(column((r) => toArrayLiteral(r.alarms))),
    toArrayLiteral(column((r) => r.format)),
    toArrayLiteral(column((r) => r.correlationId)),
    numbersLiteral(column((r) => r.levelMm)),
  ];
}

/**
 * UPSERT_STATES's parameters, each column as one array literal: the driver's
 * own conversion formats every element (dates through the local time zone)
 * and costs more than the ingest's other work on a state.
 */
function stateLiterals(states: readonly ContainerState[]): string[] {
  return [
    idsLiteral(states.map((s) => s.containerId)),
    idsLiteral(states.map((s) => s.deviceId)),
    timesLiteral(states.map((s) => s.measuredAt)),
    numbersLiteral(states.map((s) => s.fillPct)),
    numbersLiteral(states.map((s) => s.distanceMm)),
    numbersLiteral(states.map((s) => s.temperatureC)),
    numbersLiteral(states.map((s) => s.batteryPct)),
    toArrayLiteral(states.map((s) => toArrayLiteral(s.flags))),
    timesLiteral(states.map((s) => s.unchangedSince)),
    numbersLiteral(states.map((s) => s.unchangedCount)),
  ];
}

const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * A PostgreSQL array literal of numbers (NULL for null and for what is not
 * finite), as String() writes each. Written into bytes and read as one
 * string: built by concatenation it made a piece and a joint per value for
 * the garbage collector, for every state column of every batch.
 */
export function numbersLiteral(values: ReadonlyArray<number | null | undefined>): string {
  const out = new CopyBytes(values.length * 8 + 2);
  out.byte(OPEN_BRACE);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out.byte(COMMA);
    if (v === null || v === undefined || !Number.isFinite(v)) out.text('NULL');
    else out.number(v);
  }
  out.byte(CLOSE_BRACE);
  return out.result().toString('latin1');
}

/** toArrayLiteral of texts (ids), the same way into bytes: one string where there were three per value. */
export function idsLiteral(values: readonly string[]): string {
  const out = new CopyBytes(values.length * 40 + 2);
  out.byte(OPEN_BRACE);
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out.byte(COMMA);
    out.arrayElement(values[i] as string);
  }
  out.byte(CLOSE_BRACE);
  return out.result().toString('utf8');
}

/**
 * A PostgreSQL array literal of times, ISO-8601 in UTC as toISOString writes
 * them: through CopyBytes's timestamps, which take the date part from the
 * last day written instead of formatting every time (one per state per batch).
 */
export function timesLiteral(values: ReadonlyArray<Date | null>): string {
  const out = new CopyBytes(values.length * 25 + 2);
  out.byte(OPEN_BRACE);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out.byte(COMMA);
    if (v === null || v === undefined) out.text('NULL');
    else out.timestamp(v, 0);
  }
  out.byte(CLOSE_BRACE);
  return out.result().toString('latin1');
}

const isDatabase = (db: Queryable): db is Database => typeof (db as Partial<Database>).transaction === 'function';

/** Readings, their hourly/daily roll-ups and the latest state per container. */
export class ReadingsRepository {
  constructor(private readonly db: Queryable) {}

  /** Writes a batch; rows already stored are skipped. Returns how many were new. */
  async insertBatch(rows: readonly ReadingRow[], strategy: ReadingWriteStrategy = 'copy'): Promise<number> {
    return (await this.write(rows, strategy)).inserted;
  }

  /** insertBatch, telling also whether the batch held rows already stored (then 'staging' suits the next one). */
  async write(rows: readonly ReadingRow[], strategy: ReadingWriteStrategy = 'copy', options: WriteOptions = {}): Promise<InsertOutcome> {
    if (rows.length === 0) return { inserted: 0, hadDuplicates: false };
    const db = this.db;
    if (strategy === 'unnest') {
      const inserted = (await db.query(INSERT_UNNEST, columnLiterals(rows), { name: 'vulgraad_readings_unnest' })).rowCount;
      return { inserted, hadDuplicates: inserted < rows.length };
    }
    // Savepoints and the per-session staging table both need one transaction.
    if (isDatabase(db)) return db.transaction((tx) => new ReadingsRepository(tx).write(rows, strategy));
    // Binary where every value fits its column's binary form (always, for what the ingest makes); else text, which the server then refuses with its own error.
    const binary = binaryCopyFits(rows);
    const data = binary ? readingsAsCopyBinary(rows) : readingsAsCopyBytes(rows);
    const format = binary ? BINARY : '';
    if (strategy === 'copy' && options.firstInTransaction) {
      try {
        await db.copyFrom(COPY_DIRECT + format, data);
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw new ReadingsAlreadyStoredError(rows.length);
        throw error;
      }
      return { inserted: rows.length, hadDuplicates: false };
    }
    if (strategy === 'copy') {
      await db.query('SAVEPOINT readings_copy');
      try {
        await db.copyFrom(COPY_DIRECT + format, data);
        await db.query('RELEASE SAVEPOINT readings_copy');
        return { inserted: rows.length, hadDuplicates: false };
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        await db.query('ROLLBACK TO SAVEPOINT readings_copy');
      }
    }
    await db.query(CREATE_STAGING);
    await db.copyFrom(COPY_STAGING + format, data);
    // The staging table empties at commit: one batch per transaction.
    const inserted = (await db.query(INSERT_FROM_STAGING)).rowCount;
    return { inserted, hadDuplicates: inserted < rows.length || strategy === 'copy' };
  }

  /**
   * write(rows, 'unnest') and upsertStates(states) in one statement, which
   * commits both or neither on its own: for a small batch at a live pace,
   * where the transaction's BEGIN and COMMIT and a second statement cost more
   * round trips than the rows themselves. Not for TimescaleDB's hypertable,
   * whose inserts stay in a statement of their own.
   */
  async writeWithStates(rows: readonly ReadingRow[], states: readonly ContainerState[]): Promise<InsertOutcome> {
    const { rows: result } = await this.db.query<{ inserted: number }>(INSERT_UNNEST_WITH_STATES, [...columnLiterals(rows), ...stateLiterals(states)], {
      name: 'vulgraad_readings_with_states',
    });
    const inserted = result[0]?.inserted ?? 0;
    return { inserted, hadDuplicates: inserted < rows.length };
  }

  /** Replaces the state of each container whose new reading is not older than the stored one (one row per container). */
  async upsertStates(states: readonly ContainerState[]): Promise<void> {
    if (states.length === 0) return;
    // Prepared once per connection: it runs with every batch the ingest writes.
    await this.db.query(UPSERT_STATES, stateLiterals(states), { name: 'vulgraad_upsert_states' });
  }

  async statesOf(containerIds: readonly string[]): Promise<ContainerState[]> {
    if (containerIds.length === 0) return [];
    return (await this.db.query<StateDbRow>(SELECT_STATES, [containerIds])).rows.map(toState);
  }

  async allStates(): Promise<ContainerState[]> {
    return (await this.db.query<StateDbRow>(SELECT_ALL_STATES)).rows.map(toState);
  }

  /** A container's readings in [from, to), newest first. */
  async range(containerId: string, from: Date, to: Date, limit = 10_000): Promise<ReadingRow[]> {
    return (await this.db.query<ReadingDbRow>(SELECT_RANGE, [containerId, from, to, limit])).rows.map(toReading);
  }

  async hourly(containerIds: readonly string[], from: Date, to: Date): Promise<ReadingRollup[]> {
    return (await this.db.query<RollupDbRow>(selectRollupSql('readings_hourly'), [containerIds, from, to])).rows.map(toRollup);
  }

  async daily(containerIds: readonly string[], from: Date, to: Date): Promise<ReadingRollup[]> {
    return (await this.db.query<RollupDbRow>(selectRollupSql('readings_daily'), [containerIds, from, to])).rows.map(toRollup);
  }
}
