import type { IncomingMessage, ServerResponse } from 'node:http';

/** An uplink's body as read: its bytes (at most the limit), and its size when it was over the limit. */
export interface UplinkBody {
  body: Buffer;
  /** Content-Length when it announced more than the limit, or limit + 1 for a chunked body that passed it. */
  oversizeBytes?: number;
}

/**
 * Reads an uplink's body as bytes, so that the ingest stores exactly what was
 * sent (a rejected message keeps its payload, malformed JSON included) and
 * parses it once. A body over `limit` is not read: a Content-Length above it
 * is noted at once; a chunked body is read until it passes the limit. Either
 * way the connection is closed after the answer (Connection: close), sparing
 * the rest of the body.
 */
export function readUplinkBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<UplinkBody> {
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  if (declared !== null && declared > limit) {
    res.setHeader('Connection', 'close');
    req.resume();
    return Promise.resolve({ body: Buffer.alloc(0), oversizeBytes: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        res.setHeader('Connection', 'close');
        req.pause();
        resolve({ body: Buffer.concat(chunks), oversizeBytes: limit + 1 });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}
