import { shiftWindows } from './vulgraad';

describe(shiftWindows.name, () => {
  it('cuts a 6-hour day from 07:00 into the parts between the study\'s breaks', () => {
    const sut = shiftWindows({ startMin: 420, workMin: 360, breaks: { kind: 'study', startsMin: [720, 600], durationMin: 30 } });
    expect(sut).toEqual([
      { fromMin: 420, toMin: 600 },
      { fromMin: 630, toMin: 720 },
      { fromMin: 750, toMin: 840 },
    ]);
  });

  it('stops at the given end, and keeps one stretch without fixed breaks', () => {
    const study = { startMin: 420, workMin: 360, breaks: { kind: 'study' as const, startsMin: [600, 720], durationMin: 30 } };
    expect(shiftWindows(study, 660)).toEqual([
      { fromMin: 420, toMin: 600 },
      { fromMin: 630, toMin: 660 },
    ]);
    expect(shiftWindows({ startMin: 420, workMin: 360, breaks: { kind: 'planner', durationMin: 30 } })).toEqual([{ fromMin: 420, toMin: 810 }]);
    expect(() => shiftWindows(study, 400)).toThrow(RangeError);
  });
});
