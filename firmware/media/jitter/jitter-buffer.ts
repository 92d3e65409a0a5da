/**
 * The adaptive jitter buffer of one received audio stream: RTP packets go in
 * as they arrive; the playback clock pulls exactly the samples it needs
 * every 10 or 20 ms ("the playback clock pulls the receive side",
 * DESIGN.md) and gets decoded, concealed, comfort-noise or time-stretched
 * audio back, never a gap.
 *
 * How it decides (policy in target-delay.ts and decision-logic.ts):
 *  - every packet's transit feeds the target-delay estimator, whose high
 *    quantile is the deadline packets should meet (isolated delay peaks
 *    are ridden out, not learnt: delay-peak-detector.ts);
 *  - at each pull the playout point's deadline is compared with that
 *    target: below the band the estimate cannot tell from it, WSOLA
 *    preemptive expand; a pull above it, back down to where a stall found
 *    it, or misaligned, WSOLA accelerate (wsola.ts) — so delay follows the
 *    network with no audible gap; misalignment too short for WSOLA goes
 *    in silence;
 *  - a missing packet is concealed by the decoder (G.711 Appendix I for
 *    G.711 and G.722, the codec's own for Opus, with FEC when it has it);
 *    a gap is skipped once as much has been concealed as it spans; with
 *    nothing after it here, the buffer waits for it (a stall: delay grows
 *    instead of the packet being lost);
 *  - a CN packet (RFC 3389) starts comfort noise until the talk resumes;
 *    the delay is adjusted for free in the noise;
 *  - reordered packets play in order, duplicates and late packets are
 *    dropped and counted, a new SSRC resets the stream, a timestamp jump
 *    is absorbed (stream-timeline.ts), drift is followed by the estimator.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import type { AudioCodecDescriptor, AudioDecoder } from '../codecs/codec.js';
import type { RtpPacket } from '../rtp/rtp-packet.js';
import { DuplicateWindow } from '../rtp/duplicate-window.js';
import { COMFORT_NOISE_STATIC_PAYLOAD_TYPE, ComfortNoiseGenerator, parseComfortNoise } from './comfort-noise.js';
import { decideStretch, nextFrameAction, playoutDeadline, type FrameStatus } from './decision-logic.js';
import type { JitterBufferStats } from './jitter-stats.js';
import { PacketQueue, type QueuedPacket } from './packet-queue.js';
import { StreamTimeline } from './stream-timeline.js';
import { SyncBuffer } from './sync-buffer.js';
import { TargetDelayEstimator, type TargetDelayConfig } from './target-delay.js';
import { accelerate, expand, type StretchResult } from './wsola.js';

/*
 * States and allowed transitions:
 *   waiting       → waiting | playing | comfort-noise   (prefetch until the target is reached)
 *   playing       → playing | concealing | comfort-noise | waiting
 *   concealing    → concealing | playing | comfort-noise | waiting
 *   comfort-noise → comfort-noise | playing | waiting
 * Every state → waiting on a reset (new source, overflow).
 */
export type JitterBufferState = 'waiting' | 'playing' | 'concealing' | 'comfort-noise';

const ALLOWED: Readonly<Record<JitterBufferState, readonly JitterBufferState[]>> = {
  waiting: ['waiting', 'playing', 'comfort-noise'],
  playing: ['playing', 'concealing', 'comfort-noise', 'waiting'],
  concealing: ['concealing', 'playing', 'comfort-noise', 'waiting'],
  'comfort-noise': ['comfort-noise', 'playing', 'waiting'],
};

export type InsertOutcome = 'buffered' | 'late' | 'duplicate' | 'discarded';

/** A packet being heard: its first sample leaves the speaker at playoutMs. */
export interface PlayoutEvent {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly playoutMs: number;
}

