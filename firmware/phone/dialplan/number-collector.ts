/**
 * The number being typed on the dialing screen: takes keys, decides with the
 * dial plan when the number is complete, runs the inter-digit timer, and
 * hands the number (after the replace rules) to `dial` exactly once.
 *
 * What dials:
 *   - a dial-now rule matching exactly, the moment the last key is typed;
 *   - a 'complete' digit map, at once; 'complete-but-more-possible' after the short
 *     timer; 'partial' (or no digit map) after the long timer (collect-policy.ts);
 *   - the send key (features.key_as_send: '#', '*' or none) and OK, at any time;
 *   - going off-hook after pre-dialing.
 * Pre-dial (typing on-hook) only collects: no timer, no dial-now, no digit map
 * (Yealink's dialplan.digitmap.active.on_hook_dialing is off by default); the
 * call is placed by OK, the send key, or lifting the handset, which "the phone
 * interprets ... as the user completing their dial".
 * A number typed as a starred IP address (star-ip.ts), when direct IP calls
 * are allowed and the digit map does not cover it, is timed as an address
 * and is not passed through the replace rules. It is recognised from its
 * first '*' on, so with no_match_action 'refuse' or 'ignore-key' the digit map
 * must let the first group through (e.g. a rule "x+*x+*x+*x+") for addresses
 * to be typable at all.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { TimerSet } from '../../sip/transaction/timer-set.js';
import { collectStep, type CollectStep, type NoMatchAction } from './collect-policy.js';
import { NO_DIAL_PLAN, type DialPlan } from './dial-plan.js';
import { matchDigitMap, matchesExactly, type DigitMapVerdict } from './digit-map.js';
import { applyReplaceRules } from './replace-rules.js';
import { starIpAddress, starIpVerdict } from './star-ip.js';

/** features.key_as_send: 0 'none', 1 'pound' ('#'), 2 'star' ('*'); the names of KEY_AS_SEND_CHOICES. */
export type SendKey = 'none' | 'pound' | 'star';

const SEND_KEY_CHAR: Readonly<Record<SendKey, string | undefined>> = { none: undefined, pound: '#', star: '*' };

const DIAL_KEYS = '0123456789*#';

/*
 * States and allowed transitions:
 *   empty      → collecting  a key is typed
 *   empty      → dialed      the first key alone completes the number (a dial-now rule "0")
 *   empty      → refused     the first key already makes the number impossible
 *   collecting → collecting  a key typed or deleted (the inter-digit timer restarts)
 *   collecting → empty       the last key deleted, or clear()
 *   collecting → refused     the digit map can never match and no_match_action refuses
 *   collecting → dialed      dial-now, a complete number, a timer, a send key, OK, off-hook after pre-dial
 *   refused    → refused     a key deleted and the number still cannot match
 *   refused    → collecting  a key deleted and the number can match again
 *   refused    → empty       the last key deleted, or clear()
 *   any but disposed → disposed  dispose()
 */
export type CollectorState = 'empty' | 'collecting' | 'refused' | 'dialed' | 'disposed';

const ALLOWED: Readonly<Record<CollectorState, readonly CollectorState[]>> = {
  empty: ['collecting', 'dialed', 'refused', 'disposed'],
  collecting: ['collecting', 'empty', 'refused', 'dialed', 'disposed'],
  refused: ['refused', 'collecting', 'empty', 'disposed'],
  dialed: ['disposed'],
  disposed: [],
};

/** What the dialing screen shows. */
export interface CollectorView {
  readonly state: CollectorState;
  readonly digits: string;
  readonly preDial: boolean;
  /** The dial plan's verdict on the digits; absent when empty or pre-dialing. */
  readonly verdict?: DigitMapVerdict;
  /** The inter-digit timer running now. */
  readonly waiting?: 'long' | 'short';
  /** The number handed to `dial`, once dialed. */
  readonly number?: string;
}

export interface NumberCollectorOptions {
  readonly clock: Clock;
  /** Called once, with the number after the replace rules. */
  readonly dial: (number: string) => void;
  readonly plan?: DialPlan;
  /** Default 'pound' (Yealink's default features.key_as_send = 1). */
  readonly keyAsSend?: SendKey;
  /** Default 4000 (phone_setting.inter_digit_time = 4). 0: a partial number is never dialed by the timer. */
  readonly longTimerMs?: number;
  /** Default 1000. */
  readonly shortTimerMs?: number;
  /** Default 'dial-on-timeout'. */
  readonly noMatch?: NoMatchAction;
  /** Default true (features.direct_ip_call_enable = 1). */
  readonly directIpAllowed?: boolean;
  /** Start as pre-dial: the handset is on the hook. */
  readonly preDial?: boolean;
  /** Keys beyond this are ignored. Default 32. */
  readonly maxDigits?: number;
  /** Called after every change of the view, including those a timer makes. */
  readonly onChange?: (view: CollectorView) => void;
}

/** A step for the keys now on screen: the policy's, or one of the collector's own. */
type Step = Exclude<CollectStep, 'drop-key'> | 'empty' | 'hold';

