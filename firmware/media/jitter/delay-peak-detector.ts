/**
 * Delay peaks: the link stalls, nothing arrives, then everything sent
 * meanwhile arrives at once. WebRTC NetEQ's DelayPeakDetector (2012) sees
 * them as inter-arrival times beyond the target plus 78 ms (kPeakHeightMs)
 * and lets them raise the target only once they repeat: at least two more
 * peaks, each within 10 s of the one before (kMinPeaksToTrigger,
 * kMaxPeakPeriodMs), until twice the longest of those spacings passes
 * without one. A single peak is ridden out by waiting for its packets.
 *
 * The same rule on transits: a packet is part of a peak when it arrives
 * in order (nothing sent after it is here yet: the stream had gone silent,
 * and the buffer stalls for it rather than losing it) and its transit is
 * more than heightMs above the target. The packets of one burst are one
 * peak. While peaks are isolated, their packets are kept out of the
 * target's histograms: otherwise the dozen packets of one 300 ms stall
 * are more than 1 % of a 1000-packet memory and lift a 99 % target far
 * above the jitter for the tens of seconds they take to fade — delay paid
 * on every packet to avoid a stall that does not come back. Once peaks
 * repeat, they are part of the path: their packets are learnt like any.
 *
 * A late packet that later packets overtook is not a peak: the buffer
 * skips it (a late loss), and the target must count it. Nor is a rise
 * that lasts: packets of a burst arrive together, so peak packets still
 * arriving persistMs after the first are a route that got longer, learnt
 * at once (with the packets held so far).
 */

/** One packet's delay, as the target-delay estimator sees it. */
export interface DelaySample {
  readonly arrivalMs: number;
  /** Arrival minus media time, ms. */
  readonly transitMs: number;
  /** Transit above the floor (the fastest recent transit) when it arrived, ms. */
  readonly aboveFloorMs: number;
}

export interface DelayPeakConfig {
  /** Margin above the target beyond which an in-order packet is part of a peak (NetEQ: 78 ms). */
  readonly heightMs: number;
  /** A peak within this long of the previous one counts as a repeat (NetEQ: 10 s). */
  readonly maxPeriodMs: number;
  /** Repeats needed before peaks are learnt (NetEQ: 2, i.e. three peaks). */
  readonly minRepeats: number;
  /** Peak packets still arriving this long after the first are a new level, not a burst. */
  readonly persistMs: number;
}

export const DEFAULT_DELAY_PEAK_CONFIG: DelayPeakConfig = {
  heightMs: 78,
  maxPeriodMs: 10_000,
  minRepeats: 2,
  persistMs: 50,
};

/** Beyond this many held packets a burst is treated as a level change (bounds memory). */
const MAX_HELD = 256;

/**
 * NetEQ's peak-mode rule as a pure function: peaks are learnt when enough
 * repeats are on record and the last peak is no older than twice the
 * longest recorded spacing.
 */
export function peaksRepeat(repeats: readonly number[], sinceLastPeakMs: number, minRepeats: number): boolean {
  if (repeats.length < minRepeats) return false;
  return sinceLastPeakMs <= 2 * Math.max(...repeats);
}

export class DelayPeakDetector {
  readonly config: DelayPeakConfig;
  /** Packets of the burst in progress, not yet learnt. */
  private held: DelaySample[] = [];
  /** Arrival of the first packet of the run of peak packets in progress. */
  private runStartMs: number | undefined;
  /** The run in progress turned out to be a new level: pass its packets through until it ends. */
  private levelChange = false;
  private lastPeakMs: number | undefined;
  /** Spacings of the recent peaks that followed another within maxPeriodMs. */
  private repeats: number[] = [];
  /** Highest media time seen: a packet beyond it arrives in order. */
  private newestMediaMs = -Infinity;
  private peaksCounted = 0;

  constructor(config: Partial<DelayPeakConfig> = {}) {
    this.config = { ...DEFAULT_DELAY_PEAK_CONFIG, ...config };
  }

  /** Peaks seen (bursts ridden out or learnt). */
  get peaks(): number {
    return this.peaksCounted;
  }

  /** Whether peaks repeat now, so that their packets are learnt. */
  learningPeaks(nowMs: number): boolean {
    if (this.lastPeakMs === undefined) return false;
    return peaksRepeat(this.repeats, nowMs - this.lastPeakMs, this.config.minRepeats);
  }

  /**
   * One packet arrived carrying media time `mediaMs`; `targetAboveFloorMs`
   * is the target before it (undefined while there is none). Returns the
   * samples to learn now, in arrival order: this one, or none while a
   * burst is held, or the held ones too when the run proves to be a level
   * change or a repeated peak.
   */
  offer(sample: DelaySample, mediaMs: number, targetAboveFloorMs: number | undefined): readonly DelaySample[] {
    const inOrder = mediaMs > this.newestMediaMs;
    this.newestMediaMs = Math.max(this.newestMediaMs, mediaMs);
    const peak = inOrder && targetAboveFloorMs !== undefined && sample.aboveFloorMs > targetAboveFloorMs + this.config.heightMs;
    if (!peak) {
      if (this.runStartMs === undefined) return [sample];
      return [...this.endRun(sample.arrivalMs), sample];
    }
    this.runStartMs ??= sample.arrivalMs;
    if (this.levelChange || this.learningPeaks(sample.arrivalMs)) {
      const out = [...this.held, sample];
      this.held = [];
      return out;
    }
    this.held.push(sample);
    if (sample.arrivalMs - this.runStartMs > this.config.persistMs || this.held.length > MAX_HELD) {
      this.levelChange = true;
      const out = this.held;
      this.held = [];
      return out;
    }
    return [];
  }

  /** The media timeline was re-based: what is held no longer fits it. */
  shift(deltaMs: number): void {
    this.newestMediaMs += deltaMs;
    this.held = [];
    this.runStartMs = undefined;
    this.levelChange = false;
  }

  reset(): void {
    this.held = [];
    this.runStartMs = undefined;
    this.levelChange = false;
    this.lastPeakMs = undefined;
    this.repeats = [];
    this.newestMediaMs = -Infinity;
  }

  /** A run ends with a packet back near the target: a peak (unless it was a new level); what of it is learnt. */
  private endRun(nowMs: number): readonly DelaySample[] {
    const held = this.held;
    const start = this.runStartMs ?? nowMs;
    const level = this.levelChange;
    this.held = [];
    this.runStartMs = undefined;
    this.levelChange = false;
    if (level) return [];
    this.countPeak(start);
    // A peak that has just become a repeat is part of the path after all.
    return this.learningPeaks(nowMs) ? held : [];
  }

  /** NetEQ's bookkeeping of peak spacings (DelayPeakDetector::Update). */
  private countPeak(atMs: number): void {
    this.peaksCounted++;
    const last = this.lastPeakMs;
    this.lastPeakMs = atMs;
    if (last === undefined) return;
    const period = atMs - last;
    if (period <= this.config.maxPeriodMs) {
      this.repeats.push(period);
      // NetEQ keeps the last eight peaks.
      if (this.repeats.length > 8) this.repeats.shift();
    } else if (period > 2 * this.config.maxPeriodMs) {
      // The network has changed since: start counting again.
      this.repeats = [];
    }
  }
}