export interface JitterBufferOptions {
  readonly clock: Clock;
  readonly codec: AudioCodecDescriptor;
  /** The payload type the stream's audio uses. */
  readonly payloadType: number;
  /** The payload type of RFC 3389 comfort noise (13 unless negotiated otherwise). */
  readonly comfortNoisePayloadType?: number;
  /** The decoder to use (default: a new one from the codec). */
  readonly decoder?: AudioDecoder;
  readonly target?: Partial<TargetDelayConfig>;
  /** Packets held at most; beyond it the buffer flushes and starts again (NetEQ: 200). */
  readonly maxPackets?: number;
  /** A pull of delay is given back only if no target of this window would have been missed, ms (default 2000). */
  readonly releaseWindowMs?: number;
  readonly onPlayout?: (event: PlayoutEvent) => void;
}

interface Counters {
  packetsReceived: number;
  packetsPlayed: number;
  latePackets: number;
  duplicatePackets: number;
  discardedPackets: number;
  lostPackets: number;
  concealedSamples: number;
  samplesRecoveredByFec: number;
  concealmentEvents: number;
  insertedSamples: number;
  removedSamples: number;
  comfortNoiseSamples: number;
  streamResets: number;
}

/** Shortest and longest WSOLA lag: 2.5 ms up to the longest pitch period searched (15 ms). */
const MIN_LAG_MS = 2.5;
const MAX_LAG_MS = 15;
/**
 * After WSOLA refuses (no lag matches: a transient, unvoiced sound), the
 * audio a pull or two later is different; trying every pull in between
 * only burns CPU (NetEQ likewise spaces time-scale operations).
 */
const STRETCH_BACKOFF_PULLS = 2;
/** Memory of the loss share, frames (10 s of 20 ms frames). */
const LOSS_MEMORY_FRAMES = 500;
/** Loss shares at which the FEC margin is taken and given back (fecMarginMs). */
const FEC_MARGIN_ON = 0.02;
const FEC_MARGIN_OFF = 0.01;
/** The peer counts as sending FEC while a packet with it came this recently. */
const FEC_SEEN_WINDOW_MS = 2000;

export class JitterBuffer {
  private readonly clock: Clock;
  private readonly sampleRate: number;
  private readonly clockRate: number;
  /** Audio samples per RTP timestamp unit (2 for G.722). */
  private readonly ratio: number;
  private readonly payloadType: number;
  private readonly cnPayloadType: number;
  private readonly decoder: AudioDecoder;
  private readonly estimator: TargetDelayEstimator;
  private timeline: StreamTimeline;
  private readonly queue = new PacketQueue();
  private readonly sync = new SyncBuffer();
  private readonly seen = new DuplicateWindow(1024);
  private readonly noise = new ComfortNoiseGenerator();
  private readonly maxPackets: number;
  private readonly releaseWindowMs: number;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly onPlayout: ((event: PlayoutEvent) => void) | undefined;
  private readonly hasFec: boolean;

  private stateValue: JitterBufferState = 'waiting';
  /** Next media time to decode, RTP timestamp units on the extended timeline. */
  private nextTs = 0;
  private concealedSinceAdvance = 0;
  private frameSamples: number;
  private started = false;
  private lastDelayMs = 0;
  /** The highest target since heldSince (a running maximum renewed every release window). */
  private heldTarget = -Infinity;
  private heldSince = 0;
  /** The deadline (a transit) computed at the last pull. */
  private lastDeadline: number | undefined;
  /** The deadline before the stall that raised it, until the buffer is back down or chooses to grow. */
  private preStallDeadline: number | undefined;
  /** Pulls to wait before trying to stretch again after a refusal. */
  private stretchBackoff = 0;
  /** When a packet carrying FEC for the frame before it last arrived. */
  private fecSeenAtMs = -Infinity;
  /** Share of recent frames lost in the network (exponential, LOSS_MEMORY_FRAMES). */
  private lossShare = 0;
  private framesNoted = 0;
  /** Whether the target carries a frame of margin for FEC now. */
  private fecMargin = false;
  private readonly counters: Counters = {
    packetsReceived: 0,
    packetsPlayed: 0,
    latePackets: 0,
    duplicatePackets: 0,
    discardedPackets: 0,
    lostPackets: 0,
    concealedSamples: 0,
    samplesRecoveredByFec: 0,
    concealmentEvents: 0,
    insertedSamples: 0,
    removedSamples: 0,
    comfortNoiseSamples: 0,
    streamResets: 0,
  };

