/**
 * Files in and out: the configuration as a Yealink-style .cfg file, and the
 * phonebook as CSV. An import is read in the browser and sent as text; the
 * phone checks it line by line and says what it skipped.
 */
import { api, ApiError } from '../api.js';
import { h, message, readFileText, replace } from '../dom.js';

function importForm(id, label, accept, onText) {
  const input = h('input', { type: 'file', id, accept });
  const status = h('div', { id: `${id}-status` });
  const button = h('button', { type: 'submit' }, 'Import');
  const form = h('form', {}, h('div', { class: 'row' }, h('label', { for: id }, label), input, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(status);
    const text = await readFileText(input);
    if (text === undefined) {
      replace(status, message('bad', 'Choose a file first.'));
      return;
    }
    try {
      replace(status, await onText(text));
    } catch (e) {
      replace(status, message('bad', e instanceof ApiError ? e.message : String(e)));
    }
  });
  return form;
}

export function renderConfigFile(ctx) {
  const form = importForm('cfg-file', 'Import a .cfg file', '.cfg,text/plain', async (text) => {
    const result = await api('/api/config/import', { method: 'POST', body: { text } });
    const n = result.changed.length;
    const schema = await ctx.schema();
    return [
      message('ok', `Imported: ${n} setting${n === 1 ? '' : 's'} changed${result.applies ? `; ${schema.applies[result.applies]}` : ''}.`),
      result.diagnostics.length > 0 ? h('ul', { id: 'cfg-diagnostics' }, result.diagnostics.map((d) => h('li', {}, `${d.severity}: ${d.text}`))) : null,
    ];
  });
  replace(
    ctx.view,
    h('h1', {}, 'Configuration file'),
    h(
      'section',
      {},
      h('h2', {}, 'Export'),
      h('p', {}, 'Every setting that differs from the factory defaults, as a Yealink-style .cfg file. Passwords are not in it: the file names each one that is set, to be entered again after an import.'),
      h('p', {}, h('a', { href: '/api/config/export', download: 'deskphone.cfg', id: 'cfg-export' }, 'Download deskphone.cfg')),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Import'),
      h('p', {}, 'Settings in the file are applied as changes made on the phone. A line that is not valid is skipped and reported; the others apply.'),
      form,
    ),
  );
}

export async function renderPhonebook(ctx) {
  const { contacts } = await api('/api/phonebook');
  const form = importForm('phonebook-file', 'Import a CSV file (name,number)', '.csv,text/csv', async (text) => {
    const result = await api('/api/phonebook/import', { method: 'POST', body: { text } });
    await renderPhonebook(ctx);
    return [message('ok', `Imported ${result.count} contacts.`), result.problems.length > 0 ? h('ul', {}, result.problems.map((p) => h('li', {}, p))) : null];
  });
  const list =
    contacts.length === 0
      ? h('p', { class: 'empty', id: 'phonebook-empty' }, 'The phonebook is empty.')
      : h(
          'table',
          { id: 'phonebook' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Number'))),
          h('tbody', {}, contacts.map((c) => h('tr', {}, h('td', {}, c.name), h('td', {}, c.number)))),
        );
  replace(
    ctx.view,
    h('h1', {}, 'Phonebook'),
    h('section', {}, list, h('p', {}, h('a', { href: '/api/phonebook/export', download: 'phonebook.csv' }, 'Export as CSV'))),
    h('section', {}, h('h2', {}, 'Import'), h('p', {}, 'An import replaces the whole phonebook.'), form),
  );
}
