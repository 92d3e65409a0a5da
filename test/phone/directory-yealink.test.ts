import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readYealinkXmlPhonebook } from '../../firmware/phone/directory/yealink-xml-phonebook.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/phonebook/${name}`, import.meta.url), 'utf8');

describe('Yealink remote phonebook <YealinkIPPhoneDirectory>', () => {
  const parsed = readYealinkXmlPhonebook(fixture('remote-directory.xml'));

  it('reads each DirectoryEntry: Name, Telephones with and without a label, entities and CDATA decoded', () => {
    assert.equal(parsed.error, undefined);
    assert.deepEqual(
      parsed.contacts.map((c) => [c.entry, c.line, c.contact]),
      [
        [1, 6, { name: 'Alice Smith', numbers: [{ label: 'office', number: '2001' }, { label: 'mobile', number: '+44 7700 900123' }] }],
        [2, 11, { name: 'Barnes & Noble \u2013 Sales', numbers: [{ label: 'office', number: '+1 (212) 555-0100' }] }],
        [5, 22, { name: 'Ops <night shift>', numbers: [{ label: 'other', number: '0208 555 0199' }, { label: 'other', number: '2300' }] }],
      ],
    );
  });

  it('skips entries without a name or a number, giving entry number, line and reason; SoftKey and Title are passed over', () => {
    assert.deepEqual(parsed.skipped, [
      { line: 15, entry: 3, reason: 'no <Name>' },
      { line: 18, entry: 4, reason: 'no number' },
    ]);
  });

  it('an entry with two Names is skipped, not guessed', () => {
    const p = readYealinkXmlPhonebook('<YealinkIPPhoneDirectory><DirectoryEntry><Name>a</Name><Name>b</Name><Telephone>1</Telephone></DirectoryEntry></YealinkIPPhoneDirectory>');
    assert.deepEqual(p.skipped, [{ line: 1, entry: 1, reason: 'more than one <Name>' }]);
  });
});

describe('Yealink local contact file <root_contact>', () => {
  it('reads contacts of a file with <root_group> and <root_contact> side by side', () => {
    const parsed = readYealinkXmlPhonebook(fixture('local-contacts.xml'));
    assert.equal(parsed.error, undefined);
    assert.deepEqual(parsed.contacts.map((c) => c.contact), [
      { name: "Zoë O'Brien", numbers: [{ label: 'office', number: '2101' }, { label: 'mobile', number: '07700 900456' }] },
      { name: 'Front desk', numbers: [{ label: 'office', number: '200' }], ring: 'Resource:Ring3.wav' },
    ]);
    assert.deepEqual(parsed.skipped, [
      { line: 9, entry: 3, reason: 'no number' },
      { line: 10, entry: 4, reason: 'no display_name attribute' },
    ]);
  });

  it('reads <root_contact> inside a wrapping element (<vp_contact>)', () => {
    const parsed = readYealinkXmlPhonebook(fixture('vp-contact.xml'));
    assert.deepEqual(parsed.contacts.map((c) => c.contact), [
      { name: 'Lab bench', numbers: [{ label: 'office', number: '2500' }, { label: 'other', number: 'sip:bench@lab.example.com' }] },
    ]);
  });
});

describe('Yealink XML: files refused as a whole', () => {
  it('a malformed file imports nothing and says where it broke', () => {
    const broken = fixture('remote-directory.xml').replace('</Name>\n    <Telephone>2001', '</Nam>\n    <Telephone>2001');
    const parsed = readYealinkXmlPhonebook(broken);
    assert.deepEqual(parsed.contacts, []);
    assert.match(parsed.error ?? '', /^not well-formed XML: line 7, column \d+: end tag <\/Nam> does not match <Name>/);
  });

  it('a file cut short imports nothing', () => {
    const text = fixture('local-contacts.xml');
    const cutInAttribute = readYealinkXmlPhonebook(text.slice(0, text.length - 20));
    assert.deepEqual(cutInAttribute.contacts, []);
    assert.match(cutInAttribute.error ?? '', /line 10, column \d+: attribute value is never closed/);
    const cutBeforeEndTag = readYealinkXmlPhonebook(text.slice(0, text.indexOf('</root_contact>')));
    assert.deepEqual(cutBeforeEndTag.contacts, []);
    assert.match(cutBeforeEndTag.error ?? '', /<root_contact> opened on line 6 is never closed/);
  });

  it('XML of another kind, or in another declared encoding, is refused with the reason', () => {
    assert.match(readYealinkXmlPhonebook('<CiscoIPPhoneDirectory/>').error ?? '', /neither .* the file has <CiscoIPPhoneDirectory>/);
    assert.match(readYealinkXmlPhonebook('<?xml version="1.0" encoding="ISO-8859-1"?><root_contact/>').error ?? '', /encoding ISO-8859-1/);
  });

  it('never throws, whatever the text', () => {
    const samples = ['', '<', '<a', '<a>', '&', '<root_contact><contact display_name="x" office_number="&#xFFFF;"/></root_contact>', '<?xml?>', '<!DOCTYPE x><x/>'];
    for (const s of samples) {
      const parsed = readYealinkXmlPhonebook(s);
      assert.equal(typeof parsed.error, 'string', JSON.stringify(s));
      assert.deepEqual(parsed.contacts, []);
    }
  });
});
