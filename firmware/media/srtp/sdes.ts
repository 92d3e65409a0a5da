/**
 * SDP Security Descriptions (RFC 4568): the `a=crypto` attribute that carries
 * an SRTP master key in the SDP of an offer and an answer.
 *
 *   a=crypto:<tag> <crypto-suite> inline:<base64(key||salt)>[|lifetime][|mki:length] [session-params]
 *
 * Each side sends the key it will protect its own media with; the answerer
 * picks one offered line, answers with the same tag and suite and a key of its
 * own (§5.1.2 / §7.1.2). Parsing never throws: a bad line is a reason.
 */
import { randomBytes } from 'node:crypto';

import type { SrtpSuiteName } from './crypto-suite.js';
import { lookupSuite, SUPPORTED_SUITES, suiteByName } from './crypto-suite.js';
import { MIN_REPLAY_WINDOW } from './replay-window.js';
import type { SrtpContextOptions } from './srtp-context.js';
import { MAX_SRTP_PACKETS_PER_KEY } from './srtp-context.js';

export interface SdesMki {
  /** mki-value, a decimal integer (§6.1). */
  readonly value: bigint;
  /** mki-length in octets, 1..128 (§9.2). */
  readonly length: number;
}

export interface SdesKeyParam {
  readonly key: Buffer;
  readonly salt: Buffer;
  /** Master key lifetime in packets (§6.1), when given. */
  readonly lifetime?: number;
  readonly mki?: SdesMki;
}

export interface SdesSessionParams {
  /** §6.3.2 (negotiated): SRTP payloads are not encrypted. */
  readonly unencryptedSrtp: boolean;
  /** §6.3.2 (negotiated): SRTCP packets are not encrypted. */
  readonly unencryptedSrtcp: boolean;
  /** §6.3.3 (negotiated): SRTP packets carry no tag. */
  readonly unauthenticatedSrtp: boolean;
  /** §6.3.1 (declarative) KDR=n: the key derivation rate 2^n, as a rate. */
  readonly keyDerivationRate?: number;
  /** §6.3.6 (declarative) WSH: a replay window of at least this many packets. */
  readonly windowSizeHint?: number;
  /** Unknown parameters prefixed "-", which §6.3.7 lets a receiver ignore. Kept for formatting. */
  readonly optional: readonly string[];
}

export interface CryptoAttribute {
  readonly tag: number;
  readonly suite: SrtpSuiteName;
  /** One or more master keys (§6.1); more than one requires an MKI on each. */
  readonly keys: readonly SdesKeyParam[];
  readonly sessionParams: SdesSessionParams;
}

export type SdesError =
  | 'syntax'
  | 'bad-tag'
  | 'unknown-suite'
  | 'bad-key-method'
  | 'bad-base64'
  | 'bad-key-length'
  | 'bad-lifetime'
  | 'bad-mki'
  | 'unsupported-session-param';

export type SdesParseResult =
  | { readonly ok: true; readonly value: CryptoAttribute }
  | { readonly ok: false; readonly reason: SdesError; readonly detail: string };

/** Where fresh key material comes from; injectable so tests are deterministic. */
export type RandomSource = (size: number) => Buffer;

const NO_SESSION_PARAMS: SdesSessionParams = {
  unencryptedSrtp: false,
  unencryptedSrtcp: false,
  unauthenticatedSrtp: false,
  optional: [],
};

/** §9.2: MKI lengths are 1 to 128 octets. */
const MAX_MKI_LENGTH = 128;
/** §6.3.1: KDR=n with n from 0 to 24. */
const MAX_KDR_EXPONENT = 24;

function failure(reason: SdesError, detail: string): SdesParseResult {
  return { ok: false, reason, detail };
}

/**
 * Parses one crypto attribute: a whole `a=crypto:` line, the `crypto:` value,
 * or the bare `<tag> <suite> <key-params> …` text (as sdp-transform splits it).
 */
