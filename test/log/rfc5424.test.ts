import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '../../firmware/log/log-record.js';
import { cutToOctets, formatSyslogMessage, headerField, priority } from '../../firmware/log/rfc5424.js';

const T0 = Date.UTC(2003, 9, 11, 22, 14, 15, 3);
const base = { facility: 16, hostname: 'phone-1', appName: 'deskphone', procId: '4242' };

function rec(partial: Partial<LogRecord>): LogRecord {
  return { time: T0, level: 'info', module: 'sip.transport', message: 'hello', fields: {}, ...partial };
}

/** RFC 5424 §6 HEADER, as a pattern. */
const HEADER = /^<(\d{1,3})>(1) (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) ?(.*)$/s;

describe('RFC 5424 message format', () => {
  it('PRI is facility * 8 + severity (§6.2.1): local0 info is 134, local0 error 131, kern debug 7', () => {
    assert.equal(priority(16, 6), 134);
    assert.equal(priority(16, 3), 131);
    assert.equal(priority(0, 7), 7);
    assert.equal(priority(23, 7), 191);
    assert.throws(() => priority(24, 0), RangeError);
  });

  it('header: PRI, VERSION 1, RFC 3339 timestamp, hostname, app-name, procid, MSGID = module; SD "-"; MSG', () => {
    const msg = formatSyslogMessage(rec({ level: 'warn', fields: { from: '10.0.0.9:5060' } }), base);
    assert.equal(msg, '<132>1 2003-10-11T22:14:15.003Z phone-1 deskphone 4242 sip.transport - hello from=10.0.0.9:5060');
    const m = HEADER.exec(msg);
    assert.ok(m);
    // §6.2.3: FULL-DATE "T" FULL-TIME, upper case, at most 6 fraction digits.
    assert.match(m[3] ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/);
  });

  it('severity follows the level: error 3, warn 4, info 6, debug 7', () => {
    const pris = (['error', 'warn', 'info', 'debug'] as const).map((level) => HEADER.exec(formatSyslogMessage(rec({ level }), base))?.[1]);
    assert.deepEqual(pris, ['131', '132', '134', '135']);
  });

  it('header fields are PRINTUSASCII within their lengths, or "-" (NILVALUE)', () => {
    assert.equal(headerField('my phone', 255), 'my_phone');
    assert.equal(headerField('', 48), '-');
    assert.equal(headerField(undefined, 128), '-');
    assert.equal(headerField('a'.repeat(40), 32).length, 32);
    const msg = formatSyslogMessage(rec({ module: 'a-very-long-module-name.that-goes-on-and-on' }), { ...base, hostname: '', procId: undefined });
    const m = HEADER.exec(msg);
    assert.deepEqual([m?.[4], m?.[6], m?.[7]?.length], ['-', '-', 32]);
  });

  it('fields as structured data when an SD-ID is configured, with " \\ ] escaped (§6.3.3)', () => {
    const msg = formatSyslogMessage(rec({ fields: { reason: 'a "quoted" ]bracket\\', 'bad key=': 1 } }), {
      ...base,
      structuredDataId: 'fields@32473',
    });
    assert.equal(
      msg,
      '<134>1 2003-10-11T22:14:15.003Z phone-1 deskphone 4242 sip.transport [fields@32473 reason="a \\"quoted\\" \\]bracket\\\\" bad_key_="1"] hello',
    );
  });

  it('UTF-8 MSG starts with a BOM (§6.4); ASCII MSG does not', () => {
    const utf8 = formatSyslogMessage(rec({ message: 'Zoë called' }), base);
    assert.ok(utf8.endsWith(' - \uFEFFZoë called'));
    assert.ok(formatSyslogMessage(rec({}), base).endsWith(' - hello'));
  });

  it('is cut to 2048 octets (RFC 5426 §3.2) without splitting a character', () => {
    const msg = formatSyslogMessage(rec({ message: 'é'.repeat(3000) }), base);
    const octets = Buffer.byteLength(msg, 'utf8');
    assert.ok(octets <= 2048 && octets >= 2046, String(octets));
    assert.ok(!msg.includes('\uFFFD'));
    assert.equal(cutToOctets('aé', 2), 'a');
  });

  it('a line break in the message is escaped: one record is one message', () => {
    assert.ok(formatSyslogMessage(rec({ message: 'a\nb' }), base).endsWith(' - a\\nb'));
  });
});
