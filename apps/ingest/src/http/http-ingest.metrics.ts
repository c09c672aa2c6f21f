import { Counter, type Registry } from 'prom-client';

/** Counts of HTTP uplink requests by door and answer, on the ingest's registry (its /metrics). */
export class HttpIngestMetrics {
  private readonly requests: Counter<'route' | 'status'>;
  private readonly totals: Record<string, number> = {};
  /** The counter of each door and status, looked up once: labelling per request cost about as much as the rest of the counting. */
  private readonly byKey = new Map<string, Counter.Internal>();

  constructor(registry: Registry) {
    this.requests = new Counter({ name: 'vulgraad_ingest_http_requests_total', help: 'HTTP uplink requests by door (tts, chirpstack, kpn, device) and answer status', labelNames: ['route', 'status'], registers: [registry] });
  }

  count(route: string, status: number): void {
    const key = `${route} ${status}`;
    let counter = this.byKey.get(key);
    if (counter === undefined) this.byKey.set(key, (counter = this.requests.labels(route, String(status))));
    counter.inc();
    this.totals[key] = (this.totals[key] ?? 0) + 1;
  }

  snapshot(): Record<string, number> {
    return { ...this.totals };
  }
}
