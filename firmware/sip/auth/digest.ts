/**
 * Computing the Authorization / Proxy-Authorization value that answers a
 * Digest challenge.
 *
 * Formulas, RFC 7616 §3.4 (which RFC 8760 §2 adopts for SIP):
 *   response = KD(H(A1), unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" H(A2))
 *   KD(secret, data) = H(concat(secret, ":", data))
 *   A1 = unq(username) ":" unq(realm) ":" passwd                      (not -sess)
 *   A1 = H(unq(username) ":" unq(realm) ":" passwd) ":" unq(nonce) ":" unq(cnonce)   (-sess)
 *   A2 = Method ":" request-uri                                       (qop=auth)
 *   A2 = Method ":" request-uri ":" H(entity-body)                    (qop=auth-int)
 * and, when the server sent no qop, RFC 2617 §3.2.2.1's RFC 2069 form:
 *   response = KD(H(A1), unq(nonce) ":" H(A2))
 *
 * Output syntax, RFC 3261 §25 as RFC 8760 §2 updates it: username, realm,
 * nonce, uri, response, cnonce and opaque are quoted strings; algorithm, qop
 * (message-qop) and nc (8LHEX) are not; request-digest is *LHEX so it also
 * fits SHA-256's 64 digits.
 *
 * The method in A2 is the method of the request being sent; RFC 3261 §22.4
 * has a CANCEL or ACK for an INVITE reuse the INVITE's credentials, which is
 * the caller's business, not this file's.
 */
import type { DigestAlgorithm } from './algorithms.js';
import { hashHex, lookupAlgorithm } from './algorithms.js';
import type { DigestChallenge } from './challenge.js';
import type { NonceCounter } from './nonce-counter.js';

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestRequest {
  readonly method: string;
  /** The Request-URI exactly as it is sent in the request line (RFC 3261 §22.4: "uri"). */
  readonly uri: string;
  /** The message body, needed only for qop=auth-int; absent means empty. */
  readonly body?: string | Uint8Array;
}

export type MessageQop = 'auth' | 'auth-int';

export interface AuthorizeInput {
  readonly challenge: DigestChallenge;
  readonly credentials: DigestCredentials;
  readonly request: DigestRequest;
  readonly nonces: NonceCounter;
  /**
   * Which qop to use when the server offers both. "auth" by default: it is
   * what servers universally check, and auth-int would force the body to be
   * final before the request is authorised.
   */
  readonly preferQop?: MessageQop;
}

export type AuthorizationResult =
  | {
      readonly ok: true;
      /** The header field value: `Digest username="…", …`. */
      readonly value: string;
      readonly response: string;
      readonly algorithm: DigestAlgorithm;
      /** Undefined in the RFC 2069 form (server sent no qop). */
      readonly qop: MessageQop | undefined;
      readonly nc: string | undefined;
      readonly cnonce: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

/** Why this phone cannot answer the challenge, or undefined when it can. */
export function unanswerableReason(challenge: DigestChallenge): string | undefined {
  const algorithm = lookupAlgorithm(challenge.algorithm);
  if (algorithm === undefined) return `algorithm "${challenge.algorithm}" is not supported`;
  if (challenge.qop !== undefined && pickQop(challenge.qop, 'auth') === undefined) {
    return `none of qop "${challenge.qop.join(',')}" is supported (auth, auth-int)`;
  }
  if (algorithm.session && challenge.qop === undefined) {
    // RFC 2617 §3.2.2: cnonce "MUST NOT be specified if the server did not
    // send a qop directive", yet -sess A1 is built from it: the server could
    // never check the answer.
    return `${algorithm.name} without qop cannot be answered: its A1 needs a cnonce that may not be sent`;
  }
  return undefined;
}

function pickQop(offered: readonly string[], preferred: MessageQop): MessageQop | undefined {
  if (offered.includes(preferred)) return preferred;
  if (offered.includes('auth')) return 'auth';
  if (offered.includes('auth-int')) return 'auth-int';
  return undefined;
}

export interface ResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  /** Absent for the RFC 2069 form. */
  readonly qop?: { readonly qop: MessageQop; readonly nc: string; readonly cnonce: string };
  readonly body?: string | Uint8Array;
}

