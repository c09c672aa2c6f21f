import { DistanceError } from '../../types';

/**
 * A minimal protocol-buffers wire reader: enough to walk OSM PBF messages.
 * Integers are JavaScript numbers (exact up to 2^53, which covers OSM ids
 * and coordinates).
 */
export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a field key: [field number, wire type]. */
  key(): [number, number] {
    const key = this.varint();
    return [Math.floor(key / 8), key % 8];
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw new DistanceError('graph_format', 'PBF: truncated varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new DistanceError('graph_format', 'PBF: varint too long');
  }

  /** A zigzag-encoded signed varint (sint32/sint64). */
  svarint(): number {
    const value = this.varint();
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** The bounds of a length-delimited field, advancing past it. */
  bytes(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new DistanceError('graph_format', 'PBF: field runs past its message');
    this.pos += length;
    return [start, start + length];
  }

  string(): string {
    const [start, end] = this.bytes();
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, end - start).toString('utf8');
  }

  /** Skips a field of the given wire type. */
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new DistanceError('graph_format', `PBF: unsupported wire type ${wireType}`);
  }

  /** Reads a packed repeated varint field (or a single unpacked value) into `out`. */
  packed(wireType: number, out: number[], signed: boolean): void {
    if (wireType !== 2) {
      out.push(signed ? this.svarint() : this.varint());
      return;
    }
    const [start, end] = this.bytes();
    const inner = new ProtoReader(this.buf, start, end);
    while (!inner.done) out.push(signed ? inner.svarint() : inner.varint());
  }
}

/** The matching writer, used to build PBF fixtures from a known network. */
export class ProtoWriter {
  private chunks: number[] = [];

  varint(value: number): this {
    let v = value;
    while (v >= 128) {
      this.chunks.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.chunks.push(v);
    return this;
  }

  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  uint(field: number, value: number): this {
    return this.key(field, 0).varint(value);
  }

  sint(field: number, value: number): this {
    return this.key(field, 0).varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (const b of data) this.chunks.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  packed(field: number, values: readonly number[], signed: boolean): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(signed ? (v >= 0 ? v * 2 : -v * 2 - 1) : v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}
