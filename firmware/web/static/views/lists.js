/**
 * Read-only pages: call history, the log, packet traces. Each says plainly
 * when there is nothing to show, or when the phone cannot do it yet.
 */
import { api } from '../api.js';
import { duration, h, replace } from '../dom.js';

export async function renderHistory(ctx) {
  const { calls } = await api('/api/history');
  const body =
    calls.length === 0
      ? h('p', { class: 'empty', id: 'history-empty' }, 'No calls yet.')
      : h(
          'table',
          { id: 'history' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Direction'), h('th', {}, 'Other party'), h('th', {}, 'Account'), h('th', {}, 'Duration'))),
          h(
            'tbody',
            {},
            calls.map((c) =>
              h('tr', {}, h('td', {}, new Date(c.startedAt).toLocaleString()), h('td', {}, c.direction), h('td', {}, c.remote), h('td', {}, c.account), h('td', {}, duration(c.durationSeconds))),
            ),
          ),
        );
  replace(ctx.view, h('h1', {}, 'Call history'), h('section', {}, body));
}

export async function renderLogs(ctx) {
  const { lines } = await api('/api/logs');
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  refresh.addEventListener('click', () => {
    renderLogs(ctx).catch(() => undefined);
  });
  replace(
    ctx.view,
    h('h1', {}, 'Logs'),
    h(
      'section',
      {},
      h('div', { class: 'row' }, refresh, h('a', { href: '/api/logs/download', download: 'deskphone.log' }, 'Download the log')),
      lines.length === 0 ? h('p', { class: 'empty' }, 'The log is empty.') : h('pre', { class: 'log', id: 'log-lines' }, lines.join('\n')),
    ),
  );
}

export async function renderTrace(ctx) {
  const trace = await api('/api/trace');
  let body;
  if (!trace.supported) body = h('p', { class: 'empty', id: 'trace-empty' }, 'This firmware cannot capture SIP/RTP traces yet.');
  else if (!trace.file) body = h('p', { class: 'empty', id: 'trace-empty' }, 'No trace has been captured.');
  else body = h('p', {}, h('a', { href: '/api/trace/download', download: trace.file.filename }, `Download ${trace.file.filename}`), ` (${trace.file.size} bytes)`);
  const parts = [body];
  if (trace.supported) {
    const toggle = h('button', { type: 'button', id: 'trace-toggle' }, trace.running ? 'Stop capture' : 'Start capture');
    toggle.addEventListener('click', () => {
      api('/api/trace', { method: 'POST', body: { on: !trace.running } })
        .then(() => renderTrace(ctx))
        .catch(() => undefined);
    });
    parts.unshift(h('div', { class: 'row' }, toggle, h('span', { id: 'trace-state' }, trace.running ? ' capturing SIP …' : ' not capturing')));
  }
  replace(ctx.view, h('h1', {}, 'SIP/RTP trace'), h('section', {}, ...parts));
}
