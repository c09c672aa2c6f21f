import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { Database, Queryable, QueryOptions, QueryResult } from './database';

/** PostgreSQL type oids whose default text parsing (strings) differs from PGlite's (numbers). */
const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;
const TEXT_ARRAY = 1009;

type TextParser = (value: string) => unknown;
const builtinParser = (oid: number, format: 'text' | 'binary'): TextParser =>
  (pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => TextParser)(oid, format);

/** Parsers that make node-postgres return the same types as PGlite (numbers, not strings). */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text') => {
    if (format === 'text') {
      if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
      if (oid === INT8_ARRAY || oid === NUMERIC_ARRAY) {
        const parseTextArray = builtinParser(TEXT_ARRAY, 'text') as (value: string) => Array<string | null>;
        return (value: string) => parseTextArray(value).map((item) => (item === null ? null : Number(item)));
      }
    }
    return builtinParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresDatabaseOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  applicationName?: string;
  /** Called for errors of idle connections, which would otherwise crash the process. */
  onError?: (error: Error) => void;
}

class PgQueryable implements Queryable {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
    const result = options?.name ? await this.client.query({ name: options.name, text: sql, values: params }) : await this.client.query(sql, params);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }

  async copyFrom(copySql: string, data: string | Uint8Array): Promise<void> {
    if (this.client instanceof pg.Pool) {
      const { client, release } = await checkOut(this.client);
      try {
        await copyInto(client, copySql, data);
      } finally {
        release();
      }
      return;
    }
    await copyInto(this.client, copySql, data);
  }
}

/**
 * A connection out of the pool. While checked out it has no error listener of
 * the pool's, so a connection the server ends between two queries (a
 * restart, `pg_terminate_backend`, shutdown) would raise an unhandled 'error'
 * and end the process. The listener here keeps it in: the next query on it
 * fails on its own, and the connection is destroyed instead of going back.
 */
async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(destroy?: boolean): void }> {
  const client = await pool.connect();
  let failed = false;
  const onError = (): void => {
    failed = true;
  };
  client.on('error', onError);
  return {
    client,
    release: (destroy = false) => {
      client.off('error', onError);
      client.release(destroy || failed);
    },
  };
}

async function copyInto(client: pg.PoolClient, copySql: string, data: string | Uint8Array): Promise<void> {
  const stream = client.query(copyFromStdin(copySql));
  await pipeline(Readable.from([typeof data === 'string' ? Buffer.from(data, 'utf8') : data]), stream);
}

/** PostgreSQL (with or without TimescaleDB) through a node-postgres pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly root: PgQueryable;
  private timescale = false;

  private constructor(options: PostgresDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'vulgraad',
      types: typeParsers,
    });
    this.pool.on('error', (error) => (options.onError ?? (() => undefined))(error));
    this.root = new PgQueryable(this.pool);
  }

  /** Connects and reads the installed extensions; throws when the server cannot be reached. */
  static async open(options: PostgresDatabaseOptions): Promise<PostgresDatabase> {
    const db = new PostgresDatabase(options);
    try {
      await db.detectCapabilities();
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  }

  get hasTimescale(): boolean {
    return this.timescale;
  }

  async detectCapabilities(): Promise<void> {
    const { rows } = await this.query<{ installed: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed",
    );
    this.timescale = rows[0]?.installed === true;
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.root.query<R>(sql, params, options);
  }

  copyFrom(copySql: string, data: string | Uint8Array): Promise<void> {
    return this.root.copyFrom(copySql, data);
  }

  exec(script: string): Promise<void> {
    return this.root.exec(script);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const { client, release } = await checkOut(this.pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection itself failed; it must not go back into the pool.
        broken = true;
      }
      throw error;
    } finally {
      release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
