/**
 * The ringer: ring tones as data, chosen by name, played by ToneGenerator at a
 * ringer volume. Two imitate what a line ringer sounds like (the UK double
 * ring's cadence, a US-style electronic warble), the rest are short melodies
 * written as note sequences.
 *
 * Levels are dBm0 like every tone here (tone-level.ts); at full ringer volume
 * the loudest peaks stay about 3 dB below Int16 full scale, the volume scale
 * only ever attenuates.
 */
import { ToneGenerator, type ToneGeneratorOptions } from './tone-generator.js';
import { mix, onOff, repeating, sum, type CadenceStep, type ToneSound, type TonePattern } from './tone-pattern.js';

export interface RingTone {
  readonly description: string;
  readonly pattern: TonePattern;
}

/** Equal-tempered pitch of a note name such as "A4" (440 Hz), "C#5", "Bb3". */
export function noteFrequency(note: string): number {
  const match = /^([A-G])([#b]?)(-?\d)$/.exec(note);
  if (match === null) throw new RangeError(`"${note}" is not a note name like A4, C#5 or Bb3`);
  const [, letter = 'A', accidental = '', octave = '4'] = match;
  const semitone = { C: -9, D: -7, E: -5, F: -4, G: -2, A: 0, B: 2 }[letter] ?? 0;
  const shift = accidental === '#' ? 1 : accidental === 'b' ? -1 : 0;
  const fromA4 = semitone + shift + 12 * (Number(octave) - 4);
  return 440 * 2 ** (fromA4 / 12);
}

export interface MelodyOptions {
  /** Level of each note's fundamental. */
  readonly levelDbm0: number;
  /** Silence cut from the end of every note so repeated notes are heard as two. */
  readonly articulationMs?: number;
}

/**
 * A melody from "NOTE:ms" words separated by spaces, "-" for a rest:
 * "E5:400 C5:400 -:800". Each note is its
 * fundamental plus the octave 12 dB down, which reads as a bell-like timbre on
 * a small speaker better than a bare sine.
 */
export function melody(score: string, options: MelodyOptions): TonePattern {
  const articulation = options.articulationMs ?? 30;
  const steps: CadenceStep[] = [];
  for (const word of score.trim().split(/\s+/)) {
    const [name = '', msText = ''] = word.split(':');
    const ms = Number(msText);
    if (!(Number.isFinite(ms) && ms > 0)) throw new RangeError(`"${word}" needs a length in ms, like E5:400`);
    if (name === '-') {
      steps.push({ ms });
      continue;
    }
    const hz = noteFrequency(name);
    const sound: ToneSound = mix([
      { hz, levelDbm0: options.levelDbm0 },
      { hz: 2 * hz, levelDbm0: options.levelDbm0 - 12 },
    ]);
    if (ms > 2 * articulation) steps.push({ ms: ms - articulation, sound }, { ms: articulation });
    else steps.push({ ms, sound });
  }
  return repeating(steps);
}

/**
 * An electronic ringer's warble: two frequencies alternating at `rateHz`
 * (one period = one f1 half + one f2 half) during the on parts of `cadenceMs`
 * (alternating on/off, starting on).
 */
export function warble(f1: number, f2: number, rateHz: number, levelDbm0: number, cadenceMs: readonly number[]): TonePattern {
  const halfMs = 1000 / (2 * rateHz);
  const sounds = [sum([f1], levelDbm0), sum([f2], levelDbm0)];
  const steps: CadenceStep[] = [];
  cadenceMs.forEach((ms, i) => {
    if (i % 2 === 1) {
      steps.push({ ms });
      return;
    }
    for (let t = 0, k = 0; t < ms; t += halfMs, k++) {
      steps.push({ ms: Math.min(halfMs, ms - t), sound: sounds[k % 2] });
    }
  });
  return repeating(steps);
}

export const RING_TONES = {
  /** The UK double ring: 400+450 Hz in BT's ringing cadence 0.4 on 0.2 off 0.4 on 2.0 off (E.180 Supp. 2). */
  'uk-double': {
    description: 'UK double ring (400+450 Hz, 0.4/0.2/0.4/2.0 s)',
    pattern: repeating(onOff(sum([400, 450], -6), [400, 200, 400, 2000])),
  },
  /**
   * US-style: the North American 2 s on 4 s off ringing cadence, sounded as a
   * tone-ringer IC does it — 800 Hz / 1000 Hz alternating at 12.5 Hz (the
   * MC34012-1's figures at its nominal clock).
   */
  'us-warble': {
    description: 'US electronic ring (800/1000 Hz warble at 12.5 Hz, 2 s on 4 s off)',
    pattern: warble(800, 1000, 12.5, -4, [2000, 4000]),
  },
  /** The Westminster Quarters (first two changes), then a pause. */
  westminster: {
    description: 'Westminster chimes',
    pattern: melody('E5:450 C5:450 D5:450 G4:900 G4:450 D5:450 E5:450 C5:900 -:1800', { levelDbm0: -5 }),
  },
  /** A rising major arpeggio, twice, then a pause. */
  arpeggio: {
    description: 'Rising arpeggio',
    pattern: melody('C5:120 E5:120 G5:120 C6:240 -:120 C5:120 E5:120 G5:120 C6:240 -:1500', { levelDbm0: -5 }),
  },
  /** The opening of Beethoven's "Für Elise" (public domain). */
  'fur-elise': {
    description: 'Für Elise (opening)',
    pattern: melody('E6:160 D#6:160 E6:160 D#6:160 E6:160 B5:160 D6:160 C6:160 A5:480 -:1600', { levelDbm0: -6 }),
  },
} as const satisfies Record<string, RingTone>;

export type RingToneName = keyof typeof RING_TONES;

export function isRingToneName(text: string): text is RingToneName {
  return Object.hasOwn(RING_TONES, text);
}

/**
 * Ringer volume: levels 0 (silent) … RINGER_VOLUME_MAX, each step 3 dB, the top
 * level playing the tone at its own level. 3 dB steps over 10 levels give a
 * 27 dB range, about what desk phones offer between "barely" and "loud".
 */
export const RINGER_VOLUME_MAX = 10;
export const RINGER_VOLUME_STEP_DB = 3;

export function ringerVolumeGainDb(level: number): number {
  if (!(Number.isInteger(level) && level >= 0 && level <= RINGER_VOLUME_MAX)) {
    throw new RangeError(`ringer volume ${level} is not a whole number from 0 to ${RINGER_VOLUME_MAX}`);
  }
  return level === 0 ? -Infinity : (level - RINGER_VOLUME_MAX) * RINGER_VOLUME_STEP_DB;
}

export interface RingToneOptions extends Omit<ToneGeneratorOptions, 'gainDb'> {
  /** Ringer volume level, RINGER_VOLUME_MAX unless given. */
  readonly volume?: number;
}

/** A generator that plays the named ring tone until stopped. */
export function createRingTone(name: RingToneName, options: RingToneOptions): ToneGenerator {
  return new ToneGenerator(RING_TONES[name].pattern, {
    ...options,
    gainDb: ringerVolumeGainDb(options.volume ?? RINGER_VOLUME_MAX),
  });
}