  constructor(options: JitterBufferOptions) {
    this.clock = options.clock;
    this.sampleRate = options.codec.sampleRate;
    this.clockRate = options.codec.clockRate;
    this.ratio = this.sampleRate / this.clockRate;
    this.payloadType = options.payloadType;
    this.cnPayloadType = options.comfortNoisePayloadType ?? COMFORT_NOISE_STATIC_PAYLOAD_TYPE;
    this.decoder = options.decoder ?? options.codec.createDecoder();
    this.estimator = new TargetDelayEstimator(options.target);
    this.frameSamples = this.sampleRate / 50;
    this.timeline = new StreamTimeline(this.clockRate, this.frameSamples / this.ratio);
    this.maxPackets = options.maxPackets ?? 200;
    this.releaseWindowMs = options.releaseWindowMs ?? 2000;
    this.minLag = Math.round((this.sampleRate * MIN_LAG_MS) / 1000);
    this.maxLag = Math.round((this.sampleRate * MAX_LAG_MS) / 1000);
    this.onPlayout = options.onPlayout;
    this.hasFec = this.decoder.decodeFec !== undefined;
  }

  get state(): JitterBufferState {
    return this.stateValue;
  }

  get stats(): JitterBufferStats {
    const c = this.counters;
    return {
      packetsReceived: c.packetsReceived,
      packetsPlayed: c.packetsPlayed,
      latePackets: c.latePackets,
      duplicatePackets: c.duplicatePackets,
      discardedPackets: c.discardedPackets,
      lostPackets: c.lostPackets,
      concealedSamples: c.concealedSamples,
      samplesRecoveredByFec: c.samplesRecoveredByFec,
      concealmentEvents: c.concealmentEvents,
      insertedSamples: c.insertedSamples,
      removedSamples: c.removedSamples,
      comfortNoiseSamples: c.comfortNoiseSamples,
      streamResets: c.streamResets,
      currentDelayMs: this.lastDelayMs,
      targetDelayMs: this.estimator.targetDelayMs + this.fecMarginMs(),
      bufferedMs: this.sync.length / (this.sampleRate / 1000) + this.tsToMs(this.queue.span(this.timeline.frameTs)),
      timestampJumps: this.timeline.jumps,
    };
  }

  /** One packet off the network, now (the clock's time is its arrival). */
  insert(packet: RtpPacket): InsertOutcome {
    const now = this.clock.now();
    const c = this.counters;
    c.packetsReceived++;
    const comfortNoise = packet.payloadType === this.cnPayloadType;
    if (packet.payloadType !== this.payloadType && !comfortNoise) return this.discard();

    let verdict = this.timeline.map(packet.ssrc, packet.sequenceNumber, packet.timestamp, now);
    if (verdict.kind === 'refused') return this.discard();
    if (verdict.kind === 'new-source') {
      const extTs = this.started ? this.placeNewSource(now) : packet.timestamp;
      if (this.started) this.resetStream();
      const placed = this.timeline.start(packet.ssrc, packet.sequenceNumber, packet.timestamp, now, extTs);
      verdict = { kind: 'mapped', ...placed, timestampJump: false };
    }
    if (this.seen.has(verdict.extSeq)) {
      c.duplicatePackets++;
      return 'duplicate';
    }
    this.seen.record(verdict.extSeq);
    // Late packets count too: their transit is what the target must learn.
    const late = this.stateValue !== 'waiting' && this.isLate(verdict.extTs);
    this.estimator.observe(now, this.tsToMs(verdict.extTs), late);
    if (late) {
      c.latePackets++;
      return 'late';
    }
    if (!comfortNoise && this.decoder.carriesFec?.(packet.payload)) this.fecSeenAtMs = now;
    const queued: QueuedPacket = {
      extSeq: verdict.extSeq,
      extTs: verdict.extTs,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      payload: packet.payload,
      comfortNoise,
      arrivalMs: now,
    };
    if (!this.queue.insert(queued)) {
      c.duplicatePackets++;
      return 'duplicate';
    }
    if (this.queue.size > this.maxPackets) {
      // Far more than any target: the clock or the sender went wrong. Start again.
      c.discardedPackets += this.queue.clear();
      this.sync.clear();
      this.transition('waiting');
    }
    return 'buffered';
  }

