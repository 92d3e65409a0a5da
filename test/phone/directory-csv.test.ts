import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readCsvPhonebook } from '../../firmware/phone/directory/csv-phonebook.js';
import { readCsvRecords } from '../../firmware/phone/directory/csv-records.js';
import { describeImport, importText, MAX_IMPORT_BYTES } from '../../firmware/phone/directory/import-report.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/phonebook/${name}`, import.meta.url));

describe('CSV records (RFC 4180 §2)', () => {
  it('splits fields at commas and records at CRLF, LF or CR (§2.1, §2.4)', () => {
    const records = readCsvRecords('a,b\r\nc,d\ne,f\rg');
    assert.deepEqual(records.map((r) => [r.line, r.fields]), [[1, ['a', 'b']], [2, ['c', 'd']], [3, ['e', 'f']], [4, ['g']]]);
  });

  it('a quoted field holds commas, doubled quotes and line breaks (§2.6, §2.7); lines are counted through it', () => {
    const records = readCsvRecords('"x, ""y""",z\r\n"one\r\ntwo\nthree",w\r\nnext,1\r\n');
    assert.deepEqual(records[0]?.fields, ['x, "y"', 'z']);
    assert.deepEqual(records[1]?.fields, ['one\r\ntwo\nthree', 'w']);
    assert.equal(records[1]?.line, 2);
    assert.equal(records[2]?.line, 5);
    assert.equal(records.length, 3);
  });

  it('keeps empty fields, including a last one and an empty quoted one', () => {
    assert.deepEqual(readCsvRecords('a,,""\n,\n')[0]?.fields, ['a', '', '']);
    assert.deepEqual(readCsvRecords('a,,""\n,\n')[1]?.fields, ['', '']);
  });

  it('marks a quote inside an unquoted field (§2.5), text after a closing quote, and a quote never closed', () => {
    const records = readCsvRecords('ab"c,1\n"ab"c,2\nok,3\n"open,4\nlost,5\n');
    assert.match(records[0]?.problem ?? '', /§2\.5/);
    assert.match(records[1]?.problem ?? '', /after the closing quote/);
    assert.equal(records[2]?.problem, undefined);
    assert.match(records[3]?.problem ?? '', /never closed/);
    // The open quote swallows the rest of the file: nothing is invented after it.
    assert.equal(records.length, 4);
  });
});

describe('CSV phonebook', () => {
  it('reads a spreadsheet export with BOM and CRLF, skipping bad rows with their line and reason', () => {
    const text = importText('spreadsheet-bom.csv', fixture('spreadsheet-bom.csv'));
    assert.ok('text' in text);
    const parsed = readCsvPhonebook(text.text);
    assert.equal(parsed.error, undefined);
    assert.deepEqual(
      parsed.contacts.map((c) => [c.line, c.contact]),
      [
        [2, { name: 'Smith, Alice', numbers: [{ label: 'office', number: '2001' }, { label: 'mobile', number: '+44 7700 900123' }] }],
        [3, { name: 'Carol Multi', numbers: [{ label: 'office', number: '2002' }] }],
        [8, { name: 'Bob Jones', numbers: [{ label: 'office', number: '2004' }] }],
      ],
    );
    assert.deepEqual(parsed.skipped.map((s) => s.line), [5, 6, 7]);
    assert.match(parsed.skipped[0]?.reason ?? '', /no number/);
    assert.match(parsed.skipped[1]?.reason ?? '', /closing quote/);
    assert.match(parsed.skipped[2]?.reason ?? '', /5 fields where the header has 4/);
  });

  it('reads a Yealink local directory CSV export: columns by name, ring tone, "Auto" as the phone\'s own', () => {
    const text = importText('yealink-export.csv', fixture('yealink-export.csv'));
    assert.ok('text' in text);
    const parsed = readCsvPhonebook(text.text);
    assert.deepEqual(parsed.contacts.map((c) => c.contact), [
      { name: 'Carol White', numbers: [{ label: 'office', number: '2201' }] },
      {
        name: 'Dan Brown',
        numbers: [{ label: 'office', number: '2202' }, { label: 'mobile', number: '07700 900789' }],
        ring: 'Ring2.wav',
      },
    ]);
    assert.deepEqual(parsed.skipped, []);
  });

  it('reads the web UI\'s own name,number export and columns in any order', () => {
    assert.deepEqual(readCsvPhonebook('number,name\r\n2001,Alice\r\n').contacts.map((c) => c.contact), [
      { name: 'Alice', numbers: [{ label: 'office', number: '2001' }] },
    ]);
  });

  it('a header with no name column or no number column refuses the whole file', () => {
    assert.match(readCsvPhonebook('who,number\nAlice,1\n').error ?? '', /no name column/);
    assert.match(readCsvPhonebook('name,notes\nAlice,x\n').error ?? '', /no number column/);
    assert.match(readCsvPhonebook('').error ?? '', /empty/);
    // "Phone 1 - Type" names the kind of a number, not a number.
    assert.match(readCsvPhonebook('Name,Phone 1 - Type\nAlice,Mobile\n').error ?? '', /no number column/);
  });

  it('skips blank lines without reporting them', () => {
    const parsed = readCsvPhonebook('name,number\n\nAlice,1\n,\n');
    assert.equal(parsed.contacts.length, 1);
    assert.deepEqual(parsed.skipped, []);
  });

  it('never throws, whatever the bytes', () => {
    const samples = ['"', '""', ',,,\n\r\n', 'name,number\n"a', 'name,number\n\u0000,\u0001', '\uFEFF', 'name,number\n' + 'x,'.repeat(50)];
    for (const s of samples) assert.doesNotThrow(() => readCsvPhonebook(s), JSON.stringify(s));
  });
});

describe('import text', () => {
  it('drops a UTF-8 byte order mark and refuses bytes that are not UTF-8, naming the line', () => {
    const withBom = importText('a.csv', Buffer.from('\uFEFFname,number\n', 'utf8'));
    assert.deepEqual(withBom, { text: 'name,number\n' });
    const latin1 = importText('b.csv', Buffer.concat([Buffer.from('name,number\nok,1\n'), Buffer.from([0x4a, 0xf6, 0x72, 0x67, 0x2c, 0x32, 0x0a])]));
    assert.deepEqual(latin1, { error: 'line 3 is not valid UTF-8 text' });
  });

  it('refuses a file larger than any phonebook', () => {
    const big = importText('big.csv', new Uint8Array(MAX_IMPORT_BYTES + 1));
    assert.ok('error' in big);
    assert.match(big.error, /larger than/);
  });

  it('describes a report as log lines naming the source', () => {
    assert.deepEqual(describeImport('x.csv', { added: 2, skipped: [{ line: 4, reason: 'no number' }, { line: 9, entry: 3, reason: 'no name' }] }), [
      'x.csv: 2 contacts added, 2 skipped',
      'x.csv: line 4: no number',
      'x.csv: entry 3 (line 9): no name',
    ]);
    assert.deepEqual(describeImport('x.xml', { added: 0, skipped: [], error: 'not well-formed XML' }), ['x.xml: not imported: not well-formed XML']);
  });
});
