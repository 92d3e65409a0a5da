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
import { connectedScreen, dialingScreen, idleScreen, ringingScreen, statusScreen } from './screens.js';
import { FIRMWARE_VERSION } from '../version.js';
import type { AnswerOutcome, CallMediaStats, PhoneMedia, ProgressTone } from './phone-media.js';
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
 *   ringing → connected answered: handset lifted, OK / Answer, or the console
 *   connected → idle    either side hangs up (handset on the hook)
 *   connected → dialing the far end hangs up while the handset is lifted
 *   idle    → status    the Menu softkey
 *   status  → idle      Menu, OK or Cancel
 *   status  → dialing   off-hook or a dial key
 *   status  → ringing   a call comes in
 */
export type Screen = 'idle' | 'dialing' | 'ringing' | 'connected' | 'status';

const ALLOWED: Readonly<Record<Screen, readonly Screen[]>> = {
  idle: ['dialing', 'ringing', 'status'],
  status: ['idle', 'dialing', 'ringing'],
  dialing: ['idle', 'dialing', 'ringing'],
  ringing: ['idle', 'dialing', 'connected'],
  connected: ['idle', 'dialing'],
};

interface ActiveCall {
  readonly view: IncomingCallView;
  state: 'ringing' | 'answering' | 'connected';
  media?: Extract<AnswerOutcome, { ok: true }>;
  connectedAt?: number;
}

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
  readonly call: {
    readonly state: 'ringing' | 'answering' | 'connected';
    readonly from: string;
    readonly fromName: string;
    readonly codec?: string;
    readonly secure?: boolean;
    readonly durationS?: number;
    readonly media?: CallMediaStats;
  } | null;
  readonly problems: readonly string[];
}

export interface PhoneOptions {
  /** Wall-clock time for the idle screen (the monotonic Clock has no date). */
  readonly now?: () => Date;
  /** The SIP side; without it the phone has no service. */
  readonly sip?: PhoneSip;
  /** The audio side; without it calls can ring but not be answered. */
  readonly media?: PhoneMedia;
  /** Whether to answer this call at once on the speaker (account.N.auto_answer, intercom). */
  readonly autoAnswer?: (call: IncomingCallView) => boolean;
  /** The address the phone is reached at, for the status screen. */
  readonly address?: () => string;
}

export class Phone {
  private screen: Screen = 'idle';
  private digits = '';
  private call: ActiveCall | undefined;
  private callTimer: TimerHandle | undefined;
  /** The call-progress tone playing now, so the engine is told only of changes. */
  private playingTone: ProgressTone | undefined;
  private readonly media: PhoneMedia | undefined;
  private readonly address: () => string;
  /** Parts that failed at start but did not stop the phone, for `state` and the status page. */
  private readonly problems: string[] = [];
  private readonly sip: PhoneSip | undefined;
  private readonly writer: DisplayWriter;
  private readonly unsubscribe: Array<() => void> = [];
  private minuteTimer: TimerHandle | undefined;
  private readonly now: () => Date;
  private readonly autoAnswer: (call: IncomingCallView) => boolean;

