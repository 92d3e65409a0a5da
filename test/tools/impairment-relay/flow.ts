/**
 * One flow through one direction of the relay: its impairment, the logs the
 * tests and the pacing analysis read, and what it takes to notice that a
 * packet left after one that arrived later (reordering).
 */
import { seqDiff } from '../../../firmware/media/rtp/sequence.js';
import type { Decision, Impairment } from './decision.js';
import { pacingStats, type PacingStats } from './pacing.js';

export interface DecisionLogEntry {
  readonly flow: string;
  /** The packet's position in its flow, from 0, in arrival order. */
  readonly index: number;
  readonly seq: number | null;
  readonly drop: boolean;
  readonly delayMs: number;
}

export interface ArrivalLogEntry {
  readonly seq: number | null;
  /** process.hrtime.bigint() when the packet was read from the socket. */
  readonly arrivalNs: bigint;
}

export class Flow {
  private nextIndex = 0;
  private highestDeparted = -1;
  readonly arrivals: ArrivalLogEntry[] = [];

  constructor(
    readonly key: string,
    private readonly impairment: Impairment,
    /** Per-flow logs stop growing after this many packets (a long soak would otherwise fill memory). */
    private readonly logLimit: number,
  ) {}

  get packets(): number {
    return this.nextIndex;
  }

  get logTruncated(): boolean {
    return this.nextIndex > this.logLimit;
  }

  /** Records an arriving packet and returns its index and fate. */
  arrive(seq: number | null, arrivalNs: bigint): { readonly index: number; readonly decision: Decision } {
    const index = this.nextIndex++;
    if (index < this.logLimit) this.arrivals.push({ seq, arrivalNs });
    return { index, decision: this.impairment.next() };
  }

  /** Records a departure; true if a packet that arrived later has already left. */
  depart(index: number): boolean {
    if (index < this.highestDeparted) return true;
    this.highestDeparted = index;
    return false;
  }

  /** Pacing of the packets' arrivals, on a grid indexed by RTP seq when the flow is RTP. */
  pacing(periodMs: number): PacingStats {
    const times = this.arrivals.map((a) => a.arrivalNs);
    const first = this.arrivals[0]?.seq;
    if (first === null || first === undefined) return pacingStats(times, periodMs);
    let previous = first;
    let extended = 0;
    const grid = this.arrivals.map((a) => {
      if (a.seq === null) return extended;
      extended += seqDiff(a.seq, previous); // unwraps at 65535 → 0
      previous = a.seq;
      return extended;
    });
    return pacingStats(times, periodMs, grid);
  }
}
