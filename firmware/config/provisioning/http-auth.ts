/**
 * HTTP authentication for provisioning downloads: Basic (RFC 7617) and
 * Digest (RFC 7616).
 *
 * Digest reuses the SIP stack's implementation (firmware/sip/auth): RFC 3261
 * §22.4 took SIP digest from HTTP's, and RFC 7616 is its current form — the
 * same `WWW-Authenticate: Digest realm=…, nonce=…, qop="auth", algorithm=…`
 * challenge (parseChallenge reads it), the same response computation, and
 * the same Authorization fields, with the "uri" being the request-target
 * (RFC 7616 §3.4: "digest-uri" is the request-target, path and query).
 *
 * The one difference is framing: RFC 7235 §4.1 lets one HTTP header field
 * carry several challenges separated by commas ("Basic realm=x, Digest
 * realm=y, nonce=z"), which SIP forbids (RFC 3261 §7.3.1); splitChallenges()
 * cuts such a value into one challenge each before they are parsed.
 *
 * Choice: Digest over Basic whenever both are offered (Basic sends the
 * password as readable base64, RFC 7617 §4); among Digest challenges the
 * topmost one this phone can answer, as RFC 7616 §3.7 and RFC 8760 §2.4
 * have a client do (chooseChallenge).
 */
import { parseChallenge, type ChallengeParseResult } from '../../sip/auth/challenge.js';
import { chooseChallenge } from '../../sip/auth/choose.js';
import { authorize } from '../../sip/auth/digest.js';
import type { NonceCounter } from '../../sip/auth/nonce-counter.js';

export interface HttpCredentials {
  readonly username: string;
  readonly password: string;
}

/** Splits a header value at commas outside quoted strings. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (quoted && c === '\\') {
      current += c + value.charAt(i + 1);
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * One challenge per entry. A list element whose first token is followed by
 * "=" is one more auth-param of the current challenge; any other element
 * (auth-scheme alone, or auth-scheme 1*SP and its first parameter or token68)
 * starts a new challenge.
 */
export function splitChallenges(values: readonly string[]): string[] {
  const challenges: string[] = [];
  for (const value of values) {
    for (const element of splitList(value)) {
      // "realm=x" and "realm = x" continue; "Digest realm=x", "Negotiate", "Bearer abc==" start.
      const startsChallenge = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*(.?)/.exec(element)?.[1] !== '=';
      if (startsChallenge || challenges.length === 0) challenges.push(element);
      else challenges[challenges.length - 1] += `, ${element}`;
    }
  }
  return challenges;
}

/** The scheme of a challenge, lower-cased ("basic", "digest"). */
export function challengeScheme(challenge: string): string {
  return (/^\s*([^\s,]+)/.exec(challenge)?.[1] ?? '').toLowerCase();
}

/** RFC 7617 §2: "Basic " base64(user-id ":" password), UTF-8 (§2.1's charset). */
export function basicAuthorization(credentials: HttpCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

export type AuthAnswer =
  | { readonly ok: true; readonly scheme: 'basic' | 'digest'; readonly authorization: string; readonly stale: boolean }
  | { readonly ok: false; readonly reason: string };

/** The Authorization header answering a 401's WWW-Authenticate values for a GET of `requestTarget`. */
export function answerChallenges(input: {
  readonly wwwAuthenticate: readonly string[];
  readonly credentials: HttpCredentials;
  readonly requestTarget: string;
  readonly nonces: NonceCounter;
}): AuthAnswer {
  const challenges = splitChallenges(input.wwwAuthenticate);
  const digests: ChallengeParseResult[] = challenges.filter((c) => challengeScheme(c) === 'digest').map(parseChallenge);
  if (digests.length > 0) {
    const chosen = chooseChallenge(digests);
    if (chosen.ok) {
      const answer = authorize({
        challenge: chosen.challenge,
        credentials: input.credentials,
        request: { method: 'GET', uri: input.requestTarget },
        nonces: input.nonces,
      });
      if (answer.ok) return { ok: true, scheme: 'digest', authorization: answer.value, stale: chosen.challenge.stale };
      return { ok: false, reason: answer.reason };
    }
    if (!challenges.some((c) => challengeScheme(c) === 'basic')) return { ok: false, reason: chosen.reason };
  }
  if (challenges.some((c) => challengeScheme(c) === 'basic')) {
    return { ok: true, scheme: 'basic', authorization: basicAuthorization(input.credentials), stale: false };
  }
  const offered = challenges.map(challengeScheme).filter((s) => s !== '');
  return {
    ok: false,
    reason: offered.length === 0 ? 'the server asked for credentials without saying how (no WWW-Authenticate)' : `unsupported authentication scheme ${offered.join(', ')} (Basic and Digest are supported)`,
  };
}
