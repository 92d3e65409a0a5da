/**
 * Whether to resend a challenged request with (new) credentials, or stop.
 *
 * RFC 2617 §3.2.1, stale: "A flag, indicating that the previous request from
 * the client was rejected because the nonce value was stale. If stale is TRUE
 * …, the client may wish to simply retry the request with a new encrypted
 * response, without reprompting the user for a new username and password. …
 * If stale is FALSE, or anything other than TRUE, or the stale directive is
 * not present, the username and/or password are invalid".
 *
 * Decisions, one per case below, for one realm of one request as it is
 * resent (a REGISTER and its authenticated retries, say):
 * - the request carried no credentials for this realm → answer (first challenge);
 * - stale=true with a new nonce → answer with the new nonce; not a failure
 *   (but bounded, so a server stuck on stale cannot make the phone loop);
 * - stale=true with the nonce we just used → give up: retrying can only get
 *   the same answer;
 * - stale=false with the nonce we just used → give up: the credentials are wrong;
 * - stale=false with a different nonce → by RFC 2617 the credentials are
 *   wrong too, but servers that lost their nonce state (a restart) challenge
 *   afresh this way, so allow `maxRejections` such retries before giving up.
 */

export interface AuthRetryState {
  /** The nonce in the credentials of the request just challenged; undefined if it carried none. */
  readonly sentNonce: string | undefined;
  /** Times the server refused our credentials with a fresh nonce and no stale=true. */
  readonly rejections: number;
  /** Times the server said our nonce was stale. */
  readonly staleRetries: number;
}

export const initialAuthRetryState: AuthRetryState = { sentNonce: undefined, rejections: 0, staleRetries: 0 };

export interface AuthRetryLimits {
  readonly maxRejections: number;
  readonly maxStaleRetries: number;
}

export const defaultAuthRetryLimits: AuthRetryLimits = { maxRejections: 1, maxStaleRetries: 3 };

export interface ChallengeSummary {
  readonly realm: string;
  readonly nonce: string;
  readonly stale: boolean;
}

export type AuthRetryDecision =
  | {
      readonly action: 'answer';
      /** Carry this to the next decision for the same request. */
      readonly state: AuthRetryState;
      /** True when this retry is because of a rejection (counted against maxRejections). */
      readonly countedAsFailure: boolean;
    }
  | { readonly action: 'give-up'; readonly reason: string; readonly credentialsRejected: boolean };

export function decideOnChallenge(
  state: AuthRetryState,
  challenge: ChallengeSummary,
  limits: AuthRetryLimits = defaultAuthRetryLimits,
): AuthRetryDecision {
  const realm = `realm "${challenge.realm}"`;
  const next = (changes: Partial<AuthRetryState>): AuthRetryState => ({
    ...state,
    ...changes,
    sentNonce: challenge.nonce,
  });

  if (state.sentNonce === undefined) {
    return { action: 'answer', state: next({}), countedAsFailure: false };
  }

  if (challenge.stale) {
    if (challenge.nonce === state.sentNonce) {
      return {
        action: 'give-up',
        reason: `${realm}: the server says the nonce is stale but offers the same nonce again`,
        credentialsRejected: false,
      };
    }
    if (state.staleRetries >= limits.maxStaleRetries) {
      return {
        action: 'give-up',
        reason: `${realm}: the nonce was stale ${state.staleRetries + 1} times in a row`,
        credentialsRejected: false,
      };
    }
    return { action: 'answer', state: next({ staleRetries: state.staleRetries + 1 }), countedAsFailure: false };
  }

  if (challenge.nonce === state.sentNonce) {
    return {
      action: 'give-up',
      reason: `${realm}: credentials rejected (challenged again with the same nonce, not stale)`,
      credentialsRejected: true,
    };
  }
  if (state.rejections >= limits.maxRejections) {
    return {
      action: 'give-up',
      reason: `${realm}: credentials rejected ${state.rejections + 1} times (new nonce each time, not stale)`,
      credentialsRejected: true,
    };
  }
  return { action: 'answer', state: next({ rejections: state.rejections + 1 }), countedAsFailure: true };
}
