import type { IncomingHttpHeaders, Server } from 'node:http';
import { maxHeaderSize as defaultMaxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { UplinkAnswer } from './http-ingest.service';

/** What the lean reader asks of the doors: the answer to one complete request. */
export type ServeUplink = (url: string, headers: IncomingHttpHeaders, body: Buffer) => UplinkAnswer | Promise<UplinkAnswer>;

/** How a request's bytes read: complete and plain enough to serve here, incomplete, or for Node's HTTP server. */
type Read =
  | { kind: 'request'; url: string; headers: IncomingHttpHeaders; body: Buffer; end: number }
  | { kind: 'more' }
  | { kind: 'other' };

const PREFIX = Buffer.from('POST /uplinks/', 'latin1');
/** Where the path starts: after 'POST '. */
const URL_START = 5;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const VERSION = ' HTTP/1.1\r\n';
/** Headers that make a request more than a plain POST with a body of known length: Node's HTTP server reads those. */
const NOT_PLAIN = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);
const MAX_HEADER_LINES = 100;
const MAX_CONTENT_LENGTH_DIGITS = 10;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** The bytes of an HTTP token (a header name): RFC 9110's tchar. */
const TOKEN_BYTE = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN_BYTE[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN_BYTE[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_BYTE[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN_BYTE[c] = 1;

/**
 * Reads one request from the bytes of a connection, when it is a plain
 * HTTP/1.1 `POST /uplinks/...`: a request line, header lines each
 * `name: value` (no folding, no name twice), a Host and a Content-Length
 * within the limit, no Transfer-Encoding, Expect or Upgrade, and Connection
 * absent or keep-alive. Anything else, or anything in doubt, is 'other', and
 * the connection goes to Node's HTTP server from that request on. The head
 * is read character by character from one string (no split into lines, no
 * regular expression per line).
 */
export function readPlainUplink(bytes: Buffer, maxHeadBytes: number, maxBodyBytes: number): Read {
  const prefix = Math.min(bytes.length, PREFIX.length);
  if (bytes.compare(PREFIX, 0, prefix, 0, prefix) !== 0) return { kind: 'other' };
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0) return bytes.length > maxHeadBytes ? { kind: 'other' } : { kind: 'more' };
  if (headEnd + 4 > maxHeadBytes) return { kind: 'other' };
  // Header bytes reach Node's requests as latin1 strings: the same here. The head with its last line's CR LF, as one string.
  const head = bytes.toString('latin1', 0, headEnd + 2);
  // The request line: the path is visible ASCII up to ' HTTP/1.1' and its line end.
  let at = PREFIX.length;
  while (at < headEnd) {
    const c = head.charCodeAt(at);
    if (c === SP) break;
    if (c < 0x21 || c > 0x7e) return { kind: 'other' };
    at++;
  }
  if (!head.startsWith(VERSION, at)) return { kind: 'other' };
  const url = head.slice(URL_START, at);
  at += VERSION.length;
  // A plain object (one without a prototype is a hash table from the start, ten times the cost to fill): a name it
  // inherits (__proto__, constructor) is found "present" below, and that request goes to Node's server.
  const headers: IncomingHttpHeaders = {};
  for (let lines = 0; at < head.length; lines++) {
    if (lines === MAX_HEADER_LINES) return { kind: 'other' };
    // The name: a token up to the colon (a line that opens with a space is a folded one, not a token).
    const nameStart = at;
    while (TOKEN_BYTE[head.charCodeAt(at)] === 1) at++;
    if (at === nameStart || head.charCodeAt(at) !== COLON) return { kind: 'other' };
    const nameEnd = at++;
    // The value: up to CR LF, no control character but HTAB, optional whitespace off both ends.
    let c = head.charCodeAt(at);
    while (c === SP || c === HTAB) c = head.charCodeAt(++at);
    const valueStart = at;
    let valueEnd = at;
    while (c !== CR) {
      if ((c < 0x20 && c !== HTAB) || c === 0x7f) return { kind: 'other' };
      at++;
      if (c !== SP && c !== HTAB) valueEnd = at;
      c = head.charCodeAt(at);
    }
    if (head.charCodeAt(at + 1) !== LF) return { kind: 'other' };
    at += 2;
    const key = head.slice(nameStart, nameEnd).toLowerCase();
    if (headers[key] !== undefined || NOT_PLAIN.has(key)) return { kind: 'other' };
    const value = head.slice(valueStart, valueEnd);
    if (key === 'connection' && value.toLowerCase() !== 'keep-alive') return { kind: 'other' };
    headers[key] = value;
  }
  const declared = headers['content-length'];
  if (headers.host === undefined || declared === undefined || !isDigits(declared)) return { kind: 'other' };
  const length = Number(declared);
  // Over the limit: Node's server and the doors there answer it (413, the connection closed).
  if (length > maxBodyBytes) return { kind: 'other' };
  const bodyStart = headEnd + 4;
  if (bytes.length < bodyStart + length) return { kind: 'more' };
  return { kind: 'request', url, headers, body: bytes.subarray(bodyStart, bodyStart + length), end: bodyStart + length };
}

/** One to MAX_CONTENT_LENGTH_DIGITS decimal digits. */
function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > MAX_CONTENT_LENGTH_DIGITS) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const PHRASES: Record<number, string> = {
  200: 'OK', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The Date header's value, made once a second. */
let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const nowMs = Date.now();
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** An answer's bytes as Node's server writes them: status line, headers (Date and the connection's among them), JSON body. */
export function answerText(answer: UplinkAnswer, bodyText: string, connection: string): string {
  let head = `HTTP/1.1 ${answer.status} ${PHRASES[answer.status] ?? 'Unknown'}\r\n`;
  if (answer.headers) for (const name of Object.keys(answer.headers)) head += `${name}: ${answer.headers[name]}\r\n`;
  if (answer.status !== 204) head += `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(bodyText)}\r\n`;
  return `${head}Date: ${httpDate()}\r\n${connection}\r\n${answer.status === 204 ? '' : bodyText}`;
}

/** The last answer written whose object is frozen (the same for every request: the stored answer), as bytes, for the second of its Date. */
let lastShared: { answer: UplinkAnswer; connection: string; second: number; bytes: Buffer } | null = null;

/**
 * answerText as what a socket is written: an answer object that is frozen is
 * shared by every request it answers (the stored answer), so its bytes are
 * made once a second (the Date header's resolution) and connection header,
 * not once per request; any other answer is its text.
 */
export function answerBytes(answer: UplinkAnswer, bodyOf: (answer: UplinkAnswer) => string, connection: string): Buffer | string {
  const second = Math.floor(Date.now() / 1000);
  const last = lastShared;
  if (last !== null && last.answer === answer && last.second === second && last.connection === connection) return last.bytes;
  const text = answerText(answer, bodyOf(answer), connection);
  if (!Object.isFrozen(answer)) return text;
  const bytes = Buffer.from(text, 'utf8');
  lastShared = { answer, connection, second, bytes };
  return bytes;
}

interface LeanOptions {
  serve: ServeUplink;
  /** The answer's body as text (the stored answer's is made once). */
  bodyOf: (answer: UplinkAnswer) => string;
  /** Told when serve() threw or its promise failed; the sender gets a 500 and sends again. */
  failed(error: unknown): UplinkAnswer;
  maxBodyBytes: number;
  /** The server's limit on a request's head (Node's --max-http-header-size unless the server has its own). */
  maxHeadBytes?: number;
}

/**
 * Serves plain webhook requests on the server's connections without Node's
 * HTTP request and response objects: each connection's bytes are read here
 * (readPlainUplink), one request at a time, and each answer is written as one
 * string. Node's HTTP server cost about twice the CPU per request of this
 * reading and writing (66 against 35 us in a server that only held each
 * request 50 ms, the same load generator), most of it the two stream objects
 * per request and their garbage while the request waits for its commit. The
 * first request that is not a plain uplink POST (a GET of /health, a chunked
 * or oversize body, an upgrade, anything malformed) hands the connection, with
 * the bytes not yet taken, to the server's own connection handling for good.
 */
export function serveUplinksLean(server: Server, options: LeanOptions): void {
  const http = server.listeners('connection') as Array<(socket: Socket) => void>;
  if (http.length === 0) throw new Error('serveUplinksLean: the server has no connection handling to hand other requests to');
  server.removeAllListeners('connection');
  const open = new Set<LeanConnection>();
  const lean = { ...options, maxHeadBytes: (server as { maxHeaderSize?: number }).maxHeaderSize ?? defaultMaxHeaderSize };
  const handOver = (socket: Socket, rest: Buffer | null): void => {
    // Node reads an untouched socket's handle natively; this one has been read, so its bytes go through the stream (rest first).
    const handle = (socket as unknown as { _handle?: { _consumed?: boolean } | null })._handle;
    if (handle) handle._consumed = true;
    if (rest) socket.unshift(rest);
    for (const listener of http) listener.call(server, socket);
    socket.resume();
  };
  server.on('connection', (socket: Socket) => {
    const connection = new LeanConnection(socket, server, lean, handOver, () => open.delete(connection));
    open.add(connection);
  });
  // server.close() closes idle connections first (Node 19 on): these too, and the busy ones after their answer.
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const connection of open) connection.closeWhenIdle();
  };
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    for (const connection of open) connection.destroy();
  };
}

