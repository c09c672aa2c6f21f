/**
 * A buffer written from the front that doubles when it runs out: what the
 * COPY writers (text and binary) fill for one batch.
 */
export abstract class GrowableBytes {
  protected bytes: Buffer;
  protected at = 0;

  constructor(sizeHint: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(256, sizeHint));
  }

  /** The bytes written so far (a view of the buffer, not a copy). */
  result(): Buffer {
    return this.bytes.subarray(0, this.at);
  }

  /** Makes room for n more bytes. */
  protected room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }
}
