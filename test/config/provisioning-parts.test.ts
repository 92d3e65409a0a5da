import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { contentHash, judgeDownload } from '../../firmware/config/provisioning/download-policy.js';
import { answerChallenges, basicAuthorization, splitChallenges } from '../../firmware/config/provisioning/http-auth.js';
import { chooseServer, fileUrl, macFileName, parseServerUrl } from '../../firmware/config/provisioning/server-url.js';
import { provisioningSettings } from '../../firmware/config/provisioning/settings.js';
import { attemptResult, type FileOutcome } from '../../firmware/config/provisioning/status.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';

describe('server URL and file names', () => {
  it('the server is a directory: a missing "/" is added, query and credentials are taken out', () => {
    const choice = parseServerUrl('https://alice:s%3Acret@prov.example.com/phones?x=1#frag', 'config');
    assert.ok(choice.ok);
    assert.equal(choice.server.base.href, 'https://prov.example.com/phones/');
    assert.deepEqual(choice.server.credentials, { username: 'alice', password: 's:cret' });
    assert.equal(fileUrl(choice.server, macFileName('0015651234ab')).href, 'https://prov.example.com/phones/0015651234ab.cfg');
  });

  it('only http and https', () => {
    assert.deepEqual(parseServerUrl('tftp://10.0.0.1/', 'config'), {
      ok: false,
      reason: 'tftp is not supported: this phone provisions over http and https only',
    });
  });

  it('DHCP option 66 wins when enabled; a bare host is read as http://host/ with a note; disabled, it is ignored', () => {
    const bare = chooseServer({ configured: 'http://cfg.example/', dhcpOption66: '10.0.0.5', useDhcp: true });
    assert.ok(bare?.ok);
    assert.equal(bare.server.base.href, 'http://10.0.0.5/');
    assert.equal(bare.server.source, 'dhcp');
    assert.match(bare.note ?? '', /has no scheme/);
    const off = chooseServer({ configured: 'http://cfg.example/', dhcpOption66: '10.0.0.5', useDhcp: false });
    assert.equal(off?.ok === true ? off.server.base.href : undefined, 'http://cfg.example/');
    assert.equal(chooseServer({ configured: ' ', dhcpOption66: undefined, useDhcp: true }), undefined);
  });
});

describe('settings from the configuration (Yealink static.auto_provision.*)', () => {
  it('reads the keys; repeat minutes only when repeat.enable is on; a non-http URL is refused with its line', () => {
    const parsed = parseCfg(
      [
        '#!version:1.0.0.1',
        'static.auto_provision.server.url = https://prov.example/dir/',
        'static.auto_provision.server.username = phone',
        'static.auto_provision.server.password = pw',
        'static.auto_provision.repeat.enable = 1',
        'static.auto_provision.repeat.minutes = 60',
        'static.auto_provision.power_on = 0',
      ].join('\n'),
      'p.cfg',
    );
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(provisioningSettings(resolveConfig({ file: parsed })), {
      serverUrl: 'https://prov.example/dir/',
      userName: 'phone',
      password: 'pw',
      onPowerOn: false,
      repeatMinutes: 60,
      useDhcpOption: true,
      onlyTrustedCertificates: true,
    });
    assert.equal(provisioningSettings(resolveConfig({})).repeatMinutes, undefined);
    const bad = parseCfg('#!version:1.0.0.1\nstatic.auto_provision.server.url = tftp://10.0.0.1/\n', 'p.cfg');
    assert.deepEqual(bad.diagnostics.map((d) => d.text), [
      'p.cfg:2: static.auto_provision.server.url = tftp://10.0.0.1/: must be an http:// or https:// URL (the directory holding the .cfg files)',
    ]);
  });
});

