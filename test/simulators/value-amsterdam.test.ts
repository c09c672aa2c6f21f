import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { amsterdamFiles } from '@vulgraad/city-model';
import { sharedPath } from '@vulgraad/config';
import { valueLine } from '../../simulators/city/src/report/report';
import { runValue, type ValueRunResult } from '../../simulators/city/src/value-run';

// Needs the real Amsterdam clusters and the citywide road graph from the shared data folder.
const maybe = amsterdamFiles() && sharedPath('data', 'amsterdam', 'roads', 'citywide_osm2009') ? describe : describe.skip;

/**
 * The Amsterdam path end to end on real data: the first 400 clusters, their
 * districts, road-graph matrices through the cache folder, practice and
 * vulgraad for two measured days.
 */
maybe('value simulation on the Amsterdam clusters and road graph', () => {
  let cacheDir: string;
  let result: ValueRunResult;

  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'vulgraad-value-test-'));
    result = await runValue({
      setup: { city: 'amsterdam', seed: 2, containers: 400, matrixCacheDir: cacheDir },
      run: { startDate: '2023-01-09', days: 2, warmupDays: 1, solverIterations: 20 },
      seeds: [2],
      tuningSeeds: [],
      practiceKs: [118],
      serviceTargetPct: 99.9,
      policies: ['practice', 'vulgraad'],
      settings: {},
      parallel: 1,
    });
  }, 110_000);

  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('drives real road distances from the districts\' depots to the AEB plant and back', () => {
    const practice = result.runs.find((r) => r.run.policy === 'practice')?.run;
    expect(practice?.summary.kmPerDay).toBeGreaterThan(20);
    expect(practice?.summary.unloadsPerDay).toBeGreaterThanOrEqual(practice?.summary.routesPerDay ?? 1);
    expect(result.districts).toBeGreaterThan(1);
    expect(result.containers).toBe(400);
  });

  it('keeps the deposits common and the litres balanced', () => {
    const [a, b] = result.runs.map((r) => r.run.balance);
    expect(a?.deposits).toBe(b?.deposits);
    for (const run of result.runs) {
      const x = run.run.balance;
      expect(x.initialL + x.depositedL).toBeCloseTo(x.emptiedL + x.remainingL, 2);
      expect(x.unloadedL + x.onBoardAtEndL).toBeCloseTo(x.emptiedL, 2);
    }
    expect(valueLine(result)).toMatch(/^value days=2 containers=400 /);
  });
});
