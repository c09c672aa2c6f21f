import { FillForecaster, type ContainerHistory } from '@vulgraad/forecasting';
import { smallCity, smallCitySettings } from '../testing/small-city';
import { forecastOutlooks } from './forecast';

const city = smallCity({ containers: 12 });
const model = new FillForecaster({ timeZone: city.timeZone }).fit(city.containers[0]?.history as ContainerHistory);
// The same container twice, once in each district: only the districts' settings differ.
const base = city.containers[0]!.container;
const containers = ['early', 'late'].map((district) => ({ container: { ...base, id: district, district }, model }));

describe(forecastOutlooks.name, () => {
  const settings = {
    early: smallCitySettings({ district: 'early', shiftStartMin: 360, shiftEndMin: 600 }),
    late: smallCitySettings({ district: 'late', shiftStartMin: 600, shiftEndMin: 1200, zoneDays: 2 }),
  };
  const sut = forecastOutlooks({
    containers, settingsOf: (d) => settings[d as 'early' | 'late'], districtOf: (c) => c.district, shiftDate: city.shiftDate, timeZone: city.timeZone, nowMs: city.nowMs,
  });

  it('predicts each container at the end of its own district\'s shift', () => {
    const early = sut.outlooks.get('early');
    const late = sut.outlooks.get('late');
    expect(early?.fillNowPct).toBeCloseTo(late?.fillNowPct as number, 6);
    expect(late?.fillAtShiftEndPct).toBeGreaterThan(early?.fillAtShiftEndPct as number);
  });

  it('splits only the districts with zones into zones', () => {
    expect([...sut.zones.keys()]).toEqual(['late']);
    expect(sut.zones.get('late')?.byContainer.has('late')).toBe(true);
  });
});