export function parseCryptoLine(line: string): SdesParseResult {
  let text = line.trim();
  if (text.startsWith('a=')) text = text.slice(2);
  if (text.startsWith('crypto:')) text = text.slice('crypto:'.length);
  const fields = text.split(/[ \t]+/).filter((f) => f !== '');
  const [tagText, suiteName, keyParamsText, ...sessionFields] = fields;
  if (tagText === undefined || suiteName === undefined || keyParamsText === undefined) {
    return failure('syntax', 'expected "<tag> <crypto-suite> <key-params>"');
  }
  // §9.1: tag = 1*9DIGIT.
  if (!/^\d{1,9}$/.test(tagText)) return failure('bad-tag', `tag "${tagText}" is not 1 to 9 digits`);
  const suite = lookupSuite(suiteName);
  if (suite === undefined) return failure('unknown-suite', `crypto suite ${suiteName} is not supported`);

  const keys: SdesKeyParam[] = [];
  for (const keyParam of keyParamsText.split(';')) {
    const parsed = parseKeyParam(keyParam, suite.keyLength, suite.saltLength);
    if (!('key' in parsed)) return parsed;
    keys.push(parsed);
  }
  // §6.1: "If the MKI is not present, there MUST be only one key".
  if (keys.length > 1 && keys.some((k) => k.mki === undefined)) {
    return failure('bad-mki', 'several keys but not every one has an MKI');
  }

  const session = parseSessionParams(sessionFields);
  if (!('optional' in session)) return session;
  return { ok: true, value: { tag: Number(tagText), suite: suite.name, keys, sessionParams: session } };
}

function parseKeyParam(
  text: string,
  keyLength: number,
  saltLength: number,
): SdesKeyParam | Extract<SdesParseResult, { ok: false }> {
  const colon = text.indexOf(':');
  if (colon < 0) return { ok: false, reason: 'syntax', detail: `key-param "${text}" has no key method` };
  // §6.1: "inline" is the only key method defined for SRTP.
  if (text.slice(0, colon) !== 'inline') {
    return { ok: false, reason: 'bad-key-method', detail: `key method "${text.slice(0, colon)}" is not "inline"` };
  }
  const [keySalt = '', ...extras] = text.slice(colon + 1).split('|');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keySalt) || keySalt.length % 4 !== 0) {
    return { ok: false, reason: 'bad-base64', detail: 'key||salt is not base64' };
  }
  const material = Buffer.from(keySalt, 'base64');
  if (material.toString('base64') !== keySalt) {
    return { ok: false, reason: 'bad-base64', detail: 'key||salt is not canonical base64' };
  }
  if (material.length !== keyLength + saltLength) {
    return {
      ok: false,
      reason: 'bad-key-length',
      detail: `key||salt is ${material.length} octets, the suite needs ${keyLength + saltLength}`,
    };
  }

  let lifetime: number | undefined;
  let mki: SdesMki | undefined;
  // §9.2: key-salt ["|" lifetime] ["|" mki]; an MKI is told apart by its colon.
  if (extras.length > 2) return { ok: false, reason: 'syntax', detail: 'too many "|" fields after the key' };
  for (const [position, extra] of extras.entries()) {
    if (extra.includes(':')) {
      if (position !== extras.length - 1) return { ok: false, reason: 'syntax', detail: 'the MKI must come last' };
      const parsed = parseMki(extra);
      if (parsed === undefined) return { ok: false, reason: 'bad-mki', detail: `bad MKI "${extra}"` };
      mki = parsed;
    } else {
      if (position !== 0) return { ok: false, reason: 'syntax', detail: 'the lifetime must come first' };
      lifetime = parseLifetime(extra);
      if (lifetime === undefined) return { ok: false, reason: 'bad-lifetime', detail: `bad lifetime "${extra}"` };
    }
  }
  return {
    key: material.subarray(0, keyLength),
    salt: material.subarray(keyLength),
    ...(lifetime === undefined ? {} : { lifetime }),
    ...(mki === undefined ? {} : { mki }),
  };
}

