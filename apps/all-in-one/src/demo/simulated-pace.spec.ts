import { SimulationClock } from '@vulgraad/sensor-simulator';
import { SimulatedPace } from './simulated-pace';

const START = Date.parse('2024-03-04T05:00:00Z');
const MIN = 60_000;

function setup(holdAt: () => number | null = () => null) {
  let wall = 0;
  const clock = new SimulationClock(new Date(START), () => wall);
  const changes: Array<{ speed: number; reason: string }> = [];
  const sut = new SimulatedPace(clock, { targetSpeed: 480, readingIntervalMs: 30 * MIN, holdAt, maxHoldMs: 10_000, wallNow: () => wall, onChange: (c) => changes.push(c) });
  sut.start();
  /** Wall time passes in steps of `stepMs`, the pace ticking after each. */
  const run = (ms: number, stepMs = 250): void => {
    for (let t = 0; t < ms; t += stepMs) {
      wall += stepMs;
      sut.tick();
    }
  };
  return { sut, clock, changes, run, stall: (ms: number) => void (wall += ms) };
}

describe(SimulatedPace.name, () => {
  it('moves the clock by the wall time passed times the speed', () => {
    const { sut, clock, run } = setup();
    sut.noteReading(new Date(START));
    run(1000);
    expect(clock.nowMs()).toBe(START + 480_000);
    expect(clock.speedFactor).toBe(0);
  });

  it('counts at most a second of wall time per step, so a stalled process does not find its clock hours ahead', () => {
    const { sut, clock, stall } = setup();
    sut.noteReading(new Date(START));
    stall(60_000);
    sut.tick();
    expect(clock.nowMs()).toBe(START + 480_000);
  });

  it('halves the speed while the newest reading lags the clock by more than an interval, and raises it again once readings keep up', () => {
    const { sut, clock, changes, run } = setup();
    sut.noteReading(new Date(START));
    run(4250); // 34 simulated minutes, no newer reading
    expect(sut.currentSpeed).toBe(240);
    run(250);
    expect(sut.currentSpeed).toBe(120);
    sut.noteReading(new Date(clock.nowMs() - MIN));
    run(250);
    expect(sut.currentSpeed).toBe(180);
    for (let i = 0; i < 5; i++) {
      sut.noteReading(new Date(clock.nowMs()));
      run(250);
    }
    expect(sut.currentSpeed).toBe(480);
    expect(changes[0]?.reason).toMatch(/lag/);
  });

  it('never goes below a sixteenth of the target', () => {
    const { sut, run } = setup();
    sut.noteReading(new Date(START));
    run(60_000);
    expect(sut.currentSpeed).toBe(30);
  });

  it('waits at the start of a shift whose plans are missing until they are in, without passing it', () => {
    let holdAt: number | null = START + 60 * MIN;
    const { sut, clock, changes, run } = setup(() => holdAt);
    sut.noteReading(new Date(START + 60 * MIN));
    run(10_000);
    expect(clock.nowMs()).toBe(START + 60 * MIN);
    expect(sut.currentSpeed).toBe(0);
    holdAt = null;
    run(250);
    expect(clock.nowMs()).toBeGreaterThan(START + 60 * MIN);
    expect(changes.map((c) => c.reason)).toEqual(['waiting for the plans of the next shift', 'plans are in']);
  });

  it('gives up a hold after the longest wait and does not hold at that shift again', () => {
    const holdAt = START + 30 * MIN;
    const { sut, clock, changes, run } = setup(() => holdAt);
    sut.noteReading(new Date(START + 30 * MIN));
    run(4000);
    expect(clock.nowMs()).toBe(holdAt);
    run(10_250);
    expect(clock.nowMs()).toBeGreaterThan(holdAt);
    expect(changes.at(-1)?.reason).toBe('plans still missing, going on');
    const after = clock.nowMs();
    run(1000);
    expect(clock.nowMs()).toBeGreaterThan(after);
  });
});
