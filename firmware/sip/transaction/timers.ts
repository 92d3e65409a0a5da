/**
 * The transaction timers of RFC 3261 Table 4 (Appendix A) and RFC 6026 §8.10
 * (Timers L and M), each computed from T1, T2, T4 and whether the transport
 * is reliable. Pure functions, so the schedule can be checked on its own.
 *
 *   T1  500 ms  RTT estimate (§17.1.1.1)
 *   T2  4 s     maximum retransmit interval for non-INVITE requests and INVITE responses
 *   T4  5 s     maximum duration a message will remain in the network
 *   A   initially T1, doubled after each retransmission; UDP only (§17.1.1.2)
 *   B   64*T1   INVITE transaction timeout (§17.1.1.2)
 *   C   proxy only (§16.6 bullet 11): not used by a user agent
 *   D   > 32 s for UDP, 0 for TCP/SCTP: wait for response retransmits (§17.1.1.2)
 *   E   initially T1, doubled up to T2; UDP only (§17.1.2.2)
 *   F   64*T1   non-INVITE transaction timeout (§17.1.2.2)
 *   G   initially T1, doubled up to T2; INVITE response retransmit (§17.2.1)
 *   H   64*T1   wait time for ACK receipt (§17.2.1)
 *   I   T4 for UDP, 0 for TCP/SCTP: wait time for ACK retransmits (§17.2.1)
 *   J   64*T1 for UDP, 0 for TCP/SCTP: wait time for non-INVITE request retransmits (§17.2.2)
 *   K   T4 for UDP, 0 for TCP/SCTP: wait time for response retransmits (§17.1.2.2)
 *   L   64*T1   wait time for accepted INVITE request retransmits (RFC 6026 §8.10)
 *   M   64*T1   wait time for retransmission of 2xx to INVITE (RFC 6026 §8.10)
 *
 * Values are milliseconds.
 */

export interface TimerValues {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
}

/** Table 4 defaults. §17.1.1.1: "T1 is an estimate of the round-trip time (RTT), and it defaults to 500 ms." */
export const DEFAULT_TIMER_VALUES: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

/**
 * §17.2.1: "The server transaction MUST generate a 100 (Trying) response
 * unless it knows that the TU will generate a provisional or final response
 * within 200 ms".
 */
export const TRYING_DELAY_MS = 200;

/** Throws RangeError on values no timer can be built from. */
export function checkTimerValues(v: TimerValues): TimerValues {
  for (const [name, ms] of [
    ['T1', v.t1],
    ['T2', v.t2],
    ['T4', v.t4],
  ] as const) {
    if (!(Number.isFinite(ms) && ms > 0)) throw new RangeError(`SIP timer ${name} must be > 0 ms (got ${ms})`);
  }
  if (v.t2 < v.t1) throw new RangeError(`SIP timer T2 (${v.t2} ms) must not be below T1 (${v.t1} ms)`);
  return v;
}

/** Timer A's first value (§17.1.1.2: "set timer A to fire after T1 seconds"). */
export function timerA(v: TimerValues): number {
  return v.t1;
}

/**
 * §17.1.1.2: "This process MUST continue so that the request is
 * retransmitted with intervals that double after each transmission." No cap.
 */
export function nextTimerA(current: number): number {
  return 2 * current;
}

export function timerB(v: TimerValues): number {
  return 64 * v.t1;
}

/**
 * §17.1.1.2: "at least 32 seconds for unreliable transports, and a value of
 * zero seconds for reliable transports". It must outlast the server's Timer H
 * (64*T1) so a larger T1 raises it too.
 */
export function timerD(v: TimerValues, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, 64 * v.t1);
}

export function timerE(v: TimerValues): number {
  return v.t1;
}

/** §17.1.2.2 in Trying: "the timer is reset, but this time with a value of MIN(2*T1, T2)". */
export function nextTimerE(current: number, v: TimerValues): number {
  return Math.min(2 * current, v.t2);
}

/** §17.1.2.2 in Proceeding: "Timer E MUST be reset with a value of T2 seconds." */
export function timerEInProceeding(v: TimerValues): number {
  return v.t2;
}

export function timerF(v: TimerValues): number {
  return 64 * v.t1;
}

export function timerG(v: TimerValues): number {
  return v.t1;
}

/** §17.2.1: "timer G is set to fire in MIN(2*T1, T2) seconds". */
export function nextTimerG(current: number, v: TimerValues): number {
  return Math.min(2 * current, v.t2);
}

export function timerH(v: TimerValues): number {
  return 64 * v.t1;
}

export function timerI(v: TimerValues, reliable: boolean): number {
  return reliable ? 0 : v.t4;
}

export function timerJ(v: TimerValues, reliable: boolean): number {
  return reliable ? 0 : 64 * v.t1;
}

export function timerK(v: TimerValues, reliable: boolean): number {
  return reliable ? 0 : v.t4;
}

export function timerL(v: TimerValues): number {
  return 64 * v.t1;
}

export function timerM(v: TimerValues): number {
  return 64 * v.t1;
}
