/**
 * One call as the phone keeps it: its SIP side (an incoming INVITE, an
 * outgoing one, then the confirmed leg), its audio, and what the user sees.
 * The state the console and the LCD report is derived from those parts, so
 * it cannot drift from what the wire and the stream say.
 */
import type { IncomingCallView, OutgoingCallView, SipLeg } from '../phone-sip.js';
import type { CallMedia } from './call-media.js';

/** What `state` reports per call (issue #5 §4). */
export type CallState = 'dialing' | 'calling' | 'ringing' | 'early' | 'connected' | 'held' | 'remote-held' | 'ended';

export type CallDirection = 'incoming' | 'outgoing';

export interface RemoteParty {
  readonly name: string;
  readonly number: string;
  readonly uri: string;
}

/*
 * Signalling phases and allowed transitions:
 *   outgoing: calling → ringing → early → confirmed → ended; any → ended (failed, cancelled)
 *   incoming: ringing → answering → confirmed → ended; ringing → ended (rejected, cancelled)
 */
export type CallPhase = 'calling' | 'ringing' | 'early' | 'answering' | 'confirmed' | 'ended';

const PHASES: Readonly<Record<CallPhase, readonly CallPhase[]>> = {
  calling: ['ringing', 'early', 'confirmed', 'ended'],
  ringing: ['ringing', 'early', 'answering', 'confirmed', 'ended'],
  early: ['early', 'ringing', 'confirmed', 'ended'],
  answering: ['confirmed', 'ended'],
  confirmed: ['ended'],
  ended: [],
};

export class Call {
  phase: CallPhase;
  media: CallMedia | undefined;
  leg: SipLeg | undefined;
  outgoing: OutgoingCallView | undefined;
  incoming: IncomingCallView | undefined;
  readonly startedAt: number;
  connectedAt: number | undefined;
  /** A re-INVITE of ours (hold, resume) is under way. */
  modifying = false;
  /** The last thing that went wrong, for the LCD ("Hold failed: 488"). */
  notice: string | undefined;
  /** Why it ended (the final status of a failed call: 486, 404 …). */
  endStatus: number | undefined;
  /** This call is one leg of the local 3-way conference. */
  conferenced = false;

  constructor(
    readonly id: string,
    readonly line: number,
    readonly direction: CallDirection,
    readonly accountIndex: number,
    public remote: RemoteParty,
    now: number,
  ) {
    this.phase = direction === 'incoming' ? 'ringing' : 'calling';
    this.startedAt = now;
  }

  to(next: CallPhase): void {
    if (next === this.phase && (next === 'ringing' || next === 'early')) return;
    if (!PHASES[this.phase].includes(next)) throw new Error(`call ${this.id}: illegal change ${this.phase} → ${next}`);
    this.phase = next;
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  /** The state the console and the LCD report. */
  get state(): CallState {
    switch (this.phase) {
      case 'calling':
        return 'calling';
      case 'ringing':
      case 'answering':
        return 'ringing';
      case 'early':
        return 'early';
      case 'ended':
        return 'ended';
      case 'confirmed':
        if (this.media?.hold !== undefined && this.media.hold !== 'none') return 'held';
        if (this.media?.audio?.heldByRemote) return 'remote-held';
        return 'connected';
    }
  }

  /** Our SDP direction for the call's audio, as last agreed. */
  get localDirection(): string {
    return this.media?.audio?.direction ?? 'sendrecv';
  }
}
