import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../firmware/config/layers.js';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { exportCfg, importCfg } from '../../firmware/web/cfg-export.js';
import { formatContactsCsv, MAX_CONTACTS, parseContactsCsv } from '../../firmware/web/phonebook-csv.js';

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

describe('phonebook CSV', () => {
  it('quotes what needs quoting and reads it back', () => {
    const contacts = [
      { name: 'Doe, Jane', number: '+1 555 1234' },
      { name: 'The "Boss"', number: '200' },
      { name: 'Plain', number: 'sip:plain@pbx.example' },
    ];
    const text = formatContactsCsv(contacts);
    assert.equal(text, 'name,number\r\n"Doe, Jane",+1 555 1234\r\n"The ""Boss""",200\r\nPlain,sip:plain@pbx.example\r\n');
    assert.deepEqual(parseContactsCsv(text), { contacts, problems: [] });
  });

  it('reads LF files without a header or with a BOM; reports each record it leaves out and why', () => {
    const parsed = parseContactsCsv('\uFEFFAnn,101\n"Two\nLines",102\n,\nBad,10\u0007\nNoName-Only,\nextra,103,x\n');
    assert.deepEqual(parsed.contacts, [
      { name: 'Ann', number: '101' },
      { name: 'extra', number: '103' },
    ]);
    // A quoted line break is read as part of the field — and refused, as the LCD cannot show it.
    assert.deepEqual(parsed.problems, [
      'record 2: control characters, left out',
      'record 3: no number, left out',
      'record 4: control characters, left out',
      'record 5: no number, left out',
      'record 6: more than two fields, the rest ignored',
    ]);
  });

  it(`keeps at most ${MAX_CONTACTS} contacts`, () => {
    const text = Array.from({ length: MAX_CONTACTS + 5 }, (_, i) => `c${i},${i}`).join('\n');
    const parsed = parseContactsCsv(text);
    assert.equal(parsed.contacts.length, MAX_CONTACTS);
    assert.equal(parsed.problems.length, 1);
  });
});