class LeanConnection {
  private buffered: Buffer | null = null;
  /** A request is being answered: the next is not read before its answer is written. */
  private busy = false;
  private served = 0;
  /** When the first bytes of the request being read arrived (0 = none held): a request must be whole within the server's headersTimeout. */
  private requestSinceMs = 0;
  private closing = false;
  private ended = false;
  private gone = false;
  /** The socket's idle timeout as last set (ms; 0 = none). */
  private timeoutMs: number;
  private readonly onData = (chunk: Buffer): void => this.data(chunk);
  private readonly onEnd = (): void => this.peerEnded();
  private readonly onError = (): void => this.destroy();
  private readonly onClose = (): void => this.left();
  private readonly onTimeout = (): void => this.timedOut();
  private readonly onDrain = (): void => this.next();
  private readonly onAnswer = (answer: UplinkAnswer): void => this.answer(answer);
  private readonly onServeFailed = (error: unknown): void => this.answer(this.options.failed(error));

  constructor(
    private readonly socket: Socket,
    private readonly server: Server,
    private readonly options: LeanOptions & { maxHeadBytes: number },
    private readonly handOver: (socket: Socket, rest: Buffer | null) => void,
    private readonly forget: () => void,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
    this.timeoutMs = server.headersTimeout;
    socket.setTimeout(this.timeoutMs);
  }