export class NumberCollector {
  private state: CollectorState = 'empty';
  private digits = '';
  private preDial: boolean;
  private waiting: 'long' | 'short' | undefined;
  private dialed: string | undefined;
  private readonly timers: TimerSet<'inter-digit'>;
  private readonly plan: DialPlan;
  private readonly sendKey: string | undefined;
  private readonly longMs: number;
  private readonly shortMs: number;
  private readonly noMatch: NoMatchAction;
  private readonly directIpAllowed: boolean;
  private readonly maxDigits: number;

  constructor(private readonly options: NumberCollectorOptions) {
    this.timers = new TimerSet(options.clock);
    this.plan = options.plan ?? NO_DIAL_PLAN;
    this.sendKey = SEND_KEY_CHAR[options.keyAsSend ?? 'pound'];
    this.longMs = options.longTimerMs ?? 4000;
    this.shortMs = options.shortTimerMs ?? 1000;
    this.noMatch = options.noMatch ?? 'dial-on-timeout';
    this.directIpAllowed = options.directIpAllowed ?? true;
    this.preDial = options.preDial ?? false;
    this.maxDigits = options.maxDigits ?? 32;
  }

  view(): CollectorView {
    const verdict = this.digits === '' || this.preDial ? undefined : this.verdictOf(this.digits);
    return {
      state: this.state,
      digits: this.digits,
      preDial: this.preDial,
      ...(verdict ? { verdict } : {}),
      ...(this.waiting ? { waiting: this.waiting } : {}),
      ...(this.dialed === undefined ? {} : { number: this.dialed }),
    };
  }

  /** A dial key: '0'-'9', '*' or '#'. The send key dials instead of being typed. */
  press(key: string): void {
    if (key.length !== 1 || !DIAL_KEYS.includes(key)) throw new RangeError(`not a dial key: ${JSON.stringify(key)}`);
    if (this.state !== 'empty' && this.state !== 'collecting') return;
    if (key === this.sendKey) {
      this.send();
      return;
    }
    if (this.digits.length >= this.maxDigits) return;
    const next = this.digits + key;
    const step = this.stepFor(next, true);
    if (step === 'drop-key') return;
    this.digits = next;
    this.apply(step);
  }

  /** OK, or the send key: dials what is there (nothing when empty or refused). */
  send(): void {
    if (this.state === 'collecting') this.dialNow();
  }

  /** Deletes the last key. */
  backspace(): void {
    if (this.state !== 'collecting' && this.state !== 'refused') return;
    this.digits = this.digits.slice(0, -1);
    const step = this.stepFor(this.digits, false);
    // Deleting never makes a number impossible, so the policy cannot drop a key here.
    if (step !== 'drop-key') this.apply(step);
  }

  /** Deletes every key. */
  clear(): void {
    if (this.state !== 'collecting' && this.state !== 'refused') return;
    this.digits = '';
    this.apply('empty');
  }

  /** The handset was lifted: pre-dialed keys are dialed; otherwise the dial plan starts to apply. */
  offHook(): void {
    if (!this.preDial || this.state === 'dialed' || this.state === 'disposed') return;
    this.preDial = false;
    if (this.state === 'collecting') this.dialNow();
    else this.notify();
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    this.timers.clearAll();
    this.waiting = undefined;
    this.transition('disposed');
  }

  private transition(next: CollectorState): void {
    if (!ALLOWED[this.state].includes(next)) throw new Error(`number collector: illegal change ${this.state} → ${next}`);
    this.state = next;
  }

  private verdictOf(digits: string): DigitMapVerdict {
    const map = this.plan.digitMap;
    const verdict = map ? matchDigitMap(map, digits) : 'partial';
    if (this.directIpAllowed && (!map || verdict === 'none')) {
      const ip = starIpVerdict(digits);
      if (ip !== 'none') return ip;
    }
    return verdict;
  }

  private stepFor(digits: string, typed: boolean): Step | 'drop-key' {
    if (digits === '') return 'empty';
    if (this.preDial) return 'hold';
    if (matchesExactly(this.plan.dialNow, digits)) return 'dial';
    return collectStep(this.verdictOf(digits), this.noMatch, typed);
  }

  private apply(step: Step): void {
    this.timers.stop('inter-digit');
    this.waiting = undefined;
    switch (step) {
      case 'dial':
        this.dialNow();
        return;
      case 'empty':
        this.transition('empty');
        break;
      case 'refuse':
        this.transition('refused');
        break;
      case 'hold':
        this.transition('collecting');
        break;
      case 'wait-short':
        this.transition('collecting');
        this.wait('short', this.shortMs);
        break;
      case 'wait-long':
        this.transition('collecting');
        if (this.longMs > 0) this.wait('long', this.longMs);
        break;
    }
    this.notify();
  }

  private wait(kind: 'long' | 'short', ms: number): void {
    this.waiting = kind;
    this.timers.start('inter-digit', ms, () => {
      this.waiting = undefined;
      this.dialNow();
    });
  }

  private dialNow(): void {
    const digits = this.digits;
    const direct = this.directIpAllowed && starIpAddress(digits) !== undefined;
    const number = direct ? digits : applyReplaceRules(this.plan.replace, digits);
    this.timers.clearAll();
    this.waiting = undefined;
    this.dialed = number;
    this.transition('dialed');
    this.notify();
    this.options.dial(number);
  }

  private notify(): void {
    this.options.onChange?.(this.view());
  }
}
