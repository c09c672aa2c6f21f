import { EventQueue } from './event-queue';

describe(EventQueue.name, () => {
  it('hands out events by time, and those at the same time in the order they were pushed', () => {
    const sut = new EventQueue<string>();
    const pushed: Array<[number, string]> = [];
    for (let k = 0; k < 200; k++) pushed.push([(k * 7919) % 37, `e${k}`]);
    for (const [t, name] of pushed) sut.push(t, name);

    const out: Array<[number, string]> = [];
    for (let e = sut.pop(); e; e = sut.pop()) out.push([e.atMs, e.item]);

    const expected = pushed.map(([t, name], k) => ({ t, name, k })).sort((x, y) => x.t - y.t || x.k - y.k).map(({ t, name }) => [t, name]);
    expect(out).toEqual(expected);
    expect(sut.size).toBe(0);
    expect(sut.peekTime()).toBeNull();
  });

  it('refuses a time that is not a number', () => {
    const sut = new EventQueue<number>();
    expect(() => sut.push(Number.NaN, 1)).toThrow(RangeError);
  });
});
