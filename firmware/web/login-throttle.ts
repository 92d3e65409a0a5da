/**
 * Login rate limiting per client address. Five wrong passwords in a row are
 * allowed (typos); after that each further failure locks the address out for
 * a back-off that doubles, 30 s, 1 min, 2 min … up to 15 min. A success
 * clears the count. One attempt at a time per address: parallel guesses would
 * otherwise all be checked before the first failure is counted.
 */
import type { Clock } from '../../drivers/bus/clock.js';

export const FREE_FAILURES = 5;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 15 * 60_000;
/** Addresses remembered at most; the stalest are forgotten first. */
export const MAX_TRACKED_ADDRESSES = 1024;
/** A record untouched this long (and not locked) is forgotten. */
const FORGET_AFTER_MS = 60 * 60_000;

/** How long an address is locked out after its `failures`-th consecutive failure. */
export function lockoutMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** (failures - FREE_FAILURES));
}

interface AddressRecord {
  failures: number;
  lockedUntil: number;
  lastSeen: number;
  inFlight: boolean;
}

export type ThrottleDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export class LoginThrottle {
  private readonly records = new Map<string, AddressRecord>();

  constructor(private readonly clock: Clock) {}

  /** Call before checking a password; when allowed, finish() must follow. */
  begin(address: string): ThrottleDecision {
    const now = this.clock.now();
    const record = this.records.get(address);
    if (record !== undefined) {
      if (record.lockedUntil > now) return { allowed: false, retryAfterMs: record.lockedUntil - now };
      if (record.inFlight) return { allowed: false, retryAfterMs: 1000 };
      record.inFlight = true;
      record.lastSeen = now;
      return { allowed: true };
    }
    this.forgetStale(now);
    this.records.set(address, { failures: 0, lockedUntil: 0, lastSeen: now, inFlight: true });
    return { allowed: true };
  }

  finish(address: string, succeeded: boolean): void {
    const record = this.records.get(address);
    if (record === undefined) return;
    record.inFlight = false;
    if (succeeded) {
      this.records.delete(address);
      return;
    }
    const now = this.clock.now();
    record.failures++;
    record.lastSeen = now;
    const lock = lockoutMs(record.failures);
    if (lock > 0) record.lockedUntil = now + lock;
  }

  private forgetStale(now: number): void {
    for (const [address, r] of this.records) {
      if (!r.inFlight && r.lockedUntil <= now && now - r.lastSeen > FORGET_AFTER_MS) this.records.delete(address);
    }
    while (this.records.size >= MAX_TRACKED_ADDRESSES) {
      let stalest: [string, AddressRecord] | undefined;
      for (const entry of this.records) if (stalest === undefined || entry[1].lastSeen < stalest[1].lastSeen) stalest = entry;
      if (stalest === undefined) break;
      this.records.delete(stalest[0]);
    }
  }
}
