/**
 * Choosing which of several challenges in one 401/407 to answer.
 *
 * What RFC 8760 says, and what this file does:
 *
 * - §2.3 (UAS): a server offering several algorithms for one realm lists the
 *   header fields "in the order in which it would prefer to see them used",
 *   most preferred at the top.
 * - §2.4 (UAC): the client "SHOULD use the topmost header field that it
 *   supports, unless a local policy dictates otherwise", and ignores any
 *   challenge it does not understand; if it can answer none, it abandons the
 *   request.
 *
 * So the RFC does NOT say "pick the strongest": it says honour the server's
 * order among the ones you support. That is the default here ('topmost').
 * Strength only enters through the "local policy" escape: §3 notes that
 * offering MD5 beside a stronger algorithm opens a downgrade by an on-path
 * attacker (challenges are not integrity-protected, so the header order can
 * be rewritten). A deployment that wants that defence sets order 'strongest':
 * the strongest supported algorithm wins and ties go to the topmost, so the
 * server's order still decides between equals. The two agree whenever the
 * server lists its strongest first, which §2.3 leads it to do.
 *
 * Challenges for different realms are treated as one list, topmost first
 * (as §2.4 has it for several realms, the client answers the topmost
 * challenge it can); the `realm` option narrows the list to the realm the
 * account's credentials are for, and credential-store.ts decides whether to
 * answer at all. Answering one challenge per realm when a forking proxy
 * aggregates several (RFC 3261 §22.3) is left to the caller.
 */
import { lookupAlgorithm } from './algorithms.js';
import type { ChallengeParseResult, DigestChallenge } from './challenge.js';
import { unanswerableReason } from './digest.js';

export type ChallengeOrder = 'topmost' | 'strongest';

export interface ChooseOptions {
  /** 'topmost' (RFC 8760 §2.4, default) or 'strongest' (a local downgrade-resistance policy). */
  readonly order?: ChallengeOrder;
  /** Only challenges for this realm are candidates (exact match, RFC 7235 §2.2). */
  readonly realm?: string;
}

export interface SkippedChallenge {
  /** Position among the header field values, topmost = 0. */
  readonly index: number;
  readonly reason: string;
}

export type ChooseResult =
  | {
      readonly ok: true;
      readonly challenge: DigestChallenge;
      readonly index: number;
      readonly skipped: readonly SkippedChallenge[];
    }
  | { readonly ok: false; readonly reason: string; readonly skipped: readonly SkippedChallenge[] };

/**
 * @param challenges the parsed header field values in the order received
 *   (parseChallenges() keeps it), topmost first
 */
export function chooseChallenge(
  challenges: readonly ChallengeParseResult[],
  options: ChooseOptions = {},
): ChooseResult {
  const skipped: SkippedChallenge[] = [];
  const candidates: Array<{ challenge: DigestChallenge; index: number; strength: number }> = [];

  challenges.forEach((parsed, index) => {
    if (!parsed.ok) {
      skipped.push({ index, reason: parsed.reason });
      return;
    }
    const { challenge } = parsed;
    if (options.realm !== undefined && challenge.realm !== options.realm) {
      skipped.push({ index, reason: `realm "${challenge.realm}" is not "${options.realm}"` });
      return;
    }
    const unanswerable = unanswerableReason(challenge);
    const algorithm = lookupAlgorithm(challenge.algorithm);
    if (unanswerable !== undefined || algorithm === undefined) {
      skipped.push({ index, reason: unanswerable ?? `algorithm "${challenge.algorithm}" is not supported` });
      return;
    }
    candidates.push({ challenge, index, strength: algorithm.strength });
  });

  if (candidates.length === 0) {
    const why = skipped.map((s) => `#${s.index}: ${s.reason}`).join('; ');
    return {
      ok: false,
      reason: challenges.length === 0 ? 'no challenge offered' : `no challenge can be answered (${why})`,
      skipped,
    };
  }

  // Under 'strongest', only a strictly stronger challenge displaces an
  // earlier one, so equal strengths keep the server's order.
  const best =
    options.order === 'strongest'
      ? candidates.reduce((a, c) => (c.strength > a.strength ? c : a))
      : candidates[0];
  return { ok: true, challenge: best.challenge, index: best.index, skipped };
}