  constructor(
    private readonly hw: PhoneHardware,
    options: PhoneOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sip = options.sip;
    this.media = options.media;
    this.address = options.address ?? (() => 'unknown');
    this.autoAnswer = options.autoAnswer ?? (() => false);
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
      call: this.call
        ? {
            state: this.call.state,
            from: this.call.view.callerUri,
            fromName: this.call.view.callerName,
            ...(this.call.media ? { codec: this.call.media.codec, secure: this.call.media.secure } : {}),
            ...(this.call.media?.stats() ? { media: this.call.media.stats() } : {}),
            ...(this.call.connectedAt === undefined ? {} : { durationS: Math.floor((this.hw.clock.now() - this.call.connectedAt) / 1000) }),
          }
        : null,
      problems: [...this.problems],
    };
  }

  /** Answers the ringing call (the console's `answer`, the handset, OK). */
  async answer(): Promise<void> {
    const call = this.call;
    if (!call || call.state !== 'ringing') throw new Error('no call is ringing');
    if (!this.media) throw new Error('this phone has no audio path to answer with');
    const offer = call.view.offerSdp;
    if (offer === undefined) throw new Error('the INVITE carried no SDP offer: answering with our own offer is not supported yet');
    call.state = 'answering';
    this.media.ring(false);
    const outcome = await this.media.answer(offer, call.view.callId);
    if (this.call !== call) {
      // The caller gave up while the stream opened.
      if (outcome.ok) await outcome.stop();
      return;
    }
    if (!outcome.ok) {
      call.view.reject(outcome.status);
      throw new Error(`cannot answer: ${outcome.reason}`);
    }
    call.media = outcome;
    call.view.accept(outcome.sdp);
    call.state = 'connected';
    call.connectedAt = this.hw.clock.now();
    this.hw.leds.get('line')?.on();
    this.transition('connected');
    this.render();
    this.tickCallTimer();
  }

  /** Ends the call: BYE when connected, 486 when still ringing. */
  hangup(): void {
    const call = this.call;
    if (!call) throw new Error('no call to hang up');
    if (call.state === 'ringing') call.view.reject(486);
    else call.view.hangup();
  }

  async dispose(): Promise<void> {
    this.hw.clock.clearTimer(this.minuteTimer);
    this.hw.clock.clearTimer(this.callTimer);
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
    if (this.call || this.hw.hookState() === 'off-hook') {
      call.reject(486);
      return;
    }
    const active: ActiveCall = { view: call, state: 'ringing' };
    this.call = active;
    call.onEnd(() => {
      if (this.call !== active) return;
      this.call = undefined;
      if (active.state !== 'connected') this.media?.ring(false);
      this.hw.clock.clearTimer(this.callTimer);
      active.media?.stop().catch((e: unknown) => console.error(`deskphone: stopping call audio: ${String(e)}`));
      const line = this.hw.leds.get('line');
      if (this.hw.hookState() === 'off-hook') line?.on();
      else line?.off();
      this.transition(this.hw.hookState() === 'off-hook' || this.digits !== '' ? 'dialing' : 'idle');
      this.render();
    });
    this.transition('ringing');
    this.media?.ring(true);
    this.hw.leds.get('line')?.blink('ringing');
    this.render();
    if (this.autoAnswer(call)) this.answerFromTheDesk();
  }

  private onHook(state: HookState): void {
    if (this.screen === 'ringing' && state === 'off-hook') {
      this.answerFromTheDesk();
      return;
    }
    if (this.screen === 'connected' && state === 'on-hook') {
      this.hangup();
      return;
    }
    if (this.screen === 'ringing' || this.screen === 'connected') return;
    const line = this.hw.leds.get('line');
    if (state === 'off-hook') {
      line?.on();
      if (this.screen === 'idle' || this.screen === 'status') this.transition('dialing');
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
      if (event.key === 'cancel' || event.key === 'soft4') this.call?.view.reject(486);
      if (event.key === 'ok' || event.key === 'soft1' || event.key === 'speaker') this.answerFromTheDesk();
      return;
    }
    if (this.screen === 'connected') {
      if (event.key === 'cancel' || event.key === 'soft4') this.hangup();
      return;
    }
    if (this.screen === 'idle' && event.key === 'soft4') {
      this.transition('status');
      this.render();
      return;
    }
    if (this.screen === 'status' && (event.key === 'soft4' || event.key === 'ok' || event.key === 'cancel')) {
      this.transition('idle');
      this.render();
      return;
    }
    const dialed = DIAL_KEYS.get(event.key);
    if (dialed !== undefined) {
      if (this.screen === 'idle' || this.screen === 'status') this.transition('dialing');
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

  private accountLine(): string {
    const first = this.sip?.accounts()[0];
    if (!first) return 'No account';
    return `${first.label}: ${first.registered ? 'registered' : first.state}`;
  }

  /** Dial tone while the handset is up and nothing is dialed yet; silence otherwise. */
  private updateTone(): void {
    const wanted: ProgressTone | undefined =
      this.screen === 'dialing' && this.digits === '' && this.hw.hookState() === 'off-hook' ? 'dial' : undefined;
    if (wanted === this.playingTone) return;
    this.playingTone = wanted;
    this.media?.tone(wanted);
  }

  private render(): void {
    this.updateTone();
    const g = { columns: this.hw.display.columns, rows: this.hw.display.rows };
    const offHook = this.hw.hookState() === 'off-hook';
    this.writer.show(this.frame(g, offHook));
  }

  /** The rows the current screen shows. */
  private frame(g: { columns: number; rows: number }, offHook: boolean): string[] {
    const call = this.call;
    switch (this.screen) {
      case 'idle':
        return idleScreen({ now: this.now(), status: this.service }, g);
      case 'status':
        return statusScreen({ version: FIRMWARE_VERSION, address: this.address(), account: this.accountLine() }, g);
      case 'ringing':
        if (call) return ringingScreen({ callerName: call.view.callerName, callerNumber: call.view.callerNumber }, g);
        break;
      case 'connected':
        if (call?.media) {
          const seconds = (this.hw.clock.now() - (call.connectedAt ?? this.hw.clock.now())) / 1000;
          const { callerName, callerNumber } = call.view;
          return connectedScreen({ callerName, callerNumber, codec: call.media.codec, wideband: call.media.wideband, seconds }, g);
        }
        break;
      case 'dialing':
        break;
    }
    return dialingScreen({ digits: this.digits, offHook }, g);
  }

  /** Answering from the keys or the handset: a failure shows in the log, the call keeps ringing or ends. */
  private answerFromTheDesk(): void {
    this.answer().catch((e: unknown) => console.error(`deskphone: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Redraws the call timer every second while connected. */
  private tickCallTimer(): void {
    this.callTimer = this.hw.clock.setTimer(1000, () => {
      if (this.screen !== 'connected') return;
      this.render();
      this.tickCallTimer();
    });
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
