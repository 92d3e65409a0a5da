/**
 * SessionDescription → SDP text, through sdp-transform's writer. The o= line
 * is written here instead: sdp-transform formats sess-version with "%d",
 * i.e. through Number(), which would round a version above 2^53 — and RFC
 * 3264 §8 makes the exact version the thing a peer compares.
 *
 * The output is canonical (fixed line order, CRLF endings), so two
 * descriptions with the same content give the same text: version.ts relies
 * on that to tell "changed" from "unchanged".
 */
import sdpTransform from 'sdp-transform';
import type { WritableMedia, WritableSession } from 'sdp-transform';

import type { Connection, MediaDescription, Origin, SessionDescription } from './session-description.js';

/** RFC 4566 §5.7 / §5.2: IP4 → "IP4", written by sdp-transform as "IP%d". */
function ipVersion(connection: Connection): number {
  return connection.addressType === 'IP4' ? 4 : 6;
}

export function formatOrigin(origin: Origin): string {
  return `o=${origin.username} ${origin.sessionId.toString()} ${origin.sessionVersion.toString()} IN ${origin.addressType} ${origin.address}`;
}

function writableMedia(m: MediaDescription): WritableMedia {
  const out: WritableMedia = {
    type: m.media,
    port: m.port,
    protocol: m.proto,
    payloads: m.formats.join(' '),
    rtp: [],
    fmtp: [],
  };
  for (const p of m.payloads) {
    if (p.encodingName !== undefined && p.clockRate !== undefined) {
      out.rtp.push({
        payload: p.payloadType,
        codec: p.encodingName,
        rate: p.clockRate,
        ...(p.channels === undefined ? {} : { encoding: p.channels }),
      });
    }
    if (p.fmtp !== undefined) out.fmtp.push({ payload: p.payloadType, config: p.fmtp });
  }
  if (m.connection !== undefined) out.connection = { version: ipVersion(m.connection), ip: m.connection.address };
  if (m.rtcp !== undefined) {
    out.rtcp =
      m.rtcp.connection === undefined
        ? { port: m.rtcp.port }
        : { port: m.rtcp.port, netType: 'IN', ipVer: ipVersion(m.rtcp.connection), address: m.rtcp.connection.address };
  }
  if (m.crypto.length > 0) {
    out.crypto = m.crypto.map((value) => {
      // `<tag> <suite> <key-params> [session-params…]`; sdp-transform writes
      // the last field with %s, so all session parameters travel in it.
      const [tag = '', suite = '', keyParams = '', ...session] = value.split(/\s+/);
      return { id: Number(tag), suite, config: keyParams, ...(session.length > 0 ? { sessionConfig: session.join(' ') } : {}) };
    });
  }
  if (m.ptime !== undefined) out.ptime = m.ptime;
  if (m.maxptime !== undefined) out.maxptime = m.maxptime;
  if (m.direction !== undefined) out.direction = m.direction;
  return out;
}

export function writeSdp(session: SessionDescription): string {
  const writable: WritableSession = {
    version: 0,
    // RFC 3264 §5: for unicast sessions "it is RECOMMENDED that it consist of
    // a single space character (0x20) or a dash (-)".
    name: session.sessionName === '' ? '-' : session.sessionName,
    // RFC 3264 §5: for streams set up by SIP "the "t=" line SHOULD have a value of "0 0"".
    timing: { start: 0, stop: 0 },
    // A session-level direction is written on each m= line instead (same
    // meaning, RFC 3264 §6.1), so a reader never has to look in two places.
    media: session.media.map((m) =>
      writableMedia(m.direction === undefined && session.direction !== undefined ? { ...m, direction: session.direction } : m),
    ),
  };
  if (session.connection !== undefined) {
    writable.connection = { version: ipVersion(session.connection), ip: session.connection.address };
  }
  const body = sdpTransform.write(writable, {
    outerOrder: ['v', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'a'],
  });
  const [version, ...rest] = body.split('\r\n');
  return [version, formatOrigin(session.origin), ...rest].join('\r\n');
}