  /**
   * Late: the playout point has passed it, or its whole frame has already
   * been concealed as part of a gap that a later packet closes (the buffer
   * is about to skip to that one). A packet the buffer is stalling for —
   * nothing later is here — is not late: it is played, and the delay grows.
   */
  private isLate(extTs: number): boolean {
    if (extTs < this.nextTs - 0.5) return true;
    const frameTs = this.frameSamples / this.ratio;
    const covered = extTs + frameTs <= this.nextTs + this.concealedSinceAdvance + 0.5;
    return covered && (this.queue.peek()?.extTs ?? -Infinity) > extTs;
  }

  /**
   * In-band FEC (Opus LBRR) rebuilds a lost frame from the packet after it,
   * which comes a frame later: a buffer that plays each packet as soon as
   * it can never has that packet in time, and conceals instead. So while
   * the peer is sending FEC and frames are being lost, the target is a
   * frame higher (20 ms of delay bought back from concealment: NetEQ gets
   * the same from a buffer level that never goes below a packet). On above
   * FEC_MARGIN_ON of frames lost, off below FEC_MARGIN_OFF, so a single
   * loss does not move the delay. Decided once a pull (updateFecMargin,
   * after the pull's frames were accounted), read everywhere else.
   */
  private fecMarginMs(): number {
    return this.fecMargin ? (this.frameSamples / this.sampleRate) * 1000 : 0;
  }

  private updateFecMargin(now: number): void {
    const sending = this.hasFec && now - this.fecSeenAtMs <= FEC_SEEN_WINDOW_MS;
    this.fecMargin = sending && this.lossShare >= (this.fecMargin ? FEC_MARGIN_OFF : FEC_MARGIN_ON);
  }

  /**
   * One frame due: played (false) or lost in the network (true); the
   * running loss share follows, with equal weights until its memory has
   * filled, so that the first seconds of a lossy call already count.
   */
  private noteFrame(lost: boolean): void {
    this.framesNoted++;
    this.lossShare += ((lost ? 1 : 0) - this.lossShare) / Math.min(this.framesNoted, LOSS_MEMORY_FRAMES);
  }

  /** Exactly `sampleCount` samples for the playback clock. */
  pull(sampleCount: number): Int16Array {
    if (!Number.isInteger(sampleCount) || sampleCount <= 0) throw new RangeError(`cannot pull ${sampleCount} samples`);
    const now = this.clock.now();
    if (this.stateValue === 'waiting' && !this.tryStart(now)) {
      const silence = new Int16Array(sampleCount);
      // After a reset the listener hears a gap the buffer made: concealment.
      if (this.started) this.counters.concealedSamples += sampleCount;
      return silence;
    }
    this.fill(sampleCount);
    this.stretch(now, sampleCount);
    const { samples, played } = this.sync.take(sampleCount);
    const msPerSample = 1000 / this.sampleRate;
    for (const p of played) {
      this.counters.packetsPlayed++;
      this.onPlayout?.({ sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, playoutMs: now + p.offsetSamples * msPerSample });
    }
    return samples;
  }

  /** Forgets the stream and what was learnt about the path, as for a new call; the counters run on. */
  reset(): void {
    this.queue.clear();
    this.sync.clear();
    this.seen.clear();
    this.decoder.reset();
    this.estimator.reset();
    this.timeline = new StreamTimeline(this.clockRate, this.frameSamples / this.ratio);
    this.started = false;
    this.concealedSinceAdvance = 0;
    this.heldTarget = -Infinity;
    this.preStallDeadline = undefined;
    this.stretchBackoff = 0;
    this.fecSeenAtMs = -Infinity;
    this.lossShare = 0;
    this.framesNoted = 0;
    this.fecMargin = false;
    this.transition('waiting');
  }

  private transition(to: JitterBufferState): void {
    if (!ALLOWED[this.stateValue].includes(to)) throw new Error(`jitter buffer: ${this.stateValue} → ${to} is not allowed`);
    this.stateValue = to;
  }

