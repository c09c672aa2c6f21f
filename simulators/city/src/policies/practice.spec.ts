import { tinyContainer } from '../testing/tiny-world';
import { rankByHoursToFull } from './practice';

describe(rankByHoursToFull.name, () => {
  it('ranks by hours until the deposit-count estimate says full, as the study\'s baseline does', () => {
    const big = tinyContainer('big', 0, { capacityL: 10_000, depositsPerDay: 24 });
    const busy = tinyContainer('busy', 0, { capacityL: 5000, depositsPerDay: 96 });
    const quiet = tinyContainer('quiet', 0, { capacityL: 5000, depositsPerDay: 12 });
    const idle = tinyContainer('idle', 0, { capacityL: 5000, depositsPerDay: 0 });
    const counts: Record<string, number> = { big: 100, busy: 20, quiet: 80, idle: 50 };

    const sut = rankByHoursToFull([big, busy, quiet, idle], (id) => counts[id] ?? 0, { assumedLitresPerDeposit: 50 });

    // quiet: (5000 - 4000) / 50 / 0.5 = 40 h; busy: (5000 - 1000) / 50 / 4 = 20 h; big: (10000 - 5000) / 50 / 1 = 100 h.
    expect(sut).toEqual([
      { containerId: 'busy', hoursToFull: 20 },
      { containerId: 'quiet', hoursToFull: 40 },
      { containerId: 'big', hoursToFull: 100 },
      { containerId: 'idle', hoursToFull: Infinity },
    ]);
  });

  it('puts those already estimated full first, keeping their order', () => {
    const a = tinyContainer('a', 0, { capacityL: 1000 });
    const b = tinyContainer('b', 0, { capacityL: 1000 });
    const sut = rankByHoursToFull([a, b], () => 100, { assumedLitresPerDeposit: 58.8, correctionFactor: 0.95 });
    expect(sut.map((r) => [r.containerId, r.hoursToFull])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });
});
