/**
 * A 3-way conference mixed on the phone, end to end through a real Kamailio:
 * the phone (alice, microphone a 880 Hz tone, loudspeaker recorded to a WAV)
 * dials bob (a baresip playing 440 Hz), then `dial carol` (a baresip playing
 * 660 Hz) — which puts bob on hold — then `conference`. Each party must hear
 * the other two (call-flows.md, flow 2, "join them (3-way conference, mixed
 * locally)"): in the conference part of each recording — where the two
 * others sound together — bob hears carol's 660 Hz and the phone's 880 Hz,
 * carol hears 440 and 880, the phone 440 and 660, each in ≥ 95 % of the
 * 20 ms frames (test/helpers/tone-mix.ts).
 *
 * On the wire (Kamailio's log): the dial to carol holds bob, and the
 * conference resumes him with a re-INVITE a=sendrecv that bob accepts, since
 * the mix needs both calls un-held; carol, never held, gets no re-INVITE.
 * Then `hangup` ends one party and leaves the other connected; a second
 * `hangup` ends that one too (a BYE through the proxy for each Call-ID).
 *
 * The hold is the RFC 2543 kind (features.hold_mode = 2: c=0.0.0.0 with
 * a=sendonly), not the default a=sendonly alone: baresip 1.0, the bench's
 * peer, drops its sndfile recorder from the receive path when a sendonly or
 * inactive hold is resumed (baresip issue #1496, fixed after 1.0), so bob's
 * recording would end at the hold; after a c=0.0.0.0 hold it records on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKamailio } from '../pbx/kamailio.js';
import { startBaresip, type Baresip } from '../peers/baresip.js';
import { decodeWav } from '../peers/wav.js';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';
import { firstChannel, tonesTogether, type TogetherCoverage } from '../helpers/tone-mix.js';
import { bodyText, wireRequests } from '../pbx/wire-log.js';
import { callAnsweringPeer, callsState, initialInvitesTo, reinvitesOf, waitCalls, wireSummary } from './call-bench.js';
import { finalResponseTo } from './transfer-wire.js';

const PHONE_HZ = 880;
const BOB_HZ = 440;
const CAROL_HZ = 660;
/** How long the three talk together. */
const CONFERENCE_MS = 3000;

interface Recording {
  readonly samples: ArrayLike<number>;
  readonly sampleRate: number;
}

function heardBy(peer: Baresip): Recording {
  const file = peer.recordings().heard[0];
  assert.ok(file !== undefined, `${peer.aor} recorded the call`);
  const pcm = decodeWav(readFileSync(file));
  return { samples: firstChannel(pcm), sampleRate: pcm.sampleRate };
}

function describeCoverage(who: string, tones: readonly number[], c: TogetherCoverage): string {
  const each = tones.map((hz, i) => {
    const gap = c.longestGapMs[i];
    return `${hz} Hz ${((c.shares[i] ?? 0) * 100).toFixed(1)} %${gap ? ` (longest drop-out ${gap[0]}-${gap[1]} ms)` : ''}`;
  });
  return `${who} heard ${tones.join(' + ')} Hz together over ${c.frames} frames (${c.firstMs}-${c.lastMs} ms of the recording): ${each.join(', ')}`;
}

const sdpHold = /^c=IN IP4 0\.0\.0\.0|^a=(sendonly|inactive)/m;

