import { AlertEngine, OverflowMonitor, type AlertsRepository, type AlertThresholds, type CommittedChange, type OpenAlertInput } from '@vulgraad/alerts';
import type { AlertCause, AlertChanged, Plan } from '@vulgraad/contracts';
import { FillForecaster, type CollectionObservation, type FillObservation, type ForecastOptions } from '@vulgraad/forecasting';

/** Alerts that make the planner re-plan today when their container is on no open stop (apps/planner, `PlannerEventsHandler.onAlert`). */
export const URGENT_CAUSES: ReadonlySet<AlertCause> = new Set<AlertCause>(['container_full', 'predicted_overflow']);

/** An alert the alerts service opened. */
export interface OpenedAlert {
  containerId: string;
  cause: AlertCause;
  atMs: number;
}

/** The alert settings the alerts service reads from its configuration (`ALERT_*`). */
export interface ReplayAlertSettings {
  thresholds: AlertThresholds;
  /** Hours ahead a container no plan visits is checked for overflow (`ALERT_OVERFLOW_HORIZON_H`). */
  overflowHorizonH: number;
  /** Seconds between predicted-overflow checks (`ALERT_OVERFLOW_CHECK_S`). */
  overflowCheckS: number;
  /**
   * The planner's re-plan window (`PLANNER_REPLAN_DEBOUNCE_MS`): alerts of one
   * window lead to one re-plan, at the window's end (`ReplanCoordinator`).
   */
  replanDebounceMs: number;
}

/** When the re-plan an alert at `atMs` asks for runs: at the end of its debounce window (`ReplanCoordinator.request`). */
export function replanRunsAt(atMs: number, debounceMs: number): number {
  const windowMs = Math.max(1, debounceMs);
  return debounceMs > 0 ? (Math.floor(atMs / windowMs) + 1) * windowMs : atMs;
}

/**
 * The alerts service as the replay runs it: the same rules engine
 * (`AlertEngine`: which alert opens, which resolves, an open alert does not
 * open again) and the same overflow outlook (`OverflowMonitor`: a fill model
 * per container fed every reading and emptying), over an in-memory store of
 * the unresolved alerts in place of the database. Readings are judged in
 * time order as they arrive; the overflow check runs when asked (the service
 * runs it on a timer and after every published plan).
 */
export class ReplayAlerts {
  private readonly engine: AlertEngine;
  private readonly monitor: OverflowMonitor;
  private readonly open = new Set<string>();
  private opened: OpenedAlert[] = [];
  private nowMs = 0;
  private nextId = 1;
  readonly counts = { readings: 0, overflowChecks: 0, opened: new Map<AlertCause, number>() };

  constructor(settings: ReplayAlertSettings, forecast: ForecastOptions, private readonly districtOf: (id: string) => string) {
    this.monitor = new OverflowMonitor(new FillForecaster(forecast), settings.overflowHorizonH);
    const key = (containerId: string, cause: AlertCause): string => `${containerId}|${cause}`;
    const change = (containerId: string, district: string, cause: AlertCause, what: 'opened' | 'resolved', at: Date, message: string): CommittedChange => {
      const event: AlertChanged = {
        alertId: `replay-${this.nextId++}`, containerId, district, cause, status: what === 'opened' ? 'open' : 'resolved', change: what, message, at: at.toISOString(),
      };
      return { alert: {} as CommittedChange['alert'], event, deliveriesQueued: 0 };
    };
    const store = {
      open: async (input: OpenAlertInput, at: Date): Promise<CommittedChange | null> => {
        if (this.open.has(key(input.containerId, input.cause))) return null;
        this.open.add(key(input.containerId, input.cause));
        return change(input.containerId, input.district, input.cause, 'opened', at, input.message);
      },
      resolveAuto: async (containerId: string, cause: AlertCause, reason: string, at: Date): Promise<CommittedChange | null> =>
        this.open.delete(key(containerId, cause)) ? change(containerId, this.districtOf(containerId), cause, 'resolved', at, reason) : null,
      unresolvedKeys: async () => [...this.open].map((k) => ({ containerId: k.slice(0, k.lastIndexOf('|')), cause: k.slice(k.lastIndexOf('|') + 1) as AlertCause })),
      thresholdOverrides: async () => new Map(),
    } as unknown as AlertsRepository;
    this.engine = new AlertEngine(store, {
      defaults: settings.thresholds,
      clock: { now: () => new Date(this.nowMs) },
      publish: async (event) => {
        if (event.change !== 'opened') return;
        this.opened.push({ containerId: event.containerId, cause: event.cause, atMs: this.nowMs });
        this.counts.opened.set(event.cause, (this.counts.opened.get(event.cause) ?? 0) + 1);
      },
      onError: (error) => {
        throw error;
      },
    });
  }

