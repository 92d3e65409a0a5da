import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkContact, numberLabelOf, sameContact } from '../../firmware/phone/directory/contact.js';
import { compareNames, foldName, nameMatchesPrefix } from '../../firmware/phone/directory/name-search.js';
import { dialableForm, numberMatchStrength, numberOfUri } from '../../firmware/phone/directory/phone-number.js';

describe('numbers as the directory compares them', () => {
  it('drops RFC 3966 visual separators and spaces', () => {
    assert.equal(dialableForm('+1 (212) 555-0100'), '+12125550100');
    assert.equal(dialableForm('030/123.45'), '03012345');
    assert.equal(dialableForm('Alice'), 'alice');
  });

  it('the same dialable number is an exact (strongest) match', () => {
    assert.equal(numberMatchStrength('+1 (212) 555-0100', '+12125550100'), Infinity);
    assert.equal(numberMatchStrength('2001', '2001'), Infinity);
  });

  it('numbers written with different prefixes match on seven or more trailing digits', () => {
    assert.equal(numberMatchStrength('+44 20 7946 0000', '020 7946 0000'), 10);
    assert.equal(numberMatchStrength('00442079460000', '+442079460000'), 12);
    assert.ok(numberMatchStrength('+442079460000', '02079460000') > numberMatchStrength('+442079460000', '01619460000'));
  });

  it('short numbers match only exactly: extension 2001 is not 12001', () => {
    assert.equal(numberMatchStrength('2001', '12001'), 0);
    assert.equal(numberMatchStrength('9460000', '7946000'), 0);
    assert.equal(numberMatchStrength('', ''), 0);
    assert.equal(numberMatchStrength('alice', 'bob.alice'), 0);
  });

  it('the number of a SIP or tel URI is its user part or subscriber number', () => {
    assert.equal(numberOfUri('sip:2001@pbx.example.com'), '2001');
    assert.equal(numberOfUri('sips:+442079460000;phone-context=example.com@gw.example.com;user=phone'), '+442079460000');
    assert.equal(numberOfUri('tel:+1-212-555-0100;ext=5'), '+1-212-555-0100');
    assert.equal(numberOfUri('sip:pbx.example.com'), '');
    assert.equal(numberOfUri('not a uri'), '');
  });
});

describe('finding names', () => {
  it('matches the start of the name or of any word, ignoring case and accents', () => {
    assert.equal(nameMatchesPrefix('José Smith', 'jo'), true);
    assert.equal(nameMatchesPrefix('José Smith', 'jose'), true);
    assert.equal(nameMatchesPrefix('José Smith', 'smi'), true);
    assert.equal(nameMatchesPrefix("Anne-Marie O'Neil", 'ne'), true);
    assert.equal(nameMatchesPrefix('José Smith', 'mith'), false);
    assert.equal(nameMatchesPrefix('Anyone', ''), true);
    assert.equal(foldName('Ærø Émile'), 'ærø emile');
  });

  it('orders names alphabetically with numbers by value', () => {
    assert.deepEqual(['Room 10', 'bob', 'Room 9', 'Alice'].sort(compareNames), ['Alice', 'bob', 'Room 9', 'Room 10']);
  });
});

describe('contact rules', () => {
  it('trims fields and drops empty numbers', () => {
    assert.deepEqual(checkContact({ name: '  Alice ', numbers: [{ label: 'office', number: ' 2001 ' }, { label: 'mobile', number: ' ' }] }), {
      ok: true,
      contact: { name: 'Alice', numbers: [{ label: 'office', number: '2001' }] },
    });
  });

  it('refuses a contact without a name, without a number, or with control characters', () => {
    const refused = (c: Parameters<typeof checkContact>[0]): string => {
      const r = checkContact(c);
      assert.ok(!r.ok);
      return r.reason;
    };
    assert.equal(refused({ name: ' ', numbers: [{ label: 'office', number: '1' }] }), 'no name');
    assert.equal(refused({ name: 'A', numbers: [] }), 'no number');
    assert.match(refused({ name: 'A\u0007', numbers: [{ label: 'office', number: '1' }] }), /control/);
    assert.match(refused({ name: 'A', numbers: [{ label: 'office', number: '1\n2' }] }), /control/);
    assert.match(refused({ name: 'A', numbers: [{ label: 'office', number: '--' }] }), /not a number/);
    assert.match(refused({ name: 'x'.repeat(100), numbers: [{ label: 'office', number: '1' }] }), /longer than 99/);
  });

  it('treats a Yealink ring of "Auto" as the phone\'s own ring tone', () => {
    const r = checkContact({ name: 'A', numbers: [{ label: 'office', number: '1' }], ring: 'Auto' });
    assert.ok(r.ok);
    assert.equal(r.contact.ring, undefined);
  });

  it('labels header words and label attributes', () => {
    assert.equal(numberLabelOf('mobile_number'), 'mobile');
    assert.equal(numberLabelOf('Cell'), 'mobile');
    assert.equal(numberLabelOf('Work'), 'office');
    assert.equal(numberLabelOf('Telephone'), 'office');
    assert.equal(numberLabelOf('Home'), 'other');
    assert.equal(numberLabelOf('group_id_name'), undefined);
  });

  it('the same name in another case with the same numbers in another order is the same contact', () => {
    const a = { name: 'Alice', numbers: [{ label: 'office' as const, number: '1' }, { label: 'mobile' as const, number: '2' }] };
    const b = { name: 'alice', numbers: [{ label: 'mobile' as const, number: '2' }, { label: 'office' as const, number: '1' }] };
    assert.equal(sameContact(a, b), true);
    assert.equal(sameContact(a, { ...b, numbers: [{ label: 'office', number: '1' }] }), false);
  });
});