describe('3-way conference mixed on the phone, through a real Kamailio', { timeout: 60_000 }, () => {
  it('bob hears carol and the phone, carol hears bob and the phone, the phone hears both; bob resumed sendrecv on the wire', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deskphone-conference-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const heardByPhone = path.join(dir, 'phone-heard.wav');
    const pbx = await startKamailio();
    t.after(() => pbx.stop());
    const cfg = accountsCfg([{ user: 'alice', password: 'alice-secret', server: '127.0.0.1', port: pbx.udpPort }], ['features.hold_mode = 2']);
    const phone = await startPhoneUnderTest(cfg, { extraArgs: ['--audio-in', `tone:${PHONE_HZ}`, '--audio-out', heardByPhone] });
    t.after(() => phone.stop());
    await phone.waitFor('alice registered', (s) => s.accounts[0]?.registered === true, 15_000);
    const bob = await startBaresip({ user: 'bob', password: 'bob-secret', pbx, codecs: ['PCMU'], source: { toneHz: BOB_HZ, seconds: 40 } });
    t.after(() => bob.stop());
    const carol = await startBaresip({ user: 'carol', password: 'carol-secret', pbx, codecs: ['PCMU'], source: { toneHz: CAROL_HZ, seconds: 40 } });
    t.after(() => carol.stop());

    const bobCallId = await callAnsweringPeer(phone, pbx, 'bob', bob);
    await new Promise((r) => setTimeout(r, 1000));

    // The second call holds the first (flow 2, F9-F16).
    assert.equal((await phone.console.command('dial carol')).status, 'OK');
    await carol.waitForEvent('CALL_ESTABLISHED', 10_000);
    await waitCalls(phone, 'bob held, carol connected', (c) =>
      c.length === 2 && c.some((x) => x.state === 'held' && x.remote.startsWith('sip:bob@')) && c.some((x) => x.state === 'connected' && x.remote.startsWith('sip:carol@')),
    );
    const carolCallId = initialInvitesTo(pbx, 'carol')[0]?.message.headers.get('Call-ID');
    assert.ok(carolCallId !== undefined && carolCallId !== bobCallId, `a new dialog for carol\n${wireSummary(pbx)}`);
    const hold = reinvitesOf(pbx, bobCallId).find((w) => sdpHold.test(bodyText(w.message)));
    assert.ok(hold, `the dial to carol held bob: a re-INVITE with c=0.0.0.0\n${wireSummary(pbx)}`);
    assert.match(bodyText(hold.message), /^c=IN IP4 0\.0\.0\.0/m, 'hold_mode 2: the RFC 2543 hold');
    await new Promise((r) => setTimeout(r, 1000));

    const conference = await phone.console.command('conference');
    assert.equal(conference.status, 'OK', `conference: ${conference.status}\n${phone.stderr()}`);
    const joined = await waitCalls(phone, 'both calls connected, sendrecv, in the conference', (c) =>
      c.length === 2 && c.every((x) => x.state === 'connected' && x.localDirection === 'sendrecv' && (x as { conference?: boolean }).conference === true),
    );
    assert.deepEqual(joined.map((c) => c.remote.split('@')[0]).sort(), ['sip:bob', 'sip:carol']);

    // The wire: bob resumed by a re-INVITE a=sendrecv (a real address again) after the hold, and bob accepted it.
    const holdSeq = Number.parseInt(hold.message.headers.get('CSeq') ?? '', 10);
    const afterHold = reinvitesOf(pbx, bobCallId).filter((w) => Number.parseInt(w.message.headers.get('CSeq') ?? '', 10) > holdSeq);
    const resume = afterHold.find((w) => /^a=sendrecv/m.test(bodyText(w.message)));
    assert.ok(resume, `the conference resumed bob with a=sendrecv:\n${afterHold.map((w) => w.text).join('\n---\n')}\n${wireSummary(pbx)}`);
    assert.doesNotMatch(bodyText(resume.message), sdpHold, 'the resume offer holds nothing');
    const resumed = finalResponseTo(pbx.log(), resume.message);
    assert.ok(resumed?.status === 200, `bob accepted the resume: ${resumed?.status ?? 'no answer'}`);
    assert.doesNotMatch(bodyText(resumed), /^a=(sendonly|recvonly|inactive)/m, 'bob answers the resume sendrecv');
    assert.equal(reinvitesOf(pbx, carolCallId).length, 0, 'carol, never held, is not re-INVITEd');

    await new Promise((r) => setTimeout(r, CONFERENCE_MS));
    const during = callsState(await phone.state());
    assert.ok((during.call?.media?.packetsSent ?? 0) > 100, `RTP flows in the conference: ${JSON.stringify(during.call)}`);

    // One party leaves: the other stays connected.
    assert.equal((await phone.console.command('hangup')).status, 'OK');
    const left = await waitCalls(phone, 'one call ended, the other still connected', (c) =>
      c.filter((x) => x.state === 'connected').length === 1 && c.every((x) => x.state === 'connected' || x.state === 'ended'),
    );
    const stays = left.find((c) => c.state === 'connected');
    assert.ok(stays);
    const [gone, stayed] = stays.remote.startsWith('sip:bob@') ? [carol, bob] : [bob, carol];
    await gone.waitForEvent('CALL_CLOSED', 5000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(stayed.events().some((e) => e.type === 'CALL_CLOSED'), false, `${stayed.aor} is still in the call`);
    assert.equal(callsState(await phone.state()).calls.find((c) => c.id === stays.id)?.state, 'connected', 'the remaining call stays up');

    assert.equal((await phone.console.command('hangup')).status, 'OK');
    await stayed.waitForEvent('CALL_CLOSED', 5000);
    await waitCalls(phone, 'no call left', (c) => c.every((x) => x.state === 'ended'));
    const byes = wireRequests(pbx.log(), 'BYE').map((w) => w.message.headers.get('Call-ID'));
    assert.ok(byes.includes(bobCallId) && byes.includes(carolCallId), `a BYE through the proxy for each call\n${wireSummary(pbx)}`);
    await phone.stop(); // closes its WAV

    // The audio: the conference part of a recording is where the two others sound together.
    const phonePcm = decodeWav(readFileSync(heardByPhone));
    const checks: [string, Recording, number[]][] = [
      ['bob', heardBy(bob), [CAROL_HZ, PHONE_HZ]],
      ['carol', heardBy(carol), [BOB_HZ, PHONE_HZ]],
      ['the phone', { samples: firstChannel(phonePcm), sampleRate: phonePcm.sampleRate }, [BOB_HZ, CAROL_HZ]],
    ];
    const results = checks.map(([who, recording, tones]) => {
      const coverage = tonesTogether(recording.samples, recording.sampleRate, tones);
      return { coverage, report: describeCoverage(who, tones, coverage) };
    });
    const report = results.map((r) => r.report).join('\n');
    console.log(report);
    for (const { coverage } of results) {
      assert.ok(coverage.frames >= (CONFERENCE_MS * 0.6) / 20, `about ${CONFERENCE_MS / 20} frames of conference expected:\n${report}`);
      for (const share of coverage.shares) assert.ok(share >= 0.95, `each tone in ≥ 95 % of the conference's frames:\n${report}`);
    }
  });
});
