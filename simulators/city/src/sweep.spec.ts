import { chooseK, chooseSetting, defaultKSweep } from './sweep';

describe(chooseK.name, () => {
  const rows = [
    { k: 150, servicePct: 97.1, kmPerDay: 171 },
    { k: 175, servicePct: 95.2, kmPerDay: 189 },
    { k: 200, servicePct: 99.5, kmPerDay: 215 },
    { k: 225, servicePct: 99.8, kmPerDay: 231 },
    { k: 250, servicePct: 99.9, kmPerDay: 251 },
  ];

  it('takes the K with the lowest service at or above the target, not the first K above it', () => {
    expect(chooseK(rows, 99.9)).toEqual({ k: 250, servicePct: 99.9, reached: true });
    expect(chooseK(rows, 99.6)).toEqual({ k: 225, servicePct: 99.8, reached: true });
    // Service is not monotone in K (the study's K = 175 served worse than K = 150).
    expect(chooseK(rows, 96)).toEqual({ k: 150, servicePct: 97.1, reached: true });
    expect(chooseK(rows, 90)).toEqual({ k: 175, servicePct: 95.2, reached: true });
  });

  it('takes the smaller K of equal service, whatever the order given', () => {
    const full = [
      { k: 250, servicePct: 100, kmPerDay: 250 },
      { k: 225, servicePct: 100, kmPerDay: 231 },
      { k: 200, servicePct: 99.99, kmPerDay: 215 },
    ];
    expect(chooseK(full, 100)).toEqual({ k: 225, servicePct: 100, reached: true });
  });

  it('says so when no K reaches the target, and takes the one with the highest service', () => {
    expect(chooseK(rows, 99.95)).toEqual({ k: 250, servicePct: 99.9, reached: false });
    expect(() => chooseK([], 99)).toThrow('at least one K');
  });
});

describe(chooseSetting.name, () => {
  it('takes the fewest km among the candidates reaching the target, else the highest service', () => {
    const rows = [
      { riskLevel: 0.05, kmPerDay: 130, servicePct: 99.99 },
      { riskLevel: 0.1, kmPerDay: 120, servicePct: 99.95 },
      { riskLevel: 0.2, kmPerDay: 110, servicePct: 99.7 },
    ];
    expect(chooseSetting(rows, 99.9)).toEqual({ ...rows[1], reached: true });
    expect(chooseSetting(rows, 99.999)).toEqual({ ...rows[0], reached: false });
  });
});

describe(defaultKSweep.name, () => {
  it('is the study\'s sweep on its 850 clusters and scales with the city', () => {
    expect(defaultKSweep(850)).toEqual([150, 175, 200, 225, 250]);
    expect(defaultKSweep(425)).toEqual([75, 88, 100, 113, 125]);
    expect(defaultKSweep(3)).toEqual([1]);
  });
});
