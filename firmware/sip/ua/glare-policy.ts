/**
 * Glare between re-INVITEs in one dialog (RFC 3261 §14.1, §14.2), as small
 * pure functions: what an incoming re-INVITE gets while INVITEs are in
 * progress, how long to wait before retrying after 491 Request Pending, and
 * the Retry-After of the 500 that refuses an overlapping INVITE.
 */

/** What to do with an INVITE that arrives in a confirmed dialog. */
export type ReinviteVerdict =
  /** Nothing in progress (or only our back-off after a 491): serve it. */
  | 'serve'
  /** §14.2: "A UAS that receives an INVITE on a dialog while an INVITE it had sent on that dialog is in progress MUST return a 491 (Request Pending) response to the received INVITE." */
  | 'request-pending'
  /**
   * §14.2: "A UAS that receives a second INVITE before it sends the final
   * response to a first INVITE with a lower CSeq sequence number on the same
   * dialog MUST return a 500 (Server Internal Error) response to the second
   * INVITE and MUST include a Retry-After header field with a randomly chosen
   * value of between 0 and 10 seconds."
   */
  | 'server-busy';

export interface InviteActivity {
  /** Our re-INVITE has been sent and its final response has not arrived. */
  readonly ownInviteInProgress: boolean;
  /**
   * The peer's previous INVITE is still being served: no final response yet,
   * or our 2xx not yet ACKed (its offer/answer exchange is not complete:
   * with an offer in our 2xx, the answer is in that ACK, §13.2.1).
   */
  readonly peerInviteInProgress: boolean;
}

export function reinviteVerdict(activity: InviteActivity): ReinviteVerdict {
  if (activity.ownInviteInProgress) return 'request-pending';
  if (activity.peerInviteInProgress) return 'server-busy';
  return 'serve';
}

/**
 * §14.1, after a 491: "If the UAC is the owner of the Call-ID (it generated
 * it), T has a randomly chosen value between 2.1 and 4 seconds in units of
 * 10 ms. If the UAC is not the owner of the Call-ID, T has a randomly chosen
 * value of between 0 and 2 seconds in units of 10 ms." Both ends are taken
 * as included: 210..400 or 0..200 steps of 10 ms. `random` returns [0, 1).
 */
export function requestPendingRetryDelayMs(ownsCallId: boolean, random: () => number = Math.random): number {
  const [firstStep, lastStep] = ownsCallId ? [210, 400] : [0, 200];
  const steps = lastStep - firstStep + 1;
  const step = firstStep + Math.min(steps - 1, Math.floor(clampUnit(random()) * steps));
  return step * 10;
}

/** §14.2: the Retry-After of the 500 to an overlapping INVITE, "a randomly chosen value of between 0 and 10 seconds". */
export function overlappingInviteRetryAfterSeconds(random: () => number = Math.random): number {
  return Math.min(10, Math.floor(clampUnit(random()) * 11));
}

function clampUnit(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0;
}
