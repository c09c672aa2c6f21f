import { createScratchDatabase, migrate, readMigrationSteps, ReadingsAlreadyStoredError, ReadingsMaintenance, ReadingsRepository, type ReadingRow, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';
import { seedContainer, rollupCases, rollupReadings } from './fixtures';

// The plain path: the machine's PostgreSQL 15 has no TimescaleDB, so readings
// are monthly range partitions and the roll-ups are views.
describe('schema on plain PostgreSQL', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'schema_plain' });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('records every migration step once and chooses the plain variant', async () => {
    const { db } = scratch;
    expect(db.hasTimescale).toBe(false);
    const steps = readMigrationSteps();
    const recorded = await db.query<{ version: number; file: string }>('SELECT version, file FROM schema_migrations ORDER BY version');
    expect(recorded.rows.map((r) => r.version)).toEqual(steps.map((s) => s.version));
    expect(recorded.rows.find((r) => r.version === 2)?.file).toBe('0002_readings.plain.sql');

    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.variant).toBe('plain');
  });

  it('applies each step exactly once when several processes migrate at the same time', async () => {
    const fresh = await createScratchDatabase(testPostgresUrl(), { prefix: 'schema_race', migrate: false, poolSize: 8 });
    try {
      const results = await Promise.all([migrate(fresh.db), migrate(fresh.db), migrate(fresh.db)]);
      const appliedCount = results.reduce((n, r) => n + r.applied.length, 0);
      expect(appliedCount).toBe(readMigrationSteps().length);
      const { rows } = await fresh.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(readMigrationSteps().length);
    } finally {
      await fresh.drop();
    }
  });

  it('partitions readings by month, keeps a default partition, and moves rows when a month is created', async () => {
    const { db } = scratch;
    const container = await seedContainer(db, 'part');
    const readings = new ReadingsRepository(db);
    const farFuture = new Date('2031-06-15T12:00:00Z');
    const row: ReadingRow = rollupReadings(container.containerId, container.deviceId, [[farFuture, 40]])[0] as ReadingRow;
    expect(await readings.insertBatch([row])).toBe(1);
    const before = await db.query<{ part: string }>("SELECT tableoid::regclass::text AS part FROM readings WHERE measured_at = $1", [farFuture]);
    expect(before.rows[0]?.part).toBe('readings_default');

    const maintenance = new ReadingsMaintenance(db, { now: () => new Date('2031-06-01T00:00:00Z') });
    const report = await maintenance.runOnce();
    expect(report.partitionsCreated).toBeGreaterThan(0);
    const after = await db.query<{ part: string }>("SELECT tableoid::regclass::text AS part FROM readings WHERE measured_at = $1", [farFuture]);
    expect(after.rows[0]?.part).toBe('readings_2031_06');
    expect(await readings.insertBatch([row])).toBe(0);

    const retention = await new ReadingsMaintenance(db, { now: () => new Date('2034-01-01T00:00:00Z'), retentionDays: 365 }).runOnce();
    expect(retention.partitionsDropped).toBeGreaterThan(0);
    const gone = await db.query('SELECT 1 FROM readings WHERE measured_at = $1', [farFuture]);
    expect(gone.rows).toHaveLength(0);
  });

  it.each(['copy', 'unnest'] as const)('absorbs a repeated reading with the unique key (%s)', async (strategy) => {
    const { db } = scratch;
    const container = await seedContainer(db, `dup_${strategy}`);
    const readings = new ReadingsRepository(db);
    const at = new Date('2026-03-02T10:00:00Z');
    const rows = rollupReadings(container.containerId, container.deviceId, [[at, 10], [at, 10]]);
    const withSeq = rows.map((r, i) => ({ ...r, seq: i === 0 ? 7 : 7 }));
    const withoutSeq = rows.map((r) => ({ ...r, seq: null, measuredAt: new Date(at.getTime() + 60_000) }));
    const newer = { ...rows[0]!, seq: 8, flags: ['stuck_value'], alarms: ['tab\there', 'new\nline'] };
    const inserted = await db.transaction((tx) => new ReadingsRepository(tx).insertBatch([...withSeq, ...withoutSeq, newer], strategy));
    expect(inserted).toBe(3);
    expect(await readings.insertBatch([...withSeq, ...withoutSeq, newer], strategy)).toBe(0);
    const stored = await readings.range(container.containerId, new Date(0), new Date('2100-01-01'));
    expect(stored).toHaveLength(3);
    expect(stored.find((r) => r.seq === 8)?.alarms).toEqual(['tab\there', 'new\nline']);
  });

  it('ends the transaction with ReadingsAlreadyStoredError when a COPY first in it meets a stored reading, and the staging way then stores the rest', async () => {
    const { db } = scratch;
    const container = await seedContainer(db, 'dup_first');
    const at = new Date('2026-03-03T10:00:00Z');
    const [stored, fresh] = rollupReadings(container.containerId, container.deviceId, [[at, 10], [new Date(at.getTime() + 60_000), 20]]).map((r, i) => ({ ...r, seq: i }));
    const first = await db.transaction((tx) => new ReadingsRepository(tx).write([stored!], 'copy', { firstInTransaction: true }));
    expect(first).toEqual({ inserted: 1, hadDuplicates: false });

    const copied = db.transaction((tx) => new ReadingsRepository(tx).write([stored!, fresh!], 'copy', { firstInTransaction: true }));
    await expect(copied).rejects.toBeInstanceOf(ReadingsAlreadyStoredError);
    const again = await db.transaction((tx) => new ReadingsRepository(tx).write([stored!, fresh!], 'staging', { firstInTransaction: true }));
    expect(again).toEqual({ inserted: 1, hadDuplicates: true });
    expect(await new ReadingsRepository(db).range(container.containerId, new Date(0), new Date('2100-01-01'))).toHaveLength(2);
  });

  it('writes a small batch and its states in one statement: readings, duplicates absorbed, and a state only where it is not older', async () => {
    const { db } = scratch;
    const container = await seedContainer(db, 'one_statement');
    const at = new Date('2026-03-04T10:00:00Z');
    const [first, second] = rollupReadings(container.containerId, container.deviceId, [[at, 10], [new Date(at.getTime() + 60_000), 20]]).map((r, i) => ({ ...r, seq: i }));
    const state = (reading: ReadingRow) => ({
      containerId: reading.containerId, deviceId: reading.deviceId, measuredAt: reading.measuredAt, fillPct: reading.fillPct, distanceMm: null,
      temperatureC: null, batteryPct: null, flags: [], unchangedSince: null, unchangedCount: 0,
    });
    const readings = new ReadingsRepository(db);
    expect(await readings.writeWithStates([first!, second!], [state(second!)])).toEqual({ inserted: 2, hadDuplicates: false });
    // Again, and with an older state: the readings are absorbed, the newer state stays.
    expect(await readings.writeWithStates([first!, second!], [state(first!)])).toEqual({ inserted: 0, hadDuplicates: true });
    expect(await readings.range(container.containerId, new Date(0), new Date('2100-01-01'))).toHaveLength(2);
    const [stored] = await readings.statesOf([container.containerId]);
    expect(stored?.measuredAt).toEqual(second!.measuredAt);
    expect(stored?.fillPct).toBe(20);
    // A refused row refuses the statement whole: neither the reading nor the state is written.
    const third = { ...second!, seq: 2, measuredAt: new Date(at.getTime() + 120_000), fillPct: 30 };
    await expect(readings.writeWithStates([third, { ...third, seq: 3, format: null as unknown as string }], [state(third)])).rejects.toMatchObject({ code: '23502' });
    expect(await readings.range(container.containerId, new Date(0), new Date('2100-01-01'))).toHaveLength(2);
    expect((await readings.statesOf([container.containerId]))[0]?.fillPct).toBe(20);
  });

  it('answers the hourly and daily roll-up queries', async () => {
    const { db } = scratch;
    const container = await seedContainer(db, 'rollup');
    await new ReadingsRepository(db).insertBatch(rollupReadings(container.containerId, container.deviceId, rollupCases.points));
    const readings = new ReadingsRepository(db);
    const hourly = await readings.hourly([container.containerId], rollupCases.from, rollupCases.to);
    const daily = await readings.daily([container.containerId], rollupCases.from, rollupCases.to);
    expect(hourly.map(({ containerId: _c, ...rest }) => rest)).toEqual(rollupCases.expectedHourly);
    expect(daily.map(({ containerId: _c, ...rest }) => rest)).toEqual(rollupCases.expectedDaily);
  });
});
