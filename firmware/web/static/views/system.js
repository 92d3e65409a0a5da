/* global window */
/**
 * Reboot and factory reset. Both ask for confirmation; a factory reset also
 * wants the words typed, since it erases every setting and the admin password.
 */
import { api, ApiError } from '../api.js';
import { h, message, replace } from '../dom.js';

export function renderSystem(ctx) {
  const status = h('div', { id: 'system-status' });
  const reboot = h('button', { type: 'button', id: 'reboot' }, 'Reboot the phone');
  reboot.addEventListener('click', async () => {
    if (!window.confirm('Reboot the phone now? Calls in progress are cut off.')) return;
    try {
      await api('/api/reboot', { method: 'POST' });
      replace(status, message('ok', 'The phone is rebooting. Log in again in a minute.'));
    } catch (e) {
      replace(status, message('bad', e instanceof ApiError ? e.message : String(e)));
    }
  });
  const confirmText = h('input', { type: 'text', id: 'reset-confirm', placeholder: 'factory-reset', autocomplete: 'off' });
  const reset = h('button', { type: 'button', class: 'danger', id: 'factory-reset' }, 'Reset to factory settings');
  reset.addEventListener('click', async () => {
    if (confirmText.value !== 'factory-reset') {
      replace(status, message('bad', 'Type factory-reset in the box to confirm.'));
      return;
    }
    try {
      await api('/api/factory-reset', { method: 'POST', body: { confirm: 'factory-reset' } });
      ctx.setSession(null);
    } catch (e) {
      replace(status, message('bad', e instanceof ApiError ? e.message : String(e)));
    }
  });
  replace(
    ctx.view,
    h('h1', {}, 'Reboot & factory reset'),
    h('section', {}, h('h2', {}, 'Reboot'), h('div', { class: 'row' }, reboot)),
    h(
      'section',
      {},
      h('h2', {}, 'Factory reset'),
      h('p', {}, 'Erases every setting made on the phone or here, and sets the admin password back to the factory one (admin).'),
      h('div', { class: 'row' }, h('label', { for: 'reset-confirm' }, 'Type factory-reset:'), confirmText, reset),
    ),
    status,
  );
}
