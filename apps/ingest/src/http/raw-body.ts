import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where the HTTP uplink routes live; bodies under it are read raw here, never by a JSON parser. */
export const UPLINK_PATH_PREFIX = '/uplinks/';

/** A request whose body was read by rawUplinkBody. */
export interface UplinkRequest extends IncomingMessage {
  /** The body's bytes, at most limit of them (what is kept of an oversize body). */
  rawBody?: Buffer;
  /** The body's size when it was over the limit: Content-Length, or limit + 1 when it was sent in chunks. */
  oversizeBytes?: number;
  /** Express body-parser's mark of a body already read: set so that no parser after this one reads it again. */
  _body?: boolean;
}

/**
 * Reads the body of an uplink request as bytes, before any JSON parser, so
 * that the ingest stores exactly what was sent (a rejected message keeps its
 * payload, malformed JSON included) and parses it once. A body over `limit`
 * is not read: a Content-Length above it is noted at once; a chunked body is
 * read until it passes the limit, then the connection is closed after the
 * answer. Either way the handler answers 413 and keeps the refusal.
 */
export function rawUplinkBody(limit: number) {
  return (req: UplinkRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (!(req.url ?? '').startsWith(UPLINK_PATH_PREFIX) || req.method !== 'POST') return next();
    req._body = true;
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    if (declared !== null && declared > limit) {
      req.oversizeBytes = declared;
      req.rawBody = Buffer.alloc(0);
      // The answer goes before the body is read; closing afterwards spares reading it.
      res.setHeader('Connection', 'close');
      req.resume();
      return next();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      req.rawBody = Buffer.concat(chunks, Math.min(size, limit));
      next();
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        req.oversizeBytes = limit + 1;
        res.setHeader('Connection', 'close');
        req.pause();
        finish();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', finish);
    req.on('error', (error) => {
      if (!done) {
        done = true;
        next(error);
      }
    });
  };
}
