import { overlappingSeeds, parseSeeds, spreadOf, spreadOfFields } from './statistics';

describe(spreadOf.name, () => {
  it('gives the mean, the sample standard deviation and the range', () => {
    const sut = spreadOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(sut.n).toBe(8);
    expect(sut.mean).toBe(5);
    // Sum of squares 32 over n - 1 = 7.
    expect(sut.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect([sut.min, sut.max]).toEqual([2, 9]);
    expect(spreadOf([3.5])).toEqual({ n: 1, mean: 3.5, sd: 0, min: 3.5, max: 3.5 });
  });

  it('refuses an empty list and values that are not finite', () => {
    expect(() => spreadOf([])).toThrow('at least one value');
    expect(() => spreadOf([1, NaN])).toThrow('finite');
  });
});

describe(spreadOfFields.name, () => {
  it('spreads every numeric field and skips the others', () => {
    const sut = spreadOfFields([
      { km: 10, service: 99, name: 'a' },
      { km: 14, service: 100, name: 'b' },
    ]);
    expect(Object.keys(sut).sort()).toEqual(['km', 'service']);
    expect(sut.km).toMatchObject({ mean: 12, min: 10, max: 14 });
    expect(sut.service?.mean).toBe(99.5);
  });
});

describe(parseSeeds.name, () => {
  it('reads single seeds and ranges', () => {
    expect(parseSeeds('11-20')).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(parseSeeds('1, 4,9-10')).toEqual([1, 4, 9, 10]);
  });

  it('refuses anything else, an empty list and a seed given twice', () => {
    expect(() => parseSeeds('a')).toThrow('"a" is not a seed');
    expect(() => parseSeeds('5-3')).toThrow('runs backwards');
    expect(() => parseSeeds('1,2-4,3')).toThrow('seed 3 is given twice');
    expect(() => parseSeeds('')).toThrow('is not a seed');
  });
});

describe(overlappingSeeds.name, () => {
  it('names the seeds two lists share', () => {
    expect(overlappingSeeds([1, 2, 3], [11, 12])).toEqual([]);
    expect(overlappingSeeds([1, 2, 12], [11, 12, 2])).toEqual([2, 12]);
  });
});
