import { undecodable } from './types';

/**
 * Reads fixed-width fields from a payload in order. Every read names the field, so running
 * off the end of a short payload fails with a detail such as
 * "payload ends at byte 6, distance needs 2 bytes".
 */
export class ByteReader {
  private offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.offset = start;
  }

  /** Index of the next byte to read. */
  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  u8(field: string): number {
    return this.take(1, field)[0];
  }

  i8(field: string): number {
    const value = this.u8(field);
    return value > 0x7f ? value - 0x100 : value;
  }

  u16be(field: string): number {
    const [hi, lo] = this.take(2, field);
    return (hi << 8) | lo;
  }

  i16be(field: string): number {
    const value = this.u16be(field);
    return value > 0x7fff ? value - 0x10000 : value;
  }

  u16le(field: string): number {
    const [lo, hi] = this.take(2, field);
    return (hi << 8) | lo;
  }

  i16le(field: string): number {
    const value = this.u16le(field);
    return value > 0x7fff ? value - 0x10000 : value;
  }

  u24be(field: string): number {
    const [b0, b1, b2] = this.take(3, field);
    return b0 * 0x10000 + (b1 << 8) + b2;
  }

  u32be(field: string): number {
    const [b0, b1, b2, b3] = this.take(4, field);
    return b0 * 0x1000000 + ((b1 << 16) | (b2 << 8) | b3);
  }

  i32be(field: string): number {
    const value = this.u32be(field);
    return value > 0x7fffffff ? value - 0x100000000 : value;
  }

  u32le(field: string): number {
    const [b0, b1, b2, b3] = this.take(4, field);
    return b3 * 0x1000000 + ((b2 << 16) | (b1 << 8) | b0);
  }

  /** IEEE 754 single precision, big-endian. */
  f32be(field: string): number {
    const raw = this.take(4, field);
    return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, false);
  }

  /** IEEE 754 single precision, little-endian. */
  f32le(field: string): number {
    const raw = this.take(4, field);
    return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
  }

  /** A copy of the next `length` bytes. */
  slice(length: number, field: string): Uint8Array {
    return this.take(length, field).slice();
  }

  skip(length: number, field: string): void {
    this.take(length, field);
  }

  /** Fails when bytes are left over that the layout does not define. */
  expectEnd(what: string): void {
    if (this.remaining > 0) {
      undecodable(`${what}: ${this.remaining} unexpected byte(s) after byte ${this.offset - 1}`);
    }
  }

  private take(length: number, field: string): Uint8Array {
    if (this.offset + length > this.bytes.length) {
      undecodable(`payload ends at byte ${this.bytes.length}, ${field} needs ${length} byte(s) from byte ${this.offset}`);
    }
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }
}
