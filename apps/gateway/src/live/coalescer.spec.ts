import { Coalescer } from './coalescer';

describe(Coalescer.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the latest item per key once per interval, however many arrive', () => {
    const batches: Array<Array<{ id: string; v: number }>> = [];
    const sut = new Coalescer<{ id: string; v: number }>(50, (b) => batches.push(b));
    for (let v = 0; v < 1000; v++) sut.push(`c${v % 3}`, { id: `c${v % 3}`, v });
    expect(batches).toHaveLength(0);
    jest.advanceTimersByTime(50);
    expect(batches).toEqual([[{ id: 'c0', v: 999 }, { id: 'c1', v: 997 }, { id: 'c2', v: 998 }]]);
    jest.advanceTimersByTime(500);
    expect(batches).toHaveLength(1);
    sut.push('c9', { id: 'c9', v: 1 });
    jest.advanceTimersByTime(49);
    expect(batches).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(batches[1]).toEqual([{ id: 'c9', v: 1 }]);
  });
});

describe(`${Coalescer.name} leading`, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends what arrives after a quiet interval on the next turn, and what follows once an interval has passed since', () => {
    const batches: string[][] = [];
    const sut = new Coalescer<string>(25, (b) => batches.push(b), { leading: true });
    sut.push('a', 'a1');
    sut.push('b', 'b1');
    expect(batches).toHaveLength(0);
    jest.advanceTimersByTime(0);
    expect(batches).toEqual([['a1', 'b1']]);
    jest.advanceTimersByTime(10);
    sut.push('a', 'a2');
    sut.push('a', 'a3');
    jest.advanceTimersByTime(14);
    expect(batches).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(batches[1]).toEqual(['a3']);
    jest.advanceTimersByTime(100);
    sut.push('c', 'c1');
    jest.advanceTimersByTime(0);
    expect(batches[2]).toEqual(['c1']);
  });

  it('sends at most once per interval however the items come', () => {
    const flushedAt: number[] = [];
    const sut = new Coalescer<number>(25, () => flushedAt.push(performance.now()), { leading: true });
    for (let t = 0; t < 1000; t += 2) {
      sut.push(`k${t % 7}`, t);
      jest.advanceTimersByTime(2);
    }
    for (let i = 1; i < flushedAt.length; i++) expect(flushedAt[i]! - flushedAt[i - 1]!).toBeGreaterThanOrEqual(25);
    expect(flushedAt.length).toBeGreaterThanOrEqual(35);
  });
});
