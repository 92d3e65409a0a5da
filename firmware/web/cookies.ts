/**
 * The session cookie (RFC 6265): HttpOnly so page scripts never see it,
 * SameSite=Strict so no other site's page can make the browser send it,
 * Secure when the page came over HTTPS, and no Max-Age — a browser session
 * cookie; the server-side idle timeout decides when it stops working.
 */
export const SESSION_COOKIE = 'deskphone_session';

/** Cookie name → value from a Cookie header; the first of duplicate names wins (RFC 6265 §5.4). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
