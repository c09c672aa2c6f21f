import type { AuthUser } from '../auth/roles';
import { parseRoom, refusal } from './rooms';

const user = (role: AuthUser['role'], districts: string[] | null = null): AuthUser => ({ id: 'u', username: 'u', role, districts });

describe(parseRoom.name, () => {
  it('reads district and route rooms and nothing else', () => {
    expect(parseRoom('district:Nieuw-West')).toEqual({ kind: 'district', district: 'Nieuw-West' });
    expect(parseRoom('route:truck-7:2026-03-02')).toEqual({ kind: 'route', vehicleId: 'truck-7', shiftDate: '2026-03-02' });
    expect(parseRoom('district:')).toBeNull();
    expect(parseRoom('admin')).toBeNull();
    expect(parseRoom(42)).toBeNull();
  });
});

describe(refusal.name, () => {
  it('lets a user into the districts they see and routes only planners and operators follow', () => {
    expect(refusal(user('viewer'), { kind: 'district', district: 'Oost' }, null)).toBeNull();
    expect(refusal(user('viewer', ['West']), { kind: 'district', district: 'Oost' }, null)).toMatch(/may not see/);
    const route = { kind: 'route' as const, vehicleId: 't1', shiftDate: '2026-03-02' };
    expect(refusal(user('viewer'), route, ['Oost'])).toMatch(/role viewer/);
    expect(refusal(user('operator'), route, ['Oost'])).toBeNull();
    expect(refusal(user('planner', ['West']), route, ['Oost'])).toMatch(/may not see/);
    expect(refusal(user('admin'), route, null)).toMatch(/no published route/);
  });
});
