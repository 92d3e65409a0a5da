/**
 * What an impairment decides for one packet, and the shape every impairment
 * (a trace, a named model, a combination) has: a stream of decisions, one
 * per packet of a flow in arrival order.
 *
 * Decisions depend only on the packet's index in its flow and on the seed,
 * never on wall-clock time, so two runs with the same seed and the same
 * packets make the same decisions however the scheduler happened to run.
 */

export interface Decision {
  readonly drop: boolean;
  /** Extra time the packet spends in the relay; 0 for a dropped packet. */
  readonly delayMs: number;
}

export interface Impairment {
  /** The decision for the next packet of the flow. */
  next(): Decision;
}

export const PASS: Decision = { drop: false, delayMs: 0 };

/** Makes the impairment for one flow from that flow's seed (ignored by traces). */
export type ImpairmentFactory = (flowSeed: number) => Impairment;
