import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, migrate, readMigrationSteps, ReadingsMaintenance, ReadingsRepository, type Database } from '@vulgraad/database';
import { rollupCases, rollupReadings, seedContainer } from './fixtures';

// The TimescaleDB path, on the embedded PGlite build that carries the real
// TimescaleDB extension (the machine's PostgreSQL 15 has none).
describe('schema on TimescaleDB (embedded PGlite)', () => {
  let db: Database;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-pglite-'));

  beforeAll(async () => {
    db = await createDatabase({ databaseUrl: null, pgliteDataDir: dataDir });
    const result = await migrate(db);
    expect(result.variant).toBe('timescale');
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes readings a compressed hypertable with retention and real-time roll-ups', async () => {
    expect(db.hasTimescale).toBe(true);
    const hypertables = await db.query<{ hypertable_name: string; compression_enabled: boolean }>(
      'SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables',
    );
    // Truck positions are a hypertable too, uncompressed: the maintenance run drops their old chunks.
    expect([...hypertables.rows].sort((a, b) => a.hypertable_name.localeCompare(b.hypertable_name))).toEqual([
      { hypertable_name: 'readings', compression_enabled: true },
      { hypertable_name: 'vehicle_positions', compression_enabled: false },
    ]);

    const jobs = await db.query<{ proc_name: string; hypertable_name: string; config: Record<string, unknown> }>(
      `SELECT proc_name, hypertable_name, config FROM timescaledb_information.jobs
       WHERE proc_name IN ('policy_compression', 'policy_retention') ORDER BY proc_name`,
    );
    expect(jobs.rows.map((j) => [j.proc_name, j.hypertable_name])).toEqual([
      ['policy_compression', 'readings'],
      ['policy_retention', 'readings'],
    ]);
    expect(jobs.rows[0]?.config.compress_after).toBe('14 days');
    expect(jobs.rows[1]?.config.drop_after).toBe('730 days');

    const aggregates = await db.query<{ view_name: string; materialized_only: boolean }>(
      'SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates ORDER BY view_name',
    );
    expect(aggregates.rows).toEqual([
      { view_name: 'readings_daily', materialized_only: false },
      { view_name: 'readings_hourly', materialized_only: false },
    ]);
    const recorded = await db.query<{ file: string }>('SELECT file FROM schema_migrations ORDER BY version');
    expect(recorded.rows).toHaveLength(readMigrationSteps().length);
    expect(recorded.rows.map((r) => r.file)).toContain('0003_reading_rollups.timescale.sql');
  });

  it('gives the same roll-up answers before and after materialisation, and after compression', async () => {
    const container = await seedContainer(db, 'rollup');
    const readings = new ReadingsRepository(db);
    const rows = rollupReadings(container.containerId, container.deviceId, rollupCases.points);
    expect(await readings.insertBatch(rows, 'copy')).toBe(rows.length);
    const strip = <T extends { containerId: string }>(list: T[]) => list.map(({ containerId: _c, ...rest }) => rest);

    expect(strip(await readings.hourly([container.containerId], rollupCases.from, rollupCases.to))).toEqual(rollupCases.expectedHourly);
    expect(strip(await readings.daily([container.containerId], rollupCases.from, rollupCases.to))).toEqual(rollupCases.expectedDaily);

    await db.exec(`CALL refresh_continuous_aggregate('readings_hourly', '2026-03-01', '2026-03-03')`);
    await db.exec(`CALL refresh_continuous_aggregate('readings_daily', '2026-03-01', '2026-03-03')`);
    const targets = await db.query<{ view_name: string; schema: string; name: string }>(
      `SELECT view_name, materialization_hypertable_schema AS schema, materialization_hypertable_name AS name
       FROM timescaledb_information.continuous_aggregates ORDER BY view_name`,
    );
    const materialisedRows = await Promise.all(
      targets.rows.map(async (t) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.schema}"."${t.name}"`)).rows[0]?.n),
    );
    expect(materialisedRows).toEqual([rollupCases.expectedDaily.length, rollupCases.expectedHourly.length]);
    expect(strip(await readings.hourly([container.containerId], rollupCases.from, rollupCases.to))).toEqual(rollupCases.expectedHourly);
    expect(strip(await readings.daily([container.containerId], rollupCases.from, rollupCases.to))).toEqual(rollupCases.expectedDaily);

    await db.query(`SELECT compress_chunk(c) FROM show_chunks('readings') c`);
    const compressed = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed`,
    );
    expect(compressed.rows[0]?.n).toBeGreaterThan(0);
    // Redelivery of a reading that now sits in a compressed chunk is still absorbed.
    expect(await readings.insertBatch(rows.slice(0, 2), 'unnest')).toBe(0);
    expect(strip(await readings.daily([container.containerId], rollupCases.from, rollupCases.to))).toEqual(rollupCases.expectedDaily);
  });

  it('runs the policy jobs itself, since PGlite has no background scheduler', async () => {
    const report = await new ReadingsMaintenance(db).runOnce();
    expect(report.jobsRun.length).toBe(4);
    const again = await new ReadingsMaintenance(db).runOnce();
    expect(again.jobsRun.length).toBe(4);
  });

  it('reads its data back after the data directory is reopened', async () => {
    const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    expect(before.rows[0]?.n).toBeGreaterThan(0);
    await db.close();
    db = await createDatabase({ databaseUrl: null, pgliteDataDir: dataDir });
    expect(db.hasTimescale).toBe(true);
    expect((await migrate(db)).applied).toEqual([]);
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
