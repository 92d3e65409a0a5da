/**
 * Rate limiting as a token bucket: `burst` tokens to start with, refilled at
 * `perSecond`, one taken per message. A storm (a flood of malformed packets
 * each logging a warning) is cut to the refill rate after the first burst,
 * while normal traffic — far below the rate — always passes.
 *
 * Pure: the state goes in and comes out, time is the caller's clock.
 */
export interface TokenBucketLimits {
  readonly perSecond: number;
  readonly burst: number;
}

export interface TokenBucket {
  readonly tokens: number;
  /** Clock time (ms) the tokens were counted at. */
  readonly at: number;
}

export function fullBucket(limits: TokenBucketLimits, now: number): TokenBucket {
  return { tokens: limits.burst, at: now };
}

/** Refills for the time since the last take, then takes one token if there is one. */
export function takeToken(bucket: TokenBucket, now: number, limits: TokenBucketLimits): { bucket: TokenBucket; allowed: boolean } {
  const elapsed = Math.max(0, now - bucket.at);
  const tokens = Math.min(limits.burst, bucket.tokens + (elapsed * limits.perSecond) / 1000);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now }, allowed: true };
  return { bucket: { tokens, at: now }, allowed: false };
}
