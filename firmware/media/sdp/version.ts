/**
 * The sess-version rule of RFC 3264 §8: "When issuing an offer that modifies
 * the session, the "o=" line of the new SDP MUST be identical to that in the
 * previous SDP, except that the version in the origin field MUST increment
 * by one from the previous SDP. If the version in the origin line does not
 * increment, the SDP MUST be identical to the SDP with that version number."
 *
 * So a new description is compared with the previous one as written (with
 * the previous version put in): the same text keeps the version, anything
 * else takes version + 1.
 */
import { randomBytes } from 'node:crypto';

import type { RandomSource } from '../srtp/sdes.js';
import type { AddressType, Origin, SessionDescription } from './session-description.js';
import { writeSdp } from './write.js';

/** The o= of a new session, sess-id and sess-version equal and random. */
export function newOrigin(
  address: string,
  addressType: AddressType,
  username = '-',
  random: RandomSource = randomBytes,
): Origin {
  // RFC 3264 §5: "The initial value of the version MUST be less than
  // (2**62)-1, to avoid rollovers." Six random octets (< 2^48) are that,
  // and unique enough as a sess-id (RFC 4566 §5.2 asks only for uniqueness).
  const id = BigInt(`0x${Buffer.from(random(6)).toString('hex') || '0'}`);
  return { username, sessionId: id, sessionVersion: id, addressType, address };
}

/**
 * `next` with the o= line of `previous` and the right version: the previous
 * version when nothing else differs, previous + 1 otherwise.
 */
export function versioned(next: SessionDescription, previous: SessionDescription | undefined): SessionDescription {
  if (previous === undefined) return next;
  const same = { ...next, origin: previous.origin };
  if (writeSdp(same) === writeSdp(previous)) return previous;
  return { ...next, origin: { ...previous.origin, sessionVersion: previous.origin.sessionVersion + 1n } };
}
