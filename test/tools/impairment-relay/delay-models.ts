/**
 * The delay models: each turns "the n-th packet of a flow" into extra delay
 * in ms. Each draws from its own seeded stream, once per packet whether or
 * not another stage drops it, so that one stage's sequence never depends on
 * another's. Times are in packet units of a nominal `period` (20 ms, the
 * usual RTP packet time) where a model needs to know how far apart packets
 * are, so decisions stay independent of real timing.
 */
import { standardNormal, uniformInt, type Random } from './prng.js';

export interface DelayStage {
  /** Extra delay of the next packet, ms (≥ 0). */
  next(): number;
}

/** `delay:ms=D` — the same delay for every packet. */
export function constantDelay(ms: number): DelayStage {
  return { next: () => ms };
}

/**
 * `gaussian:mean=M,sd=S` — independent normal delays, clipped at 0 (so the
 * mean is slightly above M when S is not small against M). Independent
 * delays reorder packets whenever two neighbours differ by more than the
 * packet time; add `fifo` to keep arrival order.
 */
export function gaussianDelay(mean: number, sd: number, random: Random): DelayStage {
  return { next: () => Math.max(0, mean + sd * standardNormal(random)) };
}

/**
 * `pareto:scale=X,shape=A,max=C` — a heavy tail: Lomax (Pareto type II)
 * delays, x = scale·(U^(−1/shape) − 1), so most packets see little extra
 * delay and a few a lot; the mean is scale/(shape − 1) for shape > 1.
 * Clipped at `max` so one draw cannot hold a packet for minutes.
 */
export function paretoDelay(scale: number, shape: number, max: number, random: Random): DelayStage {
  return {
    next: () => {
      const u = 1 - random(); // (0, 1]
      return Math.min(max, scale * (Math.pow(u, -1 / shape) - 1));
    },
  };
}

/**
 * `spikes:p=P,height=H,period=T` — delay spikes, the pattern Wi-Fi scans and
 * bufferbloat produce: with probability P a packet is held H ms; the queue
 * behind it then drains, each following packet waiting one packet time less
 * (H − T, H − 2T, …), so they all arrive together at the end of the spike.
 */
export function delaySpikes(p: number, height: number, period: number, random: Random): DelayStage {
  let remaining = 0;
  return {
    next: () => {
      remaining = Math.max(0, remaining - period);
      if (random() < p) remaining = Math.max(remaining, height);
      return remaining;
    },
  };
}

/**
 * `shift:at=N,by=D` — a route change: from packet N on every packet takes D
 * ms more. `shift:p=P,max=M` — the same at random: with probability P per
 * packet the extra delay jumps to a new level drawn uniformly in [0, M].
 */
export function stepShift(at: number, by: number): DelayStage {
  let index = 0;
  return { next: () => (index++ >= at ? by : 0) };
}

export function randomShift(p: number, max: number, random: Random): DelayStage {
  let level = 0;
  return {
    next: () => {
      const jump = random() < p;
      const newLevel = random() * max; // drawn every packet: a fixed number of draws per packet
      if (jump) level = newLevel;
      return level;
    },
  };
}

/**
 * `drift:ppm=R,start=S,period=T` — the two ends' clocks disagree by R parts
 * per million: packet n is delayed S + n·T·R/10⁶ ms, so packets reach the
 * receiver at a period of T·(1 + R/10⁶). A negative R (a fast sender) needs
 * a start delay S to eat into; the delay stops at 0 when S is used up.
 */
export function clockDrift(ppm: number, start: number, period: number): DelayStage {
  let index = 0;
  return { next: () => Math.max(0, start + index++ * period * ppm * 1e-6) };
}

/**
 * `reorder:p=P,depth=D,period=T` — with probability P a packet is held back
 * behind the next k packets, k uniform in 1…D: it is delayed k·T + T/2, the
 * half period keeping it clear of the k-th packet's arrival when it jitters.
 */
export function reorder(p: number, depth: number, period: number, random: Random): DelayStage {
  return {
    next: () => {
      const held = random() < p;
      const k = uniformInt(random, 1, depth);
      return held ? k * period + period / 2 : 0;
    },
  };
}

/**
 * `fifo:period=T` — keeps arrival order: a delivered packet leaves no earlier
 * than the delivered packet before it, assuming packets arrive T apart. It
 * applies to the sum of the other delay models except `reorder`, whose
 * holding back is added after (so `gaussian+fifo+reorder` is jitter without
 * reordering, plus deliberate reordering). Lost packets leave nothing to
 * keep behind, so they do not constrain the next one.
 */
export interface FifoConstraint {
  /** The delay packet n keeps; call once per packet, in order. */
  apply(delayMs: number, delivered: boolean): number;
}

export function fifoConstraint(period: number): FifoConstraint {
  let index = -1;
  let lastIndex = 0;
  let lastDelay = Number.NEGATIVE_INFINITY;
  return {
    apply: (delayMs, delivered) => {
      index++;
      if (!delivered) return delayMs;
      // Packet m left at m·T + d(m); packet n at n·T + d(n) must not be earlier.
      const kept = Math.max(delayMs, lastDelay - (index - lastIndex) * period);
      lastIndex = index;
      lastDelay = kept;
      return kept;
    },
  };
}
