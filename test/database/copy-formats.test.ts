import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  binaryCopyFits, createDatabase, createScratchDatabase, type Database, migrate, READING_COLUMNS, readingsAsCopyBinary, readingsAsCopyBytes, type ReadingRow,
} from '@vulgraad/database';
import fc from 'fast-check';
import { testPostgresUrl } from '../support/services';

// The ingest writes readings in COPY's binary format; the text format stays
// for rows whose values the binary one cannot carry. Both must store the same
// rows: written each way into a table of its own, on plain PostgreSQL and on
// the embedded PGlite, and compared by the server column by column.
const COLUMNS = READING_COLUMNS.join(', ');
const text = fc.oneof(
  fc.string().filter((s) => !s.includes('\u0000')),
  fc.constantFrom('c\t1', 'd\\1', 'line\nbreak\r', 'ümlaut €', '\\N', '{"a"}', '3f1c2a9e-0000-4000-8000-000000000001', ''),
);
const time = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).map((ms) => new Date(ms));
const float = fc.oneof(fc.constant(null), fc.double(), fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.constantFrom(-0, 5e-324, 1e300, Number.NaN, -Infinity));
const int4 = fc.oneof(fc.constant(null), fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }));
const int8 = fc.oneof(fc.constant(null), fc.maxSafeInteger(), fc.constantFrom(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, -1, 0, 4_294_967_296));
const row: fc.Arbitrary<ReadingRow> = fc.record({
  containerId: text, deviceId: text, measuredAt: time, receivedAt: time,
  fillPct: float, distanceMm: int4, levelMm: int4, temperatureC: float, batteryPct: float, batteryV: float, rssiDbm: float, snrDb: float,
  seq: int8, tiltDeg: float, flags: fc.array(text, { maxLength: 3 }), alarms: fc.array(text, { maxLength: 3 }),
  format: text, correlationId: fc.oneof(fc.constant(null), text),
});

async function storesTheSame(db: Database, rows: ReadingRow[]): Promise<void> {
  expect(binaryCopyFits(rows)).toBe(true);
  await db.transaction(async (tx) => {
    await tx.query('CREATE TEMP TABLE as_text (LIKE readings) ON COMMIT DROP');
    await tx.query('CREATE TEMP TABLE as_binary (LIKE readings) ON COMMIT DROP');
    await tx.copyFrom(`COPY as_text (${COLUMNS}) FROM STDIN`, readingsAsCopyBytes(rows));
    await tx.copyFrom(`COPY as_binary (${COLUMNS}) FROM STDIN (FORMAT binary)`, readingsAsCopyBinary(rows));
    const differ = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ((SELECT ${COLUMNS} FROM as_text EXCEPT ALL SELECT ${COLUMNS} FROM as_binary)
         UNION ALL (SELECT ${COLUMNS} FROM as_binary EXCEPT ALL SELECT ${COLUMNS} FROM as_text)) d`,
    );
    const counted = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM as_binary');
    expect(counted.rows[0]?.n).toBe(rows.length);
    expect(differ.rows[0]?.n).toBe(0);
  });
}

describe('readings in COPY binary and text format', () => {
  it('stores the same rows either way on PostgreSQL', async () => {
    const scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'copy_formats' });
    try {
      await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 20 }), (rows) => storesTheSame(scratch.db, rows)), { numRuns: 60 });
    } finally {
      await scratch.drop();
    }
  });

  it('stores the same rows either way on PGlite', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-pglite-'));
    const db = await createDatabase({ databaseUrl: null, pgliteDataDir: dataDir });
    try {
      await migrate(db);
      await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 20 }), (rows) => storesTheSame(db, rows)), { numRuns: 8 });
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves to the text format what the binary one cannot carry', () => {
    const sample = fc.sample(row, 1)[0] as ReadingRow;
    expect(binaryCopyFits([{ ...sample, distanceMm: 1.5 }])).toBe(false);
    expect(binaryCopyFits([{ ...sample, levelMm: 2 ** 31 }])).toBe(false);
    expect(binaryCopyFits([{ ...sample, seq: 2 ** 60 }])).toBe(false);
    expect(binaryCopyFits([{ ...sample, flags: [null as unknown as string] }])).toBe(false);
    expect(binaryCopyFits([{ ...sample, measuredAt: new Date(Number.NaN) }])).toBe(false);
  });
});
