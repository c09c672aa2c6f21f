import { simplifyLine } from './simplify';

describe(simplifyLine.name, () => {
  it('drops points within the tolerance of the line and keeps corners and ends', () => {
    const sut = simplifyLine([0, 0, 5, 0.2, 10, 0, 10, 10, 10.1, 15, 10, 20], 0.5);
    expect(sut).toEqual([0, 0, 10, 0, 10, 20]);
    expect(simplifyLine([0, 0, 5, 3, 10, 0], 0.5)).toEqual([0, 0, 5, 3, 10, 0]);
  });
});
