import { freeWindow } from './build-problem';

describe(freeWindow.name, () => {
  it('keeps the whole shift when nothing else takes the truck', () => {
    expect(freeWindow(0, 100, [])).toEqual([0, 100]);
  });

  it('takes the longest part left around the times the truck is taken', () => {
    expect(freeWindow(0, 100, [[10, 40]])).toEqual([40, 100]);
    expect(freeWindow(0, 100, [[70, 200]])).toEqual([0, 70]);
    expect(freeWindow(0, 100, [[20, 30], [60, 70]])).toEqual([30, 60]);
  });

  it('gives nothing when the shift is taken whole', () => {
    expect(freeWindow(0, 100, [[0, 100]])).toBeNull();
  });
});
