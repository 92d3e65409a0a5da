/**
 * The jitter buffer's decisions, as pure functions of its state: what to do
 * for the next piece of audio (decode, skip a gap, conceal, comfort noise),
 * and whether to stretch what is about to be played (accelerate, preemptive
 * expand, or neither). Modelled on the operations of WebRTC NetEQ's
 * DecisionLogic (normal, merge, expand, accelerate, preemptive expand, CNG),
 * with our own rules.
 *
 * Terms (all times on the receiver's clock):
 *  - the playout deadline of the next packet is the pull at which the audio
 *    already decoded runs out; expressed as a transit (deadline minus the
 *    packet's media time) it is comparable with the target transit from
 *    target-delay.ts: the packet is in time when its transit is at most that;
 *  - pulls take a fixed number of samples (10 or 20 ms), so the deadline can
 *    only move in whole pulls; decoded audio beyond a whole number of pulls
 *    (the misalignment) adds delay without buying any time for packets.
 *    Removing it is free; crossing a pull boundary buys or costs one pull.
 */

/** What to do for the next piece of audio when the playout point reaches `nextTs`. */
export type FrameAction =
  /** The packet for nextTs is here: decode it (a merge, when concealment came before). */
  | 'decode'
  /** A comfort-noise (SID) packet is next: take its parameters, play noise. */
  | 'comfort-noise-update'
  /** In a DTX pause with no packet due yet: play comfort noise, the timeline runs on. */
  | 'comfort-noise'
  /** A later packet is here and as much audio as the gap spans has been concealed: declare the gap lost and jump to it. */
  | 'skip-gap'
  /**
   * The packet after the missing one is here and the codec has in-band FEC:
   * recover the missing frame from it (what of it has not been concealed yet).
   */
  | 'fec'
  /** Nothing to play: conceal one frame (a stall when no later packet is here). */
  | 'conceal';

export interface FrameStatus {
  /** The earliest buffered packet, relative to the playout point. */
  readonly head?: {
    /** Its timestamp minus nextTs, in RTP timestamp units. */
    readonly leap: number;
    readonly comfortNoise: boolean;
  };
  /** Timestamp units concealed since the playout point last advanced by a decoded packet. */
  readonly concealedSinceAdvance: number;
  /** RTP timestamp units in one frame. */
  readonly frameTs: number;
  readonly inComfortNoise: boolean;
  readonly decoderHasFec: boolean;
}

/**
 * NetEQ waits out a gap by concealing until the concealment spans it
 * ("timestamp_leap > generated_noise_samples" keeps expanding); we do the
 * same, so a lost packet costs exactly its duration of concealment and the
 * delay does not change, while a packet that is merely late — nothing after
 * it has arrived — is waited for (a stall: more delay, no loss).
 */
export function nextFrameAction(s: FrameStatus): FrameAction {
  const head = s.head;
  if (head && head.leap <= 0) return head.comfortNoise ? 'comfort-noise-update' : 'decode';
  if (s.inComfortNoise) return 'comfort-noise';
  if (!head) return 'conceal';
  if (s.concealedSinceAdvance >= head.leap) return 'skip-gap';
  // FEC rebuilds the frame just before the head: once the concealment has
  // reached it (the last frame of a burst, or a single loss), and also the
  // rest of it when its start was already concealed (NetEQ likewise prefers
  // a late FEC copy to more expansion).
  const uncovered = head.leap - s.concealedSinceAdvance;
  if (s.decoderHasFec && !head.comfortNoise && uncovered > 0 && uncovered <= s.frameTs) return 'fec';
  return 'conceal';
}

export type StretchKind = 'none' | 'accelerate' | 'expand';

export interface StretchStatus {
  /** The next packet's deadline as a transit, ms. */
  readonly deadlineTransitMs: number;
  /** The target transit (target-delay.ts), ms. */
  readonly targetTransitMs: number;
  /**
   * The low limit of the band the estimate cannot tell from the target
   * (target-delay.ts), ms; without it, the target itself.
   */
  readonly lowLimitTransitMs?: number;
  /** Decoded samples beyond whole pulls (0 ≤ misalignment < pullSamples). */
  readonly misalignmentSamples: number;
  readonly pullSamples: number;
  readonly sampleRate: number;
  /** Shortest change a stretch can make, samples. */
  readonly minStretchSamples: number;
  /**
   * The highest target of the last moments (the release window), ms: a
   * pull of delay is given back only when the deadline would still meet it.
   */
  readonly releaseTargetMs: number;
  /**
   * The deadline before a stall raised it, while the buffer has not come
   * back down to it (undefined otherwise), ms.
   */
  readonly preStallDeadlineMs?: number;
}

