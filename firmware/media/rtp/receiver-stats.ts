/**
 * Reception statistics for one synchronization source, as a receiver reports
 * them in an RR/SR report block (RFC 3550 §6.4.1):
 * - loss, cumulative and over the last interval (Appendix A.3);
 * - interarrival jitter (§6.4.1, Appendix A.8);
 * - the extended highest sequence number (Appendix A.1);
 * - LSR and DLSR, from the last SR heard from this source.
 *
 * Arrival times are monotonic milliseconds from the injected Clock (the
 * caller passes clock.now() at the socket); only differences are used.
 */
import type { ReportBlock } from './rtcp-packet.js';
import type { NtpTimestamp } from './ntp.js';
import { ntpMiddle32, ntpShortFromDurationMs } from './ntp.js';
import type { SequenceVerdict } from './sequence.js';
import { isValidVerdict, MIN_SEQUENTIAL, RTP_TIMESTAMP_MOD, SequenceTracker } from './sequence.js';

/** §6.4.1: cumulative lost is a 24-bit signed field. */
export const MAX_CUMULATIVE_LOST = 0x7fffff;
export const MIN_CUMULATIVE_LOST = -0x800000;

/** A.3: "clamp at 0x7fffff for positive loss or 0x800000 for negative loss". */
export function clampCumulativeLost(lost: number): number {
  return Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, lost));
}

/**
 * A.3: the fraction of packets lost in an interval, an 8-bit fixed-point
 * number (lost/expected × 256, truncated); 0 when nothing was expected or
 * duplicates outnumber losses ("lost_interval <= 0").
 */
export function fractionLost(expectedInterval: number, receivedInterval: number): number {
  const lostInterval = expectedInterval - receivedInterval;
  if (expectedInterval <= 0 || lostInterval <= 0) return 0;
  return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
}

/**
 * A.8 / §6.4.1: J(i) = J(i−1) + (|D(i−1,i)| − J(i−1))/16. The gain 1/16
 * "gives a good noise reduction ratio while maintaining a reasonable rate of
 * convergence".
 */
export function nextJitter(jitter: number, transitDifference: number): number {
  return jitter + (Math.abs(transitDifference) - jitter) / 16;
}

/** The signed difference of two transit times, taking RTP timestamp wrap into account. */
function transitDifference(transit: number, previous: number): number {
  const d = (((transit - previous) % RTP_TIMESTAMP_MOD) + RTP_TIMESTAMP_MOD) % RTP_TIMESTAMP_MOD;
  return d >= RTP_TIMESTAMP_MOD / 2 ? d - RTP_TIMESTAMP_MOD : d;
}

export interface ReceiverStatsOptions {
  /** The payload format's RTP clock rate (Hz): 8000 for PCMU, PCMA and G.722. */
  readonly clockRate: number;
  /** A.1 MIN_SEQUENTIAL; 2 unless a test wants otherwise. */
  readonly minSequential?: number;
}

export class ReceiverStats {
  private readonly sequence: SequenceTracker;
  private readonly clockRate: number;
  /** A.3 expected_prior and received_prior, valid for one SequenceTracker epoch. */
  private expectedPrior = 0;
  private receivedPrior = 0;
  private priorEpoch: number;
  /** A.8 s->transit: the previous packet's relative transit time, in RTP units. */
  private transit: number | undefined;
  private jitterValue = 0;
  private lastSr: { readonly middle32: number; readonly arrivalMs: number } | undefined;

  constructor(
    readonly ssrc: number,
    firstSeq: number,
    options: ReceiverStatsOptions,
  ) {
    this.clockRate = options.clockRate;
    this.sequence = new SequenceTracker(firstSeq, options.minSequential ?? MIN_SEQUENTIAL);
    this.priorEpoch = this.sequence.epoch;
  }

  /**
   * Accounts one RTP packet from this source that arrived at `arrivalMs`.
   * The verdict says whether the packet is valid (see SequenceVerdict).
   */
  onPacket(sequenceNumber: number, timestamp: number, arrivalMs: number): SequenceVerdict {
    const verdict = this.sequence.update(sequenceNumber);
    if (!isValidVerdict(verdict)) return verdict;
    // A restarted sender starts its timestamps again too: one transit step
    // across the restart would be a meaningless jump in jitter.
    if (verdict === 'restart') this.transit = undefined;
    // A.8: "arrival" is the arrival time in the same units as the RTP
    // timestamp; the constant offset between the clocks cancels in D.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.transit !== undefined) {
      this.jitterValue = nextJitter(this.jitterValue, transitDifference(transit, this.transit));
    }
    this.transit = transit;
    return verdict;
  }

  /** Records an SR from this source for LSR/DLSR (§6.4.1). */
  onSenderReport(ntp: NtpTimestamp, arrivalMs: number): void {
    this.lastSr = { middle32: ntpMiddle32(ntp), arrivalMs };
  }

  /** True once the source has passed A.1 probation. */
  get valid(): boolean {
    return this.sequence.valid;
  }

  /** Valid packets counted (A.1 received; duplicates and late ones included). */
  get received(): number {
    return this.sequence.received;
  }

  /** §6.4.1 extended highest sequence number received, as carried (mod 2^32). */
  get extendedHighestSeq(): number {
    return this.sequence.extendedMax % RTP_TIMESTAMP_MOD;
  }

  /** The extended sequence number `seq` stands for, relative to the highest seen. */
  extend(seq: number): number {
    return this.sequence.extend(seq);
  }

  /** A.3: expected = extended_max − base_seq + 1. */
  get expected(): number {
    if (!this.sequence.valid) return 0;
    return this.sequence.extendedMax - this.sequence.baseSeq + 1;
  }

  /** A.3 cumulative number of packets lost (negative when duplicates outnumber losses), clamped to 24 bits. */
  get cumulativeLost(): number {
    return clampCumulativeLost(this.expected - this.sequence.received);
  }

  /** Interarrival jitter in RTP timestamp units, as a report block carries it (truncated). */
  get jitter(): number {
    return Math.min(RTP_TIMESTAMP_MOD - 1, Math.floor(this.jitterValue));
  }

  /** The unrounded jitter estimate, for statistics displays and tests. */
  get jitterExact(): number {
    return this.jitterValue;
  }

  /**
   * The report block for this source at `nowMs`. This closes the reporting
   * interval: fraction lost covers the packets since the previous call (A.3
   * "expected_prior = expected; received_prior = received").
   */
  makeReportBlock(nowMs: number): ReportBlock {
    if (this.priorEpoch !== this.sequence.epoch) {
      // init_seq() ran (first valid packet or a sender restart): A.1 zeroes
      // expected_prior and received_prior with it.
      this.priorEpoch = this.sequence.epoch;
      this.expectedPrior = 0;
      this.receivedPrior = 0;
    }
    const expected = this.expected;
    const received = this.sequence.received;
    const fraction = fractionLost(expected - this.expectedPrior, received - this.receivedPrior);
    this.expectedPrior = expected;
    this.receivedPrior = received;
    // §6.4.1: LSR and DLSR are 0 "if no SR has been received yet".
    const sr = this.lastSr;
    return {
      ssrc: this.ssrc,
      fractionLost: fraction,
      cumulativeLost: this.cumulativeLost,
      extendedHighestSeq: this.extendedHighestSeq,
      jitter: this.jitter,
      lastSr: sr ? sr.middle32 : 0,
      delaySinceLastSr: sr ? ntpShortFromDurationMs(nowMs - sr.arrivalMs) : 0,
    };
  }
}
