/**
 * When to send the next RTCP report (RFC 3550 §6.3), on the injected Clock.
 *
 * Implemented: §6.3.2 initialization (tp = now, members = pmembers = 1,
 * senders = 0, initial = true, the first report after an initial interval
 * with the 2.5 s minimum); §6.3.6 expiry with forward timer reconsideration
 * as A.7's OnExpire() does it (recompute T from the current state; send only
 * if tp + T is not in the future, else wait until then); §6.3.3/§6.3.5
 * avg_rtcp_size tracking of sent and received compound packets; §6.3.4
 * reverse reconsideration when the member count falls.
 * Not implemented (a phone's session has two members): BYE reconsideration
 * for sessions over 50 members (§6.3.7) and member/sender timeouts (§6.3.5),
 * which belong to whoever keeps the member table and calls setMembership().
 *
 * States (allowed transitions):
 *   idle → running (start)
 *   idle → disposed, running → disposed (dispose)
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { UnitRandom } from './rtcp-interval.js';
import { rtcpInterval } from './rtcp-interval.js';

export type RtcpSchedulerState = 'idle' | 'running' | 'disposed';

const ALLOWED: Record<RtcpSchedulerState, readonly RtcpSchedulerState[]> = {
  idle: ['running', 'disposed'],
  running: ['disposed'],
  disposed: [],
};

export interface RtcpSchedulerOptions {
  readonly clock: Clock;
  /** Target RTCP bandwidth for the whole session, octets per second (see rtcpBandwidthOctets). */
  readonly rtcpBandwidth: number;
  /** "The probable size of the first RTCP packet", UDP/IP headers included (§6.3.2). */
  readonly initialAvgRtcpSize: number;
  readonly random?: UnitRandom;
  /** Whether we have sent RTP since the second-previous report (A.7 we_sent). */
  readonly weSent: () => boolean;
  /**
   * Builds and sends a compound report; returns its size in octets with the
   * UDP and IP headers (§6.3.3: "including lower-layer headers").
   */
  readonly sendReport: () => number;
}

/** How lower-layer headers are counted in RTCP sizes: UDP (8) + IPv4 (20) octets. */
export const UDP_IPV4_OVERHEAD = 28;

export class RtcpScheduler {
  private stateValue: RtcpSchedulerState = 'idle';
  private timer: TimerHandle | undefined;
  private readonly random: UnitRandom;
  /** §6.3 tp, tn (ms on the Clock). */
  private tp = 0;
  private tn = 0;
  private members = 1;
  private pmembers = 1;
  private senders = 0;
  private avgRtcpSize: number;
  private initial = true;
  private reportsSent = 0;

  constructor(private readonly options: RtcpSchedulerOptions) {
    this.random = options.random ?? Math.random;
    this.avgRtcpSize = options.initialAvgRtcpSize;
  }

  get state(): RtcpSchedulerState {
    return this.stateValue;
  }

  /** Reports sent so far. */
  get sent(): number {
    return this.reportsSent;
  }

  /** The current average compound RTCP size (octets). */
  get averageRtcpSize(): number {
    return this.avgRtcpSize;
  }

  /** When the next report is due (Clock ms), while running. */
  get nextDue(): number | undefined {
    return this.stateValue === 'running' ? this.tn : undefined;
  }

  private transition(to: RtcpSchedulerState): void {
    if (!ALLOWED[this.stateValue].includes(to)) {
      throw new Error(`RtcpScheduler: illegal transition ${this.stateValue} → ${to}`);
    }
    this.stateValue = to;
  }

  /** §6.3.2: schedule the first report one (initial) interval from now. */
  start(): void {
    this.transition('running');
    this.pmembers = this.members;
    this.tp = this.options.clock.now();
    this.tn = this.tp + this.intervalMs();
    this.arm(this.tn);
  }

  /**
   * The member and sender counts as whoever keeps the member table sees
   * them (this participant included). A fall in members applies §6.3.4
   * reverse reconsideration so a report is not held back by a stale count.
   */
  setMembership(members: number, senders: number): void {
    const m = Math.max(1, members);
    if (this.stateValue === 'running' && m < this.pmembers) {
      const now = this.options.clock.now();
      const ratio = m / this.pmembers;
      this.tn = now + ratio * (this.tn - now);
      this.tp = now - ratio * (now - this.tp);
      this.pmembers = m;
      this.arm(this.tn);
    }
    this.members = m;
    this.senders = Math.max(0, senders);
  }

  /** §6.3.3: every received compound packet moves the average size. */
  onRtcpReceived(sizeOctets: number): void {
    this.avgRtcpSize = this.avgRtcpSize / 16 * 15 + sizeOctets / 16;
  }

  dispose(): void {
    if (this.stateValue === 'disposed') return;
    this.transition('disposed');
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private intervalMs(): number {
    const seconds = rtcpInterval(
      {
        members: this.members,
        senders: this.senders,
        rtcpBandwidth: this.options.rtcpBandwidth,
        weSent: this.options.weSent(),
        avgRtcpSize: this.avgRtcpSize,
        initial: this.initial,
      },
      this.random,
    );
    return seconds * 1000;
  }

  private arm(at: number): void {
    this.options.clock.clearTimer(this.timer);
    this.timer = this.options.clock.setTimer(Math.max(0, at - this.options.clock.now()), () => this.onExpire());
  }

  /** A.7 OnExpire() for a report event. */
  private onExpire(): void {
    this.timer = undefined;
    if (this.stateValue !== 'running') return;
    const tc = this.options.clock.now();
    const t = this.intervalMs();
    const tn = this.tp + t;
    // A microsecond of slack: a timer set for `tn - now` can fire an ulp
    // before tp + T when the two are summed in another order.
    if (tn <= tc + 0.001) {
      const size = this.options.sendReport();
      this.reportsSent += 1;
      // A disposing sendReport() callback ends the schedule here.
      if (this.state !== 'running') return;
      this.avgRtcpSize = this.avgRtcpSize / 16 * 15 + size / 16;
      this.tp = tc;
      // §6.2: initial is "true if the application has not yet sent an RTCP
      // packet" — so it is false for the interval drawn after the first
      // packet (A.7's C clears it a line later, after the redraw; the prose
      // of §6.3.6 and the definition agree with this order).
      this.initial = false;
      // A.7: "We must redraw the interval. Don't reuse the one computed
      // above, since its not actually distributed the same".
      this.tn = tc + this.intervalMs();
    } else {
      this.tn = tn;
    }
    this.pmembers = this.members;
    this.arm(this.tn);
  }
}
