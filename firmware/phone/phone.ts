/**
 * The phone skeleton: boots the display, shows the idle screen (time,
 * service state), and a dialing screen with the digits typed after going
 * off-hook. The full UI state machine comes with the calls work; this proves
 * the chain key → scanner → UI → LCD driver → I2C.
 */
import type { PhoneHardware } from '../hardware.js';
import type { KeyEvent } from '../../drivers/keypad/matrix-scanner.js';
import type { KeyName } from '../../drivers/keypad/key-names.js';
import type { HookState } from '../../drivers/hook/hook-switch.js';
import type { TimerHandle } from '../../drivers/bus/clock.js';
import { defineStandardGlyphs } from '../../drivers/lcd/glyphs.js';
import { dialingScreen, idleScreen, ringingScreen } from './screens.js';
import type { AccountStatus, IncomingCallView, PhoneSip } from './phone-sip.js';
import { DisplayWriter } from './display-writer.js';

/*
 * Screens and allowed transitions:
 *   idle    → dialing   off-hook, or a dial key pressed on-hook (pre-dial)
 *   idle    → ringing   a call comes in
 *   dialing → idle      on-hook; Cancel while on-hook
 *   dialing → dialing   digits typed or deleted
 *   dialing → ringing   a call comes in while pre-dialing on-hook
 *   ringing → idle      the call is rejected, cancelled or fails (on-hook)
 *   ringing → dialing   the same, with the handset lifted
 */
export type Screen = 'idle' | 'dialing' | 'ringing';

const ALLOWED: Readonly<Record<Screen, readonly Screen[]>> = {
  idle: ['dialing', 'ringing'],
  dialing: ['idle', 'dialing', 'ringing'],
  ringing: ['idle', 'dialing'],
};

const DIAL_KEYS: ReadonlyMap<KeyName, string> = new Map([
  ...[...'0123456789'].map((d) => [d as KeyName, d] as const),
  ['star', '*'],
  ['pound', '#'],
]);

/** The longest number a person may type: E.164 allows 15 digits; SIP URIs typed as digits get some room. */
const MAX_DIGITS = 32;

export interface PhoneStatus {
  readonly board: string;
  readonly screen: Screen;
  readonly hook: 'on' | 'off';
  readonly digits: string;
  readonly service: string;
  readonly accounts: readonly AccountStatus[];
  readonly call: { readonly state: 'ringing'; readonly from: string; readonly fromName: string } | null;
  readonly problems: readonly string[];
}

export interface PhoneOptions {
  /** Wall-clock time for the idle screen (the monotonic Clock has no date). */
  readonly now?: () => Date;
  /** The SIP side; without it the phone has no service. */
  readonly sip?: PhoneSip;
}

