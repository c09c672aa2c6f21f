/** One practice K of the sweep: clusters emptied a day and the mean service it reached over the reported seeds. */
export interface KRow {
  k: number;
  servicePct: number;
  kmPerDay: number;
}

/** Which K of the sweep practice is compared at, and whether it reached vulgraad's service. */
export interface KChoice {
  k: number;
  servicePct: number;
  /** False when no K of the sweep reached the target: the highest-service K is taken and the report says so. */
  reached: boolean;
}

/**
 * The practice K compared with vulgraad, as the study compared at equal service: among the
 * K whose mean service is at or above `targetPct` (vulgraad's), the one with the lowest
 * service (the least over-serving); of equal service, the smaller K (fewer clusters a day).
 * When none reaches the target, the K with the highest service (then the smaller K).
 */
export function chooseK(rows: readonly KRow[], targetPct: number): KChoice {
  if (rows.length === 0) throw new RangeError('chooseK needs at least one K');
  const byServiceThenK = (a: KRow, b: KRow): number => a.servicePct - b.servicePct || a.k - b.k;
  const reaching = rows.filter((r) => r.servicePct >= targetPct).sort(byServiceThenK);
  const pick = reaching[0];
  if (pick) return { k: pick.k, servicePct: pick.servicePct, reached: true };
  const best = [...rows].sort((a, b) => b.servicePct - a.servicePct || a.k - b.k)[0] as KRow;
  return { k: best.k, servicePct: best.servicePct, reached: false };
}

/** One candidate setting of the tuning, with its means over the tuning seeds. */
export interface TuningRow {
  riskLevel: number;
  kmPerDay: number;
  servicePct: number;
}

/**
 * The setting the reported runs use, chosen on the tuning seeds only: the fewest km a day
 * among the candidates whose mean service reaches `targetPct`; when none does, the
 * highest service. Ties go to the first candidate given.
 */
export function chooseSetting(rows: readonly TuningRow[], targetPct: number): TuningRow & { reached: boolean } {
  if (rows.length === 0) throw new RangeError('chooseSetting needs at least one candidate');
  let pick: TuningRow | null = null;
  for (const r of rows) if (r.servicePct >= targetPct && (pick === null || r.kmPerDay < pick.kmPerDay)) pick = r;
  if (pick) return { ...pick, reached: true };
  let best = rows[0] as TuningRow;
  for (const r of rows) if (r.servicePct > best.servicePct) best = r;
  return { ...best, reached: false };
}

/**
 * The practice K values of the default sweep: the study's (150, 175, 200, 225 and 250 of 850
 * clusters a day) scaled to the city, without repeats.
 */
export function defaultKSweep(clusters: number): number[] {
  const ks = [150, 175, 200, 225, 250].map((k) => Math.max(1, Math.round((k / 850) * clusters)));
  return [...new Set(ks)];
}
