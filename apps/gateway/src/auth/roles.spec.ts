import { roleAllows, seesDistrict } from './roles';

describe(roleAllows.name, () => {
  it('ranks viewer below planner and operator, who are peers, and admin above all', () => {
    expect(roleAllows('viewer', ['viewer'])).toBe(true);
    expect(roleAllows('viewer', ['planner'])).toBe(false);
    expect(roleAllows('planner', ['viewer'])).toBe(true);
    expect(roleAllows('planner', ['operator'])).toBe(false);
    expect(roleAllows('operator', ['planner', 'operator'])).toBe(true);
    expect(roleAllows('admin', ['planner'])).toBe(true);
    expect(roleAllows('operator', ['admin'])).toBe(false);
  });

  it('limits a user with districts to those districts', () => {
    expect(seesDistrict({ districts: null }, 'Noord')).toBe(true);
    expect(seesDistrict({ districts: ['Centrum'] }, 'Noord')).toBe(false);
  });
});
