/**
 * The SRTP packet index of a received sequence number (RFC 3711 §3.3.1).
 *
 * SEQ is 16 bits; the 48-bit index is 2^16 · ROC + SEQ, where the rollover
 * counter ROC is never sent. The receiver guesses which ROC the packet was
 * sent under from the highest sequence number seen so far, s_l, by taking the
 * candidate (ROC-1, ROC, ROC+1) that puts the index closest to 2^16 · ROC + s_l.
 */

const HALF_SEQ_SPACE = 0x8000;

/**
 * v, the guessed ROC of a packet with sequence number `seq`, given the
 * context's ROC and s_l — the pseudo-code of Appendix A:
 *
 *   if (s_l < 32768)
 *     if (SEQ - s_l > 32768) v = ROC-1 else v = ROC
 *   else
 *     if (s_l - 32768 > SEQ) v = ROC+1 else v = ROC
 *
 * May return -1 (a late packet from before the first wrap at ROC 0): no such
 * index exists, and the caller rejects the packet as too old.
 */
export function estimateRoc(roc: number, highestSeq: number, seq: number): number {
  if (highestSeq < HALF_SEQ_SPACE) {
    return seq - highestSeq > HALF_SEQ_SPACE ? roc - 1 : roc;
  }
  return highestSeq - HALF_SEQ_SPACE > seq ? roc + 1 : roc;
}

/** i = 2^16 · v + SEQ (§3.3.1). */
export function packetIndex(v: number, seq: number): number {
  return v * 0x10000 + seq;
}

export interface RolloverState {
  readonly roc: number;
  readonly highestSeq: number;
}

/**
 * The state after a packet with ROC guess v and sequence number `seq` has
 * been authenticated (§3.3.1): "if v = ROC + 1 [ROC := v and] s_l := SEQ",
 * and s_l also advances when SEQ is higher within the same ROC. A late packet
 * (v = ROC - 1, or SEQ below s_l) changes nothing.
 */
export function advanceRollover(state: RolloverState, v: number, seq: number): RolloverState {
  if (v > state.roc) return { roc: v, highestSeq: seq };
  if (v === state.roc && seq > state.highestSeq) return { roc: state.roc, highestSeq: seq };
  return state;
}
