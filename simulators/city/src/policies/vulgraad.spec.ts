import { generateCity } from '@vulgraad/city-model';
import { DEFAULT_VULGRAAD_OPTIONS, shiftWindows, VulgraadPolicy } from './vulgraad';

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

describe(VulgraadPolicy.name, () => {
  const city = generateCity({ containers: 5, seed: 2, fractions: ['residual'] });
  const describeWith = (breakKind: 'study' | 'planner' | 'none', partsBetweenBreaks = true): string =>
    new VulgraadPolicy(city, { ...DEFAULT_VULGRAAD_OPTIONS, partsBetweenBreaks, seed: 1 }, breakKind).describe().join('\n');

  it('describes the parts between breaks only where trucks take the study\'s fixed depot breaks', () => {
    expect(describeWith('study')).toContain('planned as its parts between the breaks');
    expect(describeWith('study', false)).toContain('drivers take the breaks as they come');
    expect(describeWith('planner')).toContain('one stretch of work with its break on the route');
    expect(describeWith('planner')).not.toContain('parts between the breaks');
    expect(describeWith('none')).toContain('one stretch of work without breaks');
  });

  it('states the moment the must risk is taken at: halfway through tomorrow\'s shift', () => {
    expect(describeWith('study')).toContain(`before the next chance (halfway through tomorrow's shift`);
    expect(describeWith('study')).toContain(`>= ${DEFAULT_VULGRAAD_OPTIONS.riskLevel}.`);
  });
});
