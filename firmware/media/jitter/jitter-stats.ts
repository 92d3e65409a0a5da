/**
 * What the jitter buffer reports, after WebRTC NetEQ's getStats and the
 * W3C RTCInboundRtpStreamStats fields built on it (concealedSamples,
 * insertedSamplesForDeceleration, removedSamplesForAcceleration,
 * jitterBufferTargetDelay …), in milliseconds and samples of the codec's
 * audio rate.
 */
export interface JitterBufferStats {
  /** Packets handed to insert(). */
  readonly packetsReceived: number;
  /** Packets decoded and played. */
  readonly packetsPlayed: number;
  /** Packets that arrived after the playout point had passed them (dropped). */
  readonly latePackets: number;
  /** Second copies of a packet already received (dropped). */
  readonly duplicatePackets: number;
  /**
   * Packets dropped for any other reason: a payload type not ours, a
   * straggler of a replaced source, an unconfirmed sequence jump, flushed
   * by a reset or an overflow.
   */
  readonly discardedPackets: number;
  /** Packets never received by the time their audio was due (the gaps skipped). */
  readonly lostPackets: number;
  /** Samples made up by concealment (losses and stalls alike). */
  readonly concealedSamples: number;
  /** Samples of lost frames recovered from the in-band FEC of the packet after them (Opus LBRR). */
  readonly samplesRecoveredByFec: number;
  /** Runs of concealment begun. */
  readonly concealmentEvents: number;
  /** Samples added to slow playout down (preemptive expand, comfort noise lengthened). */
  readonly insertedSamples: number;
  /** Samples taken out to speed playout up (accelerate, comfort noise shortened). */
  readonly removedSamples: number;
  /** Samples of comfort noise played during DTX pauses. */
  readonly comfortNoiseSamples: number;
  /** Playout delay now: how much later than the fastest recent packet the next packet will be heard, ms. */
  readonly currentDelayMs: number;
  /** What the buffer aims for, on the same scale, ms. */
  readonly targetDelayMs: number;
  /** Audio held: decoded but not played, plus packets waiting, ms. */
  readonly bufferedMs: number;
  /** Times a new source (SSRC change, sequence restart) reset the stream. */
  readonly streamResets: number;
  /** Timestamp jumps absorbed without a reset. */
  readonly timestampJumps: number;
}
