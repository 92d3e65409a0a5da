/**
 * Tones as data: what sounds (frequencies, levels, modulation) play for how
 * long, and which part of the sequence repeats. Call-progress tones, ring tones
 * and DTMF strings are all written in this one form, so one generator plays
 * them all and a new tone is a new table entry, not new code.
 *
 * The notation follows ITU-T E.180 Supplement 2 ("Various tones used in
 * national networks"), where a tone is written f1+f2 (frequencies summed) or
 * f1*f2 (f1 amplitude-modulated by f2), followed by its cadence as on/off times.
 */

/** Amplitude modulation of one component: E.180 Supp. 2 writes it f1*f2. */
export interface AmplitudeModulation {
  /** The modulating frequency f2 (e.g. 16 Hz for Japan's ringing tone 400*16). */
  readonly hz: number;
  /** Modulation depth m in (0, 1]: the envelope is 1 + m·sin(2πf2·t). */
  readonly depth: number;
}

/** One sinusoid of a sound. */
export interface ToneComponent {
  readonly hz: number;
  /**
   * Level of this component in dBm0 (its own level, not the sum's: a US dial
   * tone is 350 Hz at −13 dBm0 plus 440 Hz at −13 dBm0). For a modulated
   * component this is the level of the unmodulated carrier; the sidebands add
   * m²/2 of its power on top.
   */
  readonly levelDbm0: number;
  readonly am?: AmplitudeModulation;
}

/** What plays during one cadence step: the sum of its components. */
export interface ToneSound {
  readonly components: readonly ToneComponent[];
}

/** One step of a cadence: a sound (or silence when `sound` is absent) for `ms`. */
export interface CadenceStep {
  readonly ms: number;
  readonly sound?: ToneSound;
}

/**
 * A tone's whole time plan: `intro` plays once, then `loop` repeats until the
 * tone is stopped. An empty loop makes a tone that ends by itself (a
 * confirmation tone, a DTMF string). A continuous tone is a loop of one
 * sounding step (the step's length then only sets how often the cadence is
 * re-entered; there is no ramp between identical consecutive steps).
 */
export interface TonePattern {
  readonly intro: readonly CadenceStep[];
  readonly loop: readonly CadenceStep[];
}

/** Several frequencies summed, each at `levelDbm0` (E.180 Supp. 2 "f1+f2"). */
export function sum(frequenciesHz: readonly number[], levelDbm0: number): ToneSound {
  return { components: frequenciesHz.map((hz) => ({ hz, levelDbm0 })) };
}

/** A carrier amplitude-modulated by a low frequency (E.180 Supp. 2 "f1*f2"). */
export function modulated(carrierHz: number, modulationHz: number, levelDbm0: number, depth: number): ToneSound {
  return { components: [{ hz: carrierHz, levelDbm0, am: { hz: modulationHz, depth } }] };
}

/** Sounds that have their own level per component (e.g. BT's 350 Hz at −20 with 440 Hz at −23). */
export function mix(components: readonly ToneComponent[]): ToneSound {
  return { components };
}

/** A tone that never stops by itself and never changes: dial tone in most countries. */
export function continuous(sound: ToneSound): TonePattern {
  return { intro: [], loop: [{ ms: 1000, sound }] };
}

/**
 * Steps from an alternating on/off list of milliseconds, starting with "on":
 * onOff(s, [400, 200, 400, 2000]) is E.180's "0.4 on 0.2 off 0.4 on 2.0 off".
 */
export function onOff(sound: ToneSound, msList: readonly number[]): CadenceStep[] {
  return msList.map((ms, i) => (i % 2 === 0 ? { ms, sound } : { ms }));
}

/** A repeating cadence. */
export function repeating(steps: readonly CadenceStep[]): TonePattern {
  return { intro: [], loop: steps };
}

/** A tone played once that then falls silent. */
export function once(steps: readonly CadenceStep[]): TonePattern {
  return { intro: steps, loop: [] };
}

/** Sum of the step lengths. */
export function stepsMs(steps: readonly CadenceStep[]): number {
  return steps.reduce((total, step) => total + step.ms, 0);
}

/**
 * Throws unless the pattern can be played at `sampleRate`: at least one step,
 * positive finite step lengths, each frequency (and each frequency ± its
 * modulation) above 0 and below half the sample rate, finite levels and
 * modulation depths in (0, 1].
 */
export function checkPattern(pattern: TonePattern, sampleRate: number): void {
  if (!(Number.isFinite(sampleRate) && sampleRate > 0)) throw new RangeError(`sample rate ${sampleRate}`);
  const steps = [...pattern.intro, ...pattern.loop];
  if (steps.length === 0) throw new RangeError('a tone pattern needs at least one step');
  const nyquist = sampleRate / 2;
  for (const step of steps) {
    if (!(Number.isFinite(step.ms) && step.ms > 0)) throw new RangeError(`a cadence step of ${step.ms} ms; each step must be > 0 ms`);
    for (const c of step.sound?.components ?? []) {
      const spread = c.am?.hz ?? 0;
      if (!(Number.isFinite(c.hz) && c.hz - spread > 0 && c.hz + spread < nyquist)) {
        throw new RangeError(`tone ${c.hz} Hz must lie above 0 and below ${nyquist} Hz (half of ${sampleRate} Hz)`);
      }
      if (!Number.isFinite(c.levelDbm0)) throw new RangeError(`level ${c.levelDbm0} dBm0 of ${c.hz} Hz`);
      if (c.am !== undefined && !(c.am.depth > 0 && c.am.depth <= 1 && c.am.hz > 0)) {
        throw new RangeError(`modulation ${c.am.hz} Hz depth ${c.am.depth} of ${c.hz} Hz`);
      }
    }
  }
}
