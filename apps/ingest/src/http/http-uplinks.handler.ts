import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { type HttpIngestService, STORED_ANSWER, type UplinkAnswer, type UplinkRequestInput } from './http-ingest.service';
import { readUplinkBody } from './uplink-body';
import { serveUplinksLean } from './uplink-connections';
import type { UplinkRoute } from './uplink-envelope';

/** Where the HTTP uplink doors are. */
export const UPLINK_PATH_PREFIX = '/uplinks/';
const ROUTES: Record<string, UplinkRoute> = { tts: 'tts', chirpstack: 'chirpstack', kpn: 'kpn', devices: 'device' };
const DOOR = /^\/uplinks\/([a-z]+)\/([^/?]+)\/?(?:\?(.*))?$/;

/**
 * The HTTP transport of the ingest: `POST /uplinks/tts/{integration}` (The
 * Things Stack webhook), `/uplinks/chirpstack/{integration}?event=up`
 * (ChirpStack v4 HTTP integration, JSON), `/uplinks/kpn/{integration}` (KPN
 * Things, SenML) and `/uplinks/devices/{deviceRef}` (a sensor posting its
 * native reading). Put in front of the framework (serveUplinkDoorsFirst) or
 * installed as the first middleware, before any body parser, so that bodies
 * are read raw. Reads the body, hands it to HttpIngestService, writes the
 * answer; everything else goes to next().
 */
export function httpUplinkDoors(service: HttpIngestService, maxPayloadBytes: number) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const url = req.url ?? '';
    if (!url.startsWith(UPLINK_PATH_PREFIX)) return next();
    const door = doorOf(url, req.method ?? '');
    if ('status' in door) {
      send(res, door);
      return;
    }
    readUplinkBody(req, res, maxPayloadBytes)
      .then(({ body, oversizeBytes }) =>
        Promise.resolve(service.handle({ ...door, headers: req.headers, body, ...(oversizeBytes !== undefined ? { oversizeBytes } : {}) })).then((answer) => {
          send(res, answer);
          // An oversize body was not read to its end: the connection goes with the answer.
          if (oversizeBytes !== undefined) res.once('finish', () => req.socket.destroy());
        }),
      )
      .catch((error: unknown) => next(error));
  };
}

/** Which door a request is for (route, name, ChirpStack's event), or the answer when the path or method is not one. */
function doorOf(url: string, method: string): Door | UplinkAnswer {
  const match = DOOR.exec(url);
  const route = match ? ROUTES[match[1] as string] : undefined;
  if (!match || !route) {
    return { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'uplink doors: /uplinks/tts/{integration}, /uplinks/chirpstack/{integration}?event=up, /uplinks/kpn/{integration}, /uplinks/devices/{deviceRef}', field: 'path' } };
  }
  if (method !== 'POST') return { status: 405, headers: { Allow: 'POST' }, body: { statusCode: 405, error: 'Method Not Allowed', message: 'uplinks are POSTed', field: 'method' } };
  let name: string;
  try {
    name = decodeURIComponent(match[2] as string);
  } catch {
    return { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'the name in the path is not valid percent-encoding', field: 'path' } };
  }
  const event = route === 'chirpstack' ? new URLSearchParams(match[3] ?? '').get('event') ?? undefined : undefined;
  return { route, name, method: 'POST', path: url.split('?')[0] as string, ...(event !== undefined ? { event } : {}) };
}

/**
 * Puts the uplink doors in front of the framework on the process's HTTP
 * server: a request under /uplinks/ is answered by httpUplinkDoors without
 * passing through Express's router and the middleware before it, whose cost
 * per request was about a tenth of the ingest's work on a webhook; every
 * other request goes to the listeners the server had (the application).
 * Plain uplink POSTs are read before that, from the connections' bytes
 * (serveUplinksLean), and answered by the same service.
 */
export function serveUplinkDoorsFirst(server: Server, service: HttpIngestService, maxPayloadBytes: number): void {
  const doors = new DoorsByUrl();
  serveUplinksLean(server, {
    maxBodyBytes: maxPayloadBytes,
    serve: (url, headers, body) => {
      const door = doors.of(url);
      return 'status' in door ? door : service.handle({ route: door.route, name: door.name, method: door.method, path: door.path, event: door.event, headers, body });
    },
    bodyOf: (answer) => (answer === STORED_ANSWER ? STORED_TEXT : JSON.stringify(answer.body)),
    failed: (error) => {
      logger.error({ msg: 'HTTP uplink not taken', err: error });
      return NOT_TAKEN;
    },
  });
  const doorsFirst = httpUplinkDoors(service, maxPayloadBytes);
  const application = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith(UPLINK_PATH_PREFIX)) {
      doorsFirst(req, res, (error) => failed(res, error));
      return;
    }
    for (const listener of application) listener.call(server, req, res);
  });
}

type Door = Omit<UplinkRequestInput, 'headers' | 'body'>;

/**
 * The door of each POSTed URL, worked out once: a network server posts every
 * uplink to the same URL, and matching it, decoding the name and reading the
 * query each time was a few microseconds a request. Only URLs of a door are
 * kept, at most MAX_DOORS (a stream of made-up names cannot grow it without end).
 */
class DoorsByUrl {
  private static readonly MAX_DOORS = 10_000;
  private readonly known = new Map<string, Door>();

  of(url: string): Door | UplinkAnswer {
    const known = this.known.get(url);
    if (known !== undefined) return known;
    const door = doorOf(url, 'POST');
    if ('status' in door) return door;
    if (this.known.size >= DoorsByUrl.MAX_DOORS) this.known.clear();
    this.known.set(url, door);
    return door;
  }
}

const logger = new Logger('HttpUplinks');

/** What the framework's error handler did for the doors: a 500 the sender retries, and the error in the log. */
function failed(res: ServerResponse, error: unknown): void {
  logger.error({ msg: 'HTTP uplink not taken', err: error });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, NOT_TAKEN);
}

const NOT_TAKEN: UplinkAnswer = { status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'the uplink could not be taken; send it again' } };

/** The body of every stored uplink's answer, written once, and its headers as one flat list (no header object per answer). */
const STORED_TEXT = JSON.stringify(STORED_ANSWER.body);
const STORED_HEADERS = ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(STORED_TEXT))];

function send(res: ServerResponse, answer: UplinkAnswer): void {
  if (answer.status === 204) {
    res.writeHead(204, answer.headers);
    res.end();
    return;
  }
  if (answer === STORED_ANSWER) {
    res.writeHead(200, STORED_HEADERS);
    res.end(STORED_TEXT);
    return;
  }
  const text = JSON.stringify(answer.body);
  // One writeHead with every header: cheaper than a setHeader each (headers set before, such as Connection: close, are kept).
  res.writeHead(answer.status, { ...answer.headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
