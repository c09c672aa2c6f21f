/** Rows and the number of rows a statement touched (inserted, updated, deleted or returned). */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** How a statement runs. */
export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name and runs it
   * from then on without parsing and planning it again (PostgreSQL; PGlite
   * ignores it): for a statement run many times a second, the same SQL under
   * the same name every time.
   */
  name?: string;
}

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /**
   * Streams rows in PostgreSQL's COPY text format (tab-separated, `\N` for
   * null, one row a line) into `COPY <table> (<columns>) FROM STDIN`; as a
   * string or as its UTF-8 bytes.
   */
  copyFrom(copySql: string, data: string | Uint8Array): Promise<void>;
  /** Runs a script of several statements without parameters (migrations, maintenance). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * The one way every app and test talks to the database, PostgreSQL through a
 * pool or the embedded PGlite. Values come back in the same JavaScript types
 * on both: timestamptz as Date, bigint and numeric as number, bytea as
 * Uint8Array (a Buffer on PostgreSQL), arrays as arrays.
 */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** The timescaledb extension is installed in this database (readings is a hypertable). */
  readonly hasTimescale: boolean;
  /**
   * Runs fn in one transaction on one connection: commit when it resolves,
   * rollback when it throws. Inside fn use tx only; calling the database
   * itself from inside waits for the transaction to end (PGlite serialises).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Re-reads which extensions are installed (the migration runner may have added one). */
  detectCapabilities(): Promise<void>;
  close(): Promise<void>;
}

/** Turns a JavaScript value into one field of COPY text format. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeCopy(toArrayLiteral(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '\\N';
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return escapeCopy(String(value));
}

/** One COPY text line (with its newline) from the fields of a row. */
export function copyLine(fields: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(fields[i]);
  }
  return line + '\n';
}

function escapeCopy(text: string): string {
  // Backslash, tab, newline and carriage return are the only characters COPY text format treats specially.
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const ARRAY_SPECIAL = /[\\"]/;

/** A PostgreSQL array literal ({"a","b"}) of strings or numbers; elements are always quoted. */
export function toArrayLiteral(values: readonly unknown[]): string {
  // Built in one pass, escaping only the elements that need it: the ingest writes one per state column per batch.
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) literal += ',';
    if (v === null || v === undefined) {
      literal += 'NULL';
      continue;
    }
    const text = String(v);
    literal += ARRAY_SPECIAL.test(text) ? `"${text.replace(/[\\"]/g, (c) => '\\' + c)}"` : `"${text}"`;
  }
  return literal + '}';
}
