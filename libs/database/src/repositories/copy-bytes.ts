import { copyField } from '../database';
import { GrowableBytes } from './growable-bytes';

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: beyond it toISOString writes a six-digit year. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
/** Integers below this are written digit by digit; larger ones as String() writes them. */
const DIGITS_LIMIT = 1e15;

/**
 * Writes COPY text format straight into bytes. A batch of readings written
 * as strings (a template per row, joined, then encoded) made tens of string
 * pieces per row for the garbage collector; here a row costs a few loops over
 * its characters. The text is the same as copyField's, byte for byte.
 * Fields and their separators (byte(9) tab, byte(10) end of row) are
 * written by the caller in column order.
 */
/** ASCII letters, digits, `_`, `-`, `.` and `:`: nothing an array literal or COPY would escape. */
function isPlainWord(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || c === 58)) return false;
  }
  return true;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

export class CopyBytes extends GrowableBytes {
  /** The date part (`YYYY-MM-DDT`) of the last day written, per column: a batch's times lie within a few days. */
  private readonly days: Array<{ dayMs: number; text: string } | undefined> = [];

  byte(b: number): void {
    this.room(1);
    this.bytes[this.at++] = b;
  }

  /** Characters known to be ASCII and free of COPY's special characters. */
  private ascii(text: string): void {
    const n = text.length;
    this.room(n);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /**
   * One element of a PostgreSQL array literal (not COPY text): the text in
   * double quotes, backslash and `"` escaped by a backslash, as toArrayLiteral
   * writes it; the caller writes the braces and commas. An id (ASCII, no
   * quote or backslash) is copied character by character.
   */
  arrayElement(value: string): void {
    const n = value.length;
    this.room(n + 2);
    const bytes = this.bytes;
    let at = this.at;
    bytes[at++] = 34;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128 || c === 92 || c === 34) {
        const quoted = `"${value.replace(/[\\"]/g, (q) => '\\' + q)}"`;
        this.room(quoted.length * 3);
        this.at += this.bytes.write(quoted, this.at, 'utf8');
        return;
      }
      bytes[at++] = c;
    }
    bytes[at++] = 34;
    this.at = at;
  }

  nullField(): void {
    this.room(2);
    this.bytes[this.at++] = 92;
    this.bytes[this.at++] = 78;
  }

  /**
   * A text field, UTF-8 encoded; escaped when it holds one of COPY's special
   * characters. Ids and formats are plain ASCII: copied character by
   * character, which costs less than a regular expression and an encoder call
   * for each of the four text fields of every row.
   */
  text(value: string | null | undefined): void {
    if (value === null || value === undefined) return this.nullField();
    const n = value.length;
    this.room(n);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // Backslash, tab, newline, carriage return or beyond ASCII: the whole field the general way (nothing of it is kept yet).
      if (c >= 128 || c === 92 || c === 9 || c === 10 || c === 13) return this.encodedText(value);
      bytes[at++] = c;
    }
    this.at = at;
  }

  private encodedText(value: string): void {
    const field = COPY_SPECIAL.test(value) ? copyField(value) : value;
    this.room(field.length * 3);
    this.at += this.bytes.write(field, this.at, 'utf8');
  }

  number(value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return this.nullField();
    if (Number.isInteger(value) && value > -DIGITS_LIMIT && value < DIGITS_LIMIT) return this.integer(value);
    this.ascii(String(value));
  }

  private integer(value: number): void {
    let n = value;
    if (n < 0) {
      this.byte(45);
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.room(digits);
    const bytes = this.bytes;
    for (let i = this.at + digits - 1; i >= this.at; i--) {
      bytes[i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += digits;
  }

  private digits(value: number, count: number): void {
    const bytes = this.bytes;
    let n = value;
    for (let i = this.at + count - 1; i >= this.at; i--) {
      bytes[i] = 48 + (n % 10);
      n = (n / 10) | 0;
    }
    this.at += count;
  }

  /** What toISOString writes, for the column `column` (each column keeps its own day). */
  timestamp(date: Date, column: number): void {
    const ms = date.getTime();
    if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS)) return this.ascii(date.toISOString());
    const dayMs = ms - (ms % DAY_MS);
    let day = this.days[column];
    if (!day || day.dayMs !== dayMs) {
      day = { dayMs, text: new Date(dayMs).toISOString().slice(0, 11) };
      this.days[column] = day;
    }
    this.ascii(day.text);
    let rest = ms - dayMs;
    const hours = (rest / 3_600_000) | 0;
    rest -= hours * 3_600_000;
    const minutes = (rest / 60_000) | 0;
    rest -= minutes * 60_000;
    const seconds = (rest / 1000) | 0;
    this.room(13);
    this.digits(hours, 2);
    this.bytes[this.at++] = 58;
    this.digits(minutes, 2);
    this.bytes[this.at++] = 58;
    this.digits(seconds, 2);
    this.bytes[this.at++] = 46;
    this.digits(rest - seconds * 1000, 3);
    this.bytes[this.at++] = 90;
  }

  /** A text[] field: `{"a","b"}`, every element quoted as toArrayLiteral writes it. */
  list(values: readonly string[]): void {
    const n = values.length;
    if (n === 0) {
      this.room(2);
      this.bytes[this.at++] = 123;
      this.bytes[this.at++] = 125;
      return;
    }
    // Flags and alarm names are plain words: written straight; anything else goes through toArrayLiteral and the escapes.
    let size = 1 + n * 3;
    for (let k = 0; k < n; k++) {
      const value = values[k];
      if (typeof value !== 'string' || !isPlainWord(value)) return this.slowList(values);
      size += value.length;
    }
    this.room(size);
    const bytes = this.bytes;
    let at = this.at;
    bytes[at++] = 123;
    for (let k = 0; k < n; k++) {
      const value = values[k] as string;
      if (k > 0) bytes[at++] = 44;
      bytes[at++] = 34;
      for (let i = 0; i < value.length; i++) bytes[at++] = value.charCodeAt(i);
      bytes[at++] = 34;
    }
    bytes[at++] = 125;
    this.at = at;
  }

  private slowList(values: readonly string[]): void {
    const escaped = copyField(values);
    const size = Buffer.byteLength(escaped, 'utf8');
    this.room(size);
    this.at += this.bytes.write(escaped, this.at, size, 'utf8');
  }
}
