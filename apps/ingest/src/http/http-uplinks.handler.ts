import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpIngestService, UplinkAnswer } from './http-ingest.service';
import { readUplinkBody } from './uplink-body';
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
 * native reading). Installed as the first middleware of the process, before
 * any body parser, so that bodies are read raw, and answered here without
 * the framework's routing: at a thousand requests a second its cost per
 * request shows. Reads the body, hands it to HttpIngestService, writes the
 * answer; everything else goes to next().
 */
export function httpUplinkDoors(service: HttpIngestService, maxPayloadBytes: number) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const url = req.url ?? '';
    if (!url.startsWith(UPLINK_PATH_PREFIX)) return next();
    const match = DOOR.exec(url);
    const route = match ? ROUTES[match[1] as string] : undefined;
    if (!match || !route) {
      send(res, { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'uplink doors: /uplinks/tts/{integration}, /uplinks/chirpstack/{integration}?event=up, /uplinks/kpn/{integration}, /uplinks/devices/{deviceRef}', field: 'path' } });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      send(res, { status: 405, body: { statusCode: 405, error: 'Method Not Allowed', message: 'uplinks are POSTed', field: 'method' } });
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(match[2] as string);
    } catch {
      send(res, { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'the name in the path is not valid percent-encoding', field: 'path' } });
      return;
    }
    const event = route === 'chirpstack' ? new URLSearchParams(match[3] ?? '').get('event') ?? undefined : undefined;
    readUplinkBody(req, res, maxPayloadBytes)
      .then(({ body, oversizeBytes }) =>
        service.handle({
          route, name, method: 'POST', path: url.split('?')[0] as string, headers: req.headers, body,
          ...(oversizeBytes !== undefined ? { oversizeBytes } : {}),
          ...(event !== undefined ? { event } : {}),
        }).then((answer) => {
          send(res, answer);
          // An oversize body was not read to its end: the connection goes with the answer.
          if (oversizeBytes !== undefined) res.once('finish', () => req.socket.destroy());
        }),
      )
      .catch((error: unknown) => next(error));
  };
}

function send(res: ServerResponse, answer: UplinkAnswer): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  if (answer.status === 204) {
    res.end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
