/**
 * Call-progress tones per country, as data (frequencies, levels, cadences).
 *
 * Frequencies and cadences are those ITU-T E.180 Supplement 2 ("Various tones
 * used in national networks", the ITU's collection of what each
 * Administration declared) lists; we read them through two transcriptions —
 * Asterisk's configs/samples/indications.conf (the de facto reference, which
 * cites the ITU list country by country) and the per-country list distributed
 * as "dialtone.txt" with the PalmMicro PA1688 SDK — and name the exact source
 * next to each country. Where the source gives no level we use
 * DEFAULT_LEVEL_DBM0 per component (within E.180's usual −13…−19 dBm0 band);
 * where a tone is not in the source at all the comment says so and what we
 * chose instead.
 */
import {
  continuous,
  mix,
  modulated,
  once,
  onOff,
  repeating,
  sum,
  type CadenceStep,
  type ToneSound,
  type TonePattern,
} from './tone-pattern.js';

export const CALL_PROGRESS_TONES = ['dial', 'ringback', 'busy', 'congestion', 'callWaiting', 'confirmation', 'stutter'] as const;

/**
 * dial: proceed to dial. ringback: the far end is alerted (E.180 "ringing
 * tone"). busy: the called line is engaged. congestion: the network is
 * congested (US "reorder", "fast busy"). callWaiting: a second call is waiting (heard in
 * a call). confirmation: a service request was accepted (plays once). stutter:
 * dial tone while a message waits / a service is active (E.180 "special dial
 * tone").
 */
export type CallProgressTone = (typeof CALL_PROGRESS_TONES)[number];

export interface CountryTonePlan {
  readonly name: string;
  readonly tones: Readonly<Record<CallProgressTone, TonePattern>>;
}

/** Level per component where a plan gives none: the middle of the −13…−19 dBm0 band tone plans use. */
export const DEFAULT_LEVEL_DBM0 = -16;

/**
 * Asterisk's depth for E.180's f1*f2 tones ("the implicit modulation depth is
 * fixed at 90%"); the Supplement gives the modulating frequency, not the depth.
 */
export const DEFAULT_MODULATION_DEPTH = 0.9;

/** `count` bursts of `ms` on / `ms` off, then `sound` without end (stutter and recall dial tones). */
function burstsThenSteady(sound: ToneSound, count: number, ms: number): TonePattern {
  const bursts: CadenceStep[] = [];
  for (let i = 0; i < count; i++) bursts.push({ ms, sound }, { ms });
  return { intro: bursts, loop: [{ ms: 1000, sound }] };
}

/** Three 100 ms bursts 100 ms apart, once: the confirmation tone of PBX practice (see US). */
function threeBeeps(sound: ToneSound): TonePattern {
  return once(onOff(sound, [100, 100, 100, 100, 100]));
}

/**
 * United States / North America. Frequencies, cadences and levels: the North
 * American Precise Audible Tone Plan (ITU-T E-series Supplement 3 to E.300;
 * E.180 Supp. 2 "United States"): dial 350+440 at −13 dBm0, ringback 440+480
 * at −19 dBm0 2 s on 4 s off, busy 480+620 at −24 dBm0 0.5/0.5, reorder the same
 * at 0.25/0.25. Call waiting (440 Hz 0.3 s every 10 s) and stutter (six
 * 0.1/0.1 bursts then steady) as Asterisk indications.conf [us]. Confirmation:
 * 350+440 100 on/100 off ×3 as AT&T PBX documentation lists it.
 */
const US: CountryTonePlan = {
  name: 'United States',
  tones: {
    dial: continuous(sum([350, 440], -13)),
    ringback: repeating(onOff(sum([440, 480], -19), [2000, 4000])),
    busy: repeating(onOff(sum([480, 620], -24), [500, 500])),
    congestion: repeating(onOff(sum([480, 620], -24), [250, 250])),
    callWaiting: repeating(onOff(sum([440], -13), [300, 10000])),
    confirmation: threeBeeps(sum([350, 440], -13)),
    stutter: burstsThenSteady(sum([350, 440], -13), 6, 100),
  },
};