  private discard(): InsertOutcome {
    this.counters.discardedPackets++;
    return 'discarded';
  }

  private tsToMs(ts: number): number {
    return (ts / this.clockRate) * 1000;
  }

  /**
   * A new source keeps what was learnt about the path: its first packet is
   * put where a typical packet of the old source would have landed, so the
   * estimator's histogram stays valid.
   */
  private placeNewSource(now: number): number {
    const median = this.estimator.medianTransitMs ?? 0;
    return Math.round(((now - median) * this.clockRate) / 1000);
  }

  private resetStream(): void {
    this.counters.streamResets++;
    this.counters.discardedPackets += this.queue.clear();
    this.sync.clear();
    this.decoder.reset();
    this.concealedSinceAdvance = 0;
    this.transition('waiting');
  }

  /** Prefetch: start once the first packet's deadline reaches the target. */
  private tryStart(now: number): boolean {
    const head = this.queue.peek();
    if (!head) return false;
    const target = (this.estimator.targetTransitMs ?? -Infinity) + this.fecMarginMs();
    if (now - this.tsToMs(head.extTs) < target) return false;
    this.nextTs = head.extTs;
    this.concealedSinceAdvance = 0;
    this.started = true;
    this.transition('playing');
    return true;
  }

  /** Decodes, conceals or makes noise until `sampleCount` samples are on hand. */
  private fill(sampleCount: number): void {
    const c = this.counters;
    for (let guard = 0; this.sync.length < sampleCount; guard++) {
      if (guard > 10_000) throw new Error('jitter buffer: no progress filling the sync buffer');
      const head = this.queue.peek();
      const frameTs = this.frameSamples / this.ratio;
      const status: FrameStatus = {
        concealedSinceAdvance: this.concealedSinceAdvance,
        frameTs,
        inComfortNoise: this.stateValue === 'comfort-noise',
        decoderHasFec: this.hasFec,
      };
      const action = nextFrameAction(head ? { ...status, head: { leap: head.extTs - this.nextTs, comfortNoise: head.comfortNoise } } : status);
      switch (action) {
        case 'decode':
          this.decodeHead();
          break;
        case 'comfort-noise-update': {
          this.queue.shift();
          const params = head ? parseComfortNoise(head.payload) : undefined;
          if (params) this.noise.update(params);
          this.concealedSinceAdvance = 0;
          this.transition('comfort-noise');
          break;
        }
        case 'comfort-noise': {
          const room = head ? (head.extTs - this.nextTs) * this.ratio : Infinity;
          const count = Math.max(1, Math.min(sampleCount - this.sync.length, Math.ceil(room)));
          this.sync.append(this.noise.generate(count), undefined, true);
          this.nextTs += count / this.ratio;
          c.comfortNoiseSamples += count;
          break;
        }
        case 'skip-gap':
          if (head) {
            const lost = Math.max(1, Math.round((head.extTs - this.nextTs) / frameTs));
            c.lostPackets += lost;
            for (let i = 0; i < lost; i++) this.noteFrame(true);
            this.nextTs = head.extTs;
            this.concealedSinceAdvance = 0;
          }
          break;
        case 'fec':
          if (head) this.recoverWithFec(head.payload, head.extTs);
          break;
        case 'conceal': {
          // Nothing here to play: a stall, which raises the delay by what is concealed.
          if (!head) this.preStallDeadline ??= this.lastDeadline;
          const pcm = this.decoder.conceal(this.concealAmount(sampleCount, head ? head.extTs - this.nextTs : undefined));
          this.sync.append(pcm);
          this.concealedSinceAdvance += pcm.length / this.ratio;
          c.concealedSamples += pcm.length;
          if (this.stateValue !== 'concealing') c.concealmentEvents++;
          this.transition('concealing');
          break;
        }
      }
    }
  }

