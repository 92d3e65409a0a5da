/**
 * A settings page, built from the schema the phone sends (/api/schema): one
 * field per schema row, its input chosen by the row's kind (checkbox for a
 * boolean, a list for a choice, a number with the row's range, text), its
 * hint from the row's description and allowed values. Nothing here names a
 * particular setting: a row added to the schema shows up by itself.
 *
 * Rows with {N} are per account: the page shows one account at a time, with
 * a chooser; rows with {M} are grouped by server. Secrets (passwords) are
 * write-only: the page shows whether one is set, never its value, and sends
 * one only when something was typed (or "clear" ticked).
 */
import { api, ApiError } from '../api.js';
import { h, message, replace } from '../dom.js';

/**
 * What a saved change needs, as the schema says it (schema.applies), ending
 * the sentence; for one that waits for a reboot (schema.afterReboot), a link
 * to the page with the Reboot button.
 */
export function appliesNote(schema, applies) {
  const meaning = schema.applies[applies];
  if (!(schema.afterReboot ?? []).includes(applies)) return [meaning, '.'];
  return [meaning, '. Reboot the phone from ', h('a', { href: '#/system', class: 'reboot-link' }, 'Reboot & reset'), ' to apply it now.'];
}

const SOURCE_TEXT = {
  file: 'from the configuration file',
  provisioned: 'from provisioning',
  local: 'changed on the phone',
};

function fieldId(key) {
  return `f-${key.replace(/[^A-Za-z0-9]/g, '-')}`;
}

function fill(pattern, n, m) {
  return pattern.replace('{N}', String(n)).replace('{M}', String(m));
}

/** One form field for a concrete key: returns its row and how to read a change from it. */
function buildField(desc, key, current) {
  const id = fieldId(key);
  const error = h('span', { class: 'error', 'data-error-for': key });
  const hintParts = [desc.description, `Values: ${desc.allowed}${desc.unit ? ` (${desc.unit})` : ''}.`];
  if (desc.default !== undefined && desc.default !== '') hintParts.push(`Default: ${desc.default}.`);
  const source = current && current.source !== 'default' ? h('span', { class: 'source' }, `(${SOURCE_TEXT[current.source] || current.source})`) : null;
  let input;
  let read;
  if (desc.kind === 'bool') {
    const on = (current ? current.value : desc.default) === '1';
    input = h('input', { type: 'checkbox', id, 'data-key': key, checked: on });
    read = () => (input.checked === on ? undefined : input.checked ? '1' : '0');
  } else if (desc.kind === 'enum') {
    const value = current ? current.value : desc.default;
    input = h(
      'select',
      { id, 'data-key': key },
      desc.choices.map((c) => h('option', { value: String(c.code), selected: String(c.code) === value }, `${c.label}`)),
    );
    read = () => (input.value === value ? undefined : input.value);
  } else if (desc.secret) {
    const isSet = Boolean(current && current.set);
    input = h('input', { type: 'password', id, 'data-key': key, autocomplete: 'new-password', placeholder: isSet ? 'set — type to replace' : 'not set' });
    const clear = isSet ? h('input', { type: 'checkbox', id: `${id}-clear`, 'data-clear-for': key }) : null;
    const state = h('span', { class: 'source', 'data-secret-state': key }, isSet ? 'set' : 'not set');
    read = () => (input.value !== '' ? input.value : clear && clear.checked ? '' : undefined);
    const row = h(
      'div',
      { class: 'field' },
      h('label', { for: id }, desc.label, state),
      h('div', {}, input, clear ? h('label', { for: `${id}-clear` }, ' ', clear, ' clear') : null),
      h('span', { class: 'hint' }, hintParts.join(' ')),
      error,
    );
    return { key, row, read, error };
  } else {
    const value = current ? current.value : desc.default || '';
    const attrs = { id, 'data-key': key, value, title: desc.allowed };
    input =
      desc.kind === 'int'
        ? h('input', { ...attrs, type: 'number', min: desc.min, max: desc.max, step: 1, inputmode: 'numeric' })
        : h('input', { ...attrs, type: 'text', spellcheck: 'false', autocomplete: 'off' });
    read = () => (input.value.trim() === value ? undefined : input.value.trim());
  }
  const row = h('div', { class: 'field' }, h('label', { for: id }, desc.label, source), h('div', {}, input), h('span', { class: 'hint' }, hintParts.join(' ')), error);
  return { key, row, read, error };
}

