import { Counter, type Registry } from 'prom-client';

/** Counts of HTTP uplink requests by door and answer, on the ingest's registry (its /metrics). */
export class HttpIngestMetrics {
  private readonly requests: Counter<'route' | 'status'>;
  private readonly totals: Record<string, number> = {};

  constructor(registry: Registry) {
    this.requests = new Counter({ name: 'vulgraad_ingest_http_requests_total', help: 'HTTP uplink requests by door (tts, chirpstack, kpn, device) and answer status', labelNames: ['route', 'status'], registers: [registry] });
  }

  count(route: string, status: number): void {
    this.requests.inc({ route, status: String(status) });
    const key = `${route} ${status}`;
    this.totals[key] = (this.totals[key] ?? 0) + 1;
  }

  snapshot(): Record<string, number> {
    return { ...this.totals };
  }
}
