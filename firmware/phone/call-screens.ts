/**
 * Which screen the calls call for, as a ScreenView (ui/views.ts): a pure
 * function of the live calls, so every combination — a call ringing in
 * while one is up, a consultation with the first held, a conference — has
 * exactly one screen, and a test can name it.
 */
import type { Call } from './calls/call.js';
import type { CallLine, LineState, Party, ScreenView } from './ui/views.js';

export interface CallScreenFacts {
  /** The calls not yet ended, oldest first. */
  readonly live: readonly Call[];
  readonly focus: Call | undefined;
  /** Monotonic now, ms (the calls' connectedAt clock). */
  readonly nowMs: number;
  readonly muted: boolean;
  /** The account label each call came in on. */
  readonly lineLabel: (accountIndex: number) => string;
}

function partyOf(c: Call): Party {
  return { name: c.remote.name, number: c.remote.number };
}

function secondsOf(c: Call, nowMs: number): number {
  return c.connectedAt === undefined ? 0 : Math.floor((nowMs - c.connectedAt) / 1000);
}

function lineState(c: Call): LineState {
  if (c.phase === 'calling' || c.phase === 'early' || (c.phase === 'ringing' && c.direction === 'outgoing')) return 'calling';
  if (c.phase === 'ringing' || c.phase === 'answering') return 'ringing';
  if (c.state === 'held') return 'held';
  if (c.state === 'remote-held') return 'held-by-remote';
  return 'connected';
}

function oneCall(c: Call, f: CallScreenFacts, waiting: boolean): ScreenView {
  const remote = partyOf(c);
  if (c.direction === 'incoming' && (c.phase === 'ringing' || c.phase === 'answering')) {
    return { kind: 'ringing', caller: remote, line: f.lineLabel(c.accountIndex), waiting };
  }
  if (c.phase === 'calling') return { kind: 'calling', remote, progress: 'trying' };
  if (c.phase === 'ringing') return { kind: 'calling', remote, progress: 'ringing' };
  if (c.phase === 'early') return { kind: 'calling', remote, progress: 'early-media' };
  const seconds = secondsOf(c, f.nowMs);
  const audio = c.media?.audio;
  if (c.state === 'held') return { kind: 'held', remote, seconds, heldBy: audio?.heldByRemote === true ? 'both' : 'us' };
  if (c.state === 'remote-held') return { kind: 'held', remote, seconds, heldBy: 'remote' };
  return {
    kind: 'connected',
    remote,
    seconds,
    codec: audio?.codec ?? '',
    wideband: audio?.wideband ?? false,
    muted: f.muted,
    secure: audio?.secure ?? false,
  };
}

function line(c: Call, nowMs: number): CallLine {
  return { remote: partyOf(c), state: lineState(c), seconds: secondsOf(c, nowMs) };
}

/** The screen for the calls, or undefined when there are none. */
export function callScreenView(f: CallScreenFacts): ScreenView | undefined {
  const { live } = f;
  const focus = f.focus && !f.focus.ended ? f.focus : live[0];
  if (!focus) return undefined;
  const other = live.find((c) => c !== focus);
  let view: ScreenView;
  if (!other) {
    view = oneCall(focus, f, false);
  } else if (focus.conferenced && other.conferenced) {
    const start = Math.min(focus.connectedAt ?? f.nowMs, other.connectedAt ?? f.nowMs);
    view = { kind: 'conference', parties: [partyOf(live[0] ?? focus), partyOf(live[1] ?? other)], seconds: Math.floor((f.nowMs - start) / 1000) };
  } else if (other.direction === 'incoming' && other.phase === 'ringing') {
    // Call waiting: the new caller on screen, the call in progress stays in the handset.
    view = oneCall(other, f, true);
  } else if (focus.direction === 'outgoing' && other.phase === 'confirmed' && other.state === 'held') {
    // The consultation call of an attended transfer (flow 2, after F16): B held, C calling or up.
    const targetState = focus.phase === 'confirmed' ? 'connected' : focus.phase === 'calling' ? 'calling' : 'ringing';
    view = { kind: 'consult', remote: partyOf(other), target: partyOf(focus), targetState, seconds: secondsOf(focus, f.nowMs) };
  } else {
    const first = live[0] ?? focus;
    const second = live[1] ?? other;
    view = { kind: 'two-calls', lines: [line(first, f.nowMs), line(second, f.nowMs)], active: first === focus ? 0 : 1 };
  }
  const notice = focus.notice ?? other?.notice;
  return notice === undefined ? view : { kind: 'message', text: notice, under: view };
}