export async function renderSettings(ctx, pageId, state = {}) {
  const schema = await ctx.schema();
  const page = schema.pages.find((p) => p.id === pageId);
  if (!page) {
    replace(ctx.view, h('section', {}, message('bad', `There is no settings page "${pageId}".`)));
    return;
  }
  if (page.settings.length === 0) {
    replace(ctx.view, h('h1', {}, page.title), h('section', {}, h('p', { class: 'empty', id: 'settings-empty' }, page.emptyText)));
    return;
  }
  const { values } = await api(`/api/settings?page=${encodeURIComponent(page.id)}`);
  const byKey = new Map(values.map((v) => [v.key, v]));
  const ranges = schema.indexRanges;
  const account = state.account || ranges.N.min;
  const general = page.settings.filter((s) => !s.key.includes('{N}') && !s.key.includes('{M}'));
  const perAccount = page.settings.filter((s) => s.key.includes('{N}') && !s.key.includes('{M}'));
  const perServer = page.settings.filter((s) => s.key.includes('{M}'));
  const fields = [];
  const make = (desc, key) => {
    const f = buildField(desc, key, byKey.get(key));
    fields.push(f);
    return f.row;
  };

  const status = h('div', { id: 'settings-status' });
  if (state.notice) status.append(message(state.notice.kind, state.notice.text));
  const form = h('form', { class: 'card', id: 'settings-form', novalidate: true });

  if (general.length > 0) form.append(h('fieldset', {}, h('legend', {}, 'General'), general.map((d) => make(d, d.key))));
  if (perAccount.length > 0 || perServer.length > 0) {
    const chooser = h(
      'select',
      { id: 'account-chooser' },
      Array.from({ length: ranges.N.max - ranges.N.min + 1 }, (_, i) => ranges.N.min + i).map((n) => {
        const user = byKey.get(`account.${n}.user_name`);
        const name = user && user.value ? ` — ${user.value}` : '';
        return h('option', { value: String(n), selected: n === account }, `Account ${n}${name}`);
      }),
    );
    chooser.addEventListener('change', () => {
      renderSettings(ctx, pageId, { account: Number(chooser.value) }).catch(() => undefined);
    });
    form.append(h('div', { class: 'row' }, h('label', { for: 'account-chooser' }, 'Account'), chooser));
    if (perAccount.length > 0) form.append(h('fieldset', {}, h('legend', {}, `Account ${account}`), perAccount.map((d) => make(d, fill(d.key, account, 0)))));
    for (let m = ranges.M.min; m <= ranges.M.max && perServer.length > 0; m++) {
      const noun = ranges.M.noun.charAt(0).toUpperCase() + ranges.M.noun.slice(1);
      const legend = m === ranges.M.min ? `${noun} ${m}` : `${noun} ${m} (fallback)`;
      form.append(h('fieldset', {}, h('legend', {}, legend), perServer.map((d) => make(d, fill(d.key, account, m)))));
    }
  }
  form.append(status, h('div', { class: 'row' }, h('button', { type: 'submit', id: 'settings-save' }, 'Save')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of fields) replace(f.error);
    const changes = {};
    for (const f of fields) {
      const v = f.read();
      if (v !== undefined) changes[f.key] = v;
    }
    if (Object.keys(changes).length === 0) {
      replace(status, message('ok', 'Nothing to save: no field was changed.'));
      return;
    }
    try {
      const result = await api('/api/settings', { method: 'POST', body: { changes } });
      const n = result.changed.length;
      const saved = `Saved ${n} change${n === 1 ? '' : 's'}`;
      // notice.text: the pieces of the status line (message() takes nodes as well as text).
      const what = n === 0 ? 'Saved; nothing differs from before.' : result.applies ? [`${saved}: `, appliesNote(schema, result.applies)] : `${saved}.`;
      await renderSettings(ctx, pageId, { account, notice: { kind: 'ok', text: what } });
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.errors)) {
        for (const err of e.body.errors) {
          const f = fields.find((x) => x.key === err.key);
          if (f) replace(f.error, err.message);
        }
      }
      replace(status, message('bad', e.message));
    }
  });

  replace(ctx.view, h('h1', {}, page.title), form);
}
