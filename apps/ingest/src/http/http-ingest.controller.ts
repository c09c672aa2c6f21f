import type { ServerResponse } from 'node:http';
import { Controller, Param, Post, Query, Req, Res } from '@nestjs/common';
import { HttpIngestService, type UplinkAnswer } from './http-ingest.service';
import type { UplinkRequest } from './raw-body';
import type { UplinkRoute } from './uplink-envelope';

/**
 * HTTP uplinks: `POST /uplinks/tts/{integration}` (The Things Stack webhook),
 * `/uplinks/chirpstack/{integration}?event=up` (ChirpStack v4 HTTP
 * integration, JSON), `/uplinks/kpn/{integration}` (KPN Things, SenML) and
 * `/uplinks/devices/{deviceRef}` (a sensor posting its native reading).
 * Bodies are read raw by rawUplinkBody; the answer waits for the commit.
 */
@Controller('uplinks')
export class HttpIngestController {
  constructor(private readonly ingest: HttpIngestService) {}

  @Post('tts/:integration')
  tts(@Param('integration') name: string, @Req() req: UplinkRequest, @Res() res: ServerResponse): Promise<void> {
    return this.handle('tts', name, req, res);
  }

  @Post('chirpstack/:integration')
  chirpstack(@Param('integration') name: string, @Query('event') event: string | undefined, @Req() req: UplinkRequest, @Res() res: ServerResponse): Promise<void> {
    return this.handle('chirpstack', name, req, res, event);
  }

  @Post('kpn/:integration')
  kpn(@Param('integration') name: string, @Req() req: UplinkRequest, @Res() res: ServerResponse): Promise<void> {
    return this.handle('kpn', name, req, res);
  }

  @Post('devices/:deviceRef')
  device(@Param('deviceRef') ref: string, @Req() req: UplinkRequest, @Res() res: ServerResponse): Promise<void> {
    return this.handle('device', ref, req, res);
  }

  private async handle(route: UplinkRoute, name: string, req: UplinkRequest, res: ServerResponse, event?: string): Promise<void> {
    const answer = await this.ingest.handle({
      route,
      name,
      method: req.method ?? 'POST',
      path: (req.url ?? '').split('?')[0] as string,
      headers: req.headers,
      body: req.rawBody ?? Buffer.alloc(0),
      ...(req.oversizeBytes !== undefined ? { oversizeBytes: req.oversizeBytes } : {}),
      ...(event !== undefined ? { event } : {}),
    });
    send(res, answer);
    // An oversize body was not read to its end: the connection goes with the answer.
    if (req.oversizeBytes !== undefined) res.once('finish', () => req.socket.destroy());
  }
}

function send(res: ServerResponse, answer: UplinkAnswer): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  if (answer.status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(answer.body));
}
