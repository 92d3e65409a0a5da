/**
 * The JSON API the pages call. Each route says who may call it (`access`)
 * and whether it changes anything (`mutation`: CSRF-checked); web-app.ts
 * enforces both before a handler runs. GET answers never hold a secret:
 * settings go through settings-view.ts, the export through cfg-export.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { changedSettings, strongestApplies } from '../config/changes.js';
import type { ResolvedConfig } from '../config/layers.js';
import type { SettingEntry } from '../config/setting-entry.js';
import type { AdminCredentials } from './admin-credentials.js';
import type { WebBackend } from './backend.js';
import { EXPORT_FILENAME, exportCfg, importCfg } from './cfg-export.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import { FILE_BODY_LIMIT, HttpError, readJsonObject, sendDownload, sendEmpty, sendJson, stringField } from './http-io.js';
import type { LoginThrottle } from './login-throttle.js';
import { formatContactsCsv, PHONEBOOK_FILENAME } from './phonebook-csv.js';
import { importAnswer, phonebookFormatOf } from './phonebook-import.js';
import { Router } from './router.js';
import type { Session, SessionTable } from './sessions.js';
import { findPage } from './settings-pages.js';
import { checkChanges, pageValues, uiSchema } from './settings-view.js';

export interface ApiContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly secure: boolean;
  /** The client's address, the login throttle's key. */
  readonly address: string;
  /** Set for every route but the public ones. */
  session?: Session;
  /** A public route's caller's old session cookie (dropped at login: no session fixation). */
  priorSessionId?: string;
}

export interface ApiRoute {
  /** public: no session; any-session: allowed before the factory password is changed; full: after. */
  readonly access: 'public' | 'any-session' | 'full';
  readonly mutation: boolean;
  handle(ctx: ApiContext): Promise<void>;
}

export interface ApiDeps {
  readonly backend: WebBackend;
  readonly credentials: AdminCredentials;
  readonly sessions: SessionTable;
  readonly throttle: LoginThrottle;
  readonly log: (line: string) => void;
}

function requireSession(ctx: ApiContext): Session {
  if (ctx.session === undefined) throw new HttpError(401, 'log in first');
  return ctx.session;
}

/** Runs a password check under the login throttle: a wrong password counts, wherever it was typed. */
async function throttled(deps: ApiDeps, address: string, check: () => Promise<boolean>): Promise<boolean> {
  const decision = deps.throttle.begin(address);
  if (!decision.allowed) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    throw new HttpError(429, `too many wrong passwords: try again in ${seconds} s`, { 'Retry-After': String(seconds) });
  }
  let ok = false;
  try {
    ok = await check();
  } finally {
    deps.throttle.finish(address, ok);
  }
  return ok;
}

interface AppliedChanges {
  readonly changed: readonly { readonly key: string; readonly applies: string }[];
  readonly applies: string | null;
}

/** Applies entries and reports which keys changed and what that needs — keys only, never values. */
async function apply(backend: WebBackend, entries: readonly SettingEntry[]): Promise<AppliedChanges> {
  const before: ResolvedConfig = backend.config();
  if (entries.length > 0) await backend.applyLocalChanges(entries);
  const changes = changedSettings(before, backend.config());
  return { changed: changes.map((c) => ({ key: c.key, applies: c.applies })), applies: strongestApplies(changes) ?? null };
}

function sessionView(deps: ApiDeps, session: Session): Record<string, unknown> {
  return {
    user: session.user,
    mustChangePassword: session.mustChangePassword,
    csrfToken: session.csrfToken,
    idleTimeoutMinutes: deps.backend.config().value('features.relog_offtime'),
  };
}

/**
 * After the answer is out: a reboot must not cut its own answer off. 'close'
 * (not 'finish') so it still happens when the browser went away first.
 */
