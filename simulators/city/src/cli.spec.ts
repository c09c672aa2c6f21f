import { CliError, parseCli } from './cli';

describe(parseCli.name, () => {
  it('fills in the defaults: the Groningen-like city with trucks of 22 m3, ten reported seeds kept apart from three tuning seeds, an iteration budget', () => {
    const sut = parseCli([], '/repo');
    expect(sut.spec.setup).toMatchObject({ city: 'groningen-like', seed: 1, truckBodyL: 22_000 });
    expect(sut.spec.setup.breaks).toBeUndefined();
    expect(sut.spec.run).toEqual({ days: 28, warmupDays: 21, solverIterations: 100, startDate: '2023-01-09' });
    expect(sut.spec.seeds).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(sut.spec.tuningSeeds).toEqual([1, 2, 3]);
    expect(sut.spec.tuneRiskLevels).toEqual([0.05, 0.1, 0.2]);
    expect(sut.spec.practiceKs).toBeUndefined();
    expect(sut.spec.serviceTargetPct).toBe(99.9);
    expect(sut.spec.policies).toEqual(['practice', 'vulgraad']);
    expect(sut.out).toBe('/repo/docs/value-report.md');
  });

  it('reads every option, in both spellings', () => {
    const sut = parseCli(
      ['--city', 'amsterdam', '--days=7', '--containers', '500', '--trucks', '6', '--practice-k', '100,120', '--seeds', '21-23', '--tuning-seeds=4', '--city-seed', '5', '--iterations', '250', '--policies', 'practice,vulgraad', '--truck-body-l', '0', '--breaks', 'planner', '--risk', '0.05', '--zone-days', '3', '--out', 'x.md', '--quiet'],
      '/repo',
    );
    expect(sut.spec.setup).toMatchObject({ city: 'amsterdam', containers: 500, trucks: 6, seed: 5, truckBodyL: 0, breaks: 'planner' });
    expect(sut.spec.run).toMatchObject({ days: 7, solverIterations: 250 });
    expect(sut.spec.seeds).toEqual([21, 22, 23]);
    expect(sut.spec.tuningSeeds).toEqual([4]);
    expect(sut.spec.practiceKs).toEqual([100, 120]);
    expect(sut.spec.policies).toEqual(['practice', 'vulgraad']);
    expect(sut.spec.settings.vulgraad?.riskLevel).toBe(0.05);
    // A risk level given alone is not tuned.
    expect(sut.spec.tuneRiskLevels).toBeUndefined();
    expect(parseCli(['--tune-risk', '0.1,0.3'], '/repo').spec.tuneRiskLevels).toEqual([0.1, 0.3]);
    expect(sut.spec.settings.vulgraad?.zoneDays).toBe(3);
    expect(parseCli([], '/repo').spec.settings.vulgraad?.zoneDays).toBe(1);
    expect(sut.out).toBe('/repo/x.md');
    expect(sut.quiet).toBe(true);
    expect(parseCli(['--city', 'amsterdam'], '/repo').out).toBe('/repo/docs/value-report-amsterdam.md');
    expect(parseCli(['--no-report'], '/repo').out).toBeNull();
    expect(parseCli(['--report-from', 'docs/value/x.json'], '/repo').reportFrom).toBe('/repo/docs/value/x.json');
    expect(parseCli([], '/repo').reportFrom).toBeNull();
  });

  it('has a quick mode whose settings the command line can still change', () => {
    const sut = parseCli(['--quick', '--seeds', '31-33'], '/repo');
    expect(sut.spec.setup).toMatchObject({ city: 'generated', containers: 40 });
    expect(sut.spec.run).toMatchObject({ days: 5, warmupDays: 7, solverIterations: 30 });
    expect(sut.spec.seeds).toEqual([31, 32, 33]);
    expect(sut.spec.tuningSeeds).toEqual([1, 2]);
  });

  it('names every bad option at once, tuning seeds that are reported seeds among them', () => {
    let message = '';
    try {
      parseCli(['--city', 'rotterdam', '--days', '0', '--policies', 'magic', '--bogus', '1', '--zone-days', '1.5', '--seeds', '1-12', '--practice-k', '100,x', '--time-per-day', '4', '--iterations']);
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      message = (error as Error).message;
    }
    expect(message).toContain('--city must be one of');
    expect(message).toContain('--days must be a whole number >= 1');
    expect(message).toContain('unknown policy "magic"');
    expect(message).toContain('unknown option --bogus');
    // Wall-clock budgets are gone: results must not depend on how busy the machine is.
    expect(message).toContain('unknown option --time-per-day');
    expect(message).toContain('--zone-days must be a whole number in [1, 14]');
    expect(message).toContain('--tuning-seeds and --seeds must not share a seed; both have 1, 2, 3');
    expect(message).toContain('--practice-k must be a comma-separated list of whole numbers >= 1, got "100,x"');
    expect(message).toContain('--iterations needs a value');
    expect(() => parseCli(['--seeds', '3-1'])).toThrow('--seeds: seed range "3-1" runs backwards');
  });
});
