import type { GatewayMetrics } from './gateway.metrics';

interface RoutedRequest {
  method: string;
  baseUrl?: string;
  /** Set by the router when a route matched: its pattern, e.g. /api/containers/:id. */
  route?: { path?: unknown };
}

interface FinishingResponse {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * The route label of a request: the matched route's pattern, never the raw
 * path (ids in paths would make a series per container), `static` for the
 * dashboard's files and `unmatched` for what nothing answered.
 */
export function routeLabel(req: RoutedRequest, status: number): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}`;
  return status === 404 ? 'unmatched' : 'static';
}

/** Express middleware timing every request into the gateway's HTTP histogram. */
export function httpMetricsMiddleware(metrics: GatewayMetrics) {
  return (req: RoutedRequest, res: FinishingResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      metrics.observeRequest(req.method, routeLabel(req, res.statusCode), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', finish);
    // A client that went away before the end is counted with the status set so far.
    res.once('close', finish);
    next();
  };
}
