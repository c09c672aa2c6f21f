/** Who may do what: viewer < planner/operator < admin. Planner and operator are peers with different writes. */
export const ROLES = ['viewer', 'planner', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Whether a user's role satisfies a route's requirement. A requirement lists
 * the least roles that may pass; admin passes everything, any role passes
 * `viewer`, planner and operator pass only what names them.
 */
export function roleAllows(role: Role, required: readonly Role[]): boolean {
  if (role === 'admin') return true;
  return required.some((r) => r === role || r === 'viewer');
}

/** The signed-in user as the request carries it. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  /** Districts the user may see; null = every district. */
  districts: string[] | null;
}

/** Whether the user may see a district. */
export const seesDistrict = (user: Pick<AuthUser, 'districts'>, district: string): boolean =>
  user.districts === null || user.districts.includes(district);
