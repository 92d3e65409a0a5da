/**
 * A real call through Kamailio: a baresip phone plays a 1000 Hz tone and
 * calls the phone, which answers from its console and plays a 440 Hz tone
 * (--audio-in tone:440); each side records what it hears. The tone must be in
 * at least 99 % of the 20 ms frames after the first 200 ms, both ways, for
 * each codec both sides have.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKamailio, type Kamailio } from '../pbx/kamailio.js';
import { startBaresip } from '../peers/baresip.js';
import { decodeWav } from '../peers/wav.js';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';
import { toneCoverage } from '../helpers/tone-frames.js';

async function callOnce(
  pbx: Kamailio,
  codec: string,
  t: { after: (fn: () => Promise<void> | void) => void },
  mediaenc?: 'srtp-mand',
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), `deskphone-call-${codec.replace(/\W+/g, '-')}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const heardByPhone = path.join(dir, 'phone-heard.wav');
  const phone = await startPhoneUnderTest(accountsCfg([{ user: 'alice', password: 'alice-secret', server: '127.0.0.1', port: pbx.udpPort }]), {
    extraArgs: ['--audio-in', 'tone:440', '--audio-out', heardByPhone],
  });
  t.after(() => phone.stop());
  await phone.waitFor('alice registered', (s) => s.accounts[0]?.registered === true);
  const peer = await startBaresip({ user: '1005', password: 'pw-1005', pbx, codecs: [codec], source: { toneHz: 1000, seconds: 20 }, ...(mediaenc ? { mediaenc } : {}) });
  t.after(() => peer.stop());

  await peer.dial(`sip:alice@${pbx.realm}`);
  await phone.waitFor('the phone rings', (s) => s.screen === 'ringing');
  const answer = await phone.console.command('answer');
  assert.equal(answer.status, 'OK', `answer: ${answer.status}\n${phone.stderr()}`);
  await peer.waitForEvent('CALL_ESTABLISHED', 5000);
  const connected = await phone.state();
  assert.equal(connected.screen, 'connected');
  assert.equal(connected.call?.secure, mediaenc !== undefined, `SRTP in use: ${JSON.stringify(connected.call)}`);
  assert.match((await phone.lcd()).join('\n'), new RegExp(codec === 'G722/16000/1' ? 'G722 HD' : codec.split('/')[0] ?? codec, 'i'));
  await new Promise((r) => setTimeout(r, 3000));
  // `state` carries the call's stream figures (engine statistics, once a second).
  const during = await phone.state();
  const media = during.call?.media;
  assert.ok((during.call?.media?.packetsReceived ?? 0) > 100, `stream figures in state: ${JSON.stringify(during.call)}`);
  assert.ok((during.call?.media?.packetsSent ?? 0) > 100);
  assert.equal(typeof during.call?.media?.jitterMs, 'number');
  assert.equal(typeof during.call?.media?.bufferDelayMs, 'number');
  assert.equal((await phone.console.command('hangup')).status, 'OK');
  await peer.waitForEvent('CALL_CLOSED', 5000);
  await phone.waitFor('idle after hangup', (s) => s.screen === 'idle');
  await phone.stop();

  const byPhone = decodeWav(readFileSync(heardByPhone));
  const phoneCoverage = toneCoverage(byPhone.samples, byPhone.sampleRate, 1000);
  const peerFile = peer.recordings().heard[0];
  assert.ok(peerFile, 'baresip recorded the call');
  const byPeer = decodeWav(readFileSync(peerFile));
  const mono = byPeer.channels === 1 ? byPeer.samples : byPeer.samples.filter((_, i) => i % byPeer.channels === 0);
  const peerCoverage = toneCoverage(mono, byPeer.sampleRate, 440);
  const report =
    `${codec}: phone heard 1000 Hz in ${phoneCoverage.withTone}/${phoneCoverage.frames} frames (from ${phoneCoverage.firstMs} ms; missing at ${phoneCoverage.missingMs.join(', ') || '-'}); ` +
    `baresip heard 440 Hz in ${peerCoverage.withTone}/${peerCoverage.frames} (missing at ${peerCoverage.missingMs.join(', ') || '-'}); ` +
    `the phone's jitter buffer after 3 s: ${media ? `${media.concealedMs} ms concealed, delay ${media.bufferDelayMs} ms, jitter ${media.jitterMs.toFixed(2)} ms` : '-'}`;
  console.log(report);
  if (process.env.CALL_DEBUG) {
    const rms = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0) / Math.max(1, x.length));
    console.log('phone wav', byPhone.sampleRate, byPhone.samples.length, rms(byPhone.samples), 'peer wav', byPeer.sampleRate, byPeer.channels, byPeer.samples.length, rms(byPeer.samples));
    console.log(phone.stderr());
  }
  assert.ok(phoneCoverage.frames >= 100, report);
  assert.ok(peerCoverage.frames >= 100, report);
  assert.ok(phoneCoverage.share >= 0.99, report);
  assert.ok(peerCoverage.share >= 0.99, report);
}

describe('audio both ways in a real call through Kamailio (baresip calls, the phone answers)', { timeout: 120_000 }, () => {
  for (const codec of ['PCMU', 'PCMA', 'G722/16000/1', 'opus/48000/2']) {
    it(`carries the tones both ways with ${codec}`, async (t) => {
      const pbx = await startKamailio();
      t.after(() => pbx.stop());
      await callOnce(pbx, codec, t);
    });
  }

  it('carries the tones both ways over SRTP (baresip mediaenc=srtp-mand, SDES keys)', async (t) => {
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    await callOnce(pbx, 'PCMU', t, 'srtp-mand');
  });
});
