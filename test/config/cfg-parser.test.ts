import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfg, type ParsedCfg } from '../../firmware/config/cfg-parser.js';

const HEADER = '#!version:1.0.0.1';

/** A file with the header, then `lines` from line 2 on. */
function cfg(...lines: string[]): string {
  return [HEADER, ...lines].join('\n') + '\n';
}

function texts(parsed: ParsedCfg, severity?: 'error' | 'warning'): string[] {
  return parsed.diagnostics.filter((d) => severity === undefined || d.severity === severity).map((d) => d.text);
}

function valueOf(parsed: ParsedCfg, key: string): unknown {
  return parsed.entries.find((e) => e.key === key)?.value;
}

describe('parseCfg: the documented Yealink examples', () => {
  it('reads the Administrator Guide examples, including "key= value" without a space before "="', () => {
    // account.X.sip_server.Y.expires and .retry_counts as the guide prints them.
    const parsed = parseCfg(
      cfg(
        '##File header "#!version:1.0.0.1" can not be edited or deleted.##',
        'account.1.sip_server.1.expires = 3600',
        'account.1.sip_server.1.retry_counts= 3',
        'sip.trust_ctrl = 1',
        'features.direct_ip_call_enable = 0',
        'local_time.time_zone = +8',
      ),
      'y000000000000.cfg',
    );
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value, e.line]),
      [
        ['account.1.sip_server.1.expires', 3600, 3],
        ['account.1.sip_server.1.retry_counts', 3, 4],
        ['sip.trust_ctrl', true, 5],
        ['features.direct_ip_call_enable', false, 6],
        ['local_time.time_zone', '+8', 7],
      ],
    );
  });

  it('reads a typical provisioning template: known keys apply, the many keys this phone lacks only warn', () => {
    const parsed = parseCfg(
      cfg(
        'account.1.enable = 1',
        'account.1.label = 123',
        'account.1.display_name = 123',
        'account.1.auth_name = 123',
        'account.1.password =  123',
        'account.1.user_name =  123',
        'account.1.sip_server.1.address = pbx.example.com',
        'account.1.sip_server.1.port = 5060',
        'account.1.sip_server.1.transport_type = 1',
        'account.1.outbound_proxy_enable = 1',
        'account.1.outbound_host =',
        'account.1.outbound_port = 5060',
        'voice_mail.number.1 = *97',
        'account.1.shared_line = 0',
        'features.headset_prior = 1',
        'account.1.nat.udp_update_enable = 2',
        'account.1.nat.udp_update_time = 60',
      ),
      'mac.cfg',
    );
    assert.deepEqual(texts(parsed, 'error'), []);
    assert.deepEqual(texts(parsed, 'warning'), [
      'mac.cfg:15: unknown key account.1.shared_line, ignored',
      'mac.cfg:16: unknown key features.headset_prior, ignored',
    ]);
    assert.equal(valueOf(parsed, 'voice_mail.number.1'), '*97');
    assert.equal(valueOf(parsed, 'account.1.password'), '123');
    assert.equal(valueOf(parsed, 'account.1.sip_server.1.transport_type'), 1);
    assert.equal(valueOf(parsed, 'account.1.nat.udp_update_enable'), 2);
    assert.equal(valueOf(parsed, 'account.1.nat.udp_update_time'), 60);
    assert.equal(parsed.entries.find((e) => e.key === 'account.1.outbound_host')?.reset, true);
  });

  it('reads the older one-server keys (firmware V70) as server 1, with a warning naming the new key', () => {
    const parsed = parseCfg(
      cfg(
        'account.1.sip_server_host = 10.0.0.9',
        'account.1.sip_server_port = 5062',
        'account.1.transport = 2',
        'account.1.expires = 120',
      ),
      'old.cfg',
    );
    assert.deepEqual(texts(parsed, 'error'), []);
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value, e.writtenAs]),
      [
        ['account.1.sip_server.1.address', '10.0.0.9', 'account.1.sip_server_host'],
        ['account.1.sip_server.1.port', 5062, 'account.1.sip_server_port'],
        ['account.1.sip_server.1.transport_type', 2, 'account.1.transport'],
        ['account.1.sip_server.1.expires', 120, 'account.1.expires'],
      ],
    );
    assert.equal(
      texts(parsed, 'warning')[0],
      'old.cfg:2: account.1.sip_server_host is an older Yealink name, read as account.1.sip_server.1.address',
    );
  });

  it('an older key and its new name in one file: the later line wins, as for any duplicate', () => {
    const parsed = parseCfg(cfg('account.1.sip_server.1.address = 10.0.0.1', 'account.1.sip_server_host = 10.0.0.2'), 'p.cfg');
    assert.equal(valueOf(parsed, 'account.1.sip_server.1.address'), '10.0.0.2');
    assert.ok(texts(parsed, 'warning').includes('p.cfg:3: account.1.sip_server.1.address is set again (first on line 2); this line wins'));
  });
});

