import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database';
import { lockDataFolder } from './folder-lock';
import type { PgliteDatabase } from './pglite-database';
import { PostgresDatabase } from './postgres-database';

export interface DatabaseOptions {
  /** PostgreSQL/TimescaleDB URL; null = the embedded PGlite. */
  databaseUrl: string | null;
  /** Folder of the embedded database, or `memory://`. */
  pgliteDataDir?: string;
  poolSize?: number;
  applicationName?: string;
  /** Load TimescaleDB into the embedded database (default true). */
  pgliteTimescale?: boolean;
  onError?: (error: Error) => void;
}

/** The embedded database's wrapper, loaded only without DATABASE_URL: a process on PostgreSQL never loads PGlite. */
function embedded(): typeof import('./pglite-database') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('./pglite-database') as typeof import('./pglite-database');
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite (creating its folder). */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return PostgresDatabase.open({
      url: options.databaseUrl,
      poolSize: options.poolSize,
      applicationName: options.applicationName,
      onError: options.onError,
    });
  }
  const dataDir = options.pgliteDataDir ?? 'memory://';
  if (dataDir.includes('://')) return embedded().PgliteDatabase.open({ dataDir, timescale: options.pgliteTimescale });
  mkdirSync(path.resolve(dataDir), { recursive: true });
  // One process at a time: two PGlite instances on one folder lose writes or leave it unreadable.
  const lock = lockDataFolder(dataDir);
  let db: PgliteDatabase;
  try {
    db = await embedded().PgliteDatabase.open({ dataDir, timescale: options.pgliteTimescale });
  } catch (error) {
    lock.release();
    throw error;
  }
  const close = db.close.bind(db);
  db.close = async () => {
    try {
      await close();
    } finally {
      lock.release();
    }
  };
  return db;
}
