/**
 * The loss models: each says, packet by packet, whether the packet is lost.
 */
import type { Random } from './prng.js';

export interface LossStage {
  /** True if the next packet is lost. */
  next(): boolean;
}

/** `loss:p=P` — independent (Bernoulli) loss with probability P. */
export function bernoulliLoss(p: number, random: Random): LossStage {
  return { next: () => random() < p };
}

export interface GilbertElliottParams {
  /** P(Good → Bad) per packet. */
  readonly p: number;
  /** P(Bad → Good) per packet. */
  readonly r: number;
  /** P(delivered | Bad); 0 by default, the simple Gilbert model. */
  readonly h?: number;
  /** P(delivered | Good); 1 by default. */
  readonly k?: number;
}

/**
 * `gilbert:p=P,r=R[,h=H,k=K]` — Gilbert–Elliott burst loss: a two-state
 * Markov chain, Good and Bad, with loss probability 1 − k in Good and 1 − h
 * in Bad (the parameter names of Elliott's model, which tc-netem(8) takes as
 * `loss gemodel p r 1-h 1-k`). The chain spends p/(p + r) of the time in Bad, so with
 * the defaults (h = 0, k = 1) the long-run loss rate is p/(p + r) and a burst
 * lasts 1/r packets on average.
 *
 * Each packet: its fate is drawn in the current state, then the state moves.
 * Two draws per packet, always, so the stream does not depend on the state.
 */
export function gilbertElliott(params: GilbertElliottParams, random: Random): LossStage {
  const h = params.h ?? 0;
  const k = params.k ?? 1;
  let bad = false;
  return {
    next: () => {
      const lost = random() >= (bad ? h : k);
      const move = random();
      bad = bad ? move >= params.r : move < params.p;
      return lost;
    },
  };
}
