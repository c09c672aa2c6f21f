import { markdownReport, plots, valueLine } from './report/report';
import { checkSpec, runValue, type ValueRunResult, type ValueRunSpec } from './value-run';

/**
 * A quick value run on a tiny generated city: two reported seeds, one tuning
 * seed, two risk levels to tune and three practice K values. It checks what
 * must hold whatever the policies decide: the same deposits for every policy
 * on a seed, every litre accounted for, tuning kept off the reported seeds,
 * and practice compared at the right K of its sweep.
 */
describe(runValue.name, () => {
  const spec: ValueRunSpec = {
    setup: { city: 'generated', seed: 3, containers: 30, truckBodyL: 6000, compactionFactor: 1 },
    run: { startDate: '2023-01-09', days: 3, warmupDays: 2, solverIterations: 15 },
    seeds: [11, 12],
    tuningSeeds: [1],
    practiceKs: [10, 2, 6],
    tuneRiskLevels: [0.05, 0.3],
    serviceTargetPct: 99.9,
    policies: ['practice', 'fixed', 'vulgraad'],
    settings: { vulgraad: { riskLevel: 0.1 } },
    parallel: 1,
  };
  let result: ValueRunResult;

  beforeAll(async () => {
    result = await runValue(spec);
  }, 120_000);

  it('runs every policy, and practice at every K, on every reported seed and on the same deposits per seed', () => {
    for (const seed of spec.seeds) {
      const runs = result.runs.filter((r) => r.seed === seed);
      expect(runs.map((r) => `${r.run.policy}${r.k ?? ''}`).sort()).toEqual(['fixed', 'practice10', 'practice2', 'practice6', 'vulgraad']);
      const [first, ...rest] = runs.map((r) => r.run.balance);
      expect(first?.deposits).toBeGreaterThan(1000);
      for (const b of rest) {
        expect(b.deposits).toBe(first?.deposits);
        expect(b.depositedL).toBeCloseTo(first?.depositedL as number, 6);
        expect(b.initialL).toBeCloseTo(first?.initialL as number, 6);
      }
    }
    // Other seeds, other deposits.
    const deposits = spec.seeds.map((seed) => result.runs.find((r) => r.seed === seed)?.run.balance.deposits);
    expect(deposits[0]).not.toBe(deposits[1]);
  });

  it('balances the litres on every run: start + deposited = emptied + left, and trucks unload what they emptied', () => {
    for (const { run } of result.runs) {
      const b = run.balance;
      expect(b.initialL + b.depositedL).toBeCloseTo(b.emptiedL + b.remainingL, 3);
      expect(b.unloadedL + b.onBoardAtEndL).toBeCloseTo(b.emptiedL, 3);
      expect(b.overflowAtEmptyingL).toBeLessThanOrEqual(b.emptiedL);
      expect(b.emptiedL).toBeGreaterThan(0);
      expect(run.summary.days).toBe(3);
      expect(run.days.reduce((n, d) => n + d.containersEmptied, 0)).toBe(run.summary.emptyings);
    }
  });

  it('chooses the risk level on the tuning seeds only, and by its rule', () => {
    const tuning = result.tuning;
    expect(tuning?.seeds).toEqual([1]);
    expect(tuning?.candidates.map((c) => c.riskLevel)).toEqual([0.05, 0.3]);
    for (const s of tuning?.seeds ?? []) expect(spec.seeds).not.toContain(s);
    expect(result.runs.every((r) => spec.seeds.includes(r.seed))).toBe(true);
    const reaching = (tuning?.candidates ?? []).filter((c) => c.servicePct >= spec.serviceTargetPct);
    if (reaching.length > 0) expect(tuning?.chosen.kmPerDay).toBe(Math.min(...reaching.map((c) => c.kmPerDay)));
    else expect(tuning?.chosen.servicePct).toBe(Math.max(...(tuning?.candidates ?? []).map((c) => c.servicePct)));
    // The reported vulgraad runs use the chosen level.
    const ours = result.aggregates.find((a) => a.policy === 'vulgraad');
    expect(ours?.description.join(' ')).toContain(`>= ${tuning?.chosen.riskLevel}.`);
  });

  it('compares practice at the K whose mean service is the lowest at or above vulgraad\'s', () => {
    const sweep = result.sweep;
    const ours = result.aggregates.find((a) => a.policy === 'vulgraad');
    expect(sweep?.rows.map((r) => r.k)).toEqual([2, 6, 10]);
    expect(sweep?.targetPct).toBe(ours?.summary.servicePct.mean);
    const target = ours?.summary.servicePct.mean as number;
    const chosen = sweep?.rows.find((r) => r.k === sweep.chosen.k);
    expect(chosen).toBeDefined();
    const service = (r: NonNullable<typeof chosen>): number => r.summary.servicePct.mean;
    if (sweep?.chosen.reached) {
      expect(service(chosen as NonNullable<typeof chosen>)).toBeGreaterThanOrEqual(target);
      for (const r of sweep.rows) {
        if (r === chosen || service(r) < target) continue;
        // Any other K at or above the target over-serves more, or serves the same with more clusters a day.
        expect(service(r) > service(chosen as NonNullable<typeof chosen>) || (r.k as number) > ((chosen as NonNullable<typeof chosen>).k as number)).toBe(true);
      }
    } else {
      for (const r of sweep?.rows ?? []) expect(service(r)).toBeLessThan(target);
    }
    // The practice shown and in the last line is the compared K, and the ratio is per seed.
    expect(result.aggregates.find((a) => a.policy === 'practice')?.k).toBe(sweep?.chosen.k);
    const perSeed = spec.seeds.map((seed) => {
      const v = result.runs.find((r) => r.seed === seed && r.run.policy === 'vulgraad')?.run.summary.kmPerDay as number;
      const p = result.runs.find((r) => r.seed === seed && r.run.policy === 'practice' && r.k === sweep?.chosen.k)?.run.summary.kmPerDay as number;
      return v / p;
    });
    expect(result.ratio?.mean).toBeCloseTo((perSeed[0] as number) / 2 + (perSeed[1] as number) / 2, 9);
    expect(result.ratio?.n).toBe(2);
  });

  it('prints the value line, fields appended at the end, and writes a report of means and spreads with its plots', () => {
    const line = valueLine(result);
    expect(line).toMatch(
      /^value days=3 containers=30 practice_km_per_day=\d+\.\d vulgraad_km_per_day=\d+\.\d ratio=\d+\.\d{3} practice_service_pct=\d+\.\d{2} vulgraad_service_pct=\d+\.\d{2} seeds=2 practice_k=\d+ ratio_sd=\d+\.\d{3}$/,
    );
    expect(line).toContain(` practice_k=${result.sweep?.chosen.k} `);
    const svgs = plots(result);
    expect(Object.keys(svgs).sort()).toEqual(['emptied-per-day', 'fill-at-emptying', 'km-per-day', 'service-level']);
    for (const svg of Object.values(svgs)) expect(svg).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    const md = markdownReport(result, (stem) => `value/x-${stem}.svg`, 'npm run sim:value -- test');
    expect(md).toContain('| km per day |');
    expect(md).toContain('![Kilometres per day](value/x-km-per-day.svg)');
    expect(md).toContain(line);
    expect(md).toContain('tuning seeds 1, none of which is reported');
    const practiceKm = result.aggregates.find((a) => a.policy === 'practice')?.summary.kmPerDay;
    expect(md).toContain(`${practiceKm?.mean.toFixed(1)} ± ${practiceKm?.sd.toFixed(1)} (${practiceKm?.min.toFixed(1)}-${practiceKm?.max.toFixed(1)})`);
  });
});

describe(checkSpec.name, () => {
  const base: ValueRunSpec = {
    setup: { city: 'generated', seed: 1 },
    run: { startDate: '2023-01-09', days: 1, warmupDays: 0, solverIterations: 1 },
    seeds: [11, 12],
    tuningSeeds: [1, 2],
    serviceTargetPct: 99.9,
    policies: ['vulgraad'],
    settings: {},
  };

  it('refuses tuning seeds that are reported seeds, and a run without reported seeds', () => {
    expect(() => checkSpec(base)).not.toThrow();
    expect(() => checkSpec({ ...base, tuningSeeds: [2, 12] })).toThrow('tuning seeds must not be reported seeds; both have 12');
    expect(() => checkSpec({ ...base, seeds: [] })).toThrow('at least one reported seed');
    expect(() => checkSpec({ ...base, tuningSeeds: [], tuneRiskLevels: [0.1, 0.2] })).toThrow('tuning needs at least one tuning seed');
  });
});
