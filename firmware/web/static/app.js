/* global document, window, location */
/**
 * The admin UI: one page, views chosen by the URL's #fragment. At load it
 * asks /api/session whether a login is open; without one it shows the login
 * form, with the factory password still set it shows only the form to change it.
 */
import { api, setCsrfToken, setSessionHandlers } from './api.js';
import { h, message, replace } from './dom.js';
import { renderLogin, renderPassword } from './views/login.js';
import { renderStatus } from './views/status.js';
import { renderSettings } from './views/settings.js';
import { renderHistory, renderLogs, renderTrace } from './views/lists.js';
import { renderConfigFile, renderPhonebook } from './views/files.js';
import { renderSystem } from './views/system.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
let session = null;
let cleanup = null;
let schemaPromise = null;

const ctx = {
  view,
  get session() {
    return session;
  },
  setSession(next) {
    session = next;
    setCsrfToken(next ? next.csrfToken : '');
    nav.hidden = !next || next.mustChangePassword;
    if (!next) schemaPromise = null;
    if (next && !next.mustChangePassword) showOtherPageIfUsed();
    route();
  },
  /** The schema, fetched once per login. */
  schema() {
    schemaPromise = schemaPromise || api('/api/schema');
    schemaPromise.catch(() => {
      schemaPromise = null;
    });
    return schemaPromise;
  },
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

/** "Other settings" appears only when some schema row is on no other page. */
function showOtherPageIfUsed() {
  ctx
    .schema()
    .then((schema) => {
      document.getElementById('nav-other').hidden = !schema.pages.some((p) => p.id === 'other' && p.settings.length > 0);
    })
    .catch(() => undefined);
}

setSessionHandlers({
  unauthorized: () => {
    if (session) ctx.setSession(null);
  },
  passwordChangeRequired: () => {
    if (session) ctx.setSession({ ...session, mustChangePassword: true });
  },
});

const routes = {
  status: () => renderStatus(ctx),
  settings: (id) => renderSettings(ctx, id || 'accounts'),
  history: () => renderHistory(ctx),
  phonebook: () => renderPhonebook(ctx),
  config: () => renderConfigFile(ctx),
  logs: () => renderLogs(ctx),
  trace: () => renderTrace(ctx),
  system: () => renderSystem(ctx),
  password: () => renderPassword(ctx, false),
};

function markCurrent(hash) {
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('current', a.getAttribute('href') === hash);
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  if (!session) {
    renderLogin(ctx);
    return;
  }
  if (session.mustChangePassword) {
    renderPassword(ctx, true);
    return;
  }
  const hash = location.hash || '#/status';
  const [name, arg] = hash.replace(/^#\//, '').split('/');
  const render = routes[name] || routes.status;
  markCurrent(hash);
  try {
    const result = await render(arg);
    if (typeof result === 'function') cleanup = result;
  } catch (e) {
    if (e && (e.status === 401 || e.status === 403)) return;
    replace(view, h('section', {}, message('bad', `This page could not be loaded: ${e && e.message ? e.message : e}`)));
  }
}

document.getElementById('logout').addEventListener('click', async () => {
  // Whatever the answer (the session may have expired already), the page shows the login form.
  await api('/api/logout', { method: 'POST' }).catch(() => undefined);
  ctx.setSession(null);
});

window.addEventListener('hashchange', () => {
  route();
});

async function start() {
  try {
    ctx.setSession(await api('/api/session'));
  } catch {
    ctx.setSession(null);
  }
}

start();
