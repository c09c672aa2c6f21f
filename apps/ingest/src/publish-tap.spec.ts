import { PassThrough } from 'node:stream';
import { PublishTap } from './publish-tap';

interface TappedPublish {
  topic: string;
  messageId: number;
  payload: Buffer;
}

/** The remaining length as MQTT writes it: 7 bits a byte, low first. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A PUBLISH packet written byte by byte from the standard (3.3), independent of the tap's reading of it. */
function publish(topic: string, payload: string, opts: { qos?: number; id?: number; v5?: boolean; properties?: number[] } = {}): Buffer {
  const qos = opts.qos ?? 1;
  const topicBytes = Buffer.from(topic, 'utf8');
  const variable = [topicBytes.length >> 8, topicBytes.length & 0xff, ...topicBytes];
  if (qos > 0) variable.push((opts.id ?? 1) >> 8, (opts.id ?? 1) & 0xff);
  if (opts.v5) variable.push(...varint((opts.properties ?? []).length), ...(opts.properties ?? []));
  const body = [...variable, ...Buffer.from(payload, 'utf8')];
  return Buffer.from([0x30 | (qos << 1), ...varint(body.length), ...body]);
}

const PINGRESP = Buffer.from([0xd0, 0x00]);
const SUBACK = Buffer.from([0x90, 0x03, 0x00, 0x01, 0x01]);

function tapOf(version: 4 | 5): { tap: PublishTap; socket: PassThrough; taken: TappedPublish[]; passed: () => Buffer } {
  const socket = new PassThrough();
  const taken: TappedPublish[] = [];
  const tap = new PublishTap(socket, version, (topic, messageId, payload) => taken.push({ topic, messageId, payload: Buffer.from(payload) }));
  const passedChunks: Buffer[] = [];
  tap.on('data', (chunk: Buffer) => passedChunks.push(chunk));
  return { tap, socket, taken, passed: () => Buffer.concat(passedChunks) };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PublishTap', () => {
  it.each([4, 5] as const)('takes QoS 1 publishes out of MQTT %i bytes and passes every other packet on unchanged, in order', async (version) => {
    const { tap, taken, passed } = tapOf(version);
    const v5 = version === 5;
    const qos0 = publish('a/zero', 'q0', { qos: 0, v5 });
    const stream = Buffer.concat([
      SUBACK,
      publish('vulgraad/v1/devices/d1/readings', '{"v":1}', { id: 7, v5 }),
      PINGRESP,
      qos0,
      publish('vulgraad/v1/devices/d2/readings', 'é€', { id: 65535, v5 }),
    ]);
    tap.feed(stream);
    await flush();
    expect(taken).toEqual([
      { topic: 'vulgraad/v1/devices/d1/readings', messageId: 7, payload: Buffer.from('{"v":1}') },
      { topic: 'vulgraad/v1/devices/d2/readings', messageId: 65535, payload: Buffer.from('é€') },
    ]);
    expect(passed()).toEqual(Buffer.concat([SUBACK, PINGRESP, qos0]));
  });

  it('reads packets split at every possible byte across chunks', async () => {
    const packets = [publish('t/one', 'x'.repeat(200), { id: 1, v5: true }), PINGRESP, publish('t/two', 'y', { id: 2, v5: true })];
    const all = Buffer.concat(packets);
    for (let cut = 1; cut < all.length; cut++) {
      const { tap, taken, passed } = tapOf(5);
      tap.feed(all.subarray(0, cut));
      tap.feed(all.subarray(cut));
      await flush();
      expect(taken.map((t) => [t.topic, t.messageId, t.payload.length])).toEqual([['t/one', 1, 200], ['t/two', 2, 1]]);
      expect(passed()).toEqual(PINGRESP);
    }
  });

  it('leaves a publish with MQTT 5 properties (a topic alias, a user property) and a QoS 2 publish to mqtt.js', async () => {
    const { tap, taken, passed } = tapOf(5);
    const alias = publish('', 'aliased', { id: 3, v5: true, properties: [0x23, 0x00, 0x01] });
    const qos2 = publish('t/q2', 'two', { qos: 2, id: 4, v5: true });
    tap.feed(Buffer.concat([alias, qos2]));
    await flush();
    expect(taken).toEqual([]);
    expect(passed()).toEqual(Buffer.concat([alias, qos2]));
  });

  it('leaves the topic prefix out of a topic that begins with it, and says so', async () => {
    const socket = new PassThrough();
    const taken: Array<[string, boolean]> = [];
    const tap = new PublishTap(socket, 5, (topic, _id, _payload, prefixed) => taken.push([topic, prefixed]), 'tenant-é/');
    tap.feed(Buffer.concat([
      publish('tenant-é/vulgraad/v1/devices/d1/readings', '{}', { id: 1, v5: true }),
      publish('tenant-e/vulgraad/v1/devices/d1/readings', '{}', { id: 2, v5: true }),
      publish('tenant-é/', '{}', { id: 3, v5: true }),
      publish('tenant-', '{}', { id: 4, v5: true }),
    ]));
    await flush();
    expect(taken).toEqual([
      ['vulgraad/v1/devices/d1/readings', true],
      ['tenant-e/vulgraad/v1/devices/d1/readings', false],
      ['', true],
      ['tenant-', false],
    ]);
  });

  it('writes through to the socket and ends it with the stream', async () => {
    const { tap, socket } = tapOf(4);
    const written: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => written.push(chunk));
    // The socket is a PassThrough here: what the tap writes comes back out of it, and is fed to the tap again.
    tap.write(Buffer.from([0xc0, 0x00]));
    await flush();
    expect(Buffer.concat(written)).toEqual(Buffer.from([0xc0, 0x00]));
    const closed = new Promise((resolve) => tap.on('close', resolve));
    socket.destroy();
    await closed;
    expect(tap.destroyed).toBe(true);
  });
});