  /**
   * The missing frame just before `nextTs` from the in-band FEC of the
   * packet there (RFC 6716 §2.1.7), minus what of its start was already
   * concealed: the decoder's
   * state then runs on from the end of the lost frame, as the next decode
   * wants. A decoder whose next packet carries no FEC conceals instead
   * (counted as concealment).
   */
  private recoverWithFec(nextPayload: Uint8Array, nextTs: number): void {
    const decoder = this.decoder;
    const recoveredBefore = decoder.stats.samplesRecoveredByFec;
    const pcm = decoder.decodeFec ? decoder.decodeFec(nextPayload, this.frameSamples) : decoder.conceal(this.frameSamples);
    const recovered = decoder.stats.samplesRecoveredByFec > recoveredBefore;
    const uncovered = (nextTs - this.nextTs - this.concealedSinceAdvance) * this.ratio;
    const rest = pcm.subarray(Math.max(0, Math.min(pcm.length, Math.round(pcm.length - uncovered))));
    this.sync.append(rest);
    this.concealedSinceAdvance += rest.length / this.ratio;
    const c = this.counters;
    if (recovered) {
      c.samplesRecoveredByFec += rest.length;
    } else {
      c.concealedSamples += rest.length;
      if (this.stateValue !== 'concealing') c.concealmentEvents++;
    }
    this.transition('concealing');
  }

  /**
   * How much to conceal at once, at most a frame, in steps of 2.5 ms (the
   * finest every codec's concealment takes). A gap before a packet that is
   * here is concealed up to that packet (lost frames). A stall — nothing
   * here to play — conceals only what this pull still lacks: if the packet
   * comes a moment later, the delay has grown by that much, not by a frame.
   */
  private concealAmount(sampleCount: number, gapTs: number | undefined): number {
    const granule = this.sampleRate / 400;
    const wanted = gapTs !== undefined ? (gapTs - this.concealedSinceAdvance) * this.ratio : sampleCount - this.sync.length;
    return Math.max(granule, Math.min(this.frameSamples, Math.ceil(wanted / granule) * granule));
  }

  private decodeHead(): void {
    const head = this.queue.shift();
    if (!head) return;
    // Left behind by a fractional comfort-noise step: already passed.
    if (head.extTs + this.frameSamples / this.ratio / 2 < this.nextTs) {
      this.counters.discardedPackets++;
      return;
    }
    let pcm: Int16Array;
    try {
      pcm = this.decoder.decode(head.payload);
    } catch {
      // A payload the decoder refuses is as good as lost: the gap is concealed like any other.
      this.counters.discardedPackets++;
      return;
    }
    if (pcm.length > 0) {
      this.frameSamples = pcm.length;
      this.timeline.frameTs = pcm.length / this.ratio;
    }
    this.sync.append(pcm, { sequenceNumber: head.sequenceNumber, timestamp: head.timestamp });
    this.noteFrame(false);
    this.nextTs = head.extTs + pcm.length / this.ratio;
    this.concealedSinceAdvance = 0;
    this.transition('playing');
  }

  /** Decodes packets that are already here (never conceals) until `samples` are on hand. */
  private decodeAhead(samples: number): void {
    while (this.sync.length < samples) {
      const head = this.queue.peek();
      if (!head || head.comfortNoise || Math.abs(head.extTs - this.nextTs) >= 0.5) return;
      this.decodeHead();
    }
  }

