/**
 * Checks a request must pass before a change is made, as small pure
 * functions over the request headers (OWASP CSRF Prevention Cheat Sheet):
 *
 * - Every change carries the session's CSRF token in X-CSRF-Token
 *   ("synchronizer token"); another site's page can make the browser send
 *   the cookie (SameSite=Strict already stops that in current browsers) but
 *   cannot read the token to send it.
 * - A change whose Origin names another site, or which the browser marks
 *   Sec-Fetch-Site: cross-site, is refused outright ("verifying origin with
 *   standard headers"), login included — login has no session to hold a token.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const CSRF_HEADER = 'x-csrf-token';
/** Sent by the status page's automatic refresh: it must not count as activity. */
export const POLL_HEADER = 'x-deskphone-poll';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function csrfTokenOf(headers: IncomingHttpHeaders): string | undefined {
  return single(headers[CSRF_HEADER]);
}

export function isPoll(headers: IncomingHttpHeaders): boolean {
  return single(headers[POLL_HEADER]) === '1';
}

/** Undefined when the request may come from this UI's own pages; else why not. */
export function crossSiteProblem(headers: IncomingHttpHeaders): string | undefined {
  const site = single(headers['sec-fetch-site']);
  if (site === 'cross-site' || site === 'same-site') return `a change from another site is refused (Sec-Fetch-Site: ${site})`;
  const origin = single(headers.origin);
  if (origin === undefined) return undefined;
  const host = single(headers.host);
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `a change with Origin ${origin} is refused`;
  }
  if (host === undefined || originHost.toLowerCase() !== host.toLowerCase()) return `a change from ${origin} is refused`;
  return undefined;
}
