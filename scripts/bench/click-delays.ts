/**
 * Matching the clicks heard in a recording to the clicks sent, for the
 * mouth-to-ear benchmark (mouth-to-ear-bench.ts has the whole method).
 *
 * Alignment is by the first click: it is sent during an unimpaired lead-in,
 * so the first click heard is the first click sent, and its delay is the
 * starting guess. Every later click heard is matched to the sent click,
 * not yet matched and later than the last one matched, whose delay is
 * nearest the previous click's delay (clicks are 500 ms apart and delays
 * mostly move by far less between two of them); a click cannot be heard
 * before it was sent, nor more than MAX_DELAY_MS after.
 */
import type { Decision, ImpairmentFactory } from '../../test/tools/impairment-relay/decision.js';
import { PASS } from '../../test/tools/impairment-relay/decision.js';
import { findClicks, silentMs } from './click-track.js';

const MAX_DELAY_MS = 2000;

export interface ClickDelays {
  /** Each matched click's delay, ms, in sending order. */
  readonly delaysMs: readonly number[];
  readonly sent: number;
  /** Silence where the tone should be, plus time missing from the recording, between the first and last click heard, ms. */
  readonly gapMs: number;
  /** From the first click heard to the last, ms. */
  readonly spanMs: number;
}

export interface HeardAudio {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  /** Frame → time it was played (or left the decoder), ms on the same clock as the sent times; NaN when unknown. */
  readonly timeMs: (frame: number) => number;
}

export function clickDelays(heard: HeardAudio, sentMs: readonly number[]): ClickDelays {
  const first = sentMs[0];
  if (first === undefined) throw new Error('no click was sent');
  const found = findClicks(heard.samples, heard.sampleRate)
    .map((frame) => ({ frame, at: heard.timeMs(frame) }))
    .filter((c) => Number.isFinite(c.at) && c.at >= first);
  const matched: Array<{ frame: number; at: number; delay: number }> = [];
  let lastIndex = -1;
  for (const c of found) {
    const guess = matched.at(-1)?.delay ?? c.at - first;
    let best = -1;
    let bestOff = Number.POSITIVE_INFINITY;
    for (let k = lastIndex + 1; k < sentMs.length; k++) {
      const delay = c.at - (sentMs[k] ?? 0);
      const off = Math.abs(delay - guess);
      if (delay >= 0 && delay <= MAX_DELAY_MS && off < bestOff) {
        best = k;
        bestOff = off;
      }
    }
    if (best < 0) continue;
    matched.push({ frame: c.frame, at: c.at, delay: c.at - (sentMs[best] ?? 0) });
    lastIndex = best;
  }
  const head = matched[0];
  const tail = matched.at(-1);
  if (head === undefined || tail === undefined) return { delaysMs: [], sent: sentMs.length, gapMs: 0, spanMs: 0 };
  const spanMs = tail.at - head.at;
  const recordedMs = ((tail.frame - head.frame) / heard.sampleRate) * 1000;
  const missingMs = Math.max(0, spanMs - recordedMs);
  return {
    delaysMs: matched.map((m) => m.delay),
    sent: sentMs.length,
    gapMs: silentMs(heard.samples, heard.sampleRate, head.frame, tail.frame) + missingMs,
    spanMs,
  };
}

/** The first `packets` of each flow pass untouched; after them, `then` decides (from its own first decision on). */
export function afterLeadIn(packets: number, then: ImpairmentFactory): ImpairmentFactory {
  return (seed) => {
    const rest = then(seed);
    let seen = 0;
    return { next: (): Decision => (seen++ < packets ? PASS : rest.next()) };
  };
}