/** The request-digest, lowercase hex (RFC 7616 §3.4.1). */
export function computeResponse(input: ResponseInput): string {
  const { algorithm, qop } = input;
  const H = (data: string | Uint8Array): string => hashHex(algorithm, data);
  const KD = (secret: string, data: string): string => H(`${secret}:${data}`);

  let ha1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (algorithm.session) {
    // unanswerableReason() keeps -sess without qop from reaching here.
    ha1 = H(`${ha1}:${input.nonce}:${qop?.cnonce ?? ''}`);
  }
  const a2 =
    qop?.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${H(input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = H(a2);
  if (qop === undefined) return KD(ha1, `${input.nonce}:${ha2}`);
  return KD(ha1, `${input.nonce}:${qop.nc}:${qop.cnonce}:${qop.qop}:${ha2}`);
}

/**
 * Build the Authorization (401) or Proxy-Authorization (407) value answering
 * `challenge`. Each call is one use of the nonce: nc advances.
 */
export function authorize(input: AuthorizeInput): AuthorizationResult {
  const { challenge, credentials, request } = input;
  const refuse = (reason: string): AuthorizationResult => ({ ok: false, reason });

  const unanswerable = unanswerableReason(challenge);
  if (unanswerable !== undefined) return refuse(unanswerable);
  const algorithm = lookupAlgorithm(challenge.algorithm);
  if (algorithm === undefined) return refuse(`algorithm "${challenge.algorithm}" is not supported`);

  // These go into the header itself; a line break would end it and let the
  // rest be read as another header field.
  for (const [what, text] of [
    ['username', credentials.username],
    ['method', request.method],
    ['uri', request.uri],
  ] as const) {
    if (hasControlCharacter(text)) return refuse(`${what} contains a control character`);
  }
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(request.method)) return refuse('method is not a token');
  if (request.uri === '') return refuse('uri is empty');

  let qop: ResponseInput['qop'];
  if (challenge.qop !== undefined) {
    const chosen = pickQop(challenge.qop, input.preferQop ?? 'auth');
    if (chosen === undefined) return refuse('no supported qop');
    const use = input.nonces.use(challenge.realm, challenge.nonce);
    if (use === undefined) return refuse('nonce-count exhausted for this nonce; a new challenge is needed');
    if (use.cnonce === '' || hasControlCharacter(use.cnonce) || /["\\]/.test(use.cnonce)) {
      return refuse('the cnonce source produced an unusable value');
    }
    qop = { qop: chosen, nc: use.nc, cnonce: use.cnonce };
  }

  const response = computeResponse({
    algorithm,
    username: credentials.username,
    realm: challenge.realm,
    password: credentials.password,
    nonce: challenge.nonce,
    method: request.method,
    uri: request.uri,
    qop,
    body: request.body,
  });

  // RFC 7616 §3.4.4: with userhash the username field carries
  // H(unq(username) ":" unq(realm)), computed after every other hash.
  const username = challenge.userhash
    ? hashHex(algorithm, `${credentials.username}:${challenge.realm}`)
    : credentials.username;

  const fields = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${algorithm.name}`,
  ];
  if (qop !== undefined) {
    fields.push(`cnonce=${quote(qop.cnonce)}`, `qop=${qop.qop}`, `nc=${qop.nc}`);
  }
  // RFC 2617 §3.2.2: opaque "should be returned by the client unchanged".
  if (challenge.opaque !== undefined) fields.push(`opaque=${quote(challenge.opaque)}`);
  if (challenge.userhash) fields.push('userhash=true');

  return {
    ok: true,
    value: `Digest ${fields.join(', ')}`,
    response,
    algorithm,
    qop: qop?.qop,
    nc: qop?.nc,
    cnonce: qop?.cnonce,
  };
}

/** CTLs (%x00-1F, %x7F) are outside quoted-string's qdtext and would end or split the header line. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** quoted-string with quoted-pair escapes for `"` and `\` (RFC 3261 §25). */
function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
