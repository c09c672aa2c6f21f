import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { UplinkAnswer } from './http-ingest.service';
import { answerBytes, readPlainUplink, serveUplinksLean } from './uplink-connections';

const post = (body: string, extra = '', path = '/uplinks/tts/bench'): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('readPlainUplink', () => {
  it('reads a plain POST: its path, headers (lower-case names, trimmed values) and body, and where the next request starts', () => {
    const bytes = Buffer.from(post('{"a":1}', 'X-Vulgraad-Secret:   s3cret \t\r\n') + 'POST /uplinks/');
    const read = readPlainUplink(bytes, 16384, 1000);
    expect(read.kind).toBe('request');
    if (read.kind !== 'request') return;
    expect(read.url).toBe('/uplinks/tts/bench');
    expect(read.headers['x-vulgraad-secret']).toBe('s3cret');
    expect(read.headers['content-type']).toBe('application/json');
    expect(read.body.toString()).toBe('{"a":1}');
    expect(bytes.subarray(read.end).toString()).toBe('POST /uplinks/');
  });

  it('asks for more bytes while the head or the body is incomplete', () => {
    const whole = post('{"a":1}');
    for (const cut of [3, 20, whole.indexOf('\r\n\r\n') + 2, whole.length - 1]) {
      expect(readPlainUplink(Buffer.from(whole.slice(0, cut)), 16384, 1000)).toEqual({ kind: 'more' });
    }
  });

  it.each([
    ['another method', 'GET /uplinks/tts/bench HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['another path', post('{}', '', '/health')],
    ['HTTP/1.0', post('{}').replace('HTTP/1.1', 'HTTP/1.0')],
    ['a chunked body', 'POST /uplinks/tts/bench HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'],
    ['Transfer-Encoding beside Content-Length', post('{}', 'Transfer-Encoding: chunked\r\n')],
    ['Content-Length twice', post('{}', 'Content-Length: 2\r\n')],
    ['a Content-Length that is not digits', post('{}').replace('Content-Length: 2', 'Content-Length: +2')],
    ['no Content-Length', 'POST /uplinks/tts/bench HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['no Host', post('{}').replace('Host: x\r\n', '')],
    ['Expect: 100-continue', post('{}', 'Expect: 100-continue\r\n')],
    ['Connection: close', post('{}', 'Connection: close\r\n')],
    ['a header named as an object property', post('{}', '__proto__: x\r\n')],
    ['a folded header line', post('{}', 'X-A: 1\r\n  2\r\n')],
    ['a header name with a space', post('{}', 'X A: 1\r\n')],
    ['a bare line feed in a value', post('{}', 'X-A: 1\n2\r\n')],
    ['a body over the limit', post('x'.repeat(1001))],
    ['a head over the limit', post('{}', `X-A: ${'a'.repeat(20000)}\r\n`)],
  ])('leaves %s to Node', (_what, request) => {
    expect(readPlainUplink(Buffer.from(request), 16384, 1000)).toEqual({ kind: 'other' });
  });

  it('leaves at once a connection whose first bytes are not an uplink POST, before its head is complete', () => {
    expect(readPlainUplink(Buffer.from('GET /he'), 16384, 1000)).toEqual({ kind: 'other' });
  });
});

/** A server with the lean reader in front and Node's request handler behind; each lean request is recorded. */
async function start(answer: (url: string, headers: IncomingHttpHeaders, body: Buffer) => UplinkAnswer | Promise<UplinkAnswer>) {
  const lean: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = `node ${req.method} ${req.url} ${Buffer.concat(chunks).length}`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  serveUplinksLean(server, {
    maxBodyBytes: 1000,
    serve: (url, headers, body) => {
      lean.push(`${url} ${body.toString()}`);
      return answer(url, headers, body);
    },
    bodyOf: (a) => JSON.stringify(a.body),
    failed: () => ({ status: 500, body: { message: 'failed' } }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, lean, port: (server.address() as AddressInfo).port };
}

/** Writes the bytes on one connection and collects what comes back until `until` holds for it (or the connection ends). */
function exchange(port: number, writes: string[], until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (until(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.on('connect', () => {
      for (const w of writes) socket.write(w);
    });
  });
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe('serveUplinksLean', () => {
  let server: Server | null = null;
  afterEach(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  it('answers plain POSTs itself, in order when they come ahead of their answers, and keeps the connection', async () => {
    let n = 0;
    const s = await start(async () => {
      // The first answer takes longest: it must still come first.
      await new Promise((resolve) => setTimeout(resolve, n++ === 0 ? 30 : 1));
      return { status: 200, body: { n } };
    });
    server = s.server;
    const text = await exchange(s.port, [post('{"i":1}') + post('{"i":2}'), post('{"i":3}')], (t) => count(t, 'HTTP/1.1 200 OK') === 3 && t.endsWith('}'));
    expect(s.lean).toEqual(['/uplinks/tts/bench {"i":1}', '/uplinks/tts/bench {"i":2}', '/uplinks/tts/bench {"i":3}']);
    expect(text.indexOf('{"n":1}')).toBeLessThan(text.indexOf('{"n":2}'));
    expect(text.indexOf('{"n":2}')).toBeLessThan(text.indexOf('{"n":3}'));
    expect(text).toMatch(/Content-Type: application\/json; charset=utf-8\r\nContent-Length: 7\r\nDate: .+ GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n\{"n":1\}/);
  });

  it('writes the answer\'s own headers, and a 204 without a body', async () => {
    const s = await start((url) => (url.endsWith('nothing') ? { status: 204, body: {} } : { status: 429, headers: { 'Retry-After': '3' }, body: { statusCode: 429 } }));
    server = s.server;
    const text = await exchange(s.port, [post('{}'), post('{}', '', '/uplinks/chirpstack/nothing')], (t) => t.includes('HTTP/1.1 204'));
    expect(text).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Type: application\/json; charset=utf-8\r\nContent-Length: 18\r\n/);
    expect(text).toMatch(/HTTP\/1\.1 204 No Content\r\nDate: [^\r]+\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n$/);
  });

  it('hands the connection to Node at the first request that is not a plain uplink POST, with the bytes after it', async () => {
    const s = await start(() => ({ status: 200, body: { lean: true } }));
    server = s.server;
    const chunked = 'POST /uplinks/tts/bench HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    const text = await exchange(s.port, [post('{"i":1}') + chunked + 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' + post('{"i":2}')], (t) => count(t, 'HTTP/1.1 200 OK') === 4 && t.endsWith(' 7'));
    expect(s.lean).toEqual(['/uplinks/tts/bench {"i":1}']);
    expect(text).toContain('{"lean":true}');
    expect(text).toContain('node POST /uplinks/tts/bench 3');
    expect(text).toContain('node GET /health 0');
    expect(text).toContain('node POST /uplinks/tts/bench 7');
  });

  it('hands over a connection that opens with another request', async () => {
    const s = await start(() => ({ status: 200, body: {} }));
    server = s.server;
    const text = await exchange(s.port, ['GET /hea', 'lth HTTP/1.1\r\nHost: x\r\n\r\n'], (t) => t.endsWith('node GET /health 0'));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(s.lean).toEqual([]);
  });

  it('answers a request whose service failed with a 500, and one sent just before the peer ended, then ends the connection', async () => {
    const s = await start(() => Promise.reject(new Error('broken')));
    server = s.server;
    const text = await new Promise<string>((resolve) => {
      const socket = net.connect(s.port, '127.0.0.1', () => socket.end(post('{}')));
      let t = '';
      socket.on('data', (c: Buffer) => (t += c.toString()));
      socket.on('end', () => resolve(t));
    });
    expect(text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[^]*\r\n\r\n\{"message":"failed"\}$/);
  });

  it('ends a connection whose request does not arrive whole within headersTimeout, however often its bytes trickle in', async () => {
    const s = await start(() => ({ status: 200, body: {} }));
    server = s.server;
    s.server.headersTimeout = 300;
    const socket = net.connect(s.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const head = post('{}');
    let sent = 0;
    // One byte every 50 ms: never idle for the 300 ms of the socket's timeout, and 2 s for the whole head.
    const drip = setInterval(() => {
      if (sent < head.length - 4 && !socket.destroyed) socket.write(head[sent++] as string);
    }, 50);
    try {
      await closed;
    } finally {
      clearInterval(drip);
    }
    expect(sent).toBeLessThan(head.length - 4);
    expect(s.lean).toEqual([]);
  });

  it('lets server.close() end an idle kept connection instead of waiting for it', async () => {
    const s = await start(() => ({ status: 200, body: {} }));
    // No keep-alive timeout: the connection would stay open for good unless close() ends it.
    s.server.keepAliveTimeout = 0;
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write(post('{}'));
    });
    const ended = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => s.server.close(resolve));
    await ended;
    expect(socket.destroyed).toBe(true);
  });

  it('keeps a connection whose request waits for its commit longer than the idle timeouts, and closes it once idle', async () => {
    const s = await start(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { status: 200, body: {} };
    });
    server = s.server;
    s.server.headersTimeout = 200;
    s.server.keepAliveTimeout = 200;
    const socket = net.connect(s.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let text = '';
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (count(text, 'HTTP/1.1 200 OK') === 1 && !text.includes('second')) {
          text += 'second';
          socket.write(post('{"i":2}'));
        }
        if (count(text, 'HTTP/1.1 200 OK') === 2) resolve();
      });
      socket.write(post('{"i":1}'));
    });
    await closed;
    expect(s.lean).toEqual(['/uplinks/tts/bench {"i":1}', '/uplinks/tts/bench {"i":2}']);
  });

  it('gives a request that pauses longer than the keep-alive timeout headersTimeout from its first byte', async () => {
    const s = await start(() => ({ status: 200, body: {} }));
    server = s.server;
    s.server.headersTimeout = 2000;
    s.server.keepAliveTimeout = 200;
    const second = post('{"i":2}');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(s.port, '127.0.0.1');
      let t = '';
      socket.on('error', reject);
      socket.on('close', () => resolve(t));
      socket.on('data', (c: Buffer) => {
        t += c.toString('latin1');
        if (count(t, 'HTTP/1.1 200 OK') === 1 && !socket.destroyed && t.endsWith('}') && s.lean.length === 1) {
          socket.write(second.slice(0, 20));
          setTimeout(() => socket.write(second.slice(20)), 500);
        }
        if (count(t, 'HTTP/1.1 200 OK') === 2) socket.destroy();
      });
      socket.write(post('{"i":1}'));
    });
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(2);
    expect(s.lean).toEqual(['/uplinks/tts/bench {"i":1}', '/uplinks/tts/bench {"i":2}']);
  });
});

