import { FillForecaster, type FillModel, type ForecastOptions } from '@vulgraad/forecasting';
import type { HistorySlice } from './repositories/planning-data.repository';

/**
 * Fill models kept warm between plans: the first plan learns each container
 * from `historyDays` of readings, later plans fold in only what arrived
 * since (`FillForecaster.update` costs in proportion to the new data).
 */
export class FillModelCache {
  private readonly models = new Map<string, FillModel>();
  private readonly seenUntilMs = new Map<string, number>();
  private readonly forecaster: FillForecaster;

  constructor(options: ForecastOptions = {}) {
    this.forecaster = new FillForecaster(options);
  }

  /** Per container, from when data is still needed (the first plan: `defaultFromMs`). */
  neededFrom(containerIds: readonly string[], defaultFromMs: number): number {
    let from = Infinity;
    for (const id of containerIds) from = Math.min(from, this.seenUntilMs.get(id) ?? defaultFromMs);
    return Number.isFinite(from) ? from : defaultFromMs;
  }

  /** Folds a slice of history (data up to `untilMs`) into the models and returns them for the containers asked. */
  update(containerIds: readonly string[], slice: HistorySlice, untilMs: number): Map<string, FillModel> {
    const out = new Map<string, FillModel>();
    for (const id of containerIds) {
      let model = this.models.get(id);
      if (!model) {
        model = this.forecaster.emptyModel(id);
        this.models.set(id, model);
      }
      const seen = this.seenUntilMs.get(id) ?? -Infinity;
      const readings = (slice.readings.get(id) ?? []).filter((r) => r.atMs > seen);
      const collections = (slice.collections.get(id) ?? []).filter((c) => c.atMs > seen);
      if (readings.length > 0 || collections.length > 0) this.forecaster.update(model, readings, collections);
      this.seenUntilMs.set(id, Math.max(seen, untilMs));
      out.set(id, model);
    }
    return out;
  }

  /** Folds in an emptying reported outside the readings (driver feedback), even one older than data already seen. */
  recordCollection(containerId: string, atMs: number, observedFillPct: number | null): void {
    const model = this.models.get(containerId);
    if (model) this.forecaster.update(model, [], [{ atMs, observedFillPct }]);
  }

  /** Forgets a container (its sensor was swapped, it was removed). */
  forget(containerId: string): void {
    this.models.delete(containerId);
    this.seenUntilMs.delete(containerId);
  }

  get size(): number {
    return this.models.size;
  }
}
