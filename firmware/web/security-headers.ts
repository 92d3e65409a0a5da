/**
 * Headers on every answer. The pages load only their own scripts and styles
 * (no inline script or style, so an injected <script> does not run), cannot
 * be framed (clickjacking: CSP frame-ancestors and, for older browsers,
 * X-Frame-Options), and API answers are never cached (they carry the CSRF
 * token and the phone's settings).
 */
import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse, kind: 'api' | 'page'): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // Pages are small and change with the firmware: revalidate rather than risk a stale script.
  res.setHeader('Cache-Control', kind === 'api' ? 'no-store' : 'no-cache');
}
