/**
 * The phone as a person uses it: keys, hook switch, LCD, LEDs and tones on
 * top of the calls (calls/call-manager.ts). The calls decide what happens on
 * the wire; this file decides what each key means on each screen and what
 * the screen (ui/, layouts as data), the LEDs and the handset's tones say.
 *
 * Every key goes through the softkey table of the screen showing
 * (ui/softkeys.ts): a softkey's action, OK (the screen's primary action) and
 * Cancel (its back-out action) mean the same thing, so the console's `key`
 * and the labels on the LCD never disagree.
 */
import type { PhoneHardware } from '../hardware.js';
import type { KeyEvent } from '../../drivers/keypad/matrix-scanner.js';
import type { KeyName } from '../../drivers/keypad/key-names.js';
import type { HookState } from '../../drivers/hook/hook-switch.js';
import type { TimerHandle } from '../../drivers/bus/clock.js';
import type { AudioOutput } from '../../drivers/codec/audio-codec.js';
import { defineStandardGlyphs } from '../../drivers/lcd/glyphs.js';
import type { CallsConfig, DtmfMode } from '../config/view.js';
import { FIRMWARE_VERSION } from '../version.js';
import type { CallMediaStats, PhoneMedia, ProgressTone } from './phone-media.js';
import type { AccountStatus, MessageWaiting, PhoneSip } from './phone-sip.js';
import { DisplayWriter } from './display-writer.js';
import { CallManager, type CallSummary, type HistoryEvent } from './calls/call-manager.js';
import type { Call } from './calls/call.js';
import { callScreenView } from './call-screens.js';
import { dialPlanFromSettings, NumberCollector } from './dialplan/index.js';
import { keypadSearchMatches, Menus, type MenuHost } from './menus.js';
import { renderScreen } from './ui/render.js';
import { softkeysFor, type SoftkeyAction } from './ui/softkeys.js';
import type { AccountState, ForwardMode, ScreenView } from './ui/views.js';
import type { CallHistory, Phonebook } from './directory/index.js';

/*
 * UI modes without a call on screen, and allowed transitions:
 *   idle     → dialing   off-hook, a dial key (pre-dial), New on a held call
 *   idle     → menu      Menu, Hist or Fwd softkeys;  menu → idle  Back from the root menu
 *   dialing  → idle      on-hook, Exit, the number dialed
 *   idle     → transfer  Xfer on a call;  transfer → idle  Back, or the transfer sent
 * The call screens (ringing, calling, connected, held, two calls, consult,
 * conference) are derived from the calls whenever the mode is idle.
 */
export type UiMode = 'idle' | 'dialing' | 'menu' | 'transfer';

const MODES: Readonly<Record<UiMode, readonly UiMode[]>> = {
  idle: ['dialing', 'menu', 'transfer'],
  dialing: ['idle', 'transfer'],
  menu: ['idle', 'dialing'],
  transfer: ['idle', 'dialing'],
};

/** What `state` calls the screen: the view's kind, with 'status' kept for the menus' status pages. */
export type Screen = ScreenView['kind'];

const DIAL_KEYS: ReadonlyMap<KeyName, string> = new Map([
  ...[...'0123456789'].map((d) => [d as KeyName, d] as const),
  ['star', '*'],
  ['pound', '#'],
]);

const MAX_DIGITS = 32;
const VOLUME_STEP_DB = 3;
const SOFTKEYS: readonly KeyName[] = ['soft1', 'soft2', 'soft3', 'soft4'];
/** OK does the screen's main action; these are the actions it may mean, first found wins. */
const PRIMARY: readonly SoftkeyAction[] = ['send', 'answer', 'select', 'dial', 'save', 'blind-transfer', 'complete-transfer'];
/** Cancel backs out; these are the actions it may mean. */
const BACK_OUT: readonly SoftkeyAction[] = ['reject', 'end', 'exit', 'back', 'cancel'];

export interface PhoneStatus {
  readonly board: string;
  readonly screen: Screen;
  readonly hook: 'on' | 'off';
  readonly digits: string;
  readonly service: string;
  readonly accounts: readonly AccountStatus[];
  readonly calls: readonly CallSummary[];
  /** The call in focus, as before the calls work (kept for scripts that read it). */
  readonly call: {
    readonly id: string;
    readonly state: string;
    readonly from: string;
    readonly fromName: string;
    readonly codec?: string;
    readonly secure?: boolean;
    readonly durationS?: number;
    readonly media?: CallMediaStats;
  } | null;
  readonly muted: boolean;
  readonly audioPath: AudioOutput;
  readonly dnd: boolean;
  readonly missedCalls: number;
  /** Voicemail per the PBX (RFC 3842), summed over the accounts. */
  readonly voicemail: MessageWaiting;
  readonly dtmfReceived: string;
  readonly problems: readonly string[];
}

