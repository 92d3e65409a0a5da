/**
 * The phone's hold rules (/work/shared/call-flows.md, flow 2 and "Every
 * role") as pure functions over session descriptions.
 *
 * RFC 3264 §8.4: "If the stream to be placed on hold was previously a
 * sendrecv media stream, it is placed on hold by marking it sendonly. If the
 * stream to be placed on hold was previously a recvonly media stream, it is
 * placed on hold by marking it inactive." The phone's setting may ask for
 * inactive outright, or for the RFC 2543 c=0.0.0.0 as well, for old peers.
 *
 * RFC 6337 §5.3 (hold and resume): each side states its OWN wishes in the
 * offers it makes. So a held phone that is asked for an offer (a re-INVITE
 * without SDP) offers sendrecv, not the recvonly it answered last time —
 * copying the far end's hold back to it would leave the far end unable to
 * resume — and a holding phone keeps offering and answering its hold, so a
 * re-INVITE never restarts media in a direction the user did not choose.
 */
import { createAnswer } from './answer.js';
import type { AnswerResult } from './answer.js';
import { sends } from './direction.js';
import type { LocalMedia } from './local-media.js';
import { connectionOf } from './local-media.js';
import { createOffer } from './offer.js';
import type { MediaDescription, MediaDirection, SessionDescription } from './session-description.js';
import { versioned } from './version.js';

/** How the user's hold is signalled: a=sendonly (default), a=inactive (setting), or c=0.0.0.0 as well. */
export type HoldMode = 'sendonly' | 'inactive' | 'c0';

/** The hold the user chose on this call, if any. */
export type LocalHold = 'none' | 'sendonly' | 'inactive';

/** The direction this phone wants for itself in each hold state. */
export function localDirection(hold: LocalHold): MediaDirection {
  return hold === 'none' ? 'sendrecv' : hold;
}

/** §8.4: sendrecv → sendonly, recvonly → inactive; the inactive setting makes every stream inactive. */
export function heldDirection(current: MediaDirection, mode: HoldMode): MediaDirection {
  if (mode === 'inactive') return 'inactive';
  return sends(current) ? 'sendonly' : 'inactive';
}

function activeLines(
  previous: SessionDescription,
  change: (m: MediaDescription, direction: MediaDirection) => MediaDescription,
): MediaDescription[] {
  return previous.media.map((m) => (m.port === 0 ? m : change(m, m.direction ?? previous.direction ?? 'sendrecv')));
}

/**
 * The hold re-INVITE's offer (flow 2, F9): the previous local description
 * with every active stream on hold, o= version incremented, same codecs,
 * payload types and keys. Mode 'c0' also writes c=0.0.0.0 (§8.4: the port
 * stays non-zero); on IPv6, where §8.4 says it "doesn't work", it falls
 * back to a=sendonly alone.
 */
export function holdOffer(previous: SessionDescription, mode: HoldMode = 'sendonly'): SessionDescription {
  const oldStyle = mode === 'c0' && (previous.connection?.addressType ?? previous.origin.addressType) === 'IP4';
  const media = activeLines(previous, (m, direction) => {
    const held: MediaDescription = { ...m, direction: heldDirection(direction, mode) };
    if (!oldStyle || held.connection === undefined) return held;
    const { connection: _dropped, ...withoutConnection } = held;
    return withoutConnection;
  });
  const next: SessionDescription = {
    ...previous,
    media,
    ...(oldStyle ? { connection: { addressType: 'IP4', address: '0.0.0.0' } } : {}),
  };
  return versioned(next, previous);
}

/**
 * The resume re-INVITE's offer: every active stream back to sendrecv at our
 * real `address` (which a c=0.0.0.0 hold took out of the description).
 */
export function resumeOffer(previous: SessionDescription, address: string): SessionDescription {
  const media = activeLines(previous, (m) => {
    const { connection: _dropped, ...rest } = m;
    return { ...rest, direction: 'sendrecv' };
  });
  const { direction: _sessionDirection, ...session } = previous;
  const next: SessionDescription = { ...session, connection: connectionOf(address), media };
  return versioned(next, previous);
}

/**
 * The offer in the 200 to a re-INVITE without SDP. RFC 3261 §14.2: "A UAS
 * providing an offer in a 2xx (because the INVITE did not contain an offer)
 * SHOULD construct the offer as if the UAS were making a brand new call,
 * subject to the constraints of sending an offer that updates an existing
 * session" — so all our codecs, the session's o= and payload types — and,
 * per RFC 6337 §5.3, OUR hold state: sendrecv unless the user holds,
 * whatever the far end's hold made us answer last time.
 */
export function offerlessReinviteOffer(
  local: LocalMedia,
  previous: SessionDescription,
  hold: LocalHold,
): SessionDescription {
  return createOffer({ ...local, direction: localDirection(hold) }, previous);
}

/**
 * The answer to a re-INVITE's offer while the user's hold is `hold`: the
 * offer's direction narrowed by ours (direction.ts), so the peer's
 * "sendrecv" does not take the call off hold on our side.
 */
export function answerReinvite(
  offer: string | SessionDescription,
  local: LocalMedia,
  previous: SessionDescription,
  hold: LocalHold,
): AnswerResult {
  return createAnswer(offer, { ...local, direction: localDirection(hold) }, previous);
}