/**
 * United Kingdom. Cadences: E.180 Supp. 2 "United Kingdom" and BT SIN 350 as
 * Asterisk indications.conf [uk] gives them (ringing 400+450 0.4 on 0.2 off 0.4
 * on 2.0 off; busy 400 0.375/0.375; congestion 400 0.4 on 0.35 off 0.225 on
 * 0.525 off; call waiting 400 0.1 on 4 s off; special dial tone 350+440 and 440
 * alternating every 0.75 s; confirmation 1400 Hz). Levels: SIN 350 as
 * summarised at blog.trumpton.org.uk ("UK Dial and Progress Tones": dial 350 Hz
 * at −20 with 440 Hz at −23, busy and the first congestion burst at −20, the
 * second congestion burst at −14). Ringing has no level there: default.
 * Confirmation is continuous in SIN 350; the phone plays it once for 1 s (our choice).
 */
const UK_DIAL = mix([
  { hz: 350, levelDbm0: -20 },
  { hz: 440, levelDbm0: -23 },
]);
const UK: CountryTonePlan = {
  name: 'United Kingdom',
  tones: {
    dial: continuous(UK_DIAL),
    ringback: repeating(onOff(sum([400, 450], DEFAULT_LEVEL_DBM0), [400, 200, 400, 2000])),
    busy: repeating(onOff(sum([400], -20), [375, 375])),
    congestion: repeating([
      { ms: 400, sound: sum([400], -20) },
      { ms: 350 },
      { ms: 225, sound: sum([400], -14) },
      { ms: 525 },
    ]),
    callWaiting: repeating(onOff(sum([400], -20), [100, 4000])),
    confirmation: once([{ ms: 1000, sound: sum([1400], -20) }]),
    stutter: repeating([
      { ms: 750, sound: UK_DIAL },
      { ms: 750, sound: mix([{ hz: 440, levelDbm0: -23 }]) },
    ]),
  },
};

/**
 * Germany. E.180 Supp. 2 "Germany" (dialtone.txt and Asterisk [de]): dial 425
 * continuous; ringing 425 1.0 on 4.0 off; busy 425 0.48/0.48; congestion 425
 * 0.24/0.24; call waiting 425 0.2 on 0.2 off 0.2 on 5.0 off; special dial tone
 * 425+400 continuous. No levels given: default. Confirmation is not in the
 * Supplement: a 1 s 425 Hz "positive acknowledge tone" as German PBXs
 * (e.g. the tiptel 28 manual) give it.
 */
const DE_TONE = sum([425], DEFAULT_LEVEL_DBM0);
const DE: CountryTonePlan = {
  name: 'Germany',
  tones: {
    dial: continuous(DE_TONE),
    ringback: repeating(onOff(DE_TONE, [1000, 4000])),
    busy: repeating(onOff(DE_TONE, [480, 480])),
    congestion: repeating(onOff(DE_TONE, [240, 240])),
    callWaiting: repeating(onOff(DE_TONE, [200, 200, 200, 5000])),
    confirmation: once([{ ms: 1000, sound: DE_TONE }]),
    stutter: continuous(sum([425, 400], DEFAULT_LEVEL_DBM0)),
  },
};

/**
 * France. E.180 Supp. 2 "France" via Asterisk [fr]: dial 440 continuous,
 * ringing 440 1.5 on 3.5 off, busy 440 0.5/0.5, call waiting 440 0.3 s every
 * 10 s. Congestion (not in the Supplement) 440 0.25/0.25 and stutter (six
 * 0.1/0.1 bursts then steady) as Asterisk gives them. The French tones are
 * plain sines (no f1*f2 modulation). Confirmation is not in the sources: the
 * three-beep form on 440 Hz. No levels given: default.
 */
