/**
 * The sliding replay list of RFC 3711 §3.3.2: remembers which of the last
 * `size` indices (ending at the highest one accepted) have been seen. A packet
 * is new if its index is above the highest, or inside the window and not yet
 * seen; it is a replay if inside and seen; and too old (and so rejected,
 * since it cannot be told from a replay) if below the window.
 */

export type ReplayVerdict = 'new' | 'replay' | 'too-old';

/** §3.3.2: "the window size … MUST be at least 64". */
export const MIN_REPLAY_WINDOW = 64;

export class ReplayWindow {
  readonly size: number;
  private highest: number | undefined;
  /** Bit k set: index (highest - k) has been accepted. */
  private seen = 0n;

  constructor(size = MIN_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < MIN_REPLAY_WINDOW) {
      throw new RangeError(`replay window must be an integer of at least ${MIN_REPLAY_WINDOW}, got ${size}`);
    }
    this.size = size;
  }

  /** The highest index accepted so far, or undefined before the first. */
  get highestIndex(): number | undefined {
    return this.highest;
  }

  /** Whether `index` may be accepted. Changes nothing: call accept() only once the packet is authenticated. */
  check(index: number): ReplayVerdict {
    if (this.highest === undefined || index > this.highest) return 'new';
    const age = this.highest - index;
    if (age >= this.size) return 'too-old';
    return (this.seen >> BigInt(age)) & 1n ? 'replay' : 'new';
  }

  /** Records `index` as received (§3.3.2: the list is updated only after authentication). */
  accept(index: number): void {
    if (this.highest === undefined) {
      this.highest = index;
      this.seen = 1n;
      return;
    }
    if (index > this.highest) {
      const shift = index - this.highest;
      this.seen = shift >= this.size ? 1n : ((this.seen << BigInt(shift)) | 1n) & this.mask();
      this.highest = index;
      return;
    }
    const age = this.highest - index;
    if (age < this.size) this.seen |= 1n << BigInt(age);
  }

  private mask(): bigint {
    return (1n << BigInt(this.size)) - 1n;
  }
}