  closeWhenIdle(): void {
    this.closing = true;
    if (!this.busy && this.buffered === null) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    if (this.buffered === null) this.requestSinceMs = Date.now();
    this.buffered = this.buffered === null ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.busy) {
      // Requests sent ahead of their answers wait; past a request's worth of bytes the socket stops being read.
      if (this.buffered.length > this.maxRequestBytes()) this.socket.pause();
      return;
    }
    this.next();
  }

  private maxRequestBytes(): number {
    return this.options.maxHeadBytes + this.options.maxBodyBytes;
  }

  /** Reads the next request held, if complete: serves it, waits for more, or hands the connection over. */
  private next(): void {
    if (this.busy || this.gone || this.socket.writableNeedDrain) return;
    const bytes = this.buffered;
    if (bytes === null) {
      if (this.ended || this.closing) this.socket.end();
      else this.idleTimeout(this.served === 0 ? this.server.headersTimeout : this.server.keepAliveTimeout);
      return;
    }
    const read = readPlainUplink(bytes, this.options.maxHeadBytes, this.options.maxBodyBytes);
    if (read.kind === 'other') {
      // A request cut off by the end of the stream is not one to hand over.
      if (this.ended) {
        this.socket.destroy();
        return;
      }
      this.leave();
      this.handOver(this.socket, bytes);
      return;
    }
    if (read.kind === 'more') {
      // The idle timeout alone would let a sender that drips a byte now and then hold the connection for good:
      // like Node's server, the whole request has headersTimeout from its first byte.
      const deadline = this.server.headersTimeout;
      if (this.ended || (deadline > 0 && Date.now() - this.requestSinceMs > deadline)) this.socket.destroy();
      else if (this.timeoutMs === 0) this.idleTimeout(deadline);
      return;
    }
    this.buffered = read.end < bytes.length ? bytes.subarray(read.end) : null;
    // Bytes of the next request already held: its clock starts now.
    this.requestSinceMs = this.buffered === null ? 0 : Date.now();
    if (this.socket.isPaused()) this.socket.resume();
    // The socket's timer stays set while the request waits for its commit (timedOut leaves a busy connection alone):
    // setting it off and on again for every request made a timer object each time.
    this.busy = true;
    let answer: UplinkAnswer | Promise<UplinkAnswer>;
    try {
      answer = this.options.serve(read.url, read.headers, read.body);
    } catch (error) {
      answer = this.options.failed(error);
    }
    if (answer instanceof Promise) answer.then(this.onAnswer, this.onServeFailed);
    else this.answer(answer);
  }

  private answer(answer: UplinkAnswer): void {
    this.busy = false;
    this.served++;
    if (this.gone) return;
    const close = this.closing || this.ended;
    this.socket.write(answerBytes(answer, this.options.bodyOf, close ? 'Connection: close\r\n' : keepAliveOf(this.server)));
    if (close) {
      this.socket.end();
      return;
    }
    if (this.socket.writableNeedDrain) this.socket.once('drain', this.onDrain);
    else this.next();
  }

  /** Sets the socket's idle timeout, when it is not that already. */
  private idleTimeout(timeoutMs: number): void {
    if (timeoutMs === this.timeoutMs) return;
    this.timeoutMs = timeoutMs;
    this.socket.setTimeout(timeoutMs);
  }

  /**
   * The socket was idle for its timeout. A request waiting for its commit is
   * no idleness: the answer's write starts the timer again. Part of a request
   * has headersTimeout from its first byte, whatever the idle timeout is.
   * Otherwise the connection was idle too long and is closed.
   */
  private timedOut(): void {
    if (this.busy) return;
    const deadline = this.server.headersTimeout;
    if (this.buffered !== null && deadline > 0) {
      const leftMs = deadline - (Date.now() - this.requestSinceMs);
      if (leftMs > 0) {
        this.idleTimeout(leftMs);
        return;
      }
    } else if (this.buffered !== null) {
      return;
    }
    this.destroy();
  }

  /** The peer sent all it will: what is complete is answered, then the connection ends. */
  private peerEnded(): void {
    this.ended = true;
    if (!this.busy) this.next();
  }

  /** Stops reading this connection here (it is handed over). */
  private leave(): void {
    this.socket.pause();
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('end', this.onEnd);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('timeout', this.onTimeout);
    this.socket.removeListener('drain', this.onDrain);
    this.socket.setTimeout(0);
    this.timeoutMs = 0;
    this.forget();
  }

  private left(): void {
    this.gone = true;
    this.forget();
  }
}

/** Connection and Keep-Alive as Node's server sends them on a kept connection (made again only when the timeout changes). */
let keepAlive = { timeoutMs: -1, text: '' };
function keepAliveOf(server: Server): string {
  const timeoutMs = server.keepAliveTimeout;
  if (keepAlive.timeoutMs !== timeoutMs) {
    keepAlive = { timeoutMs, text: timeoutMs ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(timeoutMs / 1000)}\r\n` : 'Connection: keep-alive\r\n' };
  }
  return keepAlive.text;
}
