/**
 * Files in and out: the configuration as a Yealink-style .cfg file, and the
 * phonebook as CSV (in and out) or Yealink XML (in). An import is read in the
 * browser and sent as text; the phone checks it line by line and says what
 * it skipped.
 */
import { api, ApiError } from '../api.js';
import { h, message, readFileText, replace } from '../dom.js';
import { appliesNote } from './settings.js';

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
      message('ok', [`Imported: ${n} setting${n === 1 ? '' : 's'} changed`, result.applies ? ['; ', appliesNote(schema, result.applies)] : '.']),
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

/** The lines after the summary: one a skipped contact ("CSV file: line 4: no number"). */
function skippedList(messages) {
  const lines = (messages || []).slice(1);
  return lines.length > 0 ? h('ul', { id: 'phonebook-skipped' }, lines.map((l) => h('li', {}, l))) : null;
}

/** One row a number, so a contact with an office and a mobile number shows both. */
function contactRows(contacts) {
  return contacts.flatMap((c) =>
    c.numbers.map((n) => h('tr', {}, h('td', {}, c.name), h('td', {}, n.number), h('td', {}, n.label))),
  );
}

async function contactList() {
  const { contacts } = await api('/api/phonebook');
  if (contacts.length === 0) return h('p', { class: 'empty', id: 'phonebook-empty' }, 'The phonebook is empty.');
  return h(
    'table',
    { id: 'phonebook' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Number'), h('th', {}, 'Type'))),
    h('tbody', {}, contactRows(contacts)),
  );
}

export async function renderPhonebook(ctx) {
  // After an import only the list is redrawn: the form and its report stay on the page.
  const list = h('div', {}, await contactList());
  const form = importForm('phonebook-file', 'Import a CSV or Yealink XML file', '.csv,.xml,text/csv,text/xml,application/xml', async (text) => {
    let result;
    try {
      result = await api('/api/phonebook/import', { method: 'POST', body: { text } });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // The whole file was refused: the phonebook is as it was, and the reason (and any skipped lines) shows.
      return [message('bad', e.message), skippedList(e.body.messages)];
    }
    replace(list, await contactList());
    return [message('ok', result.messages[0]), skippedList(result.messages)];
  });
  replace(
    ctx.view,
    h('h1', {}, 'Phonebook'),
    h('section', {}, list, h('p', {}, h('a', { href: '/api/phonebook/export', download: 'phonebook.csv', id: 'phonebook-export' }, 'Export as CSV'))),
    h(
      'section',
      {},
      h('h2', {}, 'Import'),
      h('p', {}, 'An import replaces the whole phonebook. A CSV file needs a header row naming a name column and number columns (Office, Mobile, Other …); a Yealink remote phonebook or local contact file (XML) is read as the phone reads it. Contacts that cannot be imported are listed with their line.'),
      form,
    ),
  );
}
