/**
 * Who may do what: viewer < planner/operator < admin. Planner and operator are peers with different writes.
 * A driver sits beside them: it sees its own truck's route and reports on its stops, nothing else.
 */
export const ROLES = ['viewer', 'planner', 'operator', 'admin', 'driver'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Whether a user's role satisfies a route's requirement. A requirement lists
 * the least roles that may pass; admin passes everything, any role passes
 * `viewer`, planner and operator pass only what names them.
 */
export function roleAllows(role: Role, required: readonly Role[]): boolean {
  if (role === 'admin') return true;
  // A driver passes only what names it: `viewer` routes (every plan, every container) are not a driver's.
  if (role === 'driver') return required.includes('driver');
  return required.some((r) => r === role || r === 'viewer');
}

/** The signed-in user as the request carries it. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** Districts the user may see; null = every district. */
  districts: string[] | null;
  /** The truck of a user with role driver (null or absent for the other roles). */
  vehicleId?: string | null;
}

/** Whether the user may see a district. */
export const seesDistrict = (user: Pick<AuthUser, 'districts'>, district: string): boolean =>
  user.districts === null || user.districts.includes(district);
