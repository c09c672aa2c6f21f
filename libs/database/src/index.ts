export * from './database';
export { PostgresDatabase, type PostgresDatabaseOptions } from './postgres-database';
// The embedded database is opened through createDatabase, which loads it only when there is no DATABASE_URL.
export type { PgliteDatabase, PgliteDatabaseOptions } from './pglite-database';
export { createDatabase, type DatabaseOptions } from './create-database';
export * from './migrate';
export * from './maintenance';
export { createScratchDatabase, type ScratchDatabase } from './scratch-database';
export * from './repositories';
export { FolderInUseError } from './folder-lock';