  /**
   * Judges the readings and emptyings that arrived, in time order (each
   * reading when it was measured): the ingest's `container.state` events
   * and the drivers' `collection.recorded` events.
   */
  async arrive(readings: ReadonlyMap<string, readonly FillObservation[]>, collections: ReadonlyMap<string, readonly CollectionObservation[]>): Promise<void> {
    type Item = { atMs: number; id: string; reading?: FillObservation; collection?: CollectionObservation };
    const items: Item[] = [];
    for (const [id, list] of readings) for (const r of list) items.push({ atMs: r.atMs, id, reading: r });
    for (const [id, list] of collections) for (const c of list) items.push({ atMs: c.atMs, id, collection: c });
    items.sort((a, b) => a.atMs - b.atMs);
    for (const item of items) {
      this.nowMs = item.atMs;
      const district = this.districtOf(item.id);
      if (item.collection) {
        this.monitor.observeCollection({ containerId: item.id, district, collectedAt: new Date(item.atMs).toISOString(), observedFillPct: item.collection.observedFillPct ?? null, source: 'driver' });
        continue;
      }
      const r = item.reading as FillObservation;
      const state = {
        containerId: item.id, district, wasteType: 'residual' as const, deviceId: `replay-${item.id}`, fillPct: r.fillPct, temperatureC: null, batteryPct: null,
        flags: [...(r.flags ?? [])] as never[], measuredAt: new Date(r.atMs).toISOString(),
      };
      this.counts.readings++;
      this.monitor.observe(state);
      await this.engine.onContainerState(state);
    }
  }

  /** The predicted-overflow check at `atMs`, against the next visits of the plan in force. */
  async checkOverflow(atMs: number, nextVisits: ReadonlyMap<string, Date>): Promise<void> {
    this.nowMs = atMs;
    this.counts.overflowChecks++;
    await this.engine.applyOverflow(this.monitor.outlooks(new Date(atMs), nextVisits));
  }

  /** The alerts opened since the last call. */
  take(): OpenedAlert[] {
    const out = this.opened;
    this.opened = [];
    return out;
  }
}

/** When each container is next visited by the plan: its earliest stop not yet driven, from `nowMs` on (the alerts service's `NextVisitsRepository`). */
export function nextVisitsOf(plan: Plan | null, nowMs: number): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const route of plan?.routes ?? []) {
    for (const s of route.stops) {
      if (s.kind !== 'container' || !s.containerId || s.doneAt !== null) continue;
      const at = Date.parse(s.arriveAt);
      if (at < nowMs) continue;
      const known = out.get(s.containerId);
      if (!known || at < known.getTime()) out.set(s.containerId, new Date(at));
    }
  }
  return out;
}

/**
 * The containers whose opened alert makes the planner re-plan today: an
 * urgent cause, and no stop of the plan in force not yet driven at the
 * container (`PlannerEventsHandler.onAlert`).
 */
export function replanTriggers(alerts: readonly OpenedAlert[], plan: Plan | null): OpenedAlert[] {
  if (!plan) return [];
  const open = new Set<string>();
  for (const route of plan.routes) for (const s of route.stops) if (s.containerId && s.doneAt === null) open.add(s.containerId);
  return alerts.filter((a) => URGENT_CAUSES.has(a.cause) && !open.has(a.containerId));
}

/**
 * A driver marked a container emptied: its stop not yet driven in the plan
 * (first by sequence), and the depot start, unloading and break visits
 * before it on the same route, become driven, as the plans repository marks
 * them (`markStopDone`: the visits before at their planned departure, or the
 * emptying's time when earlier). False when the plan has no open stop there.
 */
export function markStopDone(plan: Plan, containerId: string, atMs: number): boolean {
  let best: { route: Plan['routes'][number]; index: number } | null = null;
  for (const route of plan.routes) {
    const index = route.stops.findIndex((s) => s.containerId === containerId && s.doneAt === null);
    if (index < 0) continue;
    const stop = route.stops[index] as Plan['routes'][number]['stops'][number];
    if (!best || stop.seq < (best.route.stops[best.index] as typeof stop).seq) best = { route, index };
  }
  if (!best) return false;
  const at = new Date(atMs).toISOString();
  best.route.stops.forEach((s, k) => {
    if (k < best.index && s.kind !== 'container' && s.doneAt === null) s.doneAt = Date.parse(s.departAt) < atMs ? s.departAt : at;
  });
  (best.route.stops[best.index] as Plan['routes'][number]['stops'][number]).doneAt = at;
  return true;
}
