/**
 * Remembers which extended sequence numbers arrived recently, so a
 * duplicated packet (a network or middlebox retransmission) is not played
 * twice. RFC 3550 A.1 counts duplicates as received but cannot tell them
 * apart from late packets; this can, for anything within `size` of the
 * highest number seen — more than A.1's MAX_MISORDER (100), beyond which a
 * packet is judged a jump anyway.
 */
export class DuplicateWindow {
  private readonly slots: Float64Array;

  constructor(private readonly size = 512) {
    this.slots = new Float64Array(size).fill(-1);
  }

  /** True if `extendedSeq` was already recorded (and still in the window). */
  has(extendedSeq: number): boolean {
    return this.slots[this.slot(extendedSeq)] === extendedSeq;
  }

  record(extendedSeq: number): void {
    this.slots[this.slot(extendedSeq)] = extendedSeq;
  }

  clear(): void {
    this.slots.fill(-1);
  }

  private slot(extendedSeq: number): number {
    return ((extendedSeq % this.size) + this.size) % this.size;
  }
}
