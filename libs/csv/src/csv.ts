import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** A CSV text that cannot be read; the message says why and where. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line of the text where the problem was found, when known. */
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * The delimiter a file uses, from its first line: `;` (what spreadsheets
 * write where the decimal separator is a comma, as in the Netherlands) when
 * that line holds more semicolons than commas, `,` otherwise.
 */
export function csvDelimiterOf(text: string): ',' | ';' {
  const end = text.search(/\r?\n|\r|$/);
  const firstLine = text.slice(0, end);
  return (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
}

/**
 * Reads CSV as spreadsheets and RFC 4180 write it: a byte-order mark is
 * dropped, fields are separated by `,` or `;` (whichever the first line
 * uses), quoted fields may hold delimiters, quotes (doubled) and line breaks,
 * and lines may end in CRLF, LF or CR. Blank lines are skipped; rows may be
 * shorter or longer than the header (the caller names what is missing). A
 * quote inside an unquoted field is kept as it is.
 */
export function parseCsv(text: string): string[][] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return parse(source, {
      delimiter: csvDelimiterOf(source),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error['lines'] === 'number' ? error['lines'] : null;
      throw new CsvSyntaxError(error.message, line);
    }
    throw error;
  }
}

/** Reads CSV as `parseCsv` does, each row keyed by the header line's names ('' where a row is short). */
export function parseCsvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

/**
 * A number from a CSV cell as spreadsheets write it: `4.89`, or `4,89` with
 * a decimal comma (Dutch and most European exports); null for an empty cell
 * or text that is not a finite number.
 */
export function csvNumber(cell: string): number | null {
  const text = cell.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2');
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** A value of a CSV cell; a Date is written in ISO 8601, null and undefined as an empty cell. */
export type CsvValue = string | number | boolean | Date | null | undefined;

/**
 * Writes a CSV document: a header line, then the rows; `,` between fields,
 * CRLF after every line (RFC 4180), quotes only where a field needs them.
 * A text cell that a spreadsheet would run as a formula (starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so
 * an exported name like `=HYPERLINK(...)` opens as text; numbers, negative
 * ones included, are written as they are.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return stringify([header, ...rows] as unknown[][], {
    record_delimiter: '\r\n',
    escape_formulas: true,
    cast: {
      boolean: (value) => String(value),
      date: (value) => value.toISOString(),
    },
  });
}