/** §6.1: lifetime = ["2^"] 1*DIGIT, a packet count no larger than the SRTP maximum (2^48). */
function parseLifetime(text: string): number | undefined {
  const power = /^2\^(\d{1,2})$/.exec(text);
  const value = power?.[1] !== undefined ? 2 ** Number(power[1]) : /^\d{1,15}$/.test(text) ? Number(text) : undefined;
  if (value === undefined || value < 1 || value > MAX_SRTP_PACKETS_PER_KEY) return undefined;
  return value;
}

/** §9.2: mki = mki-value ":" mki-length, with the value fitting in length octets. */
function parseMki(text: string): SdesMki | undefined {
  const match = /^(\d+):(\d{1,3})$/.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const length = Number(match[2]);
  const value = BigInt(match[1]);
  if (length < 1 || length > MAX_MKI_LENGTH || value >= 1n << BigInt(8 * length)) return undefined;
  return { value, length };
}

function parseSessionParams(fields: readonly string[]): SdesSessionParams | Extract<SdesParseResult, { ok: false }> {
  let unencryptedSrtp = false;
  let unencryptedSrtcp = false;
  let unauthenticatedSrtp = false;
  let keyDerivationRate: number | undefined;
  let windowSizeHint: number | undefined;
  const optional: string[] = [];
  for (const field of fields) {
    const kdr = /^KDR=(\d{1,2})$/.exec(field);
    const wsh = /^WSH=(\d{2,})$/.exec(field);
    if (field === 'UNENCRYPTED_SRTP') unencryptedSrtp = true;
    else if (field === 'UNENCRYPTED_SRTCP') unencryptedSrtcp = true;
    else if (field === 'UNAUTHENTICATED_SRTP') unauthenticatedSrtp = true;
    else if (kdr?.[1] !== undefined && Number(kdr[1]) <= MAX_KDR_EXPONENT) keyDerivationRate = 2 ** Number(kdr[1]);
    else if (wsh?.[1] !== undefined && Number(wsh[1]) >= MIN_REPLAY_WINDOW) windowSizeHint = Number(wsh[1]);
    else if (field.startsWith('-')) optional.push(field);
    // §6.3.7: an unknown parameter not prefixed "-" makes the attribute invalid.
    // FEC_ORDER / FEC_KEY (§6.3.4, §6.3.5) land here: this phone does no FEC.
    else return { ok: false, reason: 'unsupported-session-param', detail: `session parameter ${field} is not supported` };
  }
  return {
    unencryptedSrtp,
    unencryptedSrtcp,
    unauthenticatedSrtp,
    ...(keyDerivationRate === undefined ? {} : { keyDerivationRate }),
    ...(windowSizeHint === undefined ? {} : { windowSizeHint }),
    optional,
  };
}

function formatLifetime(lifetime: number): string {
  const exponent = Math.log2(lifetime);
  return Number.isInteger(exponent) ? `2^${exponent}` : String(lifetime);
}

function formatKeyParam(key: SdesKeyParam): string {
  let text = `inline:${Buffer.concat([key.key, key.salt]).toString('base64')}`;
  if (key.lifetime !== undefined) text += `|${formatLifetime(key.lifetime)}`;
  if (key.mki !== undefined) text += `|${key.mki.value.toString()}:${key.mki.length}`;
  return text;
}

function formatSessionParams(params: SdesSessionParams): string[] {
  const out: string[] = [];
  if (params.keyDerivationRate !== undefined) out.push(`KDR=${Math.log2(params.keyDerivationRate)}`);
  if (params.unencryptedSrtp) out.push('UNENCRYPTED_SRTP');
  if (params.unencryptedSrtcp) out.push('UNENCRYPTED_SRTCP');
  if (params.unauthenticatedSrtp) out.push('UNAUTHENTICATED_SRTP');
  if (params.windowSizeHint !== undefined) out.push(`WSH=${params.windowSizeHint}`);
  return [...out, ...params.optional];
}

