/**
 * In-band DTMF: the ITU-T Q.23 push-button signals played into the audio
 * stream (for a far end that takes no RFC 4733 telephone-events), and the
 * detector for the ones that arrive in the audio (dtmf-detector.ts).
 */
import { dtmfFrequencies, isDtmfDigit } from './dtmf-frequencies.js';
import { ToneGenerator, type ToneGeneratorOptions } from './tone-generator.js';
import { mix, once, type CadenceStep, type TonePattern } from './tone-pattern.js';

export * from './dtmf-frequencies.js';
export { DtmfDetector, type DtmfDetectorOptions, type DtmfDetectorState, type DtmfBlockVerdict } from './dtmf-detector.js';

/**
 * Q.24's receivers must accept a signal of 40 ms and a pause of 40 ms, so the
 * sender never goes below; 80/80 ms (12.5 digits a second) is a common default.
 */
export const DTMF_MIN_TONE_MS = 40;
export const DTMF_MIN_PAUSE_MS = 40;

export interface DtmfTiming {
  readonly toneMs?: number;
  readonly pauseMs?: number;
  /**
   * Levels of the two groups. The high group is sent 2 dB above the low group
   * (the usual pre-emphasis against the line's high-frequency loss), a twist
   * well inside what receivers accept.
   */
  readonly lowLevelDbm0?: number;
  readonly highLevelDbm0?: number;
}

/** The pattern for a digit string: each digit's pair for toneMs, then pauseMs of silence; plays once. */
export function dtmfPattern(digits: string, timing: DtmfTiming = {}): TonePattern {
  const toneMs = timing.toneMs ?? 80;
  const pauseMs = timing.pauseMs ?? 80;
  if (!(toneMs >= DTMF_MIN_TONE_MS)) throw new RangeError(`DTMF tone of ${toneMs} ms is shorter than ${DTMF_MIN_TONE_MS} ms`);
  if (!(pauseMs >= DTMF_MIN_PAUSE_MS)) throw new RangeError(`DTMF pause of ${pauseMs} ms is shorter than ${DTMF_MIN_PAUSE_MS} ms`);
  const low = timing.lowLevelDbm0 ?? -10;
  const high = timing.highLevelDbm0 ?? -8;
  const steps: CadenceStep[] = [];
  for (const digit of digits) {
    if (!isDtmfDigit(digit)) throw new RangeError(`"${digit}" in "${digits}" is not a DTMF digit`);
    const { lowHz, highHz } = dtmfFrequencies(digit);
    steps.push(
      {
        ms: toneMs,
        sound: mix([
          { hz: lowHz, levelDbm0: low },
          { hz: highHz, levelDbm0: high },
        ]),
      },
      { ms: pauseMs },
    );
  }
  if (steps.length === 0) throw new RangeError('no DTMF digits to send');
  return once(steps);
}

/** A generator that plays `digits` once (done() afterwards). */
export function createDtmfGenerator(digits: string, options: ToneGeneratorOptions & DtmfTiming): ToneGenerator {
  return new ToneGenerator(dtmfPattern(digits, options), options);
}
