/**
 * Maps each RTP packet of a stream onto the jitter buffer's own media
 * timeline: extended sequence numbers and timestamps (no 16/32-bit wrap),
 * continuous across timestamp jumps, with a new timeline for a new source.
 *
 *  - Wrap-around: serial-number arithmetic (RFC 1982 §3.2) relative to the
 *    highest packet seen, as RFC 3550 A.1 extends sequence numbers.
 *  - A new SSRC is a new source (RFC 3550 §8.2: a collision or a restarted
 *    peer, or a transfer): the caller resets and maps it where it wants it.
 *    Packets of a source that was replaced are strays.
 *  - A sequence jump beyond A.1's MAX_DROPOUT is taken as a restart only
 *    when the next packet confirms it (A.1's bad_seq rule), like a new SSRC.
 *  - A timestamp jump: the sequence number moves on normally but the
 *    timestamp does not follow — it goes backwards, or leaps far beyond the
 *    time that actually passed (a DTX pause leaps too, but by about as much
 *    as the arrival clock moved, so it is not a jump). The packet is put
 *    where its sequence number says it belongs, and the timeline carries on
 *    from there: the sender's clock restarted, not the audio.
 */
import { MAX_DROPOUT, MAX_MISORDER, RTP_SEQ_MOD, seqDiff, timestampDiff } from '../rtp/sequence.js';

/** A leap this much beyond the elapsed arrival time cannot be a DTX pause. */
const TIMESTAMP_JUMP_MS = 1000;

export type TimelineVerdict =
  /** First packet of a (new) source: the caller must choose where it goes (`start`). */
  | { readonly kind: 'new-source' }
  | { readonly kind: 'mapped'; readonly extSeq: number; readonly extTs: number; readonly timestampJump: boolean }
  /** A straggler from a replaced source, or an unconfirmed sequence jump. */
  | { readonly kind: 'refused'; readonly reason: 'stray-source' | 'sequence-jump' };

interface Highest {
  seq: number;
  ts: number;
  extSeq: number;
  extTs: number;
  arrivalMs: number;
}

export class StreamTimeline {
  private ssrc: number | undefined;
  private readonly retired = new Set<number>();
  private highest: Highest | undefined;
  private badSeq: number | undefined;
  /** Timestamp units per packet, for placing a packet after a jump. */
  frameTs: number;
  jumps = 0;

  constructor(
    private readonly clockRate: number,
    defaultFrameTs = clockRate / 50,
  ) {
    this.frameTs = defaultFrameTs;
  }

  get currentSsrc(): number | undefined {
    return this.ssrc;
  }

  /** Classifies a packet; 'new-source' must be followed by start(). */
  map(ssrc: number, seq: number, ts: number, arrivalMs: number): TimelineVerdict {
    const h = this.highest;
    if (this.ssrc !== ssrc || !h) {
      if (this.retired.has(ssrc)) return { kind: 'refused', reason: 'stray-source' };
      return { kind: 'new-source' };
    }
    const dSeq = seqDiff(seq, h.seq);
    if (dSeq > 0 && dSeq < MAX_DROPOUT) {
      const dTs = timestampDiff(ts, h.ts);
      const expected = dSeq * this.frameTs;
      const elapsedMs = arrivalMs - h.arrivalMs;
      const beyondMs = ((dTs - expected) / this.clockRate) * 1000 - elapsedMs;
      const jump = dTs < expected / 2 || beyondMs > TIMESTAMP_JUMP_MS;
      const extTs = h.extTs + (jump ? expected : dTs);
      if (jump) this.jumps++;
      this.highest = { seq, ts, extSeq: h.extSeq + dSeq, extTs, arrivalMs };
      this.badSeq = undefined;
      return { kind: 'mapped', extSeq: h.extSeq + dSeq, extTs, timestampJump: jump };
    }
    if (dSeq <= 0 && dSeq > -MAX_MISORDER) {
      // Reordered or duplicated: placed relative to the highest packet.
      return { kind: 'mapped', extSeq: h.extSeq + dSeq, extTs: h.extTs + timestampDiff(ts, h.ts), timestampJump: false };
    }
    // RFC 3550 A.1: "two sequential packets -- assume that the other side restarted".
    if (this.badSeq === seq) {
      this.badSeq = undefined;
      return { kind: 'new-source' };
    }
    this.badSeq = (seq + 1) % RTP_SEQ_MOD;
    return { kind: 'refused', reason: 'sequence-jump' };
  }

  /** Starts a timeline for `ssrc` with this packet at extended timestamp `extTs`. */
  start(ssrc: number, seq: number, ts: number, arrivalMs: number, extTs: number): { readonly extSeq: number; readonly extTs: number } {
    if (this.ssrc !== undefined && this.ssrc !== ssrc) this.retired.add(this.ssrc);
    this.retired.delete(ssrc);
    this.ssrc = ssrc;
    const extSeq = (this.highest?.extSeq ?? 0) + RTP_SEQ_MOD;
    this.highest = { seq, ts, extSeq, extTs, arrivalMs };
    this.badSeq = undefined;
    return { extSeq, extTs };
  }
}
