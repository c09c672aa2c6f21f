import { markdownReport, plots, valueLine } from './report/report';
import { runValue, type ValueRunResult } from './value-run';

/**
 * One short run of every policy on a tiny generated city, checking what
 * must hold whatever the policies decide: they see the same deposits, and
 * every litre is accounted for.
 */
describe(runValue.name, () => {
  let result: ValueRunResult;

  beforeAll(async () => {
    result = await runValue({
      setup: { city: 'generated', seed: 3, containers: 30, truckBodyL: 6000, compactionFactor: 1 },
      run: { seed: 3, startDate: '2023-01-09', days: 3, warmupDays: 2, timeLimitMs: 100 },
      policies: ['practice', 'fixed', 'vulgraad'],
      settings: { vulgraad: { riskLevel: 0.1 } },
      parallel: 1,
    });
  }, 60_000);

  it('runs every policy on the same deposits (common random numbers)', () => {
    expect(result.runs.map((r) => r.policy)).toEqual(['practice', 'fixed', 'vulgraad']);
    const [first, ...rest] = result.runs.map((r) => r.balance);
    expect(first?.deposits).toBeGreaterThan(1000);
    for (const b of rest) {
      expect(b.deposits).toBe(first?.deposits);
      expect(b.depositedL).toBeCloseTo(first?.depositedL as number, 6);
      expect(b.initialL).toBeCloseTo(first?.initialL as number, 6);
    }
  });

  it('balances the litres: start + deposited = emptied + left, and trucks unload what they emptied', () => {
    for (const run of result.runs) {
      const b = run.balance;
      expect(b.initialL + b.depositedL).toBeCloseTo(b.emptiedL + b.remainingL, 3);
      expect(b.unloadedL + b.onBoardAtEndL).toBeCloseTo(b.emptiedL, 3);
      expect(b.overflowAtEmptyingL).toBeLessThanOrEqual(b.emptiedL);
      expect(b.emptiedL).toBeGreaterThan(0);
    }
  });

  it('keeps the days and the emptyings consistent', () => {
    for (const run of result.runs) {
      const s = run.summary;
      expect(s.days).toBe(3);
      expect(run.days.map((d) => d.date)).toEqual(['2023-01-11', '2023-01-12', '2023-01-13']);
      expect(run.days.reduce((n, d) => n + d.containersEmptied, 0)).toBe(s.emptyings);
      expect(run.fillHistogram.reduce((n, v) => n + v, 0)).toBe(s.emptyings);
      expect(s.servicePct).toBeGreaterThanOrEqual(0);
      expect(s.servicePct).toBeLessThanOrEqual(100);
      // A truck of 6 m3 in a city of 4-5 m3 containers must unload during the day.
      expect(s.unloadsPerDay).toBeGreaterThanOrEqual(s.routesPerDay);
    }
    expect(result.runs.find((r) => r.policy === 'practice')?.summary.emptiedPerDay).toBeGreaterThan(0);
  });

  it('prints the value line and writes a report with its plots', () => {
    expect(valueLine(result)).toMatch(/^value days=3 containers=30 practice_km_per_day=\d+\.\d vulgraad_km_per_day=\d+\.\d ratio=\d+\.\d{3} practice_service_pct=\d+\.\d{2} vulgraad_service_pct=\d+\.\d{2}$/);
    const svgs = plots(result);
    expect(Object.keys(svgs).sort()).toEqual(['emptied-per-day', 'fill-at-emptying', 'km-per-day', 'service-level']);
    for (const svg of Object.values(svgs)) expect(svg).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    const md = markdownReport(result, (stem) => `value/x-${stem}.svg`, 'npm run sim:value -- test');
    expect(md).toContain('| km per day |');
    expect(md).toContain('![Kilometres per day](value/x-km-per-day.svg)');
    expect(md).toContain(valueLine(result));
  });

  it('says in short how often the trucks unloaded when they fill up, and not when they never do', () => {
    const md = markdownReport(result, (stem) => `value/x-${stem}.svg`, 'npm run sim:value -- test');
    const unloads = (policy: string): string => (result.runs.find((r) => r.policy === policy)?.summary.unloadsPerDay ?? NaN).toFixed(1);
    expect(md).toContain(`- Trucks fill up: vulgraad's unloaded ${unloads('vulgraad')} times a day at the disposal site, practice's ${unloads('practice')}.`);
    const withoutCapacity: ValueRunResult = {
      ...result,
      spec: { ...result.spec, setup: { ...result.spec.setup, truckBodyL: 0 } },
      runs: result.runs.map((r) => ({ ...r, summary: { ...r.summary, unloadsPerDay: 0, forcedUnloadsPerDay: 0 } })),
    };
    const mdWithout = markdownReport(withoutCapacity, (stem) => `value/x-${stem}.svg`, 'npm run sim:value -- test');
    expect(mdWithout).not.toContain('Trucks fill up');
    expect(mdWithout).toContain('without truck capacity (as the study)');
  });
});
