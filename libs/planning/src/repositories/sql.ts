/** `($1, $2), ($3, $4)` for a batch of rows, with casts per column. */
export function valuesRows(rowCount: number, casts: readonly string[], offset = 0): string {
  const rows: string[] = [];
  let n = offset + 1;
  for (let r = 0; r < rowCount; r++) {
    rows.push(`(${casts.map((cast) => `$${n++}::${cast}`).join(', ')})`);
  }
  return rows.join(', ');
}

/** Rows in chunks that keep a statement under PostgreSQL's parameter limit. */
export function chunked<T>(rows: readonly T[], width: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / width));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export const isoOf = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();
export const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : isoOf(value));
/** A `date` column as YYYY-MM-DD whatever the driver returns (node-postgres gives a local-midnight Date). */
export const dateOf = (value: unknown): string => {
  if (value instanceof Date) {
    const y = value.getFullYear();
    const m = String(value.getMonth() + 1).padStart(2, '0');
    const d = String(value.getDate()).padStart(2, '0');
    return `${y}-${m}-${d}`;
  }
  return String(value).slice(0, 10);
};