/** The attribute value: `<tag> <suite> <key-params>[ <session-params>]`. */
export function formatCryptoValue(attribute: CryptoAttribute): string {
  return [
    String(attribute.tag),
    attribute.suite,
    attribute.keys.map(formatKeyParam).join(';'),
    ...formatSessionParams(attribute.sessionParams),
  ].join(' ');
}

/** The whole SDP line, `a=crypto:…` (without the CRLF). */
export function formatCryptoLine(attribute: CryptoAttribute): string {
  return `a=crypto:${formatCryptoValue(attribute)}`;
}

/** A crypto attribute with a fresh master key and salt from `random` (§6.1: keys MUST be random). */
export function generateCryptoAttribute(
  tag: number,
  suiteName: SrtpSuiteName,
  random: RandomSource = randomBytes,
  sessionParams: SdesSessionParams = NO_SESSION_PARAMS,
): CryptoAttribute {
  const suite = suiteByName(suiteName);
  const key = Buffer.from(random(suite.keyLength));
  const salt = Buffer.from(random(suite.saltLength));
  if (key.length !== suite.keyLength || salt.length !== suite.saltLength) {
    throw new RangeError('random source returned the wrong number of octets');
  }
  return { tag, suite: suite.name, keys: [{ key, salt }], sessionParams };
}

/** One attribute per suite, tags 1, 2, … in the order given (preferred first), each with its own key. */
export function generateCryptoOffer(
  suites: readonly SrtpSuiteName[] = SUPPORTED_SUITES,
  random: RandomSource = randomBytes,
): CryptoAttribute[] {
  return suites.map((suite, n) => generateCryptoAttribute(n + 1, suite, random));
}

export interface AnswerOptions {
  /** Suites this phone accepts; default both. */
  readonly suites?: readonly SrtpSuiteName[];
  readonly random?: RandomSource;
  /**
   * Accept offers that weaken SRTP (UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP,
   * UNAUTHENTICATED_SRTP). Off by default: RFC 3711 §9.5 allows dropping
   * authentication only in narrow cases, and a desk phone is not one.
   */
  readonly allowWeakened?: boolean;
}

export interface RejectedCryptoLine {
  readonly line: string;
  readonly reason: SdesError | 'suite-not-accepted' | 'weakened-protection';
  readonly detail: string;
}

export type CryptoAnswer =
  | {
      readonly ok: true;
      /** The offered attribute chosen: the peer's key, for the receiving context. */
      readonly offer: CryptoAttribute;
      /** Our answer: same tag and suite, our fresh key, for the sending context. */
      readonly answer: CryptoAttribute;
      readonly answerLine: string;
      /** Offered lines passed over, with why. */
      readonly rejected: readonly RejectedCryptoLine[];
    }
  | { readonly ok: false; readonly reason: 'no-acceptable-crypto'; readonly rejected: readonly RejectedCryptoLine[] };

/**
 * Chooses the answer to the `a=crypto` lines of an offered media stream.
 *
 * §5.1.2: "the answerer MUST either accept exactly one of the offered crypto
 * attributes, or the offered stream MUST be rejected". We take the first
 * offered line we can honour — the offerer lists them in its preference — and
 * answer with its tag and suite and a new key of our own. The negotiated
 * session parameters are echoed; the declarative ones (KDR, WSH) are the
 * offerer's own and are not.
 */
