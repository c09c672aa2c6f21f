import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from './database';
import { migrate, type TimescaleMode } from './migrate';
import { PostgresDatabase } from './postgres-database';

/** A database that exists for one test file or benchmark run only. */
export interface ScratchDatabase {
  name: string;
  url: string;
  db: Database;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, uniquely named database on the server of adminUrl (which
 * must allow CREATE DATABASE), migrated unless told otherwise, so parallel
 * test runs never see each other's rows.
 */
export async function createScratchDatabase(
  adminUrl: string,
  options: { prefix?: string; migrate?: boolean; timescale?: TimescaleMode; poolSize?: number } = {},
): Promise<ScratchDatabase> {
  const prefix = (options.prefix ?? 'test').toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `vg_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await PostgresDatabase.open({ url: url.toString(), poolSize: options.poolSize ?? 5 });
  try {
    if (options.migrate ?? true) await migrate(db, { timescale: options.timescale ?? 'auto' });
  } catch (error) {
    await db.close();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  return {
    name,
    url: url.toString(),
    db,
    drop: async () => {
      await db.close().catch(() => undefined);
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
