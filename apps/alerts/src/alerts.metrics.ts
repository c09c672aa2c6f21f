import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ALERT_CAUSES } from '@vulgraad/alerts';
import { type AlertChanged, DATABASE, EVENT_BUS } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/* Params: none. Unresolved alerts per cause and status. */
const UNRESOLVED_SQL = `SELECT cause, status, count(*)::int AS n FROM alerts WHERE status <> 'resolved' GROUP BY cause, status`;

/**
 * The alerts service's numbers on a registry of its own (the all-in-one
 * hosts several apps): alerts raised and changed, counted from the
 * alert.changed events, and the alerts open now per cause, read from the
 * database at each scrape (so every replica reports the same, true count).
 */
@Injectable()
export class AlertsMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry = new Registry();
  readonly raised: Counter<'cause'>;
  readonly changes: Counter<'cause' | 'change'>;
  readonly unresolved: Gauge<'cause' | 'status'>;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {
    const registers = [this.registry];
    // Every replica consumes every alert.changed event: these count what the deployment raised, once per replica.
    this.raised = new Counter({ name: 'vulgraad_alerts_raised_total', help: 'Alerts opened, by cause (seen on the event bus: do not sum over replicas)', labelNames: ['cause'], registers });
    this.changes = new Counter({ name: 'vulgraad_alerts_changes_total', help: 'Alert changes (opened, updated, acknowledged, resolved) by cause', labelNames: ['cause', 'change'], registers });
    this.unresolved = new Gauge({
      name: 'vulgraad_alerts_open',
      help: 'Alerts not resolved now, by cause and status (open, acknowledged)',
      labelNames: ['cause', 'status'],
      registers,
      collect: async () => {
        const rows = await db.query<{ cause: string; status: string; n: number }>(UNRESOLVED_SQL).then((r) => r.rows, () => null);
        // A scrape while the database is away shows no values rather than stale ones.
        this.unresolved.reset();
        if (!rows) return;
        for (const cause of ALERT_CAUSES) for (const status of ['open', 'acknowledged']) this.unresolved.set({ cause, status }, 0);
        for (const row of rows) this.unresolved.set({ cause: row.cause, status: row.status }, row.n);
      },
    });
    for (const cause of ALERT_CAUSES) this.raised.inc({ cause }, 0);
    collectDefaultMetrics({ register: this.registry, prefix: 'vulgraad_alerts_' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe('alert.changed', (event) => this.observe(event));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.();
  }

  observe(event: AlertChanged): void {
    this.changes.inc({ cause: event.cause, change: event.change });
    if (event.change === 'opened') this.raised.inc({ cause: event.cause });
  }
}
