/**
 * The remote sequence number check of a UAS in a dialog (RFC 3261 §12.2.2):
 *
 * "If the remote sequence number is empty, it MUST be set to the value of
 * the sequence number in the CSeq header field value in the request. If the
 * remote sequence number was not empty, but the sequence number of the
 * request is lower than the remote sequence number, the request is out of
 * order and MUST be rejected with a 500 (Server Internal Error) response. If
 * the remote sequence number was not empty, and the sequence number of the
 * request is greater than the remote sequence number, the request is in
 * order. It is possible for the CSeq sequence number to be higher than the
 * remote sequence number by more than one."
 *
 * ACK and CANCEL carry the number of the request they acknowledge or cancel
 * (§12.2.1.1), so the caller leaves them out of this check.
 */
export type RemoteCSeqVerdict = 'in-order' | 'out-of-order';

export function remoteCSeqVerdict(remoteSeq: number | undefined, seq: number): RemoteCSeqVerdict {
  return remoteSeq !== undefined && seq < remoteSeq ? 'out-of-order' : 'in-order';
}

/** The remote sequence number after an in-order request. */
export function nextRemoteSeq(remoteSeq: number | undefined, seq: number): number {
  return remoteSeq === undefined ? seq : Math.max(remoteSeq, seq);
}

/**
 * §8.1.1.5: "The sequence number value MUST be expressible as a 32-bit
 * unsigned integer and MUST be less than 2**31." Leaving headroom below 2**31
 * lets a long call count up without reaching the limit.
 */
export function randomInitialSeq(random: () => number = Math.random): number {
  return 1 + Math.floor(random() * 2 ** 30);
}