  /** Compares the playout deadline with the target and stretches what is about to play. */
  private stretch(now: number, pullSamples: number): void {
    this.updateFecMargin(now);
    const margin = this.fecMarginMs();
    const estimated = this.estimator.targetTransitMs;
    const target = estimated === undefined ? undefined : estimated + margin;
    const floor = this.estimator.floorTransitMs ?? 0;
    const at = playoutDeadline(now, this.sync.length, pullSamples, this.sampleRate, this.tsToMs(this.nextTs));
    this.lastDelayMs = at.deadlineTransitMs + (at.misalignmentSamples / this.sampleRate) * 1000 - floor;
    this.lastDeadline = at.deadlineTransitMs;
    if (target === undefined || this.stateValue === 'concealing') return;
    const pullMs = (pullSamples / this.sampleRate) * 1000;
    if (this.preStallDeadline !== undefined && at.deadlineTransitMs - this.preStallDeadline < pullMs / 2) this.preStallDeadline = undefined;
    if (this.estimator.warmingUp) {
      // The start guard is no measurement: nothing to hold once real readings come.
      this.heldTarget = -Infinity;
    } else if (target >= this.heldTarget || now - this.heldSince > this.releaseWindowMs) {
      this.heldTarget = target;
      this.heldSince = now;
    }
    const decision = decideStretch({
      deadlineTransitMs: at.deadlineTransitMs,
      misalignmentSamples: at.misalignmentSamples,
      targetTransitMs: target,
      lowLimitTransitMs: (this.estimator.lowLimitTransitMs ?? estimated ?? 0) + margin,
      pullSamples,
      sampleRate: this.sampleRate,
      minStretchSamples: this.minLag,
      releaseTargetMs: this.heldTarget,
      ...(this.preStallDeadline === undefined ? {} : { preStallDeadlineMs: this.preStallDeadline }),
    });
    // Growing is a choice of level: there is no going back to before the stall.
    if (decision.kind === 'expand') this.preStallDeadline = undefined;
    if (decision.kind === 'none') {
      if (at.misalignmentSamples > 0 && this.stateValue === 'playing') this.trimInSilence(at.misalignmentSamples, pullSamples);
      return;
    }
    if (this.stretchBackoff > 0) {
      this.stretchBackoff--;
      return;
    }
    if (this.stateValue === 'comfort-noise') {
      this.stretchNoise(decision.kind, decision.maxSamples, pullSamples);
      return;
    }
    const want = Math.min(this.maxLag, decision.maxSamples);
    if (want < this.minLag) return;
    const c = this.counters;
    if (decision.kind === 'accelerate') {
      this.decodeAhead(Math.max(pullSamples + want, 2 * want));
      const hi = Math.min(want, this.sync.length - pullSamples, Math.floor(this.sync.length / 2));
      if (hi < this.minLag) return;
      const r = accelerate(this.sync.view(), { minLag: this.minLag, maxLag: hi });
      if (r) {
        this.applySplice(r, -r.changed);
        c.removedSamples += r.changed;
      } else {
        this.stretchBackoff = STRETCH_BACKOFF_PULLS;
      }
      return;
    }
    this.decodeAhead(2 * this.maxLag);
    const hi = Math.min(this.maxLag, Math.floor(this.sync.length / 2));
    if (hi < this.minLag) return;
    // Reaching the pull boundary exactly is best; any lag is better than none.
    const r =
      expand(this.sync.view(), { minLag: this.minLag, maxLag: Math.max(this.minLag, Math.min(want, hi)) }) ??
      expand(this.sync.view(), { minLag: this.minLag, maxLag: hi });
    if (r) {
      this.applySplice(r, r.changed);
      c.insertedSamples += r.changed;
    } else {
      this.stretchBackoff = STRETCH_BACKOFF_PULLS;
    }
  }

  /**
   * Misalignment shorter than the shortest WSOLA lag cannot be spliced out
   * of speech without a click, so it would stay for good, adding up to
   * MIN_LAG_MS of delay that buys no time; in silence any few samples can
   * go (NetEQ's low-energy case).
   */
  private trimInSilence(samples: number, pullSamples: number): void {
    this.decodeAhead(pullSamples + 2 * samples);
    if (this.sync.length < pullSamples + 2 * samples) return;
    const r = accelerate(this.sync.view(), { minLag: samples, maxLag: samples, onlyInSilence: true });
    if (!r) return;
    this.applySplice(r, -r.changed);
    this.counters.removedSamples += r.changed;
  }

  private applySplice(r: StretchResult, delta: number): void {
    this.sync.splice(r.output, this.sync.length, r.changed, delta);
  }

  /** In a DTX pause the delay moves for free: more noise, or less. */
  private stretchNoise(kind: 'accelerate' | 'expand', maxSamples: number, pullSamples: number): void {
    const c = this.counters;
    if (kind === 'accelerate') {
      c.removedSamples += this.sync.dropNoiseTail(Math.min(maxSamples, this.sync.length - pullSamples));
      return;
    }
    this.sync.append(this.noise.generate(maxSamples), undefined, true);
    c.insertedSamples += maxSamples;
    c.comfortNoiseSamples += maxSamples;
  }
}