export function answerCryptoOffer(offerLines: readonly string[], options: AnswerOptions = {}): CryptoAnswer {
  const accepted = options.suites ?? SUPPORTED_SUITES;
  const rejected: RejectedCryptoLine[] = [];
  for (const line of offerLines) {
    const parsed = parseCryptoLine(line);
    if (!parsed.ok) {
      rejected.push({ line, reason: parsed.reason, detail: parsed.detail });
      continue;
    }
    const offer = parsed.value;
    if (!accepted.includes(offer.suite)) {
      rejected.push({ line, reason: 'suite-not-accepted', detail: `${offer.suite} is not enabled` });
      continue;
    }
    const params = offer.sessionParams;
    const weakened = params.unencryptedSrtp || params.unencryptedSrtcp || params.unauthenticatedSrtp;
    if (weakened && options.allowWeakened !== true) {
      rejected.push({ line, reason: 'weakened-protection', detail: 'offer turns off SRTP encryption or authentication' });
      continue;
    }
    const answer = generateCryptoAttribute(offer.tag, offer.suite, options.random ?? randomBytes, {
      unencryptedSrtp: params.unencryptedSrtp,
      unencryptedSrtcp: params.unencryptedSrtcp,
      unauthenticatedSrtp: params.unauthenticatedSrtp,
      optional: [],
    });
    return { ok: true, offer, answer, answerLine: formatCryptoLine(answer), rejected };
  }
  return { ok: false, reason: 'no-acceptable-crypto', rejected };
}

export type CryptoAnswerCheck =
  | { readonly ok: true; readonly offered: CryptoAttribute; readonly answer: CryptoAttribute }
  | {
      readonly ok: false;
      readonly reason: SdesError | 'unknown-tag' | 'suite-mismatch' | 'session-param-mismatch';
      readonly detail: string;
    };

/**
 * Checks the answer's `a=crypto` against what we offered (§5.1.3): its tag
 * must name one of our attributes, with the same suite and the same
 * negotiated session parameters. On success `offered` holds our key (for the
 * sending context) and `answer` the peer's (for the receiving one).
 */
export function acceptCryptoAnswer(offered: readonly CryptoAttribute[], answerLine: string): CryptoAnswerCheck {
  const parsed = parseCryptoLine(answerLine);
  if (!parsed.ok) return parsed;
  const answer = parsed.value;
  const ours = offered.find((o) => o.tag === answer.tag);
  if (ours === undefined) return { ok: false, reason: 'unknown-tag', detail: `we offered no tag ${answer.tag}` };
  if (ours.suite !== answer.suite) {
    return { ok: false, reason: 'suite-mismatch', detail: `tag ${answer.tag} was ${ours.suite}, answer says ${answer.suite}` };
  }
  const a = ours.sessionParams;
  const b = answer.sessionParams;
  if (
    a.unencryptedSrtp !== b.unencryptedSrtp ||
    a.unencryptedSrtcp !== b.unencryptedSrtcp ||
    a.unauthenticatedSrtp !== b.unauthenticatedSrtp
  ) {
    return { ok: false, reason: 'session-param-mismatch', detail: 'negotiated session parameters differ from the offer' };
  }
  return { ok: true, offered: ours, answer };
}

/** The MKI as the octets carried in each packet: mki-value, big-endian in mki-length octets. */
export function mkiBytes(mki: SdesMki): Buffer {
  const out = Buffer.alloc(mki.length);
  let value = mki.value;
  for (let n = mki.length - 1; n >= 0; n--) {
    out[n] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/**
 * SrtpContext options for the first key of an attribute — ours for the
 * sending context, the peer's for the receiving one.
 */
export function srtpOptionsFromCrypto(attribute: CryptoAttribute): SrtpContextOptions {
  const [first] = attribute.keys;
  if (first === undefined) throw new RangeError('crypto attribute has no key');
  const params = attribute.sessionParams;
  return {
    suite: attribute.suite,
    masterKey: first.key,
    masterSalt: first.salt,
    ...(first.lifetime === undefined ? {} : { lifetime: first.lifetime }),
    ...(first.mki === undefined ? {} : { mki: mkiBytes(first.mki) }),
    ...(params.keyDerivationRate === undefined ? {} : { keyDerivationRate: params.keyDerivationRate }),
    ...(params.windowSizeHint === undefined ? {} : { replayWindowSize: params.windowSizeHint }),
    encryptRtp: !params.unencryptedSrtp,
    encryptRtcp: !params.unencryptedSrtcp,
    authenticateRtp: !params.unauthenticatedSrtp,
  };
}
