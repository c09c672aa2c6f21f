import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  AlertEngine,
  AlertsRepository,
  HistoryRepository,
  NextVisitsRepository,
  OverflowMonitor,
  WebhookDispatcher,
  WebhooksRepository,
  type AlertThresholds,
} from '@vulgraad/alerts';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DATABASE, EVENT_BUS, type Clock } from '@vulgraad/contracts';
import { ContainersRepository, type Database } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { createForecaster, forecastSettingsFrom } from '@vulgraad/forecasting';

const SEED_CHUNK = 500;

/**
 * The alerts process: judges every committed reading, checks for silent
 * sensors and likely overflows on timers, and sends webhook deliveries.
 * Safe to run as several replicas: the database decides which one opens an
 * alert, and deliveries are claimed with SKIP LOCKED.
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  readonly engine: AlertEngine;
  readonly dispatcher: WebhookDispatcher;
  readonly overflow: OverflowMonitor;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: Array<() => Promise<void>> = [];
  private overflowRunning = false;
  private seeded = false;
  readonly counters = { statesJudged: 0, silenceChecks: 0, overflowChecks: 0, opened: 0 };

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    const a = config.alerts;
    const defaults: AlertThresholds = { fullPct: a.fullPct, batteryLowPct: a.batteryLowPct, temperatureHighC: a.temperatureHighC, silentMultiple: a.silentMultiple, overflowRisk: a.overflowRisk };
    this.dispatcher = new WebhookDispatcher(new WebhooksRepository(db), clock, {
      maxAttempts: a.webhookMaxAttempts,
      baseDelayMs: a.webhookBackoffBaseMs,
      maxDelayMs: a.webhookBackoffMaxMs,
      timeoutMs: a.webhookTimeoutMs,
      pollMs: 1000,
      batchSize: 20,
      allowPrivateTargets: a.webhookAllowPrivateTargets,
      onError: (error) => this.logger.warn({ msg: 'webhook delivery bookkeeping failed', err: String(error) }),
    });
    this.engine = new AlertEngine(new AlertsRepository(db), {
      defaults,
      clock,
      publish: (event) => bus.publish('alert.changed', event),
      onDeliveriesQueued: () => this.dispatcher.kick(),
      onError: (error) => this.logger.warn({ msg: 'alert rule could not be applied', err: String(error) }),
    });
    this.overflow = new OverflowMonitor(createForecaster(forecastSettingsFrom(config)), a.overflowHorizonH);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.reload();
    this.unsubscribe.push(
      await this.bus.subscribe('container.state', async (state) => {
        this.counters.statesJudged++;
        this.overflow.observe(state);
        await this.engine.onContainerState(state);
      }),
      await this.bus.subscribe('alert.changed', (event) => this.engine.noteChange(event)),
      await this.bus.subscribe('collection.recorded', (collection) => this.overflow.observeCollection(collection)),
      await this.bus.subscribe('plan.published', () => void this.checkOverflow()),
    );
    this.dispatcher.start();
    const every = (seconds: number, task: () => Promise<unknown>): void => {
      const timer = setInterval(() => void task().catch((error: unknown) => this.logger.warn({ msg: 'periodic check failed', err: String(error) })), seconds * 1000);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.alerts.silenceCheckS, () => this.checkSilence());
    every(this.config.alerts.overflowCheckS, () => this.checkOverflow());
    // Learning the history can take a while for a big city: it runs after start, and the overflow check waits for it.
    void this.seedForecasts().catch((error: unknown) => this.logger.warn({ msg: 'forecast history could not be read', err: String(error) }));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.unsubscribe.map((off) => off()));
    await this.dispatcher.stop();
    await this.engine.idle();
  }

  /** Opens sensor_silent where due; also re-reads unresolved alerts and thresholds to catch changes made elsewhere. */
  async checkSilence(): Promise<number> {
    this.counters.silenceChecks++;
    await this.engine.reload();
    const opened = await this.engine.checkSilence();
    this.counters.opened += opened;
    return opened;
  }

  /** Opens or resolves predicted_overflow from the forecasts and the next planned visits. */
  async checkOverflow(): Promise<number> {
    if (!this.seeded || this.overflowRunning) return 0;
    this.overflowRunning = true;
    try {
      this.counters.overflowChecks++;
      const now = this.clock.now();
      const visits = await new NextVisitsRepository(this.db).from(now).catch(() => new Map<string, Date>());
      const opened = await this.engine.applyOverflow(this.overflow.outlooks(now, visits));
      this.counters.opened += opened;
      return opened;
    } finally {
      this.overflowRunning = false;
    }
  }

  /** Learns each container's fill model from its recent readings and emptyings. */
  async seedForecasts(): Promise<void> {
    const started = Date.now();
    const containers = await new ContainersRepository(this.db).list({ activeOnly: true });
    const since = new Date(this.clock.now().getTime() - this.config.alerts.historyDays * 86_400_000);
    const history = new HistoryRepository(this.db);
    for (let i = 0; i < containers.length; i += SEED_CHUNK) {
      const chunk = containers.slice(i, i + SEED_CHUNK);
      const byId = await history.since(chunk.map((c) => c.id), since);
      for (const c of chunk) {
        const h = byId.get(c.id);
        if (h && h.readings.length > 0) this.overflow.seed(c.id, c.district, h.readings, h.collections);
      }
    }
    this.seeded = true;
    this.logger.log({ msg: 'overflow forecasts learned', containers: this.overflow.size, ms: Date.now() - started });
  }
}
