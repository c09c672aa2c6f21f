import { bool, int, oneOf } from './env';

/** How the services use the database (its URL and the embedded folder are in core). */
export const databaseSpec = {
  poolSize: int('DB_POOL_SIZE', 10, 'Connections per process to PostgreSQL', 1, 200),
  timescale: oneOf('DB_TIMESCALE', 'auto', ['auto', 'on', 'off'] as const, 'TimescaleDB for readings: auto = when the server offers it, on = required, off = plain PostgreSQL'),
  migrateOnStart: bool('DB_MIGRATE_ON_START', true, 'Apply pending migrations when a service starts (under an advisory lock)'),
  rejectedRetentionDays: int('DB_REJECTED_RETENTION_DAYS', 30, 'Days a rejected message is kept in rejected_messages; older ones are removed by the maintenance run (DB_MAINTENANCE_INTERVAL_S)', 1, 3650),
  positionRetentionDays: int('DB_POSITION_RETENTION_DAYS', 90, 'Days a truck\'s position and lift (vehicle_positions, vehicle_lifts) is kept; older ones are removed by the maintenance run', 1, 3650),
  maintenanceIntervalS: int('DB_MAINTENANCE_INTERVAL_S', 600, 'Seconds between readings maintenance runs: partitions, retention, embedded TimescaleDB jobs, old rejected messages (0 = off)', 0, 86400),
};
