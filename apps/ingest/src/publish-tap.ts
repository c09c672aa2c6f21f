import { Duplex } from 'node:stream';

/**
 * Told each QoS 1 PUBLISH read from the wire: its topic, packet id and
 * payload (a view into the bytes received, no copy), and whether the topic
 * began with the tap's topic prefix, which is then left out of `topic`.
 * Must not throw.
 */
export type OnPublish = (topic: string, messageId: number, payload: Buffer, prefixed: boolean) => void;

const PUBLISH = 3;

/**
 * Sits between the broker's socket and mqtt.js and takes the QoS 1 PUBLISH
 * packets out of the byte stream itself; every other packet (CONNACK,
 * SUBACK, PINGRESP, QoS 0 and 2 publishes, a publish with MQTT 5
 * properties such as a topic alias) passes through unchanged, so mqtt.js
 * keeps the protocol. mqtt.js reads every PUBLISH into a packet object, a
 * copy of its payload and a turn of its work queue per message, which at
 * tens of thousands a second cost as much CPU as the rest of the ingest
 * together; a QoS 1 publish without properties is a topic, a packet id and
 * the payload, read here in a few steps (MQTT 3.1.1 and 5.0, section 3.3).
 *
 * Writes go straight to the socket. pause()/resume() of the socket itself
 * (socket) hold the reading: nothing else reads from it.
 */
export class PublishTap extends Duplex {
  /** Bytes of a packet not yet complete, kept for the next chunk. */
  private partial: Buffer | null = null;
  /** The topic prefix as UTF-8: a topic that begins with it is decoded without it, one string per message where there were two. */
  private readonly prefix: Buffer;

  constructor(
    readonly socket: Duplex,
    private readonly protocolVersion: 4 | 5,
    private readonly onPublish: OnPublish,
    topicPrefix = '',
  ) {
    super({ allowHalfOpen: false });
    this.prefix = Buffer.from(topicPrefix, 'utf8');
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    // The socket flows on its own (or is paused by its owner); control packets are few and pushed as they come.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  /** Splits the bytes into packets: QoS 1 publishes to onPublish, the rest on to mqtt.js. */
  feed(chunk: Buffer): void {
    let bytes = chunk;
    if (this.partial) {
      bytes = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    const end = bytes.length;
    let at = 0;
    let passFrom = -1;
    while (at < end) {
      // Fixed header: type and flags, then the remaining length (1 to 4 bytes, 7 bits each).
      let length = 0;
      let multiplier = 1;
      let pos = at + 1;
      let complete = false;
      for (let i = 0; i < 4 && pos < end; i++) {
        const b = bytes[pos++] as number;
        length += (b & 0x7f) * multiplier;
        multiplier *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        // Four continuation bytes is malformed: mqtt.js gets the rest and reports it.
        if (pos - at - 1 >= 4) {
          passFrom = passFrom < 0 ? at : passFrom;
          at = end;
          break;
        }
        break;
      }
      const packetEnd = pos + length;
      if (packetEnd > end) break;
      if (this.takePublish(bytes, at, pos, packetEnd)) {
        if (passFrom >= 0) {
          this.push(bytes.subarray(passFrom, at));
          passFrom = -1;
        }
      } else if (passFrom < 0) {
        passFrom = at;
      }
      at = packetEnd;
    }
    if (passFrom >= 0) this.push(bytes.subarray(passFrom, at));
    if (at < end) this.partial = Buffer.from(bytes.subarray(at));
  }

  /** Hands a QoS 1 publish without properties to onPublish; false for any other packet (it goes to mqtt.js). */
  private takePublish(bytes: Buffer, start: number, body: number, packetEnd: number): boolean {
    const header = bytes[start] as number;
    if (header >> 4 !== PUBLISH || ((header >> 1) & 3) !== 1) return false;
    if (body + 2 > packetEnd) return false;
    const topicLength = ((bytes[body] as number) << 8) | (bytes[body + 1] as number);
    const topicEnd = body + 2 + topicLength;
    let at = topicEnd + 2;
    if (topicLength === 0 || at > packetEnd) return false;
    const messageId = ((bytes[topicEnd] as number) << 8) | (bytes[topicEnd + 1] as number);
    if (this.protocolVersion === 5) {
      // A property length of 0 is one byte 0; anything else (a topic alias above all) is left to mqtt.js.
      if (at >= packetEnd || bytes[at] !== 0) return false;
      at += 1;
    }
    const topicStart = body + 2;
    const prefixed = this.startsWithPrefix(bytes, topicStart, topicEnd);
    this.onPublish(bytes.toString('utf8', prefixed ? topicStart + this.prefix.length : topicStart, topicEnd), messageId, bytes.subarray(at, packetEnd), prefixed);
    return true;
  }

  /** Whether the topic's bytes begin with the prefix's (a prefix is whole characters, so this is the same as on the decoded topic). */
  private startsWithPrefix(bytes: Buffer, start: number, end: number): boolean {
    const prefix = this.prefix;
    const n = prefix.length;
    if (n === 0 || end - start < n) return false;
    for (let i = 0; i < n; i++) if (bytes[start + i] !== prefix[i]) return false;
    return true;
  }
}
