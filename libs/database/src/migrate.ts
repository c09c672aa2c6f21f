import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database, Queryable } from './database';

/** The repository's own migrations folder. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'migrations');

/** Oldest server the schema runs on: UNIQUE NULLS NOT DISTINCT needs PostgreSQL 15. */
export const MIN_SERVER_VERSION_NUM = 150000;

/** Any number that no other part of the system uses as an advisory lock key. */
const MIGRATION_LOCK_KEY = 7_391_004_211;

export type ReadingsVariant = 'timescale' | 'plain';
export type TimescaleMode = 'auto' | 'on' | 'off';

export type MigrationErrorCode = 'server_too_old' | 'bad_migration_files' | 'timescale_unavailable' | 'migration_failed';

/** Why the schema could not be brought up to date. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** One numbered step: a common file, or one file per readings variant. */
export interface MigrationStep {
  version: number;
  name: string;
  files: { common?: string; timescale?: string; plain?: string };
}

export interface MigrateOptions {
  dir?: string;
  /** auto: TimescaleDB when the extension can be created; on: required; off: plain PostgreSQL. */
  timescale?: TimescaleMode;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface MigrateResult {
  variant: ReadingsVariant;
  serverVersionNum: number;
  applied: Array<{ version: number; name: string; file: string }>;
  /** Applied files whose content changed since (forward-only: write a new migration instead). */
  changed: string[];
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)(?:\.(timescale|plain))?\.sql$/;

/** Reads and checks the migration files: numbered, one name per number, both variants or none. */
export function readMigrationSteps(dir: string = MIGRATIONS_DIR): MigrationStep[] {
  const problems: string[] = [];
  const steps = new Map<number, MigrationStep>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      problems.push(`${file}: expected NNNN_name.sql or NNNN_name.{timescale,plain}.sql`);
      continue;
    }
    const version = Number(match[1]);
    const name = match[2] as string;
    const variant = (match[3] as 'timescale' | 'plain' | undefined) ?? 'common';
    const step = steps.get(version) ?? { version, name, files: {} };
    if (step.name !== name) problems.push(`${file}: version ${version} is already named ${step.name}`);
    if (step.files[variant]) problems.push(`${file}: version ${version} has two ${variant} files`);
    step.files[variant] = file;
    steps.set(version, step);
  }
  for (const step of steps.values()) {
    const { common, timescale, plain } = step.files;
    if (common && (timescale || plain)) problems.push(`${common}: a version has either one common file or two variant files`);
    if (!common && (!timescale || !plain)) problems.push(`version ${step.version} (${step.name}): needs both .timescale.sql and .plain.sql`);
  }
  if (problems.length > 0) throw new MigrationError('bad_migration_files', `Bad migration files in ${dir}:\n  ${problems.join('\n  ')}`);
  return [...steps.values()].sort((a, b) => a.version - b.version);
}

const checksum = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Brings the schema up to date: checks the server version, decides once
 * whether readings live in TimescaleDB or plain PostgreSQL (recorded, so the
 * choice never flips), then applies every step not yet recorded, in order,
 * each in its own transaction under an advisory lock so that replicas
 * starting together apply each step exactly once.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const log = options.log ?? (() => undefined);
  const steps = readMigrationSteps(dir);

  const serverVersionNum = Number((await db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v);
  if (!(serverVersionNum >= MIN_SERVER_VERSION_NUM)) {
    throw new MigrationError('server_too_old', `PostgreSQL ${serverVersionNum} is too old; the schema needs ${MIN_SERVER_VERSION_NUM} or newer`);
  }

  const variant = await chooseVariant(db, options.timescale ?? 'auto', log);
  await db.detectCapabilities();

  const applied: MigrateResult['applied'] = [];
  const changed: string[] = [];
  for (const step of steps) {
    const file = step.files.common ?? step.files[variant];
    if (!file) continue;
    const sql = readFileSync(path.join(dir, file), 'utf8');
    const sum = checksum(sql);
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [step.version]);
      if (done.rows.length > 0) {
        if (done.rows[0]?.checksum !== sum) changed.push(file);
        return false;
      }
      const started = Date.now();
      try {
        await tx.exec(sql);
      } catch (error) {
        throw new MigrationError('migration_failed', `${file}: ${(error as Error).message}`, error);
      }
      await tx.query(
        'INSERT INTO schema_migrations (version, name, file, checksum, duration_ms) VALUES ($1, $2, $3, $4, $5)',
        [step.version, step.name, file, sum, Date.now() - started],
      );
      return true;
    });
    if (ran) {
      applied.push({ version: step.version, name: step.name, file });
      log('migration applied', { file });
    }
  }
  for (const file of changed) log('applied migration file changed since it ran; write a new migration instead', { file });
  await db.detectCapabilities();
  return { variant, serverVersionNum, applied, changed };
}

async function lock(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
}

async function chooseVariant(db: Database, mode: TimescaleMode, log: NonNullable<MigrateOptions['log']>): Promise<ReadingsVariant> {
  const decided = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        file        text NOT NULL,
        checksum    text NOT NULL,
        duration_ms integer NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE IF NOT EXISTS schema_meta (key text PRIMARY KEY, value text NOT NULL);
    `);
    const recorded = await tx.query<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'readings_variant'");
    return recorded.rows[0]?.value as ReadingsVariant | undefined;
  });
  if (decided) {
    if (decided === 'timescale') await ensureTimescale(db, true);
    return decided;
  }

  let variant: ReadingsVariant = 'plain';
  if (mode !== 'off') {
    const available = await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
    if (available.rows.length > 0) {
      variant = (await ensureTimescale(db, mode === 'on')) ? 'timescale' : 'plain';
    } else if (mode === 'on') {
      throw new MigrationError('timescale_unavailable', 'TimescaleDB was required but the server does not offer the timescaledb extension');
    }
  }
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.query("INSERT INTO schema_meta (key, value) VALUES ('readings_variant', $1) ON CONFLICT (key) DO NOTHING", [variant]);
  });
  const final = (await db.query<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'readings_variant'")).rows[0]?.value;
  log('readings storage chosen', { variant: final });
  return final as ReadingsVariant;
}

/** Creates the extension when missing; false (or an error when required) when the server refuses. */
async function ensureTimescale(db: Database, required: boolean): Promise<boolean> {
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
    return true;
  } catch (error) {
    if (required) {
      throw new MigrationError('timescale_unavailable', `TimescaleDB could not be enabled: ${(error as Error).message}`, error);
    }
    return false;
  }
}