describe('parseCfg: values are validated, with the file, line, key, value and what is allowed', () => {
  const cases: { line: string; error: string }[] = [
    // int with a range
    { line: 'account.1.sip_server.1.port = 99999', error: 'account.1.sip_server.1.port = 99999: must be an integer 0..65535' },
    { line: 'account.1.outbound_port = 99999', error: 'account.1.outbound_port = 99999: must be an integer 1..65535' },
    { line: 'account.1.outbound_port = 0', error: 'account.1.outbound_port = 0: must be an integer 1..65535' },
    { line: 'account.1.sip_server.2.expires = 29', error: 'account.1.sip_server.2.expires = 29: must be an integer 30..2147483647' },
    { line: 'account.1.sip_server.1.retry_counts = 2.5', error: 'account.1.sip_server.1.retry_counts = 2.5: must be an integer 0..20' },
    { line: 'sip.listen_port = five', error: 'sip.listen_port = five: must be an integer 0..65535' },
    { line: 'sip.listen_port = 0x13c4', error: 'sip.listen_port = 0x13c4: must be an integer 0..65535' },
    // bool as 0/1
    { line: 'account.1.enable = yes', error: 'account.1.enable = yes: must be 0 or 1' },
    { line: 'sip.trust_ctrl = 2', error: 'sip.trust_ctrl = 2: must be 0 or 1' },
    // enum
    {
      line: 'account.3.sip_server.1.transport_type = 4',
      error: 'account.3.sip_server.1.transport_type = 4: must be one of 0 (UDP), 1 (TCP), 2 (TLS), 3 (DNS-NAPTR)',
    },
    {
      line: 'account.3.sip_server.1.transport_type = udp',
      error: 'account.3.sip_server.1.transport_type = udp: must be one of 0 (UDP), 1 (TCP), 2 (TLS), 3 (DNS-NAPTR)',
    },
    // strings with a format
    {
      line: 'account.1.sip_server.1.address = sip:pbx.example.com:5060',
      error: 'account.1.sip_server.1.address = sip:pbx.example.com:5060: must be a host name or IP address (no "sip:", no port)',
    },
    {
      line: 'account.1.outbound_host = proxy one',
      error: 'account.1.outbound_host = proxy one: must be a host name or IP address (no "sip:", no port)',
    },
    { line: 'local_time.time_zone = +15', error: 'local_time.time_zone = +15: must be an offset from UTC in hours, -12 to +14, e.g. +1, -5, +5:30' },
    // the two habits from other formats, with a hint
    { line: 'sip.listen_port = "5060"', error: 'sip.listen_port = "5060": must be an integer 0..65535 (write the value without quotes)' },
    { line: 'account.1.enable = 1 # on', error: 'account.1.enable = 1 # on: must be 0 or 1 (a comment must be on a line of its own)' },
  ];
  for (const c of cases) {
    it(`phone.cfg:2: ${c.error}`, () => {
      const parsed = parseCfg(cfg(c.line), 'phone.cfg');
      assert.deepEqual(texts(parsed, 'error'), [`phone.cfg:2: ${c.error}`]);
      assert.equal(parsed.diagnostics[0]?.line, 2);
      assert.equal(parsed.diagnostics[0]?.key, c.line.split('=')[0]?.trim());
      assert.deepEqual(parsed.entries, [], 'the bad line is skipped');
    });
  }

  it('accepts the edges of each range and every choice', () => {
    const parsed = parseCfg(
      cfg(
        'account.1.sip_server.1.port = 0',
        'account.1.sip_server.2.port = 65535',
        'account.1.outbound_port = 1',
        'account.1.sip_server.1.expires = 30',
        'account.1.sip_server.2.expires = 2147483647',
        'account.1.sip_server.1.transport_type = 3',
        'account.2.sip_server.1.transport_type = 0',
        'local_time.time_zone = -12',
        'account.2.sip_server.1.address = fe80::1',
        'account.3.sip_server.1.address = [2001:db8::5]',
        'account.4.sip_server.1.address = pbx-1.example.com.',
      ),
      'edges.cfg',
    );
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.entries.length, 11);
  });

  it('a string value keeps its quotes, with a warning (Yealink values are not quoted)', () => {
    const parsed = parseCfg(cfg('account.1.label = "Front desk"'), 'phone.cfg');
    assert.equal(valueOf(parsed, 'account.1.label'), '"Front desk"');
    assert.deepEqual(texts(parsed), [
      'phone.cfg:2: account.1.label: the quotes are part of the value (.cfg values are written without quotes)',
    ]);
  });

  it('a "#" after a string value is part of it, with a warning', () => {
    const parsed = parseCfg(cfg('account.1.label = Alice # desk'), 'phone.cfg');
    assert.equal(valueOf(parsed, 'account.1.label'), 'Alice # desk');
    assert.equal(parsed.diagnostics.length, 1);
    assert.equal(parsed.diagnostics[0]?.severity, 'warning');
  });

  it('never echoes a password: a bad one is masked in the error', () => {
    const parsed = parseCfg(cfg('account.1.password = hunter2\tx'), 'phone.cfg');
    assert.deepEqual(texts(parsed, 'error'), ['phone.cfg:2: account.1.password = ********: must not contain control characters']);
    assert.ok(!parsed.diagnostics.some((d) => d.text.includes('hunter2')));
  });

  it('an empty value or %NULL% resets the key to its default', () => {
    const parsed = parseCfg(cfg('account.1.sip_server.1.port =', 'account.1.label = %NULL%', 'sip.trust_ctrl ='), 'p.cfg');
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value, e.reset]),
      [
        ['account.1.sip_server.1.port', 5060, true],
        ['account.1.label', '', true],
        ['sip.trust_ctrl', false, true],
      ],
    );
  });

  it('values are trimmed; tabs around "=" are fine', () => {
    const parsed = parseCfg(cfg('  account.1.user_name\t=\t alice  '), 'p.cfg');
    assert.equal(valueOf(parsed, 'account.1.user_name'), 'alice');
  });
});

