/* global setInterval, clearInterval */
/**
 * The status page: accounts and their registration, network, calls in
 * progress, version and uptime. It refreshes itself every 5 s while shown;
 * those refreshes do not count as activity, so an open tab still logs out.
 */
import { api } from '../api.js';
import { duration, h, message, replace } from '../dom.js';

const STATE_TEXT = {
  registered: 'registered',
  registering: 'registering…',
  unregistered: 'not registered',
  failed: 'registration failed',
  disabled: 'disabled',
};

function accountsTable(accounts) {
  if (accounts.length === 0) return h('p', { class: 'empty' }, 'No account is enabled. Set one up on the Accounts page.');
  return h(
    'table',
    { id: 'status-accounts' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Account'), h('th', {}, 'User'), h('th', {}, 'Server'), h('th', {}, 'Registration'))),
    h(
      'tbody',
      {},
      accounts.map((a) =>
        h(
          'tr',
          { 'data-account': a.index },
          h('td', {}, `${a.index}: ${a.label}`),
          h('td', {}, a.userName),
          h('td', {}, a.server === '' ? '—' : `${a.server} (${a.transport.toUpperCase()})`),
          h('td', { class: `state-${a.state}` }, STATE_TEXT[a.state] || a.state, a.detail ? ` — ${a.detail}` : ''),
        ),
      ),
    ),
  );
}

function callsTable(calls) {
  if (calls.length === 0) return h('p', { class: 'empty' }, 'No calls in progress.');
  return h(
    'table',
    { id: 'status-calls' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Account'), h('th', {}, 'Direction'), h('th', {}, 'Other party'), h('th', {}, 'State'), h('th', {}, 'Codec'), h('th', {}, 'Duration'))),
    h(
      'tbody',
      {},
      calls.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, c.account),
          h('td', {}, c.direction),
          h('td', {}, c.remote),
          h('td', {}, c.state),
          h('td', {}, c.codec ? `${c.codec}${c.secure ? ' (SRTP)' : ''}` : '—'),
          h('td', {}, c.durationSeconds === undefined ? '—' : duration(c.durationSeconds)),
        ),
      ),
    ),
  );
}

function render(s) {
  return [
    h('h1', {}, 'Status'),
    h(
      'section',
      {},
      h('h2', {}, 'Phone'),
      h('table', {}, h('tbody', {},
        h('tr', {}, h('th', {}, 'Firmware'), h('td', { id: 'status-version' }, s.version)),
        h('tr', {}, h('th', {}, 'Uptime'), h('td', {}, duration(s.uptimeSeconds))),
      )),
    ),
    h('section', {}, h('h2', {}, 'Accounts'), accountsTable(s.accounts)),
    s.problems.length > 0 ? h('section', {}, h('h2', {}, 'Configuration problems'), h('ul', {}, s.problems.map((p) => h('li', {}, p)))) : null,
    h(
      'section',
      {},
      h('h2', {}, 'Network'),
      h('table', {}, h('tbody', {},
        h('tr', {}, h('th', {}, 'Addresses'), h('td', {}, s.network.addresses.join(', ') || '—')),
        h('tr', {}, h('th', {}, 'SIP listens on'), h('td', {}, s.network.sipListeners.join(', ') || '—')),
      )),
    ),
    h('section', {}, h('h2', {}, 'Calls in progress'), callsTable(s.calls)),
    s.provisioning ? provisioningSection(s.provisioning) : null,
  ];
}

/** A server that is down, or a file that does not parse, is said here: the phone runs on its last good configuration. */
function provisioningSection(p) {
  return h(
    'section',
    {},
    h('h2', {}, 'Auto-provisioning'),
    h('table', {}, h('tbody', {},
      h('tr', {}, h('th', {}, 'Server'), h('td', {}, p.server || 'not configured')),
      h('tr', {}, h('th', {}, 'Last check'), h('td', { id: 'provisioning-result' }, p.lastAttemptAt ? `${p.lastAttemptAt}: ${p.result} — ${p.message}` : 'none yet')),
      h('tr', {}, h('th', {}, 'Last success'), h('td', {}, p.lastSuccessAt || '—')),
    )),
  );
}

export async function renderStatus(ctx) {
  replace(ctx.view, render(await api('/api/status')));
  let shown = true;
  const timer = setInterval(() => {
    api('/api/status', { poll: true })
      .then((s) => {
        if (shown) replace(ctx.view, render(s));
      })
      .catch((e) => {
        if (shown && e.status !== 401) replace(ctx.view, h('section', {}, message('bad', `Status unavailable: ${e.message}`)));
      });
  }, 5000);
  return () => {
    shown = false;
    clearInterval(timer);
  };
}