const FR_TONE = sum([440], DEFAULT_LEVEL_DBM0);
const FR: CountryTonePlan = {
  name: 'France',
  tones: {
    dial: continuous(FR_TONE),
    ringback: repeating(onOff(FR_TONE, [1500, 3500])),
    busy: repeating(onOff(FR_TONE, [500, 500])),
    congestion: repeating(onOff(FR_TONE, [250, 250])),
    callWaiting: repeating(onOff(FR_TONE, [300, 10000])),
    confirmation: threeBeeps(FR_TONE),
    stutter: burstsThenSteady(FR_TONE, 6, 100),
  },
};

/**
 * China. E.180 Supp. 2 "China" via Asterisk [cn]: dial 450 continuous, ringing
 * 450 1.0 on 4.0 off, busy 450 0.35/0.35, congestion 450 0.7/0.7, call waiting
 * 450 0.4 on 4.0 off. Stutter (not specified there) 450+425 continuous as
 * Asterisk chose. Confirmation not in the sources: three beeps on 450 Hz.
 * No levels given: default.
 */
const CN_TONE = sum([450], DEFAULT_LEVEL_DBM0);
const CN: CountryTonePlan = {
  name: 'China',
  tones: {
    dial: continuous(CN_TONE),
    ringback: repeating(onOff(CN_TONE, [1000, 4000])),
    busy: repeating(onOff(CN_TONE, [350, 350])),
    congestion: repeating(onOff(CN_TONE, [700, 700])),
    callWaiting: repeating(onOff(CN_TONE, [400, 4000])),
    confirmation: threeBeeps(CN_TONE),
    stutter: continuous(sum([450, 425], DEFAULT_LEVEL_DBM0)),
  },
};

/**
 * Japan. E.180 Supp. 2 "Japan" via Asterisk [jp]: dial 400 continuous, busy
 * and congestion 400 0.5/0.5, ringing 1 s on 2 s off. The ringing tone is 400 Hz
 * amplitude-modulated at 16 Hz (NTT; wdic.org "リングバックトーン": 400 Hz sine
 * modulated by 16 Hz, 1 s on 2 s off) — Asterisk approximates it as 400+15 —
 * and so is call waiting (Asterisk "400+16/500,0/8000", read as 400*16). Stutter
 * (six 0.1/0.1 bursts then steady) as Asterisk. Confirmation not in the
 * sources: three beeps on 400 Hz. No levels given: default.
 */
const JP_TONE = sum([400], DEFAULT_LEVEL_DBM0);
const JP_MODULATED = modulated(400, 16, DEFAULT_LEVEL_DBM0, DEFAULT_MODULATION_DEPTH);
const JP: CountryTonePlan = {
  name: 'Japan',
  tones: {
    dial: continuous(JP_TONE),
    ringback: repeating(onOff(JP_MODULATED, [1000, 2000])),
    busy: repeating(onOff(JP_TONE, [500, 500])),
    congestion: repeating(onOff(JP_TONE, [500, 500])),
    callWaiting: repeating(onOff(JP_MODULATED, [500, 8000])),
    confirmation: threeBeeps(JP_TONE),
    stutter: burstsThenSteady(JP_TONE, 6, 100),
  },
};

export const TONE_PLANS = { us: US, uk: UK, de: DE, fr: FR, cn: CN, jp: JP } as const satisfies Record<string, CountryTonePlan>;

/** ISO 3166 alpha-2 code, lower case ("uk" as the tone tables name it, not "gb"). */
export type ToneCountry = keyof typeof TONE_PLANS;

export function isToneCountry(text: string): text is ToneCountry {
  return Object.hasOwn(TONE_PLANS, text);
}

export function isCallProgressTone(text: string): text is CallProgressTone {
  return (CALL_PROGRESS_TONES as readonly string[]).includes(text);
}

/** The pattern of one tone of one country. */
export function tonePattern(country: ToneCountry, tone: CallProgressTone): TonePattern {
  return TONE_PLANS[country].tones[tone];
}