export interface PhoneOptions {
  /** Wall-clock time for the idle screen (the monotonic Clock has no date). */
  readonly now?: () => Date;
  readonly sip?: PhoneSip;
  readonly media?: PhoneMedia;
  /** The address the phone is reached at, for the network page. */
  readonly address?: () => string;
  /** The calls settings in force (features.*, forward.*, call_waiting.*, dialplan.*). */
  readonly calls?: () => CallsConfig;
  /** features.direct_ip_call_enable. */
  readonly directIpAllowed?: () => boolean;
  /** Per account: DTMF method and auto-answer. */
  readonly account?: (index: number) => { readonly dtmf: DtmfMode; readonly autoAnswer: boolean } | undefined;
  readonly history?: CallHistory;
  readonly phonebook?: Phonebook;
  /** Stores settings changed from the menus (key → .cfg value) in the local layer. */
  readonly setSettings?: (entries: Readonly<Record<string, string>>) => Promise<void>;
  readonly ringTones?: readonly string[];
  /** voice_mail.number.N: what the Message key dials. */
  readonly voicemailNumber?: (accountIndex: number) => string;
  readonly log?: (line: string) => void;
}

export const DEFAULT_CALLS_CONFIG: CallsConfig = {
  intercomAllowed: true,
  holdMode: 'sendonly',
  dnd: false,
  dndRefuseCode: 486,
  rejectCode: 486,
  callWaiting: true,
  callWaitingTone: true,
  forward: {
    always: { enabled: false, target: '' },
    busy: { enabled: false, target: '' },
    noAnswer: { enabled: false, target: '', timeoutS: 12 },
  },
  acceptRefer: true,
  ringTone: 'us-warble',
  ringVolume: 7,
  interDigitS: 4,
  keyAsSend: 'pound',
  dialPlan: { digitMap: undefined, replaceRules: '', dialNowRules: '' },
};

function accountState(a: AccountStatus | undefined): AccountState {
  if (!a) return 'none';
  if (a.registered) return 'registered';
  return a.state === 'failed' ? 'failed' : 'registering';
}

function forwardModeOf(c: CallsConfig): { mode: ForwardMode; target: string } {
  if (c.forward.always.enabled) return { mode: 'always', target: c.forward.always.target };
  if (c.forward.busy.enabled) return { mode: 'busy', target: c.forward.busy.target };
  if (c.forward.noAnswer.enabled) return { mode: 'no-answer', target: c.forward.noAnswer.target };
  return { mode: 'off', target: '' };
}