describe('answerBytes', () => {
  const bodyOf = (answer: UplinkAnswer): string => JSON.stringify(answer.body);
  const keepAlive = 'Connection: keep-alive\r\n';

  afterEach(() => jest.useRealTimers());

  it('makes the bytes of a frozen (shared) answer once for a second and connection header, and the text of any other each time', () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T23:00:00.100Z') });
    const shared: UplinkAnswer = Object.freeze({ status: 200, body: Object.freeze({ status: 'stored' }) });
    const first = answerBytes(shared, bodyOf, keepAlive);
    expect(Buffer.isBuffer(first)).toBe(true);
    expect(answerBytes(shared, bodyOf, keepAlive)).toBe(first);
    jest.advanceTimersByTime(1000);
    const next = answerBytes(shared, bodyOf, keepAlive);
    expect(next).not.toBe(first);
    expect(next.toString()).toContain('Date: Mon, 07 Dec 2026 23:00:01 GMT\r\n');
    expect(first.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json; charset=utf-8\r\nContent-Length: 19\r\nDate: [^\r]+ GMT\r\nConnection: keep-alive\r\n\r\n\{"status":"stored"\}$/);
    const closing = answerBytes(shared, bodyOf, 'Connection: close\r\n');
    expect(closing.toString()).toContain('\r\nConnection: close\r\n\r\n');
    const own = answerBytes({ status: 400, body: { message: 'bad', field: 'body' } }, bodyOf, keepAlive);
    expect(typeof own).toBe('string');
    expect(own).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\n\{"message":"bad","field":"body"\}$/);
  });
});