export interface StretchDecision {
  readonly kind: StretchKind;
  /** Largest change wanted, samples (the WSOLA lag is chosen at or below it). */
  readonly maxSamples: number;
  /** Why, for logs and tests. */
  readonly reason: 'in-target' | 'below-target' | 'above-target' | 'after-stall' | 'misaligned';
}

/**
 * - Below the low limit: expand (adds delay, so later packets are in
 *   time). Any lag helps; past the next pull boundary it only adds
 *   misalignment, so the change wanted is what reaches the boundary.
 * - A whole pull above the highest target of the last moments: accelerate
 *   across the boundary below. Comparing with the recent maximum rather than
 *   the target of the moment keeps a target that flickers across a boundary
 *   from making the buffer pump; growing looks at the target of the moment.
 *   In between the buffer stays: the deadline moves in whole pulls, and a
 *   band the estimate cannot resolve (NetEQ likewise expands only below a
 *   low limit under its target) keeps a quantile that wanders by a
 *   millisecond across a pull boundary from costing a pull.
 * - Raised by a stall (the buffer waited for a late packet with nothing
 *   after it, so the delay grew by what was concealed): back down to where
 *   it was, as long as that is still within the band. The stall was the
 *   network's doing, not a decision; without this, each stall would cost
 *   a pull of delay until the target fell clear below, which a target
 *   inside its band need never do.
 * - Otherwise, if enough is misaligned for a splice: accelerate by at most
 *   the misalignment — less delay, same deadline.
 */
export function decideStretch(s: StretchStatus): StretchDecision {
  const pullMs = (s.pullSamples / s.sampleRate) * 1000;
  const k = s.misalignmentSamples;
  const low = Math.min(s.lowLimitTransitMs ?? s.targetTransitMs, s.targetTransitMs);
  if (s.deadlineTransitMs < low) {
    return { kind: 'expand', maxSamples: Math.max(s.minStretchSamples, s.pullSamples - k), reason: 'below-target' };
  }
  const above = Math.floor((s.deadlineTransitMs - Math.max(s.targetTransitMs, s.releaseTargetMs)) / pullMs);
  if (above >= 1) {
    return { kind: 'accelerate', maxSamples: k + above * s.pullSamples, reason: 'above-target' };
  }
  const pre = s.preStallDeadlineMs;
  if (pre !== undefined && s.deadlineTransitMs - pre >= pullMs / 2 && s.deadlineTransitMs - pullMs >= low) {
    const excess = Math.max(1, Math.min(Math.round((s.deadlineTransitMs - pre) / pullMs), Math.floor((s.deadlineTransitMs - low) / pullMs)));
    return { kind: 'accelerate', maxSamples: k + excess * s.pullSamples, reason: 'after-stall' };
  }
  if (k >= s.minStretchSamples) return { kind: 'accelerate', maxSamples: k, reason: 'misaligned' };
  return { kind: 'none', maxSamples: 0, reason: 'in-target' };
}

/**
 * The deadline of the next packet as a transit, and the misalignment, from
 * the decoded audio on hand after this pull's samples are taken: the next
 * packet is needed at the pull where that audio runs out.
 */
export function playoutDeadline(
  nowMs: number,
  decodedSamples: number,
  pullSamples: number,
  sampleRate: number,
  nextMediaMs: number,
): { readonly deadlineTransitMs: number; readonly misalignmentSamples: number } {
  const remaining = Math.max(0, decodedSamples - pullSamples);
  const pullMs = (pullSamples / sampleRate) * 1000;
  const pullsCovered = Math.floor(remaining / pullSamples);
  return {
    deadlineTransitMs: nowMs + (pullsCovered + 1) * pullMs - nextMediaMs,
    misalignmentSamples: remaining - pullsCovered * pullSamples,
  };
}