export class Phone {
  private mode: UiMode = 'idle';
  private collector: NumberCollector | undefined;
  private transferDigits = '';
  private readonly calls: CallManager | undefined;
  private readonly menus: Menus;
  private playingTone: ProgressTone | undefined;
  private ringing = false;
  private ringerSilenced = false;
  private muted = false;
  private volumeDb = 0;
  private dtmfReceived = '';
  private readonly voicemail = new Map<number, MessageWaiting>();
  /** Where the call's audio goes: the handset, the loudspeaker (hands-free) or a headset. */
  private audioPath: AudioOutput = 'handset';
  private callTimer: TimerHandle | undefined;
  private readonly media: PhoneMedia | undefined;
  private readonly address: () => string;
  private readonly config: () => CallsConfig;
  private readonly log: (line: string) => void;
  private readonly problems: string[] = [];
  private readonly sip: PhoneSip | undefined;
  private readonly writer: DisplayWriter;
  private readonly unsubscribe: Array<() => void> = [];
  private minuteTimer: TimerHandle | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly hw: PhoneHardware,
    private readonly options: PhoneOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sip = options.sip;
    this.media = options.media;
    this.address = options.address ?? (() => 'unknown');
    this.config = options.calls ?? (() => DEFAULT_CALLS_CONFIG);
    this.log = options.log ?? ((line) => console.error(`deskphone: ${line}`));
    this.writer = new DisplayWriter(hw.display);
    const media = this.media;
    if (this.sip) {
      this.calls = new CallManager({
        sip: this.sip,
        clock: hw.clock,
        media: media ? () => ({ streams: media.streams, address: media.address, codecs: media.codecs(), srtp: media.srtp() }) : undefined,
        config: this.config,
        account: options.account ?? (() => undefined),
        sendDtmf: (id, digits, method) => media?.sendDtmf(id, digits, method) ?? Promise.reject(new Error('no audio path')),
        mix: (ids) => media?.mix(ids) ?? Promise.resolve(),
        log: this.log,
        history: (event) => this.recordHistory(event),
        lookupName: (number) => options.phonebook?.lookup(number)?.contact.name,
        dtmfReceived: (digit) => this.noteDtmf(digit),
        ...(options.directIpAllowed ? { directIpAllowed: options.directIpAllowed } : {}),
      });
    }
    this.menus = new Menus(this.menuHost());
  }

  private menuHost(): MenuHost {
    const o = this.options;
    return {
      history: (direction) => o.history?.entries(direction) ?? [],
      markMissedSeen: () => o.history?.markMissedSeen(),
      contacts: (search) =>
        (o.phonebook?.contacts() ?? [])
          .filter((c) => keypadSearchMatches(search, c.name, c.numbers.map((n) => n.number)))
          .flatMap((c) => (c.numbers[0] ? [{ name: c.name, number: c.numbers[0].number }] : [])),
      dnd: () => this.config().dnd,
      forward: () => forwardModeOf(this.config()),
      setSettings: (entries) => (o.setSettings ? o.setSettings(entries) : Promise.reject(new Error('settings cannot be stored on this phone'))),
      ringTones: () => o.ringTones ?? [],
      ringTone: () => this.config().ringTone,
      previewRingTone: (name) => this.media?.ring(name !== undefined, name, this.config().ringVolume),
      ringVolume: () => ({ level: this.config().ringVolume, max: 10 }),
      network: () => ({ firmware: FIRMWARE_VERSION, dhcp: undefined, address: this.address(), gateway: '' }),
      accounts: () => this.sip?.accounts() ?? [],
      dial: (number) => this.act(() => this.dial(number)),
      now: () => this.now(),
    };
  }

  private recordHistory(event: HistoryEvent): void {
    const history = this.options.history;
    if (!history) return;
    try {
      const startedAt = new Date(this.now().getTime() - (this.hw.clock.now() - event.startedAt));
      history.add({
        direction: event.direction,
        remoteUri: event.remote.uri,
        remoteName: event.remote.name,
        number: event.remote.number,
        startedAt: startedAt.toISOString(),
        durationS: event.durationS,
        line: event.accountIndex,
      });
    } catch (e) {
      this.log(`history: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private get service(): AccountStatus | undefined {
    const accounts = this.sip?.accounts() ?? [];
    return accounts.find((a) => a.registered) ?? accounts[0];
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
    if (this.sip) this.unsubscribe.push(this.sip.onAccountsChanged(() => this.render()));
    const mwi = this.sip?.onMessageWaiting?.((index, waiting) => {
      this.voicemail.set(index, waiting);
      this.render();
    });
    if (mwi) this.unsubscribe.push(mwi);
    if (this.calls) this.unsubscribe.push(this.calls.onChange(() => this.onCallsChanged()));
    if (this.options.history) this.unsubscribe.push(this.options.history.changes.on(() => this.render()));
    if (this.media) {
      this.unsubscribe.push(this.media.onDtmf((_id, digit) => this.noteDtmf(digit)));
    }
    if (this.hw.hookState() === 'off-hook') this.startDialing(false);
    this.render();
    this.scheduleMinuteTick();
    await this.settled();
  }

  /** DTMF the far end sent (an IVR's prompt, a doorphone's code): kept for `state`. */
  private noteDtmf(digit: string): void {
    this.dtmfReceived = (this.dtmfReceived + digit).slice(-MAX_DIGITS);
  }

  /** Resolves when everything the phone has decided to show is on the display. */
  settled(): Promise<void> {
    return this.writer.settled();
  }

  private get liveCalls(): Call[] {
    return (this.calls?.calls ?? []).filter((c) => !c.ended);
  }

  /** The screen showing now, as a view for the layouts. */
  view(): ScreenView {
    if (this.mode === 'menu') {
      const menu = this.menus.view();
      if (menu) return menu;
    }
    const focus = this.calls?.focus;
    if (this.mode === 'transfer' && focus) return { kind: 'transfer-entry', remote: { name: focus.remote.name, number: focus.remote.number }, target: this.transferDigits };
    if (this.mode === 'dialing') {
      const c = this.collector?.view();
      const digits = c?.digits ?? '';
      const match = digits === '' ? '' : this.matchOf(digits);
      const dialing: ScreenView = { kind: 'dialing', digits, offHook: this.hw.hookState() === 'off-hook', match };
      return c?.state === 'refused' ? { kind: 'message', text: 'Not a valid number', under: dialing } : dialing;
    }
    const calls = callScreenView({
      live: this.liveCalls,
      focus,
      nowMs: this.hw.clock.now(),
      muted: this.muted,
      lineLabel: (i) => this.sip?.accounts().find((a) => a.index === i)?.label ?? '',
    });
    if (calls) return calls;
    const idle = this.idleView();
    // The last call's failure stays on screen a moment (Busy, Not found …).
    const ended = this.calls?.calls.find((c) => c.ended && c.notice !== undefined);
    return ended?.notice !== undefined ? { kind: 'message', text: ended.notice, under: idle } : idle;
  }

  private idleView(): ScreenView {
    const account = this.service;
    const cfg = this.config();
    return {
      kind: 'idle',
      now: this.now(),
      account: account?.label ?? '',
      accountState: accountState(account),
      missedCalls: this.options.history?.missedUnseen ?? 0,
      newVoicemail: this.voicemailTotal().newCount,
      dnd: cfg.dnd,
      forward: forwardModeOf(cfg).mode !== 'off',
      mute: this.muted,
    };
  }

  private voicemailTotal(): MessageWaiting {
    let waiting = false;
    let newCount = 0;
    let oldCount = 0;
    for (const v of this.voicemail.values()) {
      waiting ||= v.waiting;
      newCount += v.newCount;
      oldCount += v.oldCount;
    }
    return { waiting, newCount, oldCount };
  }

  /** The contact whose number the typed digits are: the dialing screen's hint. */
  private matchOf(digits: string): string {
    const match = this.options.phonebook?.lookup(digits);
    return match && match.number.number.replace(/[^0-9*#+]/g, '') === digits ? match.contact.name : '';
  }

  status(): PhoneStatus {
    const focus = this.calls?.focus;
    const stats = focus?.media ? this.media?.stats(focus.media.streamId) : undefined;
    const audio = focus?.media?.audio;
    return {
      board: this.hw.boardName,
      screen: this.screenName(),
      hook: this.hw.hookState() === 'off-hook' ? 'off' : 'on',
      digits: this.collector?.view().digits ?? this.transferDigits,
      service: this.service?.registered ? this.service.label : 'No service',
      accounts: this.sip?.accounts() ?? [],
      calls: this.calls?.summary() ?? [],
      call: focus
        ? {
            id: focus.id,
            state: focus.state,
            from: focus.remote.uri,
            fromName: focus.remote.name,
            ...(audio ? { codec: audio.codec, secure: audio.secure } : {}),
            ...(stats ? { media: stats } : {}),
            ...(focus.connectedAt === undefined ? {} : { durationS: Math.floor((this.hw.clock.now() - focus.connectedAt) / 1000) }),
          }
        : null,
      muted: this.muted,
      audioPath: this.audioPath,
      dnd: this.config().dnd,
      missedCalls: this.options.history?.missedUnseen ?? 0,
      voicemail: this.voicemailTotal(),
      dtmfReceived: this.dtmfReceived,
      problems: [...this.problems],
    };
  }

  /** The screen's name in `state`: the view's kind, a message reported as the screen under it. */
  private screenName(): Screen {
    let v = this.view();
    while (v.kind === 'message') v = v.under;
    return v.kind;
  }

  private requireCalls(): CallManager {
    if (!this.calls) throw new Error('this phone has no SIP service');
    return this.calls;
  }

  // ——— actions (the console's and the keys') ———

  /** Dials `target` (a number, a name or a URI), through the dial plan's replace rules when it is digits. */
  async dial(target: string): Promise<void> {
    this.stopDialing();
    this.render();
    await this.requireCalls().dial(target);
  }

  async answer(): Promise<void> {
    await this.requireCalls().answer();
  }

  hangup(): void {
    this.requireCalls().hangup();
  }

  hold(): Promise<void> {
    return this.requireCalls().hold();
  }

  resume(): Promise<void> {
    return this.requireCalls().resume();
  }

  swap(): Promise<void> {
    return this.requireCalls().swap();
  }

  async redial(): Promise<void> {
    await this.requireCalls().redial();
  }

  transfer(target?: string): Promise<void> {
    return this.requireCalls().transfer(target);
  }

  conference(): Promise<void> {
    return this.requireCalls().conference();
  }

  dtmf(digits: string): Promise<void> {
    return this.requireCalls().dtmf(digits);
  }

  async dispose(): Promise<void> {
    this.hw.clock.clearTimer(this.minuteTimer);
    this.hw.clock.clearTimer(this.callTimer);
    this.collector?.dispose();
    for (const off of this.unsubscribe) off();
    // Quitting or rebooting ends the calls on the wire too, before SIP stops.
    this.calls?.endAll();
    this.calls?.dispose();
    await this.writer.settled();
  }

  private setMode(next: UiMode): void {
    if (next === this.mode) return;
    if (!MODES[this.mode].includes(next)) throw new Error(`phone: illegal screen change ${this.mode} → ${next}`);
    if (this.mode === 'menu') this.menus.close();
    this.mode = next;
  }

  /** The dialing screen with a fresh number collector (dial plan, send key and inter-digit time as configured). */
  private startDialing(preDial: boolean): void {
    this.collector?.dispose();
    const cfg = this.config();
    const { plan, problems } = dialPlanFromSettings(cfg.dialPlan);
    for (const p of problems) this.log(p);
    this.collector = new NumberCollector({
      clock: this.hw.clock,
      plan,
      keyAsSend: cfg.keyAsSend,
      longTimerMs: cfg.interDigitS * 1000,
      directIpAllowed: this.options.directIpAllowed?.() ?? true,
      preDial,
      maxDigits: MAX_DIGITS,
      dial: (number) => this.act(() => this.dial(number)),
      onChange: () => this.render(),
    });
    this.setMode('dialing');
  }

  private stopDialing(): void {
    this.collector?.dispose();
    this.collector = undefined;
    if (this.mode === 'dialing') this.setMode('idle');
  }

  private onCallsChanged(): void {
    const live = this.liveCalls;
    if (live.length === 0 && this.audioPath === 'speaker' && this.mode !== 'dialing') this.setAudioPath('handset');
    if (live.length === 0 && this.mode === 'transfer') this.setMode('idle');
    if (live.some((c) => c.direction === 'incoming' && c.phase === 'ringing') && this.mode === 'menu') this.setMode('idle');
    if (live.length === 0 && this.mode === 'idle' && this.hw.hookState() === 'off-hook' && !this.calls?.calls.some((c) => c.notice !== undefined)) {
      this.startDialing(false);
    }
    if (!live.some((c) => c.direction === 'incoming' && c.phase === 'ringing')) this.ringerSilenced = false;
    this.updateLeds();
    this.render();
    this.tickCallTimer();
  }

  private updateLeds(): void {
    const line = this.hw.leds.get('line');
    if (line) {
      const live = this.liveCalls;
      // Re-starting a blink on every redraw would restart its cycle: only changes are sent.
      const blink = (pattern: 'ringing' | 'hold'): void => {
        if (line.showing !== pattern) line.blink(pattern);
      };
      if (live.some((c) => c.direction === 'incoming' && c.phase === 'ringing')) blink('ringing');
      else if (live.some((c) => c.state !== 'held')) line.on();
      else if (live.length > 0) blink('hold');
      else if (this.hw.hookState() === 'off-hook') line.on();
      else line.off();
    }
    const message = this.hw.leds.get('message');
    if (message) {
      // Voicemail waiting (RFC 3842) or calls missed: the message lamp's slow flash.
      if (this.voicemailTotal().waiting || (this.options.history?.missedUnseen ?? 0) > 0) {
        if (message.showing !== 'messageWaiting') message.blink('messageWaiting');
      } else message.off();
    }
  }

  /** Routes the codec's output and microphone, and lights the speaker or headset key. */
  private setAudioPath(path: AudioOutput): void {
    if (path === this.audioPath) return;
    this.audioPath = path;
    for (const key of ['speaker', 'headset'] as const) this.hw.leds.get(key)?.[path === key ? 'on' : 'off']();
    const codec = this.hw.codec;
    if (!codec) return;
    Promise.all([codec.setOutput(path), codec.setInputSource(path)]).catch((e: unknown) =>
      this.log(`audio path ${path}: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  private onHook(state: HookState): void {
    const calls = this.calls;
    // Lifting the handset takes the audio from the loudspeaker; a headset stays.
    if (state === 'off-hook' && this.audioPath === 'speaker') this.setAudioPath('handset');
    const focus = calls?.focus;
    const ringingIn = this.liveCalls.find((c) => c.direction === 'incoming' && c.phase === 'ringing');
    if (state === 'off-hook') {
      if (ringingIn && !this.liveCalls.some((c) => c.phase === 'confirmed')) {
        this.act(() => this.answer());
        return;
      }
      if (this.mode === 'dialing') this.collector?.offHook();
      else if (!focus && (this.mode === 'idle' || this.mode === 'menu')) {
        this.setMode('idle');
        this.startDialing(false);
      }
    } else {
      if (this.mode === 'transfer') this.setMode('idle');
      if (this.mode === 'dialing') this.stopDialing();
      // On-hook ends the call in the handset; a held call stays held.
      if (focus && !focus.ended && focus.state !== 'held' && !(focus.direction === 'incoming' && focus.phase === 'ringing')) {
        for (const c of focus.conferenced ? this.liveCalls.filter((x) => x.conferenced) : [focus]) calls?.hangup(c.id);
      }
    }
    this.updateLeds();
    this.render();
  }

  private onKey(event: KeyEvent): void {
    if (event.kind !== 'down' && event.kind !== 'repeat') return;
    const key = event.key;
    if (this.hardKey(key)) {
      this.render();
      return;
    }
    const view = this.view();
    const softkeys = softkeysFor(view);
    const index = SOFTKEYS.indexOf(key);
    if (index >= 0) {
      const action = softkeys[index]?.action;
      if (action && action !== 'none') this.act(() => this.perform(action, view));
      return;
    }
    if (key === 'ok') {
      const action = softkeys.find((s) => PRIMARY.includes(s.action))?.action;
      if (action) this.act(() => this.perform(action, view));
      return;
    }
    if (key === 'cancel') {
      const action = [...softkeys].reverse().find((s) => BACK_OUT.includes(s.action))?.action;
      if (action) this.act(() => this.perform(action, view));
      return;
    }
    if (key === 'up' || key === 'down') {
      if (this.mode === 'menu') this.menus.move(key === 'down' ? 1 : -1);
      else if (this.mode === 'dialing' && (this.collector?.view().digits ?? '') === '') {
        // Nothing typed yet: Down picks the number from the phonebook (names have no digits to type).
        this.stopDialing();
        this.setMode('menu');
        this.menus.openAt('phonebook');
      }
      this.render();
      return;
    }
    if (key === 'left' && this.mode === 'dialing') {
      this.collector?.backspace();
      return;
    }
    const digit = DIAL_KEYS.get(key);
    if (digit !== undefined) this.digitKey(digit, view);
  }

  /** Keys that mean the same on every screen. True when the key was one of them. */
  private hardKey(key: KeyName): boolean {
    switch (key) {
      case 'vol_up':
      case 'vol_down':
        this.volumeDb = Math.max(-30, Math.min(12, this.volumeDb + (key === 'vol_up' ? VOLUME_STEP_DB : -VOLUME_STEP_DB)));
        this.media?.volume(this.volumeDb);
        return true;
      case 'mute':
        this.muted = !this.muted;
        this.media?.mute(this.muted);
        this.hw.leds.get('mute')?.[this.muted ? 'on' : 'off']();
        return true;
      case 'redial':
        if (this.liveCalls.length === 0 || this.liveCalls.every((c) => c.state === 'held')) this.act(() => this.redial());
        return true;
      case 'hold': {
        const focus = this.calls?.focus;
        if (focus?.phase === 'confirmed') this.act(() => (focus.state === 'held' ? this.requireCalls().resume(focus.id) : this.requireCalls().hold(focus.id)));
        return true;
      }
      case 'transfer':
        this.act(() => this.perform(this.liveCalls.length > 1 ? 'complete-transfer' : 'transfer', this.view()));
        return true;
      case 'conference':
        this.act(() => this.perform('conference', this.view()));
        return true;
      case 'message': {
        // Voicemail when the account has a number for it and messages wait; the missed calls otherwise.
        const number = this.options.voicemailNumber?.(1) ?? '';
        if (number !== '' && this.liveCalls.length === 0) this.act(() => this.dial(number));
        else this.act(() => this.perform('history', this.view()));
        return true;
      }
      case 'speaker':
      case 'headset': {
        const view = this.view();
        const wanted: AudioOutput = this.audioPath === key ? (this.hw.hookState() === 'off-hook' ? 'handset' : key) : key;
        if (view.kind === 'ringing') {
          this.setAudioPath(key);
          this.act(() => this.perform('answer', view));
        } else if (this.liveCalls.some((c) => c.phase === 'confirmed')) {
          // Hands-free off with the handset on the hook ends the call, as on any desk phone.
          if (wanted === key || this.hw.hookState() === 'off-hook') this.setAudioPath(wanted);
          else this.act(() => this.perform('end', view));
        } else if (this.mode === 'dialing') {
          this.setAudioPath(key);
          this.collector?.send();
        } else if (this.liveCalls.length === 0 && this.mode === 'idle') {
          this.setAudioPath(key);
          this.startDialing(false);
        }
        return true;
      }
      default:
        return false;
    }
  }

  private digitKey(digit: string, view: ScreenView): void {
    const under = view.kind === 'message' ? view.under : view;
    if (this.mode === 'menu') {
      this.menus.type(digit);
    } else if (this.mode === 'transfer') {
      if (this.transferDigits.length < MAX_DIGITS) this.transferDigits += digit;
    } else if (this.mode === 'dialing') {
      this.collector?.press(digit);
      return;
    } else if (under.kind === 'connected' || under.kind === 'conference') {
      this.act(() => this.requireCalls().dtmf(digit));
      return;
    } else if (this.liveCalls.length === 0) {
      // Pre-dial on the hook, or dial with the handset up.
      this.startDialing(this.hw.hookState() === 'on-hook');
      this.collector?.press(digit);
      return;
    } else {
      return;
    }
    this.render();
  }

  /** What a softkey action does on the screen showing. */
  private async perform(action: SoftkeyAction, view: ScreenView): Promise<void> {
    const calls = this.calls;
    const focus = calls?.focus;
    if (this.mode === 'menu') {
      await this.menus.act(action);
      if (!this.menus.open) this.setMode('idle');
      return;
    }
    switch (action) {
      case 'history':
        this.setMode('menu');
        this.menus.openAt('history');
        return;
      case 'forward-settings':
        this.setMode('menu');
        this.menus.openAt('forward');
        return;
      case 'menu':
        this.setMode('menu');
        this.menus.openAt();
        return;
      case 'toggle-dnd':
        await this.menuHost().setSettings({ 'features.dnd.enable': this.config().dnd ? '0' : '1' });
        return;
      case 'send':
        this.collector?.send();
        return;
      case 'delete':
        if (this.mode === 'transfer') this.transferDigits = this.transferDigits.slice(0, -1);
        else this.collector?.backspace();
        return;
      case 'exit':
        this.stopDialing();
        if (this.hw.hookState() === 'off-hook' && this.liveCalls.length === 0) this.startDialing(false);
        return;
      case 'answer': {
        const ringing = this.liveCalls.find((c) => c.direction === 'incoming' && c.phase === 'ringing');
        await this.requireCalls().answer(ringing?.id);
        return;
      }
      case 'reject': {
        const ringing = this.liveCalls.find((c) => c.direction === 'incoming' && c.phase === 'ringing');
        this.requireCalls().reject(ringing?.id);
        return;
      }
      case 'silence':
        this.ringerSilenced = true;
        return;
      case 'forward': {
        const ringing = this.liveCalls.find((c) => c.direction === 'incoming' && c.phase === 'ringing');
        const target = forwardModeOf(this.config()).target;
        if (ringing?.incoming && target !== '') ringing.incoming.redirect(this.requireCalls().resolveTarget(target, ringing.accountIndex));
        return;
      }
      case 'end':
        if (view.kind === 'conference') for (const c of this.liveCalls) this.requireCalls().hangup(c.id);
        else if (focus) this.requireCalls().hangup(focus.id);
        return;
      case 'hold':
        if (view.kind === 'conference') {
          await this.requireCalls().split();
          return;
        }
        await this.requireCalls().hold();
        return;
      case 'resume':
        await this.requireCalls().resume(focus?.id);
        return;
      case 'swap':
        await this.requireCalls().swap();
        return;
      case 'split':
        await this.requireCalls().split();
        return;
      case 'transfer':
        if (this.liveCalls.length > 1) {
          await this.requireCalls().transfer();
          return;
        }
        if (focus?.phase === 'confirmed') {
          this.transferDigits = '';
          this.setMode('transfer');
        }
        return;
      case 'complete-transfer':
        await this.requireCalls().transfer();
        return;
      case 'conference':
        if (this.liveCalls.length > 1) await this.requireCalls().conference();
        else await this.perform('new-call', view);
        return;
      case 'new-call':
        if (focus?.state === 'connected') await this.requireCalls().hold(focus.id);
        this.startDialing(false);
        return;
      case 'blind-transfer': {
        const to = this.transferDigits;
        if (to === '') return;
        this.transferDigits = '';
        this.setMode('idle');
        await this.requireCalls().transfer(to);
        return;
      }
      case 'consult': {
        const to = this.transferDigits;
        if (to === '') return;
        this.transferDigits = '';
        this.setMode('idle');
        await this.requireCalls().dial(to);
        return;
      }
      case 'cancel':
        if (this.mode === 'transfer') {
          this.transferDigits = '';
          this.setMode('idle');
        } else if (view.kind === 'consult' && focus) {
          // Back from a consultation: it ends and the held call comes back.
          this.requireCalls().hangup(focus.id);
          const held = this.liveCalls.find((c) => c.state === 'held');
          if (held) await this.requireCalls().resume(held.id);
        }
        return;
      default:
        return;
    }
  }

  /** A key's action: a failure shows in the log (and on the LCD through the call's notice), never throws out of the key handler. */
  private act(action: () => Promise<unknown>): void {
    action()
      .catch((e: unknown) => this.log(e instanceof Error ? e.message : String(e)))
      .finally(() => this.render());
  }

  /** The handset's call-progress tone for what is happening now, or none. */
  private wantedTone(): ProgressTone | undefined {
    const offHook = this.hw.hookState() === 'off-hook';
    const live = this.liveCalls;
    const focus = this.calls?.focus;
    if (live.some((c) => c.direction === 'incoming' && c.phase === 'ringing') && live.some((c) => c.phase === 'confirmed' && c.state !== 'held')) {
      return this.config().callWaitingTone ? 'callWaiting' : undefined;
    }
    if (focus?.direction === 'outgoing' && focus.phase === 'ringing') return 'ringback';
    if (live.length === 0 && offHook) {
      const ended = this.calls?.calls.find((c) => c.ended && c.direction === 'outgoing' && c.endStatus !== undefined && c.notice !== undefined);
      if (ended) return ended.endStatus === 486 || ended.endStatus === 600 ? 'busy' : 'congestion';
    }
    const digits = this.collector?.view().digits ?? '';
    if (this.mode === 'dialing' && digits === '' && offHook && live.every((c) => c.state === 'held')) {
      // A held call waiting: stutter dial tone says "you have a call on hold".
      return live.length > 0 ? 'stutter' : 'dial';
    }
    return undefined;
  }

  private updateSound(): void {
    const wanted = this.wantedTone();
    if (wanted !== this.playingTone) {
      this.playingTone = wanted;
      this.media?.tone(wanted);
    }
    const live = this.liveCalls;
    const ring =
      !this.ringerSilenced &&
      live.some((c) => c.direction === 'incoming' && c.phase === 'ringing') &&
      !live.some((c) => c.phase === 'confirmed' || c.phase === 'answering');
    if (ring !== this.ringing) {
      this.ringing = ring;
      const cfg = this.config();
      this.media?.ring(ring, cfg.ringTone, cfg.ringVolume);
    }
  }

  private render(): void {
    this.updateSound();
    this.updateLeds();
    const g = { columns: this.hw.display.columns, rows: this.hw.display.rows };
    this.writer.show(renderScreen(this.view(), g));
  }

  /** Redraws the call timer every second while a call is connected. */
  private tickCallTimer(): void {
    if (this.callTimer !== undefined) return;
    if (!this.liveCalls.some((c) => c.connectedAt !== undefined)) return;
    this.callTimer = this.hw.clock.setTimer(1000, () => {
      this.callTimer = undefined;
      this.render();
      this.tickCallTimer();
    });
  }

  /** Redraws on each minute boundary so the idle clock is right to the second it changes. */
  private scheduleMinuteTick(): void {
    const now = this.now();
    const msToNextMinute = 60_000 - (now.getSeconds() * 1000 + now.getMilliseconds());
    this.minuteTimer = this.hw.clock.setTimer(msToNextMinute + 5, () => {
      if (this.view().kind === 'idle') this.render();
      this.scheduleMinuteTick();
    });
  }
}
