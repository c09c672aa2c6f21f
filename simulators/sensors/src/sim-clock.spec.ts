import { SimulationClock } from './sim-clock';

describe(SimulationClock.name, () => {
  const start = new Date('2024-03-04T08:00:00Z');

  it('stands still until moved by hand, and never moves back', () => {
    const sut = new SimulationClock(start);
    expect(sut.now()).toEqual(start);
    sut.advanceTo(start.getTime() + 60_000);
    sut.advanceTo(start.getTime());
    expect(sut.nowMs()).toBe(start.getTime() + 60_000);
  });

  it('runs k times faster than the wall clock when scaled, and freezes', () => {
    let wall = 1_000_000;
    const sut = new SimulationClock(start, () => wall);
    sut.runScaled(60);
    wall += 2_000;
    expect(sut.nowMs()).toBe(start.getTime() + 120_000);
    sut.freeze();
    wall += 5_000;
    expect(sut.nowMs()).toBe(start.getTime() + 120_000);
    expect(() => sut.runScaled(0)).toThrow(RangeError);
  });

  it('refuses to be moved by hand while it runs scaled', () => {
    const sut = new SimulationClock(start, () => 0);
    sut.runScaled(10);
    expect(() => sut.advanceTo(start.getTime() + 1)).toThrow(/freeze/);
  });
});
