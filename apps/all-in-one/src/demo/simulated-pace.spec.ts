import { SimulationClock } from '@vulgraad/sensor-simulator';
import { SimulatedPace } from './simulated-pace';

const START = Date.parse('2024-03-04T05:00:00Z');
const MIN = 60_000;

function setup(holdAt: () => number | null = () => null) {
  let wall = 0;
  const clock = new SimulationClock(new Date(START), () => wall);
  clock.runScaled(480);
  const changes: Array<{ speed: number; reason: string }> = [];
  const sut = new SimulatedPace(clock, { targetSpeed: 480, readingIntervalMs: 30 * MIN, holdAt, maxHoldMs: 10_000, wallNow: () => wall, onChange: (c) => changes.push(c) });
  return { sut, clock, changes, advance: (ms: number) => void (wall += ms) };
}

describe(SimulatedPace.name, () => {
  it('halves the speed while the newest reading lags the clock by more than an interval, and raises it again once readings keep up', () => {
    const { sut, clock, changes, advance } = setup();
    sut.noteReading(new Date(START));
    advance(5000); // 40 simulated minutes, no newer reading
    sut.tick();
    expect(clock.speedFactor).toBe(240);
    sut.tick();
    expect(clock.speedFactor).toBe(120);
    sut.noteReading(new Date(clock.nowMs() - MIN));
    sut.tick();
    expect(clock.speedFactor).toBe(180);
    for (let i = 0; i < 5; i++) sut.tick();
    expect(clock.speedFactor).toBe(480);
    expect(changes[0]?.reason).toMatch(/lag/);
  });

  it('never goes below a sixteenth of the target', () => {
    const { sut, clock, advance } = setup();
    sut.noteReading(new Date(START));
    advance(60_000);
    for (let i = 0; i < 20; i++) sut.tick();
    expect(clock.speedFactor).toBe(30);
  });

  it('holds the clock at a shift whose plans are missing until they are in', () => {
    let holdAt: number | null = START + 2 * 60 * MIN;
    const { sut, clock, changes, advance } = setup(() => holdAt);
    advance(15_000); // two simulated hours
    sut.tick();
    expect(clock.speedFactor).toBe(0);
    const held = clock.nowMs();
    advance(3000);
    sut.tick();
    expect(clock.nowMs()).toBe(held);
    holdAt = null;
    sut.tick();
    expect(clock.speedFactor).toBe(480);
    expect(changes.map((c) => c.reason)).toEqual(['waiting for the plans of the next shift', 'plans are in']);
  });

  it('gives up a hold after the longest wait and does not hold at that shift again', () => {
    const holdAt = START + 60 * MIN;
    const { sut, clock, changes, advance } = setup(() => holdAt);
    advance(10_000);
    sut.tick();
    expect(clock.speedFactor).toBe(0);
    advance(10_001);
    sut.tick();
    expect(clock.speedFactor).toBe(480);
    advance(1000);
    sut.tick();
    expect(clock.speedFactor).toBe(480);
    expect(changes.at(-1)?.reason).toBe('plans still missing, going on');
  });
});