function afterAnswer(ctx: ApiContext, deps: ApiDeps, what: string, action: () => Promise<void>): void {
  ctx.res.once('close', () => {
    action().catch((e: unknown) => deps.log(`web: ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
  });
}

export function apiRoutes(deps: ApiDeps): Router<ApiRoute> {
  const { backend, credentials, sessions } = deps;
  const router = new Router<ApiRoute>();
  const get = (path: string, handle: (ctx: ApiContext) => Promise<void> | void, access: ApiRoute['access'] = 'full'): void => {
    router.add('GET', path, { access, mutation: false, handle: async (ctx) => handle(ctx) });
  };
  const post = (path: string, handle: (ctx: ApiContext) => Promise<void> | void, access: ApiRoute['access'] = 'full'): void => {
    router.add('POST', path, { access, mutation: true, handle: async (ctx) => handle(ctx) });
  };

  post(
    '/api/login',
    async (ctx) => {
      const body = await readJsonObject(ctx.req);
      const user = stringField(body, 'user');
      const password = stringField(body, 'password');
      const ok = await throttled(deps, ctx.address, () => credentials.verify(user, password));
      if (!ok) {
        deps.log(`web: failed login from ${ctx.address}`);
        throw new HttpError(401, 'wrong user name or password');
      }
      if (ctx.priorSessionId !== undefined) sessions.destroy(ctx.priorSessionId);
      const session = sessions.create(credentials.user, credentials.mustChange);
      deps.log(`web: ${session.user} logged in from ${ctx.address}`);
      sendJson(ctx.res, 200, sessionView(deps, session), { 'Set-Cookie': sessionCookie(session.id, ctx.secure) });
    },
    'public',
  );

  post(
    '/api/logout',
    (ctx) => {
      sessions.destroy(requireSession(ctx).id);
      sendEmpty(ctx.res, 204, { 'Set-Cookie': clearedSessionCookie(ctx.secure) });
    },
    'any-session',
  );

  get('/api/session', (ctx) => sendJson(ctx.res, 200, sessionView(deps, requireSession(ctx))), 'any-session');

  post(
    '/api/password',
    async (ctx) => {
      const session = requireSession(ctx);
      const body = await readJsonObject(ctx.req);
      const current = stringField(body, 'current');
      const next = stringField(body, 'next');
      let policy: string | undefined;
      const ok = await throttled(deps, ctx.address, async () => {
        const result = await credentials.change(current, next);
        if (!result.ok && result.reason === 'policy') policy = result.message;
        // A policy refusal is not a wrong password: it must not count towards the lock-out.
        return result.ok || result.reason === 'policy';
      });
      if (!ok) throw new HttpError(403, 'the current password is wrong', {}, { field: 'current' });
      if (policy !== undefined) throw new HttpError(400, policy, {}, { field: 'next' });
      sessions.destroyAllExcept(session);
      const rotated = sessions.rotate(session);
      rotated.mustChangePassword = false;
      deps.log(`web: ${rotated.user} changed the password from ${ctx.address}`);
      sendJson(ctx.res, 200, sessionView(deps, rotated), { 'Set-Cookie': sessionCookie(rotated.id, ctx.secure) });
    },
    'any-session',
  );

  get('/api/status', (ctx) => {
    const config = backend.config();
    const status = backend.status();
    const states = new Map(status.accounts.map((a) => [a.index, a]));
    sendJson(ctx.res, 200, {
      version: status.version,
      uptimeSeconds: status.uptimeSeconds,
      network: status.network,
      calls: status.calls,
      ...(status.provisioning === undefined ? {} : { provisioning: status.provisioning }),
      problems: config.problems,
      accounts: config.view.accounts.map((a) => {
        const server = a.servers[0];
        const state = states.get(a.index);
        return {
          index: a.index,
          label: a.label,
          userName: a.userName,
          server: server === undefined ? '' : `${server.address}:${server.port}`,
          transport: server?.transport ?? '',
          state: state?.state ?? 'unregistered',
          ...(state?.detail === undefined ? {} : { detail: state.detail }),
        };
      }),
    });
  });

  get('/api/schema', (ctx) => sendJson(ctx.res, 200, uiSchema()));

  get('/api/settings', (ctx) => {
    const id = ctx.url.searchParams.get('page') ?? '';
    const page = findPage(id);
    if (page === undefined) throw new HttpError(404, `no settings page "${id}"`);
    sendJson(ctx.res, 200, { page: page.id, values: pageValues(backend.config(), page) });
  });

  post('/api/settings', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const checked = checkChanges(body['changes']);
    if (!checked.ok) throw new HttpError(400, 'nothing was saved: some values are not valid', {}, { errors: checked.errors });
    const result = await apply(backend, checked.entries);
    deps.log(`web: settings changed: ${result.changed.map((c) => c.key).join(', ') || 'none'}`);
    sendJson(ctx.res, 200, result);
  });

  get('/api/config/export', (ctx) => {
    sendDownload(ctx.res, EXPORT_FILENAME, 'text/plain; charset=utf-8', exportCfg(backend.config(), [`Exported by deskphone ${backend.status().version}`]));
  });

  post('/api/config/import', async (ctx) => {
    const body = await readJsonObject(ctx.req, FILE_BODY_LIMIT);
    const imported = importCfg(stringField(body, 'text'));
    const result = await apply(backend, imported.entries);
    deps.log(`web: configuration imported: ${result.changed.length} settings changed`);
    sendJson(ctx.res, 200, { ...result, diagnostics: imported.diagnostics.map((d) => ({ severity: d.severity, text: d.text })) });
  });

  get('/api/logs', (ctx) => sendJson(ctx.res, 200, { lines: backend.logs() }));
  get('/api/logs/download', (ctx) => sendDownload(ctx.res, 'deskphone.log', 'text/plain; charset=utf-8', backend.logs().map((l) => `${l}\n`).join('')));

  get('/api/history', (ctx) => sendJson(ctx.res, 200, { calls: backend.callHistory() }));

  get('/api/phonebook', (ctx) => sendJson(ctx.res, 200, { contacts: backend.contacts() }));
  get('/api/phonebook/export', (ctx) => sendDownload(ctx.res, PHONEBOOK_FILENAME, 'text/csv; charset=utf-8', formatContactsCsv(backend.contacts())));
  // A CSV or Yealink XML file replaces the phonebook; the answer says what was added and, by line, what was skipped.
  post('/api/phonebook/import', async (ctx) => {
    const body = await readJsonObject(ctx.req, FILE_BODY_LIMIT);
    const text = stringField(body, 'text');
    const format = phonebookFormatOf(text);
    const { error, ...answer } = importAnswer(format, await backend.importContacts({ format, text }));
    deps.log(`web: phonebook import from ${ctx.address}: ${error ?? answer.messages[0] ?? ''}`);
    if (error !== undefined) throw new HttpError(400, error, {}, answer);
    sendJson(ctx.res, 200, answer);
  });

  get('/api/trace', (ctx) => {
    const trace = backend.trace();
    sendJson(ctx.res, 200, {
      supported: trace.supported,
      running: trace.running === true,
      ...(trace.file === undefined ? {} : { file: { filename: trace.file.filename, size: trace.file.body.byteLength } }),
    });
  });
  post('/api/trace', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    const on = body.on;
    if (typeof on !== 'boolean') throw new HttpError(400, '"on" must be true or false');
    if (backend.setTrace === undefined) throw new HttpError(501, 'this phone cannot capture traces');
    await backend.setTrace(on);
    deps.log(`web: SIP trace ${on ? 'started' : 'stopped'} from ${ctx.address}`);
    sendJson(ctx.res, 200, { running: backend.trace().running === true });
  });
  get('/api/trace/download', (ctx) => {
    const file = backend.trace().file;
    if (file === undefined) throw new HttpError(404, 'no trace has been captured');
    sendDownload(ctx.res, file.filename, file.contentType, file.body);
  });

  post('/api/reboot', async (ctx) => {
    await readJsonObject(ctx.req);
    deps.log(`web: reboot asked from ${ctx.address}`);
    afterAnswer(ctx, deps, 'reboot', () => backend.reboot());
    sendJson(ctx.res, 202, { message: 'the phone is rebooting' });
  });

  post('/api/factory-reset', async (ctx) => {
    const body = await readJsonObject(ctx.req);
    if (body['confirm'] !== 'factory-reset') throw new HttpError(400, 'send {"confirm": "factory-reset"} to reset the phone');
    deps.log(`web: factory reset asked from ${ctx.address}`);
    await credentials.reset();
    sessions.destroyAllExcept();
    afterAnswer(ctx, deps, 'factory reset', () => backend.factoryReset());
    sendJson(ctx.res, 202, { message: 'the phone is going back to its factory state' }, { 'Set-Cookie': clearedSessionCookie(ctx.secure) });
  });

  return router;
}
