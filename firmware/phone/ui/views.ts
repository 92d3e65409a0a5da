/**
 * What each screen shows, as plain data: the phone builds one of these from
 * its state and hands it to renderScreen(); the layouts decide where each
 * part goes on a given display. Views carry facts (names, counts, seconds,
 * flags), never formatted rows, so the same view renders on a 20x4 and a
 * 16x2. Text may hold any Unicode; the renderer maps it to what the LCD ROM
 * can draw (see lcd-text.ts).
 */

import type { CallDirection } from '../directory/call-history.js';

/** The other end of a call, as the phone shows it. */
export interface Party {
  /** Display name; '' when the peer sent none. */
  readonly name: string;
  /** The user part of the URI, or the whole URI. */
  readonly number: string;
}

/** The registration state of an account, reduced to what a person needs to read. */
export type AccountState = 'none' | 'registering' | 'registered' | 'failed';

export interface IdleView {
  readonly kind: 'idle';
  readonly now: Date;
  /** The account label, shown once it registers. */
  readonly account: string;
  readonly accountState: AccountState;
  readonly missedCalls: number;
  readonly newVoicemail: number;
  readonly dnd: boolean;
  readonly forward: boolean;
  readonly mute: boolean;
}

export interface DialingView {
  readonly kind: 'dialing';
  readonly digits: string;
  /** Handset lifted ("Dial:") or digits typed on-hook before lifting ("Pre-dial:"). */
  readonly offHook: boolean;
  /** The contact or history entry the digits match, '' when none. */
  readonly match: string;
}

/** An outgoing call before it is answered: 100 Trying, 180 Ringing, 183 with early media. */
export type CallProgress = 'trying' | 'ringing' | 'early-media';

export interface CallingView {
  readonly kind: 'calling';
  readonly remote: Party;
  readonly progress: CallProgress;
}

export interface RingingView {
  readonly kind: 'ringing';
  readonly caller: Party;
  /** The account label the call came in on; '' to leave it out. */
  readonly line: string;
  /** A second call arriving while one is up (call waiting). */
  readonly waiting: boolean;
}

export interface ConnectedView {
  readonly kind: 'connected';
  readonly remote: Party;
  readonly seconds: number;
  readonly codec: string;
  /** A wideband codec (G.722, Opus at 16 kHz or more) is in use. */
  readonly wideband: boolean;
  readonly muted: boolean;
  /** Media is SRTP (and signalling TLS). */
  readonly secure: boolean;
}

/** Who holds the call: we sent sendonly, the peer did, or both. */
export type HeldBy = 'us' | 'remote' | 'both';

export interface HeldView {
  readonly kind: 'held';
  readonly remote: Party;
  readonly seconds: number;
  readonly heldBy: HeldBy;
}

/**
 * A transient line ("Hold failed", "Busy", "No answer") drawn over the
 * screen that was showing; its softkeys stay those of that screen.
 */
export interface MessageView {
  readonly kind: 'message';
  readonly text: string;
  readonly under: ScreenView;
}

export type LineState = 'connected' | 'held' | 'held-by-remote' | 'calling' | 'ringing';

export interface CallLine {
  readonly remote: Party;
  readonly state: LineState;
  readonly seconds: number;
}

export interface TwoCallsView {
  readonly kind: 'two-calls';
  readonly lines: readonly [CallLine, CallLine];
  /** Index of the line the handset talks to. */
  readonly active: 0 | 1;
}

/** Typing the target of a transfer; Send makes it a blind transfer (RFC 5589 §6). */
export interface TransferEntryView {
  readonly kind: 'transfer-entry';
  /** The party being transferred. */
  readonly remote: Party;
  readonly target: string;
}

/** REFER sent; waiting for the NOTIFY that says how it went (RFC 3515 §2.4.5). */
export interface TransferringView {
  readonly kind: 'transferring';
  readonly remote: Party;
  readonly target: string;
}

/** Attended transfer: the first call held while the consultation call is up (RFC 5589 §7). */
export interface ConsultView {
  readonly kind: 'consult';
  readonly remote: Party;
  readonly target: Party;
  readonly targetState: 'calling' | 'ringing' | 'connected';
  readonly seconds: number;
}

export interface ConferenceView {
  readonly kind: 'conference';
  readonly parties: readonly [Party, Party];
  readonly seconds: number;
}

export interface MenuItem {
  readonly label: string;
  /** The current value shown at the right ("On", "Always"); '' for none. */
  readonly value: string;
}

export interface MenuView {
  readonly kind: 'menu';
  readonly title: string;
  readonly items: readonly MenuItem[];
  readonly cursor: number;
}

export interface HistoryEntry {
  readonly direction: CallDirection;
  readonly party: Party;
  readonly at: Date;
}

export interface HistoryView {
  readonly kind: 'history';
  /** "History", "Missed calls" … */
  readonly title: string;
  readonly entries: readonly HistoryEntry[];
  readonly cursor: number;
  /** To show today's calls by time and older ones by date. */
  readonly now: Date;
}

export interface PhonebookView {
  readonly kind: 'phonebook';
  /** Letters typed to search; '' shows every contact. */
  readonly search: string;
  readonly contacts: readonly Party[];
  readonly cursor: number;
}

export interface DndSettingView {
  readonly kind: 'dnd-setting';
  readonly on: boolean;
}

export type ForwardMode = 'off' | 'always' | 'busy' | 'no-answer';

export interface ForwardSettingView {
  readonly kind: 'forward-setting';
  readonly mode: ForwardMode;
  readonly target: string;
  /** The field the keys change. */
  readonly editing: 'mode' | 'target';
}

export interface RingToneSettingView {
  readonly kind: 'ring-tone-setting';
  readonly tones: readonly string[];
  readonly cursor: number;
  /** Index of the tone in use. */
  readonly current: number;
}

export type VolumeControl = 'ring' | 'handset' | 'headset' | 'speaker';

export interface VolumeSettingView {
  readonly kind: 'volume-setting';
  readonly control: VolumeControl;
  readonly level: number;
  readonly max: number;
}

/** What an installer reads off the phone: firmware, address, how it got it. */
export interface NetworkInfoView {
  readonly kind: 'network-info';
  readonly firmware: string;
  /** Whether the address came from DHCP; undefined when the phone cannot tell (the simulated board). */
  readonly dhcp: boolean | undefined;
  readonly address: string;
  /** '' when unknown. */
  readonly gateway: string;
}

export interface AccountStatusView {
  readonly kind: 'account-status';
  readonly label: string;
  /** The address of record, sip:user@domain. */
  readonly uri: string;
  readonly state: AccountState;
  /** Why it failed ("403 Forbidden"); '' when none. */
  readonly detail: string;
}

export type ScreenView =
  | IdleView
  | DialingView
  | CallingView
  | RingingView
  | ConnectedView
  | HeldView
  | MessageView
  | TwoCallsView
  | TransferEntryView
  | TransferringView
  | ConsultView
  | ConferenceView
  | MenuView
  | HistoryView
  | PhonebookView
  | DndSettingView
  | ForwardSettingView
  | RingToneSettingView
  | VolumeSettingView
  | NetworkInfoView
  | AccountStatusView;

export type ScreenKind = ScreenView['kind'];

/** The screens that have a layout of their own (a message borrows the one beneath it). */
export type LayoutKind = Exclude<ScreenKind, 'message'>;

export type ViewOf<K extends ScreenKind> = Extract<ScreenView, { readonly kind: K }>;
