/**
 * A token bucket in front of a media socket: a peer (or anyone who learnt the
 * port) sending far more datagrams than any call needs is cut off before the
 * datagrams cost a parse, an HMAC and a decode each, so the audio of the call
 * stays on time. One RTP stream at 10 ms packets is 100 datagrams a second;
 * the default lets through four times that, with a burst allowance for a
 * jitter buffer's worth of bunched-up packets.
 *
 * Pure apart from the times passed in: no timers.
 */
export interface FloodGuardOptions {
  /** Sustained datagrams per second let through. */
  readonly ratePerSecond?: number;
  /** Datagrams that may arrive at once after a quiet spell. */
  readonly burst?: number;
}

export class FloodGuard {
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private lastMs: number | undefined;
  private refused = 0;

  constructor(options: FloodGuardOptions = {}) {
    this.rate = options.ratePerSecond ?? 400;
    this.burst = options.burst ?? 200;
    if (!(this.rate > 0 && this.burst >= 1)) throw new RangeError(`flood guard rate ${this.rate}/s burst ${this.burst}`);
    this.tokens = this.burst;
  }

  /** Datagrams refused so far. */
  get dropped(): number {
    return this.refused;
  }

  /** True if a datagram arriving at `nowMs` may be processed. */
  admit(nowMs: number): boolean {
    if (this.lastMs !== undefined) this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) * this.rate) / 1000);
    this.lastMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused++;
    return false;
  }
}