export class Phone {
  private screen: Screen = 'idle';
  private digits = '';
  private ringing: IncomingCallView | undefined;
  /** Parts that failed at start but did not stop the phone, for `state` and the status page. */
  private readonly problems: string[] = [];
  private readonly sip: PhoneSip | undefined;
  private readonly writer: DisplayWriter;
  private readonly unsubscribe: Array<() => void> = [];
  private minuteTimer: TimerHandle | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly hw: PhoneHardware,
    options: PhoneOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sip = options.sip;
    this.writer = new DisplayWriter(hw.display);
  }

  /** The idle screen's service line: the first registered account's label, else "No service". */
  private get service(): string {
    const registered = this.sip?.accounts().find((a) => a.registered);
    return registered ? registered.label || registered.uri.replace(/^sips?:/, '') : 'No service';
  }

  async start(): Promise<void> {
    await this.hw.display.init();
    await defineStandardGlyphs(this.hw.display);
    if (this.hw.codec) {
      try {
        await this.hw.codec.init();
      } catch (e) {
        // Without codec control the phone still does everything but set
        // volumes and routing (e.g. the kernel's own driver owns the codec).
        this.problems.push(`${this.hw.codec.name}: ${e instanceof Error ? e.message : String(e)}; running without codec control`);
        console.error(`deskphone: ${this.problems.at(-1) ?? ''}`);
      }
    }
    this.unsubscribe.push(this.hw.onKey((e) => this.onKey(e)));
    this.unsubscribe.push(this.hw.onHook((s) => this.onHook(s)));
    if (this.sip) {
      this.unsubscribe.push(this.sip.onAccountsChanged(() => this.screen === 'idle' && this.render()));
      this.unsubscribe.push(this.sip.onIncomingCall((call) => this.onIncomingCall(call)));
    }
    if (this.hw.hookState() === 'off-hook') this.transition('dialing');
    this.render();
    this.scheduleMinuteTick();
    await this.settled();
  }

  /** Resolves when everything the phone has decided to show is on the display. */
  settled(): Promise<void> {
    return this.writer.settled();
  }

  status(): PhoneStatus {
    return {
      board: this.hw.boardName,
      screen: this.screen,
      hook: this.hw.hookState() === 'off-hook' ? 'off' : 'on',
      digits: this.digits,
      service: this.service,
      accounts: this.sip?.accounts() ?? [],
      call: this.ringing ? { state: 'ringing', from: this.ringing.callerUri, fromName: this.ringing.callerName } : null,
      problems: [...this.problems],
    };
  }

  async dispose(): Promise<void> {
    this.hw.clock.clearTimer(this.minuteTimer);
    for (const off of this.unsubscribe) off();
    await this.writer.settled();
  }

  private transition(next: Screen): void {
    if (!ALLOWED[this.screen].includes(next)) throw new Error(`phone: illegal screen change ${this.screen} → ${next}`);
    this.screen = next;
  }

  private onIncomingCall(call: IncomingCallView): void {
    // One line until the calls work brings call waiting: a second caller, or a
    // caller while the handset is up and dialing, hears busy.
    if (this.ringing || this.hw.hookState() === 'off-hook') {
      call.reject(486);
      return;
    }
    this.ringing = call;
    call.onEnd(() => {
      if (this.ringing !== call) return;
      this.ringing = undefined;
      const line = this.hw.leds.get('line');
      if (this.hw.hookState() === 'off-hook') line?.on();
      else line?.off();
      this.transition(this.hw.hookState() === 'off-hook' || this.digits !== '' ? 'dialing' : 'idle');
      this.render();
    });
    this.transition('ringing');
    this.hw.leds.get('line')?.blink('ringing');
    this.render();
  }

  private onHook(state: HookState): void {
    if (this.screen === 'ringing') return; // answering by lifting the handset comes with the calls work
    const line = this.hw.leds.get('line');
    if (state === 'off-hook') {
      line?.on();
      if (this.screen === 'idle') this.transition('dialing');
    } else {
      line?.off();
      this.digits = '';
      if (this.screen === 'dialing') this.transition('idle');
    }
    this.render();
  }

  private onKey(event: KeyEvent): void {
    if (event.kind !== 'down' && event.kind !== 'repeat') return;
    if (this.screen === 'ringing') {
      // Reject: the Cancel key or the "Rej" softkey (486 Busy Here, as desk phones send by default).
      if (event.key === 'cancel' || event.key === 'soft4') this.ringing?.reject(486);
      return;
    }
    const dialed = DIAL_KEYS.get(event.key);
    if (dialed !== undefined) {
      if (this.screen === 'idle') this.transition('dialing');
      if (this.digits.length < MAX_DIGITS) this.digits += dialed;
    } else if (this.screen === 'dialing' && (event.key === 'soft2' || event.key === 'left')) {
      this.digits = this.digits.slice(0, -1);
    } else if (this.screen === 'dialing' && (event.key === 'cancel' || event.key === 'soft4')) {
      this.digits = '';
      if (this.hw.hookState() === 'on-hook') this.transition('idle');
    } else {
      return;
    }
    this.render();
  }

  private render(): void {
    const g = { columns: this.hw.display.columns, rows: this.hw.display.rows };
    const offHook = this.hw.hookState() === 'off-hook';
    const lines =
      this.screen === 'idle'
        ? idleScreen({ now: this.now(), status: this.service }, g)
        : this.screen === 'ringing' && this.ringing
          ? ringingScreen({ callerName: this.ringing.callerName, callerNumber: this.ringing.callerNumber }, g)
          : dialingScreen({ digits: this.digits, offHook }, g);
    this.writer.show(lines);
  }

  /** Redraws on each minute boundary so the idle clock is right to the second it changes. */
  private scheduleMinuteTick(): void {
    const now = this.now();
    const msToNextMinute = 60_000 - (now.getSeconds() * 1000 + now.getMilliseconds());
    this.minuteTimer = this.hw.clock.setTimer(msToNextMinute + 5, () => {
      if (this.screen === 'idle') this.render();
      this.scheduleMinuteTick();
    });
  }
}
