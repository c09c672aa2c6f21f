import path from 'node:path';
import type { Config } from '@vulgraad/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { ErrorFilter } from './common/error.filter';
import { internalClients, internalRoutesGuard } from './common/internal-routes';
import type { HttpRequest, HttpResponse } from './common/http';
import { LiveIoAdapter } from './live/live-io.adapter';
import { GatewayMetrics } from './observability/gateway.metrics';
import { httpMetricsMiddleware } from './observability/http-metrics';
import { QueueBoard } from './queues/queue-board';

/** The dashboard's files, served as they are (no build step). */
export const PUBLIC_DIR = path.resolve(__dirname, '..', 'public');
const LEAFLET_DIR = path.dirname(require.resolve('leaflet/dist/leaflet.js'));
const IMPORT_BODY_LIMIT = '25mb';
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Everything the gateway's HTTP side needs besides its module: request
 * timing for /metrics, body parsers (CSV and GeoJSON for imports),
 * security headers, the dashboard and its vendor files from node_modules, the OpenAPI document and Swagger
 * UI, the error mapping for unknown routes, and socket.io (with the Redis
 * adapter when configured). Create the app with `{ bodyParser: false }`.
 * `shutdownHooks: false` leaves SIGINT/SIGTERM to a caller that closes
 * more than this app (the all-in-one closes its broker and database after it).
 */
export function configureGateway(app: NestExpressApplication, config: Config, options: { shutdownHooks?: boolean } = {}): void {
  const tileOrigin = config.gateway.tileUrl ? new URL(config.gateway.tileUrl.replace(/\{[a-z]\}/g, '0')).origin : null;
  // Behind a proxy every request comes from the proxy: without this, one address's failed logins would throttle everyone's.
  if (config.gateway.trustProxy) app.set('trust proxy', trustProxySetting(config.gateway.trustProxy));
  // First, so that the request histogram also times what the middleware below refuses.
  app.use(httpMetricsMiddleware(app.get(GatewayMetrics)));
  // The public port also carries /metrics and the all-in-one's /internal/*: for the deployment's own networks only.
  app.use(internalRoutesGuard(internalClients(config.gateway.internalFrom)));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', ...(tileOrigin ? [tileOrigin] : [])],
          connectSrc: ["'self'"],
        },
      },
    }),
  );
  // Only the import takes big bodies; everything else is refused above BODY_LIMIT_BYTES before it is read.
  // A body without Content-Length (chunked) could only be measured by reading it, so outside the import it is refused too.
  app.use((req: HttpRequest, res: HttpResponse, next: () => void) => {
    if (req.path === '/api/containers/import') return next();
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined) {
      res.status(411).json({ statusCode: 411, error: 'Length Required', message: `send the body with a Content-Length (at most ${BODY_LIMIT_BYTES} bytes)`, field: 'body' });
      return;
    }
    // A driver's tap may carry a photo (base64 takes 4 bytes per 3).
    const limit = req.path === '/api/driver/actions' ? Math.ceil((config.gateway.driverPhotoMaxBytes * 4) / 3) + 65_536 : BODY_LIMIT_BYTES;
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `bodies are limited to ${limit} bytes`, field: 'body' });
      return;
    }
    // The limit above reads Content-Length, which for a compressed body says nothing of what it inflates to.
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: `send the body uncompressed (Content-Encoding ${encoding}); only the import takes compressed bodies`, field: 'body' });
      return;
    }
    next();
  });
  // PostgreSQL's text holds no NUL character: refused here as a 400 naming the body, not a 500 from the database.
  app.useBodyParser('json', { limit: IMPORT_BODY_LIMIT, type: ['application/json', 'application/geo+json', 'application/*+json'], reviver: refuseNul });
  app.useBodyParser('text', { limit: IMPORT_BODY_LIMIT, type: ['text/csv', 'text/plain'], verify: refuseNulBytes });
  if (config.gateway.corsOrigin) app.enableCors({ origin: config.gateway.corsOrigin, credentials: false });

  // The job queues for admins (bull-board), when the jobs run on Redis.
  app.get(QueueBoard).mount(app);
  app.useStaticAssets(LEAFLET_DIR, { prefix: '/vendor/leaflet/', maxAge: '1d' });
  app.useStaticAssets(PUBLIC_DIR, { index: 'index.html', maxAge: 0 });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('vulgraad gateway')
      .setDescription(
        'Containers, readings, forecasts, plans, planner edits, alerts, driver feedback and open data. ' +
          'Log in with POST /api/auth/login and send the token as a bearer token; the socket.io live feed takes the same token in its handshake. ' +
          'Errors come as { statusCode, error, message, field }.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });

  app.useGlobalFilters(new ErrorFilter());
  const useRedis = config.gateway.socketAdapter === 'redis' || (config.gateway.socketAdapter === 'auto' && config.core.redisUrl !== null);
  app.useWebSocketAdapter(new LiveIoAdapter(app, useRedis ? config.core.redisUrl : null, config.gateway.socketRedisPrefix));
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
}

/** GATEWAY_TRUST_PROXY as Express takes it: a hop count, or the list of trusted proxy addresses and subnets. */
export function trustProxySetting(raw: string): number | string[] {
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** JSON.parse reviver: a NUL character in a key or a string value makes the body invalid. */
function refuseNul(this: unknown, key: string, value: unknown): unknown {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
    throw Object.assign(new SyntaxError(`the body has a NUL character (\\u0000)${key ? ` in "${key.replaceAll('\u0000', '\\u0000')}"` : ''}, which no field may hold`), { status: 400 });
  }
  return value;
}

/** body-parser verify hook for text bodies: a NUL byte makes them invalid. */
function refuseNulBytes(_req: unknown, _res: unknown, body: Buffer): void {
  if (body.includes(0)) throw Object.assign(new Error('the body has a NUL byte, which no field may hold'), { status: 400 });
}