describe('HTTP authentication challenges (RFC 7235 §4.1, RFC 7617, RFC 7616)', () => {
  it('splits several challenges in one header field, commas inside quotes kept', () => {
    assert.deepEqual(splitChallenges(['Basic realm="a, b", Digest realm="r", nonce="n", qop="auth,auth-int"', 'Negotiate']), [
      'Basic realm="a, b"',
      'Digest realm="r", nonce="n", qop="auth,auth-int"',
      'Negotiate',
    ]);
  });

  it('prefers Digest over Basic and answers with the request-target as the digest uri', () => {
    const answer = answerChallenges({
      wwwAuthenticate: ['Basic realm="r"', 'Digest realm="r", nonce="abc", qop="auth", algorithm=SHA-256'],
      credentials: { username: 'u', password: 'p' },
      requestTarget: '/prov/y000000000000.cfg',
      nonces: new NonceCounter(() => '0a4f113b'),
    });
    assert.ok(answer.ok);
    assert.equal(answer.scheme, 'digest');
    assert.match(answer.authorization, /^Digest username="u", realm="r", nonce="abc", uri="\/prov\/y000000000000\.cfg", response="[0-9a-f]{64}", algorithm=SHA-256, cnonce="0a4f113b", qop=auth, nc=00000001$/);
  });

  it('Basic is user ":" password in base64 (RFC 7617 §2)', () => {
    // RFC 7617 §2's example: Aladdin / open sesame.
    assert.equal(basicAuthorization({ username: 'Aladdin', password: 'open sesame' }), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it('an unsupported scheme is refused with its name', () => {
    const answer = answerChallenges({
      wwwAuthenticate: ['Bearer realm="api"'],
      credentials: { username: 'u', password: 'p' },
      requestTarget: '/',
      nonces: new NonceCounter(),
    });
    assert.deepEqual(answer, { ok: false, reason: 'unsupported authentication scheme bearer (Basic and Digest are supported)' });
  });
});

describe('judgeDownload', () => {
  it('accepts a file with unknown keys (warnings), refuses one with an invalid value', () => {
    const ok = judgeDownload(Buffer.from('#!version:1.0.0.1\nfeatures.other_model_key = 1\naccount.1.label = A\n'), 'u');
    assert.ok(ok.accept);
    assert.equal(ok.parsed.diagnostics[0]?.severity, 'warning');
    const bad = judgeDownload(Buffer.from('#!version:1.0.0.1\naccount.1.enable = yes\n'), 'http://p/y.cfg');
    assert.equal(bad.accept, false);
  });

  it('refuses bytes that are not UTF-8, naming the line', () => {
    const bad = judgeDownload(Buffer.concat([Buffer.from('#!version:1.0.0.1\naccount.1.label = Zo'), Buffer.from([0xeb, 0x0a])]), 'http://p/y.cfg');
    assert.equal(bad.accept, false);
    if (!bad.accept) assert.deepEqual(bad.diagnostics.map((d) => d.text), ['http://p/y.cfg:2: not UTF-8 text']);
  });

  it('an empty file with only the header is a valid (empty) file', () => {
    assert.equal(judgeDownload(Buffer.from('#!version:1.0.0.1\n'), 'u').accept, true);
    assert.equal(contentHash(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('attemptResult', () => {
  const f = (outcome: FileOutcome['outcome']): FileOutcome => ({ name: `${outcome}.cfg`, url: 'u', outcome, message: outcome, diagnostics: [] });
  it('summarizes per-file outcomes', () => {
    assert.equal(attemptResult([f('applied'), f('not-found')]).result, 'updated');
    assert.equal(attemptResult([f('not-modified'), f('unchanged')]).result, 'unchanged');
    assert.equal(attemptResult([f('applied'), f('refused')]).result, 'partial');
    assert.equal(attemptResult([f('unreachable'), f('skipped')]).result, 'failed');
    assert.deepEqual(attemptResult([f('not-found'), f('not-found')]), {
      result: 'failed',
      message: 'no file found on the server: check static.auto_provision.server.url',
    });
  });
});
