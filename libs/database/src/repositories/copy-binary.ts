import type { ReadingRow } from '@vulgraad/contracts';
import { GrowableBytes } from './growable-bytes';

/** PGCOPY\n\377\r\n\0, then the flags (no OIDs) and the header extension's length, both 0 (PostgreSQL, "COPY", binary format). */
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** Milliseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01 (UTC). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
const TEXT_OID = 25;
/** Fields per row: READING_COLUMNS. */
const FIELDS = 18;

const isInt4 = (v: number | null | undefined): boolean => v === null || v === undefined || !Number.isFinite(v) || (Number.isInteger(v) && v >= INT4_MIN && v <= INT4_MAX);
const isInt8 = (v: number | null | undefined): boolean => v === null || v === undefined || !Number.isFinite(v) || Number.isSafeInteger(v);
const isTextList = (values: readonly unknown[]): boolean => {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
};
const isValidTime = (d: Date): boolean => Number.isFinite(d.getTime());

/**
 * Whether readingsAsCopyBinary can write these rows as the text format would
 * have them stored: the integer columns hold integers in their column's range
 * and the lists only strings. Anything else goes in the text format, where
 * the server refuses it with its own error (a data error the ingest isolates).
 */
export function binaryCopyFits(rows: readonly ReadingRow[]): boolean {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as ReadingRow;
    if (!isInt4(r.distanceMm) || !isInt4(r.levelMm) || !isInt8(r.seq) || !isTextList(r.flags) || !isTextList(r.alarms)) return false;
    if (!isValidTime(r.measuredAt) || !isValidTime(r.receivedAt)) return false;
  }
  return true;
}

/**
 * Writes COPY's binary format (PostgreSQL, "COPY", "Binary Format"): per
 * field its length and its value as the server keeps it. Numbers go as their
 * eight bytes and times as microseconds since 2000, so neither side writes or
 * parses decimal digits: the text format cost the ingest a loop over the
 * digits of every number and time, and the server a parse of each.
 */
class CopyBinary extends GrowableBytes {
  raw(chunk: Buffer): void {
    this.room(chunk.length);
    this.at += chunk.copy(this.bytes, this.at);
  }

  int16(value: number): void {
    this.room(2);
    this.at = this.bytes.writeInt16BE(value, this.at);
  }

  nullField(): void {
    this.room(4);
    this.at = this.bytes.writeInt32BE(-1, this.at);
  }

  /** Text as UTF-8; ids and formats are ASCII and copied character by character. */
  text(value: string | null | undefined): void {
    if (value === null || value === undefined) return this.nullField();
    const n = value.length;
    this.room(4 + n);
    const bytes = this.bytes;
    const start = this.at + 4;
    let at = start;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128) {
        this.room(4 + n * 3);
        at = start + this.bytes.write(value, start, 'utf8');
        break;
      }
      bytes[at++] = c;
    }
    this.bytes.writeInt32BE(at - start, this.at);
    this.at = at;
  }

  /** float8; null, undefined and what is not finite are NULL, as in the text format. */
  float8(value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return this.nullField();
    this.room(12);
    this.bytes.writeInt32BE(8, this.at);
    // -0 as 0: the text format writes it "0".
    this.at = this.bytes.writeDoubleBE(value === 0 ? 0 : value, this.at + 4);
  }

  /** int4 (checked by binaryCopyFits). */
  int4(value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return this.nullField();
    this.room(8);
    this.bytes.writeInt32BE(4, this.at);
    this.at = this.bytes.writeInt32BE(value, this.at + 4);
  }

  /** int8 from a safe integer (checked by binaryCopyFits): high and low 32 bits. */
  int8(value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return this.nullField();
    this.room(12);
    this.bytes.writeInt32BE(8, this.at);
    this.eight(value);
  }

  private eight(value: number): void {
    const high = Math.floor(value / TWO_32);
    this.bytes.writeInt32BE(high, this.at + 4);
    this.at = this.bytes.writeUInt32BE(value - high * TWO_32, this.at + 8);
  }

  /**
   * timestamptz: microseconds since 2000-01-01 UTC. Beyond about 2285 the
   * microseconds pass 2^53, where a double no longer holds every integer: the
   * two 32-bit halves are computed from the milliseconds' halves instead.
   */
  timestamp(date: Date): void {
    this.room(12);
    this.bytes.writeInt32BE(8, this.at);
    const ms = date.getTime() - PG_EPOCH_MS;
    const msHigh = Math.floor(ms / TWO_32);
    const lowUs = (ms - msHigh * TWO_32) * 1000;
    const carry = Math.floor(lowUs / TWO_32);
    this.bytes.writeInt32BE(msHigh * 1000 + carry, this.at + 4);
    this.at = this.bytes.writeUInt32BE(lowUs - carry * TWO_32, this.at + 8);
  }

  /** text[]: no dimensions when empty, else one dimension from 1 (PostgreSQL's array_send). */
  textList(values: readonly string[]): void {
    const n = values.length;
    if (n === 0) {
      this.room(16);
      const b = this.bytes;
      let at = b.writeInt32BE(12, this.at);
      at = b.writeInt32BE(0, at);
      at = b.writeInt32BE(0, at);
      this.at = b.writeInt32BE(TEXT_OID, at);
      return;
    }
    this.room(24);
    const lengthAt = this.at;
    const b = this.bytes;
    let at = b.writeInt32BE(1, lengthAt + 4);
    at = b.writeInt32BE(0, at);
    at = b.writeInt32BE(TEXT_OID, at);
    at = b.writeInt32BE(n, at);
    this.at = b.writeInt32BE(1, at);
    for (let i = 0; i < n; i++) this.text(values[i]);
    this.bytes.writeInt32BE(this.at - lengthAt - 4, lengthAt);
  }
}

/** Reading rows in COPY binary format, in READING_COLUMNS order; for rows binaryCopyFits accepts. */
export function readingsAsCopyBinary(rows: readonly ReadingRow[]): Buffer {
  const out = new CopyBinary(HEADER.length + 2 + rows.length * 240);
  out.raw(HEADER);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as ReadingRow;
    out.int16(FIELDS);
    out.text(r.containerId);
    out.text(r.deviceId);
    out.timestamp(r.measuredAt);
    out.timestamp(r.receivedAt);
    out.float8(r.fillPct);
    out.int4(r.distanceMm);
    out.float8(r.temperatureC);
    out.float8(r.batteryPct);
    out.float8(r.batteryV);
    out.float8(r.rssiDbm);
    out.float8(r.snrDb);
    out.int8(r.seq);
    out.float8(r.tiltDeg);
    out.textList(r.flags);
    out.textList(r.alarms);
    out.text(r.format);
    out.text(r.correlationId);
    out.int4(r.levelMm);
  }
  out.int16(-1);
  return out.result();
}
