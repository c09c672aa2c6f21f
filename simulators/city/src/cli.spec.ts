import { CliError, parseCli } from './cli';

describe(parseCli.name, () => {
  it('fills in the defaults: the Groningen-like city with trucks of 22 m3, four weeks after three of warm-up', () => {
    const sut = parseCli([], '/repo');
    expect(sut.spec.setup).toMatchObject({ city: 'groningen-like', seed: 1, truckBodyL: 22_000 });
    expect(sut.spec.setup.breaks).toBeUndefined();
    expect(sut.spec.run).toMatchObject({ days: 28, warmupDays: 21, timeLimitMs: 4000, startDate: '2023-01-09' });
    expect(sut.spec.policies).toEqual(['practice', 'fixed', 'vulgraad']);
    expect(sut.out).toBe('/repo/docs/value-report.md');
  });

  it('reads every option, in both spellings', () => {
    const sut = parseCli(
      ['--city', 'amsterdam', '--days=7', '--containers', '500', '--trucks', '6', '--k', '120', '--seed', '5', '--time-per-day', '1.5', '--policies', 'practice,vulgraad', '--truck-body-l', '0', '--breaks', 'planner', '--risk', '0.05', '--zone-days', '3', '--out', 'x.md', '--quiet'],
      '/repo',
    );
    expect(sut.spec.setup).toMatchObject({ city: 'amsterdam', containers: 500, trucks: 6, k: 120, seed: 5, truckBodyL: 0, breaks: 'planner' });
    expect(sut.spec.run).toMatchObject({ days: 7, seed: 5, timeLimitMs: 1500 });
    expect(sut.spec.policies).toEqual(['practice', 'vulgraad']);
    expect(sut.spec.settings.vulgraad?.riskLevel).toBe(0.05);
    expect(sut.spec.settings.vulgraad?.zoneDays).toBe(3);
    expect(parseCli([], '/repo').spec.settings.vulgraad?.zoneDays).toBe(1);
    expect(sut.out).toBe('/repo/x.md');
    expect(sut.quiet).toBe(true);
    expect(parseCli(['--city', 'amsterdam'], '/repo').out).toBe('/repo/docs/value-report-amsterdam.md');
    expect(parseCli(['--no-report'], '/repo').out).toBeNull();
  });

  it('names every bad option at once', () => {
    let message = '';
    try {
      parseCli(['--city', 'rotterdam', '--days', '0', '--policies', 'magic', '--bogus', '1', '--zone-days', '1.5', '--time-per-day']);
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      message = (error as Error).message;
    }
    expect(message).toContain('--city must be one of');
    expect(message).toContain('--days must be a whole number >= 1');
    expect(message).toContain('unknown policy "magic"');
    expect(message).toContain('unknown option --bogus');
    expect(message).toContain('--zone-days must be a whole number in [1, 14]');
    expect(message).toContain('--time-per-day needs a value');
  });
});
