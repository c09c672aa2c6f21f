import type { Database } from './database';
import { RejectedMessagesRepository } from './repositories/rejected-messages.repository';
import { VehiclePositionsRepository } from './repositories/vehicle-positions.repository';

/** How long raw readings are kept; the TimescaleDB retention policy in migration 0002 says the same. */
export const READINGS_RETENTION_DAYS = 730;
/** How long a rejected message is kept unless configured (DB_REJECTED_RETENTION_DAYS). */
export const REJECTED_RETENTION_DAYS = 30;
/** How long trucks' positions and lifts are kept unless configured (DB_POSITION_RETENTION_DAYS). */
export const POSITION_RETENTION_DAYS = 90;

const MAINTENANCE_LOCK_KEY = 7_391_004_212;
const POLICY_PROCS = ['policy_refresh_continuous_aggregate', 'policy_compression', 'policy_retention'];

export interface MaintenanceReport {
  /** Rejected messages older than the retention removed. */
  rejectedDeleted: number;
  /** Truck positions and lifts older than their retention removed (rows; dropped TimescaleDB chunks are not counted). */
  positionsDeleted: number;
  partitionsCreated: number;
  partitionsDropped: number;
  jobsRun: number[];
}

/**
 * Keeps the readings store healthy where nothing else does. Rejected
 * messages older than `rejectedRetentionDays` are removed on every kind of
 * database (a flood of bad messages must not fill the disk). Plain
 * PostgreSQL: monthly partitions created ahead and dropped after the
 * retention period. Embedded PGlite with TimescaleDB: its policy jobs have no
 * background scheduler, so they are run here when due. A PostgreSQL server
 * with TimescaleDB runs its own jobs and needs nothing.
 */
export class ReadingsMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly lastRunAt = new Map<number, number>();

  constructor(
    private readonly db: Database,
    private readonly options: {
      retentionDays?: number;
      /** Days a rejected message is kept (default 30). */
      rejectedRetentionDays?: number;
      /** Days a truck's position or lift is kept (default 90). */
      positionRetentionDays?: number;
      monthsAhead?: number;
      now?: () => Date;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  async runOnce(): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { rejectedDeleted: 0, positionsDeleted: 0, partitionsCreated: 0, partitionsDropped: 0, jobsRun: [] };
    const now = this.options.now?.() ?? new Date();
    const rejectedCutoff = new Date(now.getTime() - (this.options.rejectedRetentionDays ?? REJECTED_RETENTION_DAYS) * 86_400_000);
    report.rejectedDeleted = await new RejectedMessagesRepository(this.db).deleteOlderThan(rejectedCutoff);
    const positionCutoff = new Date(now.getTime() - (this.options.positionRetentionDays ?? POSITION_RETENTION_DAYS) * 86_400_000);
    report.positionsDeleted = await new VehiclePositionsRepository(this.db).deleteOlderThan(positionCutoff, { timescale: this.db.hasTimescale });
    if (!this.db.hasTimescale) {
      const retentionDays = this.options.retentionDays ?? READINGS_RETENTION_DAYS;
      const monthsAhead = this.options.monthsAhead ?? 3;
      const from = new Date(now.getTime() - 31 * 86_400_000);
      const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead + 1, 1));
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK_KEY]);
        const created = await tx.query<{ n: number }>('SELECT vulgraad_ensure_reading_partitions($1, $2) AS n', [from, to]);
        const dropped = await tx.query<{ n: number }>('SELECT vulgraad_drop_reading_partitions($1) AS n', [
          new Date(now.getTime() - retentionDays * 86_400_000),
        ]);
        report.partitionsCreated = created.rows[0]?.n ?? 0;
        report.partitionsDropped = dropped.rows[0]?.n ?? 0;
      });
      return report;
    }
    if (this.db.kind !== 'pglite') return report;
    const jobs = await this.db.query<{ job_id: number; every_s: number }>(
      `SELECT job_id, extract(epoch FROM schedule_interval)::float8 AS every_s
       FROM timescaledb_information.jobs WHERE proc_name = ANY($1) ORDER BY job_id`,
      [POLICY_PROCS],
    );
    const nowMs = Date.now();
    for (const job of jobs.rows) {
      const last = this.lastRunAt.get(job.job_id);
      if (last !== undefined && nowMs - last < job.every_s * 1000) continue;
      await this.db.exec(`CALL run_job(${Number(job.job_id)})`);
      this.lastRunAt.set(job.job_id, nowMs);
      report.jobsRun.push(job.job_id);
    }
    return report;
  }

  /** Runs now and then every intervalMs; errors go to onError, never out of the timer. */
  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    const tick = (): void => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.running = null;
        });
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
