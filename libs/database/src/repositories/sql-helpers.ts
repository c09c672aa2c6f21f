/**
 * `($1, $2), ($3, $4)` for rows of width columns, with optional casts per
 * column, so a batch is one statement with parameters (never concatenated values).
 */
export function valuesList(rowCount: number, width: number, casts: readonly (string | null)[] = []): string {
  const rows: string[] = [];
  let n = 1;
  for (let r = 0; r < rowCount; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      const cast = casts[c];
      cells.push(cast ? `$${n}::${cast}` : `$${n}`);
      n++;
    }
    rows.push(`(${cells.join(', ')})`);
  }
  return rows.join(', ');
}

/** Splits rows into chunks that stay under PostgreSQL's 65,535 parameters per statement. */
export function chunksFor<T>(rows: readonly T[], width: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / width));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Date from a driver value (PGlite and node-postgres both give Date for timestamptz). */
export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
export const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));