describe('parseCfg: keys', () => {
  it('an unknown key is a warning naming file, line and key; nothing is applied for it', () => {
    const parsed = parseCfg(cfg('account.1.user_name = alice', 'account.1.foo = 1'), 'phone.cfg');
    assert.deepEqual(texts(parsed), ['phone.cfg:3: unknown key account.1.foo, ignored']);
    assert.equal(parsed.diagnostics[0]?.severity, 'warning');
    assert.equal(parsed.diagnostics[0]?.key, 'account.1.foo');
    assert.deepEqual(parsed.entries.map((e) => e.key), ['account.1.user_name']);
  });

  it('keys are case-sensitive; a key off only by case gets a suggestion', () => {
    const parsed = parseCfg(cfg('Account.1.User_Name = alice'), 'phone.cfg');
    assert.deepEqual(texts(parsed), [
      'phone.cfg:2: unknown key Account.1.User_Name, ignored (keys are case-sensitive: did you mean account.1.user_name?)',
    ]);
    assert.deepEqual(parsed.entries, []);
  });

  it('an account index out of range is an error naming the allowed range', () => {
    const parsed = parseCfg(cfg('account.7.user_name = grace', 'account.0.enable = 1', 'account.01.enable = 1'), 'phone.cfg');
    assert.deepEqual(texts(parsed, 'error'), [
      'phone.cfg:2: account.7.user_name: account number 7 is out of range: N must be 1..6',
      'phone.cfg:3: account.0.enable: account number 0 is out of range: N must be 1..6',
      'phone.cfg:4: account.01.enable: account number 01 is out of range: N must be 1..6',
    ]);
    assert.deepEqual(parsed.entries, []);
  });

  it('a server index out of range names the server range', () => {
    const parsed = parseCfg(cfg('account.1.sip_server.3.address = 10.0.0.3', 'account.9.sip_server_host = 10.0.0.9'), 'phone.cfg');
    assert.deepEqual(texts(parsed, 'error'), [
      'phone.cfg:2: account.1.sip_server.3.address: SIP server number 3 is out of range: M must be 1..2',
      'phone.cfg:3: account.9.sip_server_host: account number 9 is out of range: N must be 1..6',
    ]);
  });
});

