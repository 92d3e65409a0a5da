/**
 * Sequence-number and timestamp arithmetic that survives wrap-around, and the
 * extended (cycle-counted) sequence number of RFC 3550 Appendix A.1.
 *
 * RTP sequence numbers are 16 bits and timestamps 32 bits, both starting at
 * random values (§5.1), so both wrap within a call. Comparisons use serial
 * number arithmetic (RFC 1982 §3.2): s1 < s2 when s2 is ahead of s1 by less
 * than half the space. At exactly half the space the order is undefined and
 * neither "less" nor "greater" holds.
 */

export const RTP_SEQ_MOD = 0x10000;
export const RTP_TIMESTAMP_MOD = 0x1_0000_0000;

/** Reduces any integer (negative too) into [0, mod). */
function wrap(value: number, mod: number): number {
  return ((value % mod) + mod) % mod;
}

/** a + n in 16-bit sequence space. */
export function seqAdd(a: number, n: number): number {
  return wrap(a + n, RTP_SEQ_MOD);
}

/** a − b as the shortest signed distance in 16-bit space, in [−32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  const d = wrap(a - b, RTP_SEQ_MOD);
  return d >= RTP_SEQ_MOD / 2 ? d - RTP_SEQ_MOD : d;
}

/** RFC 1982 "s1 < s2" for 16-bit serial numbers. */
export function seqLessThan(a: number, b: number): boolean {
  const d = wrap(b - a, RTP_SEQ_MOD);
  return d !== 0 && d < RTP_SEQ_MOD / 2;
}

/** a + n in 32-bit timestamp space. */
export function timestampAdd(a: number, n: number): number {
  return wrap(a + n, RTP_TIMESTAMP_MOD);
}

/** a − b as the shortest signed distance in 32-bit space, in [−2^31, 2^31). */
export function timestampDiff(a: number, b: number): number {
  const d = wrap(a - b, RTP_TIMESTAMP_MOD);
  return d >= RTP_TIMESTAMP_MOD / 2 ? d - RTP_TIMESTAMP_MOD : d;
}

/** RFC 1982 "s1 < s2" for 32-bit serial numbers (RTP timestamps). */
export function timestampLessThan(a: number, b: number): boolean {
  const d = wrap(b - a, RTP_TIMESTAMP_MOD);
  return d !== 0 && d < RTP_TIMESTAMP_MOD / 2;
}

/** RFC 3550 A.1's constants. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;

/**
 * What update() made of a sequence number:
 * - 'probation': the source is not yet valid (fewer than MIN_SEQUENTIAL in a row);
 * - 'in-order': ahead of the highest by less than MAX_DROPOUT (a gap is allowed);
 * - 'late': a duplicate or a reordered packet within MAX_MISORDER behind;
 * - 'jump': a very large jump — not counted until the next one confirms it;
 * - 'restart': the packet after a jump was its successor, so the sender is
 *   taken to have restarted and counting starts again from it.
 * Only 'probation' and 'jump' make a packet invalid (A.1's update_seq returns 0).
 */
export type SequenceVerdict = 'probation' | 'in-order' | 'late' | 'jump' | 'restart';

export function isValidVerdict(verdict: SequenceVerdict): boolean {
  return verdict !== 'probation' && verdict !== 'jump';
}

/**
 * Per-source sequence state, as RFC 3550 A.1's `source` struct and its
 * init_seq()/update_seq(). One difference from the C: A.1 tests
 * `seq == s->max_seq + 1` with max_seq a u_int16 promoted to int, so a
 * source whose probation straddles 65535→0 is never accepted; here the
 * successor is taken modulo 2^16.
 */
export class SequenceTracker {
  /** The first sequence number counted (A.1 base_seq). */
  baseSeq = 0;
  /** Highest sequence number seen (A.1 max_seq). */
  maxSeq = 0;
  /** The sequence number that would confirm a jump (A.1 bad_seq; 2^16+1 matches nothing). */
  badSeq = RTP_SEQ_MOD + 1;
  /** Shifted count of sequence number wraps (A.1 cycles: a multiple of 2^16). */
  cycles = 0;
  /** Packets counted since the last init_seq, duplicates and late ones included (A.1 received). */
  received = 0;
  /** Sequential packets still needed before the source is valid (A.1 probation). */
  probation = 0;
  /**
   * Incremented on every init_seq(), so A.3's interval state (expected_prior,
   * received_prior), which init_seq also clears, can tell it must start again.
   */
  epoch = 0;

  /**
   * A.1: "When a new source is heard for the first time … init_seq(s, seq);
   * s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL;"
   */
  constructor(
    firstSeq: number,
    private readonly minSequential = MIN_SEQUENTIAL,
  ) {
    this.initSeq(firstSeq);
    this.maxSeq = seqAdd(firstSeq, -1);
    this.probation = this.minSequential;
  }

  /** The highest sequence number with its wrap count: cycles + max_seq. */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  get valid(): boolean {
    return this.probation === 0;
  }

  /** The extended sequence number of `seq`, taken as the one nearest the highest seen. */
  extend(seq: number): number {
    return this.extendedMax + seqDiff(seq, this.maxSeq);
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.epoch += 1;
  }

  /** A.1 update_seq(). */
  update(seq: number): SequenceVerdict {
    const udelta = wrap(seq - this.maxSeq, RTP_SEQ_MOD);

    if (this.probation > 0) {
      // "Source is not valid until MIN_SEQUENTIAL packets with sequential
      // sequence numbers have been received."
      if (seq === seqAdd(this.maxSeq, 1)) {
        this.probation -= 1;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received += 1;
          return 'in-order';
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }

    let verdict: SequenceVerdict;
    if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap. "Sequence number wrapped - count
      // another 64K cycle."
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
      verdict = 'in-order';
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // "The sequence number made a very large jump."
      if (seq === this.badSeq) {
        // "Two sequential packets -- assume that the other side restarted
        // without telling us so just re-sync (i.e., pretend this was the
        // first packet)."
        this.initSeq(seq);
        verdict = 'restart';
      } else {
        this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return 'jump';
      }
    } else {
      // "duplicate or reordered packet"
      verdict = 'late';
    }
    this.received += 1;
    return verdict;
  }
}
