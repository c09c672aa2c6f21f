import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { withLogContext } from './log-context';

/** Header a caller may send its own request id in; every response echoes the id used. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What of a request is read here (express's request satisfies it). */
export interface RequestLike {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What of a response is used here (express's response satisfies it). */
export interface ResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  once(event: 'finish', listener: () => void): unknown;
}

// Ids from outside go into log lines and a response header: letters, digits and a few separators only, bounded.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's request id when it is a sane one, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

/** Probes and scrapes come every few seconds: their access lines are debug, everything else info. */
const isProbe = (path: string): boolean => /\/(health(\/[a-z]+)?|metrics)$/.test(path);

/**
 * Express-style middleware: takes or makes the request id, echoes it in the
 * `x-request-id` response header, runs the rest of the request inside a log
 * context carrying `requestId`, and writes one access line when the
 * response is finished.
 */
export function requestIdMiddleware(logger: Pick<Logger, 'log' | 'debug'> = new Logger('Http')) {
  return (req: RequestLike, res: ResponseLike, next: () => void): void => {
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    const path = (req.originalUrl ?? req.url).split('?')[0] ?? '';
    res.once('finish', () => {
      const line = { msg: 'http request', requestId, method: req.method, path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 };
      if (isProbe(path)) logger.debug(line);
      else logger.log(line);
    });
    withLogContext({ requestId }, next);
  };
}
