/**
 * The phone's SDP offer (RFC 3264 §5), first or subsequent (§8).
 *
 * One audio m= line: our codecs in preference order ("formats … in order of
 * preference, with the first format listed being preferred", §5.1), each
 * with its rtpmap and default fmtp, telephone-event included; a=ptime; the
 * direction; SRTP per the mode. A re-offer builds on the previous local
 * description: same o= (version bumped only when something changed, §8),
 * same dynamic payload types (§8.3.2), same SRTP keys unless new ones are
 * given, and every earlier m= line kept in its place — §8 removes a stream
 * by setting its port to zero, never by dropping its m= line — the ones this
 * phone does not run left at port 0.
 */
import { randomBytes } from 'node:crypto';

import { SUPPORTED_SUITES } from '../srtp/crypto-suite.js';
import { formatCryptoValue, generateCryptoOffer, parseCryptoLine } from '../srtp/sdes.js';
import { formatForCodec } from './codec-match.js';
import { receives } from './direction.js';
import { addressTypeOf, connectionOf, DEFAULT_PTIME } from './local-media.js';
import type { LocalMedia } from './local-media.js';
import { assignPayloadTypes } from './payload-types.js';
import type { MediaDescription, RtpProfile, SessionDescription } from './session-description.js';
import { isSecureProfile, rtpProfileOf } from './session-description.js';
import type { SrtpMode } from './srtp-policy.js';
import { newOrigin, versioned } from './version.js';

export function createOffer(local: LocalMedia, previous?: SessionDescription): SessionDescription {
  const audioIndex = previousAudioIndex(previous);
  const previousAudio = audioIndex === undefined ? undefined : previous?.media[audioIndex];
  const audio = audioMediaLine(local, previousAudio);

  const media: MediaDescription[] = (previous?.media ?? []).map((m, i) => (i === audioIndex ? audio : disabled(m)));
  if (audioIndex === undefined) media.push(audio);

  const direction = local.direction ?? 'sendrecv';
  const oldStyleHold = local.oldStyleHold === true && !receives(direction) && addressTypeOf(local.address) === 'IP4';
  const session: SessionDescription = {
    origin: previous?.origin ?? newOrigin(local.address, addressTypeOf(local.address), local.username, local.random),
    sessionName: previous?.sessionName ?? '-',
    // RFC 3264 §8.4: old-style hold sets the connection address to 0.0.0.0
    // (and "the port number MUST NOT be zero").
    connection: oldStyleHold ? { addressType: 'IP4', address: '0.0.0.0' } : connectionOf(local.address),
    media,
  };
  return versioned(session, previous);
}

/** The audio m= line this phone runs in `previous`: the first active one, else the first one. */
function previousAudioIndex(previous: SessionDescription | undefined): number | undefined {
  if (previous === undefined) return undefined;
  const active = previous.media.findIndex((m) => m.media === 'audio' && m.port !== 0);
  const any = previous.media.findIndex((m) => m.media === 'audio');
  const index = active >= 0 ? active : any;
  return index >= 0 ? index : undefined;
}

/** A stream kept only to hold its place (RFC 3264 §8.2: port zero, formats kept, attributes dropped). */
function disabled(m: MediaDescription): MediaDescription {
  if (m.port === 0 && m.payloads.every((p) => p.encodingName === undefined && p.fmtp === undefined) && m.crypto.length === 0) {
    return m;
  }
  return { media: m.media, port: 0, proto: m.proto, formats: m.formats, payloads: m.payloads.map((p) => ({ payloadType: p.payloadType })), crypto: [] };
}

/**
 * The profile: RTP/SAVP when SRTP is mandatory, RTP/AVP otherwise; a re-offer
 * keeps the feedback variant (AVPF) the session already runs, so the
 * transport does not change under the peer.
 */
function profileFor(mode: SrtpMode, previous: MediaDescription | undefined): RtpProfile {
  const before = previous === undefined ? undefined : rtpProfileOf(previous.proto);
  const feedback = before === 'RTP/AVPF' || before === 'RTP/SAVPF';
  const secure = mode === 'mandatory' || (mode === 'optional' && before !== undefined && isSecureProfile(before));
  if (feedback) return secure ? 'RTP/SAVPF' : 'RTP/AVPF';
  return secure ? 'RTP/SAVP' : 'RTP/AVP';
}

function cryptoFor(local: LocalMedia, previous: MediaDescription | undefined): string[] {
  const mode = local.srtp ?? 'off';
  if (mode === 'off') return [];
  const suites = local.srtpSuites ?? SUPPORTED_SUITES;
  if (local.crypto !== undefined) return local.crypto.map(formatCryptoValue);
  // Keep the keys already in use, so an unchanged re-offer is unchanged
  // (RFC 4568 §7.1.4 allows new keys in a re-offer but does not require them).
  const kept = (previous?.crypto ?? []).filter((value) => {
    const parsed = parseCryptoLine(value);
    return parsed.ok && suites.includes(parsed.value.suite);
  });
  if (kept.length > 0) return kept;
  return generateCryptoOffer(suites, local.random ?? randomBytes).map(formatCryptoValue);
}

function audioMediaLine(local: LocalMedia, previous: MediaDescription | undefined): MediaDescription {
  const assigned = assignPayloadTypes(local.codecs, previous?.payloads);
  const payloads = assigned.map(({ codec, payloadType }) => formatForCodec(codec, payloadType, codec.defaultFmtp));
  return {
    media: 'audio',
    port: local.port,
    proto: profileFor(local.srtp ?? 'off', previous),
    formats: payloads.map((p) => String(p.payloadType)),
    payloads,
    direction: local.direction ?? 'sendrecv',
    ptime: local.ptime ?? DEFAULT_PTIME,
    ...(local.maxptime === undefined ? {} : { maxptime: local.maxptime }),
    ...(local.rtcpPort === undefined ? {} : { rtcp: { port: local.rtcpPort } }),
    crypto: cryptoFor(local, previous),
  };
}
