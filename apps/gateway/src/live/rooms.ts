import { LIVE_ROOMS, parseLiveRoom, type ParsedLiveRoom } from '@vulgraad/contracts';
import { roleAllows, seesDistrict, type AuthUser } from '../auth/roles';

/** Room names: `district:<name>` and `route:<vehicleId>:<YYYY-MM-DD>`, as the live-feed contract declares them. */
export type ParsedRoom = ParsedLiveRoom;

export const districtRoom = LIVE_ROOMS.district;

export const parseRoom = parseLiveRoom;

/**
 * Whether a user may join a room: a district they may see; a truck's route
 * (stop by stop, with the why) only for planners, operators and admins,
 * and only in a district they may see; a driver only their own truck's route. Null = allowed, else the reason.
 */
export function refusal(user: AuthUser, room: ParsedRoom, routeDistricts: readonly string[] | null): string | null {
  // A driver follows their own truck's route, nothing else.
  if (user.role === 'driver') {
    if (room.kind !== 'route' || room.vehicleId !== user.vehicleId) return 'a driver follows their own truck\'s route only';
    return routeDistricts && routeDistricts.length > 0 ? null : `no published route for ${room.vehicleId} on ${room.shiftDate}`;
  }
  if (room.kind === 'district') return seesDistrict(user, room.district) ? null : `you may not see district ${room.district}`;
  if (!roleAllows(user.role, ['planner', 'operator'])) return `role ${user.role} may not follow a route; it needs planner or operator`;
  if (!routeDistricts || routeDistricts.length === 0) return `no published route for ${room.vehicleId} on ${room.shiftDate}`;
  return routeDistricts.some((d) => seesDistrict(user, d)) ? null : 'the route is in a district you may not see';
}
