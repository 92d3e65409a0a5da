/**
 * SDP text → SessionDescription, with sdp-transform doing the line grammar
 * and this file checking what RFC 4566 requires and sdp-transform lets
 * through silently (it drops lines it cannot match). Never throws: a body a
 * peer sent is untrusted input, and a bad one is a reason, not a crash.
 */
import { isIP } from 'node:net';

import sdpTransform from 'sdp-transform';
import type { ParsedConnection, ParsedMedia, ParsedSession, Scalar } from 'sdp-transform';

import type {
  AddressType,
  Connection,
  MediaDescription,
  MediaDirection,
  Origin,
  PayloadFormat,
  SessionDescription,
} from './session-description.js';
import { isMediaDirection } from './session-description.js';

export type SdpParseResult =
  | { readonly ok: true; readonly session: SessionDescription }
  | { readonly ok: false; readonly error: string };

class SdpSyntaxError extends Error {}

function fail(message: string): never {
  throw new SdpSyntaxError(message);
}

export function parseSdp(text: string): SdpParseResult {
  try {
    return { ok: true, session: parseOrThrow(text) };
  } catch (e) {
    if (e instanceof SdpSyntaxError) return { ok: false, error: e.message };
    // sdp-transform itself should not throw on a string, but a parser of
    // network input must not let anything escape.
    return { ok: false, error: `unparsable SDP: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseOrThrow(text: string): SessionDescription {
  const lines = text.split(/\r\n|\r|\n/);
  checkLines(lines);
  const parsed: ParsedSession = sdpTransform.parse(text);
  const origin = parseOrigin(parsed);
  const sessionConnection = parsed.connection === undefined ? undefined : parseConnection(parsed.connection, 'session');
  const cryptoBySection = cryptoLinesByMediaSection(lines);
  const media = parsed.media.map((m, i) => parseMedia(m, i, cryptoBySection[i] ?? []));
  media.forEach((m, i) => {
    // RFC 4566 §5.7: "A session description MUST contain either at least one
    // "c=" field in each media description or a single "c=" field at the
    // session level." A rejected stream (port 0) carries no address to use,
    // and many answerers omit its c=, so it is let off.
    if (m.port !== 0 && m.connection === undefined && sessionConnection === undefined) {
      fail(`m= line ${i + 1} has no c= line and there is no session-level c=`);
    }
  });
  const sessionDirection = parseDirection(parsed.direction);
  return {
    origin,
    sessionName: parsed.name === undefined ? '' : String(parsed.name),
    ...(sessionConnection === undefined ? {} : { connection: sessionConnection }),
    ...(sessionDirection === undefined ? {} : { direction: sessionDirection }),
    media,
  };
}

/**
 * RFC 4566 §5: "An SDP session description consists of a number of lines of
 * text of the form: <type>=<value> where <type> MUST be exactly one
 * case-significant character", and it begins with "v=0". Blank lines are
 * tolerated (a trailing CRLF leaves one).
 */
function checkLines(lines: readonly string[]): void {
  const content = lines.map((l, n) => ({ l, n })).filter(({ l }) => l.trim() !== '');
  const first = content[0];
  if (first === undefined) fail('empty SDP');
  if (first.l !== 'v=0') fail(`SDP must start with "v=0", got "${first.l.slice(0, 40)}"`);
  for (const { l, n } of content) {
    if (!/^[a-z]=/.test(l)) fail(`line ${n + 1} is not <type>=<value>: "${l.slice(0, 40)}"`);
  }
  if (!content.some(({ l }) => l.startsWith('o='))) fail('SDP has no o= line');
}

function integer(value: Scalar | undefined, what: string, min: number, max: number): number {
  const text = value === undefined ? '' : String(value);
  if (!/^\d{1,10}$/.test(text)) fail(`${what} "${text}" is not a number`);
  const n = Number(text);
  if (n < min || n > max) fail(`${what} ${n} is out of range ${min}..${max}`);
  return n;
}

/** RFC 3264 §5: sess-id and sess-version fit a 64-bit signed integer. */
function bigCounter(value: Scalar, what: string): bigint {
  const text = String(value);
  if (!/^\d{1,19}$/.test(text)) fail(`o= ${what} "${text}" is not a number`);
  const n = BigInt(text);
  if (n > 2n ** 63n - 1n) fail(`o= ${what} does not fit a 64-bit signed integer`);
  return n;
}

function addressType(ipVer: Scalar): AddressType {
  const v = String(ipVer);
  if (v === '4') return 'IP4';
  if (v === '6') return 'IP6';
  return fail(`address type IP${v} is neither IP4 nor IP6`);
}

/** RFC 4566 §5.2: the o= address may be an FQDN; §5.7: so may a c= address. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function checkAddress(type: AddressType, address: string, where: string): string {
  const family = isIP(address);
  if (type === 'IP4' && family === 4) return address;
  if (type === 'IP6' && family === 6) return address;
  // An all-digit-and-dots name is a broken IPv4 literal, not a host name.
  if (family === 0 && HOSTNAME.test(address) && !/^[\d.]+$/.test(address)) return address;
  return fail(`${where} address "${address}" is not a valid ${type} address`);
}

function parseOrigin(parsed: ParsedSession): Origin {
  const o = parsed.origin;
  // sdp-transform drops an o= line its pattern does not match.
  if (o === undefined) fail('malformed o= line');
  if (String(o.netType) !== 'IN') fail(`o= network type ${String(o.netType)} is not IN`);
  const type = addressType(o.ipVer);
  return {
    username: String(o.username),
    sessionId: bigCounter(o.sessionId, 'sess-id'),
    sessionVersion: bigCounter(o.sessionVersion, 'sess-version'),
    addressType: type,
    address: checkAddress(type, String(o.address), 'o='),
  };
}

function parseConnection(c: ParsedConnection, where: string): Connection {
  const type = addressType(c.version);
  // A multicast address carries /ttl[/count] (RFC 4566 §5.7); the address is before it.
  const [address = ''] = String(c.ip).split('/');
  return { addressType: type, address: checkAddress(type, address, `${where} c=`) };
}

function parseDirection(value: string | undefined): MediaDirection | undefined {
  return isMediaDirection(value) ? value : undefined;
}

function parseMedia(m: ParsedMedia, index: number, crypto: readonly string[]): MediaDescription {
  const where = `m= line ${index + 1}`;
  // sdp-transform opens a media section for every m= line but fills it only
  // when "<media> <port> <proto> <fmt> …" matched.
  if (m.type === undefined || m.port === undefined || m.protocol === undefined || String(m.type) === '') {
    fail(`${where} is malformed (expected "m=<media> <port> <proto> <fmt> …")`);
  }
  const port = integer(m.port, `${where} port`, 0, 65535);
  const formats = m.payloads === undefined ? [] : String(m.payloads).split(' ').filter((f) => f !== '');
  // RFC 4566 §5.14: at least one <fmt>.
  if (formats.length === 0) fail(`${where} lists no formats`);
  const payloads = formats.filter((f) => /^\d{1,3}$/.test(f) && Number(f) <= 127).map((f) => payloadFormat(m, Number(f)));
  const connection = m.connection === undefined ? undefined : parseConnection(m.connection, where);
  const direction = parseDirection(m.direction);
  const ptime = optionalPositive(m.ptime, `${where} ptime`);
  const maxptime = optionalPositive(m.maxptime, `${where} maxptime`);
  const rtcp = m.rtcp === undefined ? undefined : parseRtcp(m, where);
  return {
    media: String(m.type),
    port,
    proto: String(m.protocol),
    formats,
    payloads,
    ...(connection === undefined ? {} : { connection }),
    ...(direction === undefined ? {} : { direction }),
    ...(ptime === undefined ? {} : { ptime }),
    ...(maxptime === undefined ? {} : { maxptime }),
    ...(rtcp === undefined ? {} : { rtcp }),
    crypto,
  };
}

function payloadFormat(m: ParsedMedia, payloadType: number): PayloadFormat {
  const rtpmap = m.rtp.find((r) => String(r.payload) === String(payloadType));
  const fmtp = m.fmtp.find((f) => String(f.payload) === String(payloadType));
  const format: { -readonly [K in keyof PayloadFormat]: PayloadFormat[K] } = { payloadType };
  if (rtpmap !== undefined && String(rtpmap.codec) !== '' && rtpmap.rate !== undefined) {
    format.encodingName = String(rtpmap.codec);
    format.clockRate = integer(rtpmap.rate, `rtpmap ${payloadType} clock rate`, 1, 10_000_000);
    if (rtpmap.encoding !== undefined) format.channels = integer(rtpmap.encoding, `rtpmap ${payloadType} channels`, 1, 255);
  }
  if (fmtp !== undefined) format.fmtp = String(fmtp.config).trim();
  return format;
}

function optionalPositive(value: Scalar | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${what} "${String(value)}" is not a positive number`);
  return n;
}

function parseRtcp(m: ParsedMedia, where: string): MediaDescription['rtcp'] {
  const r = m.rtcp;
  if (r === undefined) return undefined;
  const port = integer(r.port, `${where} a=rtcp port`, 1, 65535);
  if (r.address === undefined || r.ipVer === undefined) return { port };
  return { port, connection: parseConnection({ version: r.ipVer, ip: r.address }, `${where} a=rtcp`) };
}

/**
 * The a=crypto values of each media section, read from the raw lines:
 * sdp-transform's crypto pattern keeps only the first session parameter
 * ("KDR=1 UNENCRYPTED_SRTCP" loses the second), and RFC 4568 §6.3 session
 * parameters change what the key protects, so they must all reach sdes.ts.
 */
function cryptoLinesByMediaSection(lines: readonly string[]): string[][] {
  const sections: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([]);
    else if (line.startsWith('a=crypto:')) sections.at(-1)?.push(line.slice('a=crypto:'.length).trim());
  }
  return sections;
}
