/* global fetch */
/**
 * Calls to the phone's /api/. Every change carries the session's CSRF token
 * in X-CSRF-Token (the server refuses a change without it); the token comes
 * from the login answer or /api/session and lives only in this module.
 */
let csrfToken = '';
let onUnauthorized = () => undefined;
let onPasswordChangeRequired = () => undefined;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && typeof body.error === 'string' && body.error) || `the phone answered ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function setCsrfToken(token) {
  csrfToken = token || '';
}

/** What to do when the session has ended (401) or the factory password must go first (403). */
export function setSessionHandlers(handlers) {
  onUnauthorized = handlers.unauthorized;
  onPasswordChangeRequired = handlers.passwordChangeRequired;
}

/**
 * api('/api/status') → parsed JSON. Options: method, body (sent as JSON),
 * poll (an automatic refresh: does not keep the session alive).
 */
export async function api(path, options = {}) {
  const method = options.method || 'GET';
  const headers = { Accept: 'application/json' };
  let body;
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
    body = JSON.stringify(options.body === undefined ? {} : options.body);
  }
  if (options.poll) headers['X-Deskphone-Poll'] = '1';
  const res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  let data = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const error = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/api/login') onUnauthorized();
    if (res.status === 403 && error.body.reason === 'password-change-required') onPasswordChangeRequired();
    throw error;
  }
  return data;
}
