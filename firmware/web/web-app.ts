/**
 * The web UI's request handler: static pages for any path outside /api/, and
 * the JSON API under /api/, where every request goes through the same gate:
 *
 *   route known and public (login)?      else no live session → 401
 *   a change (POST)?                     from another site → 403; no CSRF token → 403
 *   password still the factory one?      only session, password and logout → 403 otherwise
 *
 * A request for an unknown /api/ path without a session gets 401 too, so
 * the API's shape is not visible before logging in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../drivers/bus/clock.js';
import type { AdminCredentials } from './admin-credentials.js';
import { apiRoutes, type ApiContext, type ApiRoute } from './api-routes.js';
import type { WebBackend } from './backend.js';
import { clearedSessionCookie, parseCookies, SESSION_COOKIE } from './cookies.js';
import { HttpError, sendEmpty, sendJson } from './http-io.js';
import { LoginThrottle } from './login-throttle.js';
import { crossSiteProblem, csrfTokenOf, isPoll } from './request-guard.js';
import { setSecurityHeaders } from './security-headers.js';
import { csrfTokenMatches, SessionTable } from './sessions.js';
import type { StaticFiles } from './static-files.js';

export interface WebAppOptions {
  readonly backend: WebBackend;
  readonly credentials: AdminCredentials;
  readonly clock: Clock;
  readonly staticFiles: StaticFiles;
  /** One line per notable event (logins, failures, errors); never a secret. */
  readonly log?: (line: string) => void;
}

export interface WebApp {
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly sessions: SessionTable;
}

function isSecure(req: IncomingMessage): boolean {
  return 'encrypted' in req.socket && req.socket.encrypted === true;
}

export function createWebApp(options: WebAppOptions): WebApp {
  const log = options.log ?? (() => undefined);
  const sessions = new SessionTable(options.clock, () => options.backend.config().value('features.relog_offtime') * 60_000);
  const throttle = new LoginThrottle(options.clock);
  const router = apiRoutes({ backend: options.backend, credentials: options.credentials, sessions, throttle, log });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    setSecurityHeaders(res, 'api');
    const method = req.method ?? 'GET';
    const secure = isSecure(req);
    const match = router.match(method, url.pathname);
    const route: ApiRoute | undefined = match.found ? match.handler : undefined;
    const cookieId = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const ctx: ApiContext = { req, res, url, secure, address: req.socket.remoteAddress ?? 'unknown' };

    if (route?.access !== 'public') {
      const session = sessions.lookup(cookieId, !isPoll(req.headers));
      if (session === undefined) {
        const headers: Record<string, string> = cookieId === undefined ? {} : { 'Set-Cookie': clearedSessionCookie(secure) };
        throw new HttpError(401, 'log in first', headers);
      }
      ctx.session = session;
    } else if (cookieId !== undefined) {
      ctx.priorSessionId = cookieId;
    }
    if (!match.found) {
      if (match.status === 405) throw new HttpError(405, `${method} is not allowed here`, { Allow: match.allow.join(', ') });
      throw new HttpError(404, `no such API: ${url.pathname}`);
    }
    const handler = match.handler;
    if (handler.mutation) {
      const crossSite = crossSiteProblem(req.headers);
      if (crossSite !== undefined) throw new HttpError(403, crossSite, {}, { reason: 'cross-site' });
      if (ctx.session !== undefined && !csrfTokenMatches(ctx.session, csrfTokenOf(req.headers))) {
        throw new HttpError(403, 'missing or wrong CSRF token: reload the page', {}, { reason: 'csrf' });
      }
    }
    if (handler.access === 'full' && ctx.session?.mustChangePassword === true) {
      throw new HttpError(403, 'change the factory password first', {}, { reason: 'password-change-required' });
    }
    await handler.handle(ctx);
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    setSecurityHeaders(res, 'page');
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      sendEmpty(res, 405, { Allow: 'GET, HEAD' });
      return;
    }
    const file = options.staticFiles.get(url.pathname);
    if (file === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    res.end(method === 'HEAD' ? undefined : file.body);
  }

  function fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) {
      sendJson(res, e.status, { error: e.message, ...e.body }, e.headers);
      return;
    }
    log(`web: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    sendJson(res, 500, { error: 'internal error: see the phone log' });
  }

  return {
    sessions,
    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://phone.invalid');
      } catch {
        sendEmpty(res, 400);
        return;
      }
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        handleApi(req, res, url).catch((e: unknown) => fail(res, e));
        return;
      }
      try {
        handleStatic(req, res, url);
      } catch (e) {
        fail(res, e);
      }
    },
  };
}
