import type { CollectionRecorded, ContainerStateChanged } from '@vulgraad/contracts';
import { FillForecaster, type CollectionObservation, type FillModel, type FillObservation } from '@vulgraad/forecasting';
import type { OverflowOutlook } from './alert-engine';

const HOUR_MS = 3_600_000;

/**
 * Keeps a fill model per container, learned from history and updated with
 * every reading, and answers: how likely does each container overflow before
 * its next planned visit (or, with none planned, within the horizon)?
 */
export class OverflowMonitor {
  private readonly models = new Map<string, { model: FillModel; district: string }>();

  constructor(
    private readonly forecaster: FillForecaster = new FillForecaster(),
    /** How far ahead to look for a container no plan visits. */
    private readonly horizonH = 24,
  ) {}

  get size(): number {
    return this.models.size;
  }

  /** Learns a container from its stored history (replaces what was known). */
  seed(containerId: string, district: string, readings: readonly FillObservation[], collections: readonly CollectionObservation[] = []): void {
    this.models.set(containerId, { model: this.forecaster.fit({ containerId, readings, collections }), district });
  }

  /** Folds a committed reading into the container's model. */
  observe(state: ContainerStateChanged): void {
    let entry = this.models.get(state.containerId);
    if (!entry) {
      entry = { model: this.forecaster.emptyModel(state.containerId), district: state.district };
      this.models.set(state.containerId, entry);
    }
    entry.district = state.district;
    this.forecaster.update(entry.model, [{ atMs: Date.parse(state.measuredAt), fillPct: state.fillPct, flags: state.flags }]);
  }

  /** Folds an emptying into the container's model. */
  observeCollection(collection: CollectionRecorded): void {
    const entry = this.models.get(collection.containerId);
    if (!entry) return;
    this.forecaster.update(entry.model, [], [{ atMs: Date.parse(collection.collectedAt), observedFillPct: collection.observedFillPct }]);
  }

  /** The outlook of every container that has reported at least once. */
  outlooks(now: Date, nextVisits: ReadonlyMap<string, Date>): OverflowOutlook[] {
    const nowMs = now.getTime();
    const out: OverflowOutlook[] = [];
    for (const [containerId, { model, district }] of this.models) {
      if (model.readingsUsed === 0) continue;
      const visit = nextVisits.get(containerId);
      const planned = visit !== undefined && visit.getTime() > nowMs;
      const untilMs = planned ? visit.getTime() : nowMs + this.horizonH * HOUR_MS;
      const prediction = this.forecaster.predict(model, untilMs, nowMs);
      out.push({
        containerId,
        district,
        facts: {
          probability: prediction.overflowProbability,
          until: new Date(untilMs),
          plannedVisit: planned,
          expectedFillPct: Math.round(prediction.meanPct * 10) / 10,
          fromHistoryOnly: prediction.fromHistoryOnly,
        },
      });
    }
    return out;
  }
}
