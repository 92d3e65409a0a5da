/**
 * A running web UI on 127.0.0.1 (any free port) over a MemoryBackend, and a
 * small HTTP client that keeps the session cookie and CSRF token the way the
 * browser page does. scrypt runs with a small N here: the cost parameters are
 * tested on their own (password.test.ts), and the API tests hash many times.
 */
import type { Clock } from '../../drivers/bus/clock.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { AdminCredentials, MemoryCredentialStore } from '../../firmware/web/admin-credentials.js';
import type { WebBackend } from '../../firmware/web/backend.js';
import type { ScryptParams } from '../../firmware/web/password-hash.js';
import { StaticFiles } from '../../firmware/web/static-files.js';
import { createWebApp, type WebApp } from '../../firmware/web/web-app.js';
import { startWebServer, type RunningWebServer } from '../../firmware/web/web-server.js';
import { MemoryBackend } from './memory-backend.js';

export const TEST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1, keyLength: 32 };
export const NEW_PASSWORD = 'correct horse 42';

export interface TestWeb<B extends WebBackend = MemoryBackend> {
  readonly url: string;
  readonly backend: B;
  readonly app: WebApp;
  readonly credentials: AdminCredentials;
  readonly store: MemoryCredentialStore;
  readonly log: string[];
  readonly server: RunningWebServer;
  close(): Promise<void>;
}

export function startTestWeb(options: { clock?: Clock; backend?: MemoryBackend } = {}): Promise<TestWeb> {
  return startWebOver(options.backend ?? new MemoryBackend(), options.clock);
}

/** The same over any backend: PhoneBackend on real stores, for one. */
export async function startWebOver<B extends WebBackend>(backend: B, clock?: Clock): Promise<TestWeb<B>> {
  const store = new MemoryCredentialStore();
  const credentials = await AdminCredentials.open(store, TEST_SCRYPT);
  const log: string[] = [];
  const app = createWebApp({
    backend,
    credentials,
    clock: clock ?? new SystemClock(),
    staticFiles: await StaticFiles.load(),
    log: (line) => log.push(line),
  });
  const server = await startWebServer(app, [{ protocol: 'http', port: 0, host: '127.0.0.1' }]);
  const url = server.listeners[0]?.url ?? '';
  return { url, backend, app, credentials, store, log, server, close: () => server.close() };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it was JSON, else undefined. */
  readonly json: Record<string, unknown> | undefined;
}

/** Keeps the session cookie and CSRF token; sends the token on every POST unless told not to. */
export class TestClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly base: string) {}

  async request(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.cookie !== undefined) headers['Cookie'] = this.cookie;
    let body: string | undefined;
    if (options.body !== undefined || options.rawBody !== undefined) {
      body = options.rawBody ?? JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    if (method === 'POST' && options.csrf !== false && this.csrf !== undefined) headers['X-CSRF-Token'] ??= this.csrf;
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const value = pair.slice(pair.indexOf('=') + 1);
      this.cookie = /Max-Age=0/i.test(c) ? undefined : `${pair.slice(0, pair.indexOf('='))}=${value}`;
    }
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(text) as Record<string, unknown>;
    if (json !== undefined && typeof json['csrfToken'] === 'string') this.csrf = json['csrfToken'];
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.request('GET', path, headers === undefined ? {} : { headers });
  }

  post(path: string, body: unknown = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    return this.request('POST', path, { body, ...options });
  }

  login(password: string, user = 'admin'): Promise<Answer> {
    return this.post('/api/login', { user, password });
  }

  /** Logs in with the factory password and changes it, as every session must before anything else. */
  async loginReady(password = NEW_PASSWORD, initial = 'admin'): Promise<void> {
    const first = await this.login(initial);
    if (first.status !== 200) throw new Error(`login failed: ${first.status} ${first.text}`);
    if (first.json?.['mustChangePassword'] === true) {
      const changed = await this.post('/api/password', { current: initial, next: password });
      if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${changed.text}`);
    }
  }
}
