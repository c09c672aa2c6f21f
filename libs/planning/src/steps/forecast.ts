import { derivePrior, FillForecaster, type FillModel, type ForecastOptions } from '@vulgraad/forecasting';
import { localTimeMs } from '@vulgraad/time';
import type { ContainerOutlook } from '../select';
import { nextCollectionDay } from '../settings';
import type { ContainerInput, DistrictSettings } from '../types';
import { assignZones, meanFillRatePctPerH, nthCollectionDayAfter, zoneCountOf, zoneDueOn } from '../zones';

/** What the forecast step hands on: a model and an outlook per container, and each district's zones. */
export interface ForecastStep {
  models: Map<string, FillModel>;
  /** The forecaster with the prior of these containers, for later predictions (fill at arrival). */
  forecaster: FillForecaster;
  outlooks: Map<string, ContainerOutlook>;
  /** Per district with collection zones: the zone due this shift and each container's zone. */
  zones: Map<string, { due: number; byContainer: ReadonlyMap<string, number> }>;
}

/**
 * Step 1, forecast: fits (or takes) every container's fill model, backs thin
 * ones with a prior derived from the others, and predicts per container the
 * fill now, at its district's shift end and the overflow risk before the
 * district's next chance (the zone's next turn for the zone due).
 */
export function forecastOutlooks(args: {
  containers: readonly ContainerInput[];
  settingsOf: (district: string) => DistrictSettings;
  districtOf: (container: ContainerInput['container']) => string;
  shiftDate: string;
  timeZone: string;
  nowMs: number;
  forecast?: ForecastOptions;
}): ForecastStep {
  const { shiftDate, timeZone, nowMs } = args;
  const baseForecaster = new FillForecaster({ ...args.forecast, timeZone });
  const models = new Map<string, FillModel>();
  for (const item of args.containers) {
    const id = item.container.id;
    models.set(id, item.model ?? baseForecaster.fit(item.history ?? { containerId: id, readings: [] }));
  }
  let forecaster = baseForecaster;
  if (!args.forecast?.prior) {
    const prior = derivePrior([...models.values()].filter((m) => m.readingsUsed > 0));
    if (prior) forecaster = new FillForecaster({ ...args.forecast, timeZone, prior });
  }

  const byDistrict = new Map<string, ContainerInput['container'][]>();
  for (const item of args.containers) {
    const district = args.districtOf(item.container);
    const list = byDistrict.get(district) ?? [];
    list.push(item.container);
    byDistrict.set(district, list);
  }
  const outlooks = new Map<string, ContainerOutlook>();
  const zones: ForecastStep['zones'] = new Map();
  const weightOf = zoneWeights(models);
  for (const [district, containers] of byDistrict) {
    const settings = args.settingsOf(district);
    const middleMin = (settings.shiftStartMin + settings.shiftEndMin) / 2;
    const shiftStartMs = localTimeMs(shiftDate, settings.shiftStartMin, timeZone);
    const shiftEndMs = localTimeMs(shiftDate, settings.shiftEndMin, timeZone);
    // Left for the next shift, a container is reached on average halfway through it.
    const nextChanceMs = localTimeMs(nextCollectionDay(settings, shiftDate), middleMin, timeZone);
    const zoneCount = zoneCountOf(settings);
    const byContainer = zoneCount > 1 ? assignZones(containers, zoneCount, weightOf) : null;
    const dueZone = zoneDueOn(settings, shiftDate);
    if (byContainer) zones.set(district, { due: dueZone, byContainer });
    const nextTurnMs = byContainer ? localTimeMs(nthCollectionDayAfter(settings, shiftDate, zoneCount), middleMin, timeZone) : nextChanceMs;
    const fromMs = Math.max(nowMs, shiftStartMs);
    for (const container of containers) {
      const model = models.get(container.id) as FillModel;
      const atEnd = forecaster.predict(model, Math.max(shiftEndMs, fromMs), nowMs);
      const due = byContainer !== null && byContainer.get(container.id) === dueZone;
      outlooks.set(container.id, {
        fillNowPct: forecaster.predict(model, nowMs, nowMs).meanPct,
        fillAtShiftEndPct: atEnd.meanPct,
        overflowRiskBeforeNextChance: forecaster.overflowProbability(model, due ? nextTurnMs : nextChanceMs, nowMs),
        fromHistoryOnly: atEnd.fromHistoryOnly,
      });
    }
  }
  return { models, forecaster, outlooks, zones };
}

/**
 * Zone weights: each container's share of the district's work, the rate it
 * fills at (emptyings a day scale with it); a container that has not learned
 * yet counts as the median one.
 */
function zoneWeights(models: ReadonlyMap<string, FillModel>): (id: string) => number {
  const rates = new Map<string, number>();
  for (const [id, model] of models) {
    const rate = meanFillRatePctPerH(model);
    if (rate !== null) rates.set(id, rate);
  }
  const sorted = [...rates.values()].sort((a, b) => a - b);
  const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 1;
  return (id) => rates.get(id) ?? median;
}
