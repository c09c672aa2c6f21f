/** The cookie that lets a browser open the admin pages (the job queues board): an admin-board token, HttpOnly. */
export const ADMIN_COOKIE = 'vulgraad_admin';
/** Only the admin pages receive it; the API takes the Authorization header alone. */
export const ADMIN_COOKIE_PATH = '/admin';
/** Short: it is renewed each time an admin opens the board from the dashboard. */
export const ADMIN_COOKIE_TTL_S = 15 * 60;

/** The value of the admin cookie in a Cookie header, or null. */
export function adminCookieToken(cookieHeader: string | string[] | undefined): string | null {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : (cookieHeader ?? '');
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === ADMIN_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
