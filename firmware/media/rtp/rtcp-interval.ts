/**
 * The RTCP transmission interval (RFC 3550 §6.3.1, §6.2, Appendix A.7's
 * rtcp_interval()), as a pure function of the session state and a random
 * number, so it can be tested against the RFC's numbers.
 */

/** §6.2: "The minimum interval … recommended … is 5 seconds." */
export const RTCP_MIN_TIME_SECONDS = 5;
/** §6.2: 1/4 of the RTCP bandwidth goes to senders when they are few. */
export const RTCP_SENDER_BW_FRACTION = 0.25;
export const RTCP_RCVR_BW_FRACTION = 1 - RTCP_SENDER_BW_FRACTION;
/**
 * §6.3.1: "divided by e−3/2=1.21828 to compensate for the fact that the
 * timer reconsideration algorithm converges to a value of the RTCP bandwidth
 * below the intended average". A.7 writes it 2.71828 − 1.5.
 */
export const COMPENSATION = 2.71828 - 1.5;
/** §6.2: "the fraction of the session bandwidth added for RTCP be fixed at 5%". */
export const RTCP_SESSION_FRACTION = 0.05;

/** A number uniformly distributed in [0, 1), as Math.random() (A.7's drand48()). */
export type UnitRandom = () => number;

/** RTCP bandwidth in octets per second for a session bandwidth in bits per second (5%). */
export function rtcpBandwidthOctets(sessionBitsPerSecond: number): number {
  return (sessionBitsPerSecond * RTCP_SESSION_FRACTION) / 8;
}

export interface RtcpIntervalInput {
  /** Current estimate of session members, this participant included (≥ 1). */
  readonly members: number;
  readonly senders: number;
  /** The target RTCP bandwidth for all members, in octets per second. */
  readonly rtcpBandwidth: number;
  /** Whether we sent RTP since the second-previous report (A.7 we_sent). */
  readonly weSent: boolean;
  /** Average compound RTCP packet size in octets, UDP and IP headers included. */
  readonly avgRtcpSize: number;
  /** True until the first RTCP packet has been sent: halves the minimum (§6.2). */
  readonly initial: boolean;
}

/**
 * §6.3.1 steps 1–3 without randomization: the deterministic interval Td in
 * seconds — members × average size / bandwidth, over the senders' or the
 * receivers' share when senders are at most a quarter of the members, never
 * below the minimum (2.5 s before the first packet).
 */
export function deterministicRtcpInterval(input: RtcpIntervalInput): number {
  const minTime = input.initial ? RTCP_MIN_TIME_SECONDS / 2 : RTCP_MIN_TIME_SECONDS;
  let n = input.members;
  let bandwidth = input.rtcpBandwidth;
  if (input.senders <= input.members * RTCP_SENDER_BW_FRACTION) {
    if (input.weSent) {
      bandwidth *= RTCP_SENDER_BW_FRACTION;
      n = input.senders;
    } else {
      bandwidth *= RTCP_RCVR_BW_FRACTION;
      n -= input.senders;
    }
  }
  const t = bandwidth > 0 ? (input.avgRtcpSize * n) / bandwidth : Infinity;
  return Math.max(t, minTime);
}

/**
 * A.7 rtcp_interval(): Td × a uniform factor in [0.5, 1.5), divided by
 * COMPENSATION. In seconds.
 */
export function rtcpInterval(input: RtcpIntervalInput, random: UnitRandom): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return (deterministicRtcpInterval(input) * (r + 0.5)) / COMPENSATION;
}
