import { copyField } from '../database';

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
export class CopyBytes {
  private bytes: Buffer;
  private at = 0;
  /** The date part (`YYYY-MM-DDT`) of the last day written, per column: a batch's times lie within a few days. */
  private readonly days = new Map<number, { dayMs: number; text: string }>();

  constructor(sizeHint: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(256, sizeHint));
  }

  result(): Buffer {
    return this.bytes.subarray(0, this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

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

  nullField(): void {
    this.room(2);
    this.bytes[this.at++] = 92;
    this.bytes[this.at++] = 78;
  }

  /** A text field: escaped and UTF-8 encoded when it holds anything but plain ASCII. */
  text(value: string | null | undefined): void {
    if (value === null || value === undefined) return this.nullField();
    const n = value.length;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 126 || c === 92 || c < 32) {
        const escaped = copyField(value);
        const size = Buffer.byteLength(escaped, 'utf8');
        this.room(size);
        this.at += this.bytes.write(escaped, this.at, size, 'utf8');
        return;
      }
    }
    this.ascii(value);
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
    let day = this.days.get(column);
    if (!day || day.dayMs !== dayMs) {
      day = { dayMs, text: new Date(dayMs).toISOString().slice(0, 11) };
      this.days.set(column, day);
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

  list(values: readonly string[]): void {
    if (values.length === 0) {
      this.room(2);
      this.bytes[this.at++] = 123;
      this.bytes[this.at++] = 125;
      return;
    }
    const escaped = copyField(values);
    const size = Buffer.byteLength(escaped, 'utf8');
    this.room(size);
    this.at += this.bytes.write(escaped, this.at, size, 'utf8');
  }
}
