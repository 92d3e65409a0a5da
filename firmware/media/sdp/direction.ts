/**
 * Direction attributes as pairs of flags (RFC 3264 §5.1, §6.1), from the
 * point of view of the side that wrote them: sendonly = "I send, I do not
 * receive".
 */
import type { MediaDirection } from './session-description.js';

export function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

export function directionOf(send: boolean, recv: boolean): MediaDirection {
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

/**
 * The direction to answer with (RFC 3264 §6.1):
 *   "If a stream is offered as sendonly, the corresponding stream MUST be
 *   marked as recvonly or inactive in the answer. If a media stream is
 *   listed as recvonly in the offer, the answer MUST be marked as sendonly
 *   or inactive in the answer. If an offered media stream is listed as
 *   sendrecv …, the corresponding stream in the answer MAY be marked as
 *   sendonly, recvonly, sendrecv, or inactive. If an offered media stream is
 *   listed as inactive, it MUST be marked as inactive in the answer."
 *
 * `wanted` is what this phone wants for itself — sendrecv normally,
 * sendonly or inactive while the user holds the call — so the answer is
 * what both sides allow: we send only if the offerer will receive and we
 * want to send, and receive only if the offerer sends and we want to
 * receive. That is also the interoperability rule that a re-INVITE received
 * while we hold must not restart media in a direction the user did not
 * choose.
 */
export function answerDirection(offered: MediaDirection, wanted: MediaDirection): MediaDirection {
  return directionOf(receives(offered) && sends(wanted), sends(offered) && receives(wanted));
}

/** Whether an answer's direction is one RFC 3264 §6.1 permits for the offered one. */
export function isPermittedAnswer(offered: MediaDirection, answered: MediaDirection): boolean {
  return (!sends(answered) || receives(offered)) && (!receives(answered) || sends(offered));
}
