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
