import type { Plan, PlanRoute } from '@vulgraad/contracts';
import { summarise, viewOfDistrict, viewOfUser } from './plans.service';

const route = (vehicleId: string, districts: string[]): PlanRoute => ({
  id: `p:${vehicleId}`, vehicleId, startAt: '2026-03-03T06:00:00Z', endAt: '2026-03-03T14:00:00Z', distanceM: 1, durationS: 1, stops: [], geometry: null, districts,
});
const fleet: Plan = {
  id: 'plan-fleet-residual-2026-03-03-v1', district: 'fleet', districts: ['Noord', 'Oost', 'West'], fraction: 'residual', shiftDate: '2026-03-03', version: 1,
  status: 'published', trigger: 'daily', createdAt: '2026-03-02T16:00:00Z', solveSeconds: 1, distanceM: 3, durationS: 3, unassigned: [],
  routes: [route('t1', ['Noord']), route('t2', ['Noord', 'Oost']), route('t3', ['West'])],
};

describe(viewOfDistrict.name, () => {
  it('shows a district the fleet\'s routes that pass through it, whole', () => {
    expect(viewOfDistrict(fleet, 'Oost').routes.map((r) => r.vehicleId)).toEqual(['t2']);
    expect(viewOfDistrict(fleet, 'Noord').routes.map((r) => r.vehicleId)).toEqual(['t1', 't2']);
  });

  it('leaves a plan of one district as it is', () => {
    const own = { ...fleet, district: 'Noord', districts: ['Noord'] };
    expect(viewOfDistrict(own, 'Noord')).toBe(own);
  });
});

describe(viewOfUser.name, () => {
  it('shows a user limited to some districts only the routes through them', () => {
    expect(viewOfUser(fleet, { districts: ['West'] }).routes.map((r) => r.vehicleId)).toEqual(['t3']);
    expect(viewOfUser(fleet, { districts: null }).routes).toHaveLength(3);
  });

  it('summarises with the districts of the plan and of each route', () => {
    const sut = summarise(fleet);
    expect(sut.districts).toEqual(['Noord', 'Oost', 'West']);
    expect(sut.routes.map((r) => r.districts)).toEqual([['Noord'], ['Noord', 'Oost'], ['West']]);
  });
});
