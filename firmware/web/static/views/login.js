/**
 * Logging in, and changing the password — forced at the first login, while
 * the factory password `admin` is still set.
 */
import { api, ApiError } from '../api.js';
import { h, message, replace } from '../dom.js';

function field(id, label, attrs) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, ...attrs }));
}

export function renderLogin(ctx) {
  const status = h('div');
  const form = h(
    'form',
    { class: 'card narrow', id: 'login-form' },
    h('h1', {}, 'Log in'),
    field('login-user', 'User name', { type: 'text', value: 'admin', autocomplete: 'username', required: true }),
    field('login-password', 'Password', { type: 'password', autocomplete: 'current-password', required: true, autofocus: true }),
    status,
    h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Log in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(status);
    try {
      const session = await api('/api/login', {
        method: 'POST',
        body: { user: form.querySelector('#login-user').value, password: form.querySelector('#login-password').value },
      });
      ctx.setSession(session);
    } catch (e) {
      replace(status, message('bad', e instanceof ApiError ? e.message : 'the phone did not answer'));
    }
  });
  replace(ctx.view, form);
  form.querySelector('#login-password').focus();
}

export function renderPassword(ctx, forced) {
  const status = h('div');
  const form = h(
    'form',
    { class: 'card narrow', id: 'password-form' },
    h('h1', {}, forced ? 'Choose a new password' : 'Change the password'),
    forced ? h('p', {}, 'The phone still has its factory password. Choose a new one before going on.') : null,
    field('password-current', 'Current password', { type: 'password', autocomplete: 'current-password', required: true }),
    field('password-next', 'New password', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 }),
    field('password-again', 'New password again', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 }),
    h('p', { class: 'hint' }, 'At least 8 characters: letters, digits, spaces and punctuation (printable ASCII).'),
    status,
    h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Change password')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(status);
    const next = form.querySelector('#password-next').value;
    if (next !== form.querySelector('#password-again').value) {
      replace(status, message('bad', 'The two new passwords differ.'));
      return;
    }
    try {
      const session = await api('/api/password', { method: 'POST', body: { current: form.querySelector('#password-current').value, next } });
      ctx.setSession(session);
      ctx.navigate('#/status');
    } catch (e) {
      replace(status, message('bad', e instanceof ApiError ? e.message : 'the phone did not answer'));
    }
  });
  replace(ctx.view, form);
  form.querySelector('#password-current').focus();
}
