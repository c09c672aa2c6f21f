import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database';
import { PgliteDatabase } from './pglite-database';
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
  if (!dataDir.includes('://')) mkdirSync(path.resolve(dataDir), { recursive: true });
  return PgliteDatabase.open({ dataDir, timescale: options.pgliteTimescale });
}