describe('parseCfg: the rest of the file still applies', () => {
  it('after a bad value, an unknown key and a malformed line, later lines are applied', () => {
    const parsed = parseCfg(
      cfg(
        'account.1.enable = 1',
        'account.1.sip_server.1.port = 99999',
        'no equals sign here',
        'account.1.nonsense = 3',
        'account.7.enable = 1',
        'account.1.user_name = alice',
        'account.1.sip_server.1.address = 127.0.0.1',
      ),
      'phone.cfg',
    );
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value]),
      [
        ['account.1.enable', true],
        ['account.1.user_name', 'alice'],
        ['account.1.sip_server.1.address', '127.0.0.1'],
      ],
    );
    assert.deepEqual(texts(parsed), [
      'phone.cfg:3: account.1.sip_server.1.port = 99999: must be an integer 0..65535',
      'phone.cfg:4: not a "key = value" line, ignored: no equals sign here',
      'phone.cfg:5: unknown key account.1.nonsense, ignored',
      'phone.cfg:6: account.7.enable: account number 7 is out of range: N must be 1..6',
    ]);
  });

  it('never throws, whatever the text', () => {
    const junk = ['', '=', '==', ' = 1', 'a=b=c', '\u0000', '#', ';', '\uFEFF', '\r\r\n', 'account.1.enable = 1 = 1', 'x'.repeat(5000)];
    for (const text of junk) {
      const parsed = parseCfg(text, 'junk.cfg');
      assert.ok(Array.isArray(parsed.entries));
    }
    const all = parseCfg(junk.join('\n'), 'junk.cfg');
    assert.ok(all.diagnostics.length > 0);
    assert.deepEqual(all.entries, []);
  });
});

describe('parseCfg: header, comments, duplicates, line ends', () => {
  it('a missing version header is a warning, and the file still loads', () => {
    const parsed = parseCfg('account.1.enable = 1\n', 'phone.cfg');
    assert.deepEqual(texts(parsed), ['phone.cfg:1: missing #!version:1.0.0.1 header on the first line; reading the file anyway']);
    assert.equal(valueOf(parsed, 'account.1.enable'), true);
  });

  it('a different version header is a warning naming it', () => {
    const parsed = parseCfg('#!version:2.0\nsip.trust_ctrl = 1\n', 'phone.cfg');
    assert.deepEqual(texts(parsed), ['phone.cfg:1: unexpected header #!version:2.0 (expected #!version:1.0.0.1); reading the file anyway']);
    assert.equal(valueOf(parsed, 'sip.trust_ctrl'), true);
  });

  it('the header on a later line is only a comment: still a missing-header warning', () => {
    const parsed = parseCfg('\n#!version:1.0.0.1\n', 'phone.cfg');
    assert.equal(parsed.diagnostics.length, 1);
    assert.match(parsed.diagnostics[0]?.text ?? '', /^phone\.cfg:1: missing/);
  });

  it('"#" lines are comments; ";" lines are not (Yealink only knows "#") and warn', () => {
    const parsed = parseCfg(cfg('# account.1.enable = 1', '   ## indented comment', '; account.2.enable = 1'), 'phone.cfg');
    assert.deepEqual(parsed.entries, []);
    assert.deepEqual(texts(parsed), ['phone.cfg:4: a line starting with ";" is not a comment in a .cfg file (use "#"); ignored']);
  });

  it('a key twice: the later line wins, with a warning naming both lines', () => {
    const parsed = parseCfg(cfg('account.1.user_name = alice', 'sip.trust_ctrl = 1', 'account.1.user_name = bob'), 'phone.cfg');
    assert.equal(valueOf(parsed, 'account.1.user_name'), 'bob');
    assert.equal(parsed.entries.find((e) => e.key === 'account.1.user_name')?.line, 4);
    assert.deepEqual(texts(parsed), ['phone.cfg:4: account.1.user_name is set again (first on line 2); this line wins']);
    assert.deepEqual(parsed.entries.map((e) => e.key), ['sip.trust_ctrl', 'account.1.user_name'], 'entries follow the winning lines');
  });

  it('a bad duplicate does not replace a good earlier value', () => {
    const parsed = parseCfg(cfg('sip.listen_port = 5070', 'sip.listen_port = 70000'), 'phone.cfg');
    assert.equal(valueOf(parsed, 'sip.listen_port'), 5070);
    assert.deepEqual(texts(parsed), ['phone.cfg:3: sip.listen_port = 70000: must be an integer 0..65535']);
  });

  it('tolerates a byte order mark and CRLF line ends, and counts lines the same', () => {
    const parsed = parseCfg('\uFEFF#!version:1.0.0.1\r\naccount.1.user_name = alice\r\nsip.listen_port = x\r\n', 'win.cfg');
    assert.equal(valueOf(parsed, 'account.1.user_name'), 'alice');
    assert.deepEqual(texts(parsed), ['win.cfg:3: sip.listen_port = x: must be an integer 0..65535']);
  });
});
