import { expectedLitresPerDay, type CityModel } from './city';
import { AMSTERDAM_ASSUMPTIONS, AmsterdamDataMissingError, amsterdamFiles, loadAmsterdamCity } from './amsterdam-city';

// The Amsterdam clusters live in the shared data folder next to the repository, never in it.
const maybe = amsterdamFiles() ? describe : describe.skip;

maybe(loadAmsterdamCity.name, () => {
  // Loaded in beforeAll: a skipped describe still runs its body to collect the tests.
  let sut: CityModel;
  beforeAll(() => {
    sut = loadAmsterdamCity();
  });

  it('loads all 6,308 residual clusters with a rate, a size and a district', () => {
    expect(sut.containers).toHaveLength(6308);
    expect(new Set(sut.containers.map((c) => c.externalRef)).size).toBe(6308);
    expect(sut.districts).toHaveLength(7);
    // One expectation over all clusters: thousands of separate expect calls would dominate the run time.
    const wrong = sut.containers.filter(
      (c) =>
        c.wasteType !== 'residual' ||
        !(c.demand.depositsPerDay > 0) ||
        c.volumeL % AMSTERDAM_ASSUMPTIONS.pitVolumeL !== 0 ||
        !(c.lng > 4.7 && c.lng < 5.1 && c.lat > 52.2 && c.lat < 52.5) ||
        !/^ams-d[1-7]$/.test(c.district),
    );
    expect(wrong.map((c) => c.id)).toEqual([]);
  });

  it('takes most rates from the March 2021 weighings and says how every rate was made', () => {
    const bySource = new Map<string, number>();
    for (const c of sut.containers) bySource.set(c.rateSource, (bySource.get(c.rateSource) ?? 0) + 1);
    expect(bySource.get('weighings-2021-03')).toBeGreaterThan(2500);
    expect([...bySource.keys()].sort()).toEqual(['imputed', 'weighings-2020-21', 'weighings-2021-03']);
    expect(sut.notes.join('\n')).toMatch(/0\.15 kg\/L/);
  });

  it('fills a typical cluster in one to four weeks', () => {
    const days = sut.containers.map((c) => c.volumeL / expectedLitresPerDay(c)).sort((a, b) => a - b);
    const median = days[Math.floor(days.length / 2)] as number;
    expect(median).toBeGreaterThan(7);
    expect(median).toBeLessThan(28);
  });

  it('uses the Afvalpunten as depots and the AEB plant for disposal, and the Groningen hourly profile', () => {
    expect(sut.depots).toHaveLength(6);
    expect(sut.disposalSites[0]?.fractions).toEqual(['residual']);
    expect(sut.containers[0]?.demand.profile.source).toMatch(/Groningen/);
  });

  it('can load a subset', () => {
    expect(loadAmsterdamCity({ limit: 25, districts: 3 }).containers).toHaveLength(25);
  });
});

describe(AmsterdamDataMissingError.name, () => {
  it('is thrown with a clear message when the cluster file is absent', () => {
    expect(() => loadAmsterdamCity({ files: { clusters: '/nonexistent/rest_clusters.csv' } })).toThrow(AmsterdamDataMissingError);
  });
});
