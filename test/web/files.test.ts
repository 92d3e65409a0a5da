import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../firmware/config/layers.js';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { exportCfg, importCfg } from '../../firmware/web/cfg-export.js';
import { NUMBER_LABELS, readCsvPhonebook, type Contact, type ContactInput } from '../../firmware/phone/directory/index.js';
import { formatContactsCsv } from '../../firmware/web/phonebook-csv.js';
import { phonebookFormatOf } from '../../firmware/web/phonebook-import.js';

describe('exportCfg', () => {
  const file = parseCfg(['#!version:1.0.0.1', 'account.1.enable = 1', 'account.1.user_name = alice', 'account.1.password = FilePw-1', 'sip.listen_port = 5062'].join('\n'), 'phone.cfg');
  const local = parseCfg(['account.1.user_name = alice2', 'account.2.password = LocalPw-2', 'account.3.password ='].join('\n'), 'local');

  it('writes what differs from the defaults, from every layer, the later layer winning', () => {
    const text = exportCfg(resolveConfig({ file, local }), ['made by a test']);
    const lines = text.split('\n');
    assert.equal(lines[0], '#!version:1.0.0.1');
    assert.equal(lines[1], '# made by a test');
    assert.ok(lines.includes('account.1.enable = 1'));
    assert.ok(lines.includes('account.1.user_name = alice2'));
    assert.ok(lines.includes('sip.listen_port = 5062'));
    assert.ok(!lines.includes('account.1.user_name = alice'));
  });

  it('leaves every password out, naming the ones that are set', () => {
    const text = exportCfg(resolveConfig({ file, local }));
    assert.ok(!text.includes('FilePw-1') && !text.includes('LocalPw-2'));
    assert.ok(!/^account\.\d\.password/m.test(text));
    assert.match(text, /^# account\.1\.password is set/m);
    assert.match(text, /^# account\.2\.password is set/m);
    assert.doesNotMatch(text, /account\.3\.password/, 'an empty password is not "set"');
  });

  it('what it writes imports back to the same values, secrets aside', () => {
    const original = resolveConfig({ file, local });
    const imported = importCfg(exportCfg(original));
    assert.deepEqual(imported.diagnostics, []);
    const again = resolveConfig({ local: { name: 'imported', entries: imported.entries } });
    for (const s of original.settings()) {
      if (s.key.endsWith('.password')) continue;
      assert.equal(again.get(s.key), s.value, s.key);
    }
  });
});

describe('phonebook CSV export', () => {
  const contacts: Contact[] = [
    { id: 1, name: 'Doe, Jane', numbers: [{ label: 'office', number: '+1 555 1234' }] },
    { id: 2, name: 'The "Boss"', numbers: [{ label: 'mobile', number: '200' }], ring: 'Ring2.wav' },
    {
      id: 3,
      name: 'Lab',
      numbers: [
        { label: 'other', number: 'sip:lab@pbx.example' },
        { label: 'office', number: '2500' },
        { label: 'other', number: '2501' },
      ],
    },
  ];

  it('quotes what RFC 4180 says to quote, and repeats a label column a contact needs twice', () => {
    assert.equal(
      formatContactsCsv(contacts),
      [
        'display_name,office_number,mobile_number,other_number,other_number,ring',
        '"Doe, Jane",+1 555 1234,,,,',
        '"The ""Boss""",,200,,,Ring2.wav',
        'Lab,2500,,sip:lab@pbx.example,2501,',
        '',
      ].join('\r\n'),
    );
  });

  it("the directory's CSV reader takes the export back whole: names, labelled numbers and ring tones", () => {
    const parsed = readCsvPhonebook(formatContactsCsv(contacts));
    assert.deepEqual(parsed.skipped, []);
    assert.equal(parsed.error, undefined);
    const byLabelOrder = (c: Contact): ContactInput => ({
      name: c.name,
      numbers: NUMBER_LABELS.flatMap((l) => c.numbers.filter((n) => n.label === l)),
      ...(c.ring === undefined ? {} : { ring: c.ring }),
    });
    assert.deepEqual(
      parsed.contacts.map((p) => p.contact),
      contacts.map(byLabelOrder),
    );
  });

  it('an empty phonebook still exports a header the reader accepts', () => {
    const text = formatContactsCsv([]);
    assert.equal(text, 'display_name,office_number,mobile_number,other_number,ring\r\n');
    assert.deepEqual(readCsvPhonebook(text), { contacts: [], skipped: [] });
  });
});

describe('phonebook upload kind', () => {
  it('an upload starting with "<" (after a BOM or white space) is Yealink XML, anything else CSV', () => {
    assert.equal(phonebookFormatOf('<?xml version="1.0"?><root_contact/>'), 'yealink-xml');
    assert.equal(phonebookFormatOf('\uFEFF\r\n\t <YealinkIPPhoneDirectory>'), 'yealink-xml');
    assert.equal(phonebookFormatOf('name,number\r\n<b>,1\r\n'), 'csv');
    assert.equal(phonebookFormatOf('\uFEFFName,Office'), 'csv');
    assert.equal(phonebookFormatOf(''), 'csv');
  });
});
