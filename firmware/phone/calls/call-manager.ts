/**
 * The phone's calls: up to two lines, each a Call, and everything a person
 * does with them — dial, answer, reject, hang up, hold, resume, swap,
 * transfer (blind, attended, semi-attended), a local 3-way conference, DTMF
 * — and what the peer does to them (hold us, transfer us, replace a call).
 * The flows are those of /work/shared/call-flows.md.
 *
 * It knows SIP and audio only through PhoneSip and CallMedia, and the
 * screens not at all: it emits 'changed' and the phone redraws.
 */
import type { Clock } from '../../../drivers/bus/clock.js';
import { TimerSet } from '../../sip/transaction/timer-set.js';
import { numberOfUri } from '../directory/phone-number.js';
import type { CallsConfig, DtmfMode } from '../../config/view.js';
import type { DialogIdentity, IncomingCallView, IncomingReferView, OutgoingProgress, PhoneSip, SipLeg } from '../phone-sip.js';
import { Call, type CallState, type RemoteParty } from './call.js';
import { CallMedia, type CallMediaOptions } from './call-media.js';
import { dialTarget } from '../dialplan/dial-target.js';

/** One entry of `state`'s call list (issue #5 §4). */
export interface CallSummary {
  readonly id: string;
  readonly line: number;
  readonly direction: 'incoming' | 'outgoing';
  readonly state: CallState;
  readonly remote: string;
  readonly remoteName: string;
  readonly codec: string | null;
  readonly localDirection: string;
  readonly secure: boolean;
  readonly conference: boolean;
  readonly notice: string | null;
  readonly durationS: number | null;
}

export interface HistoryEvent {
  readonly direction: 'dialed' | 'received' | 'missed';
  readonly remote: RemoteParty;
  readonly accountIndex: number;
  readonly startedAt: number;
  readonly durationS: number;
}

export interface CallManagerOptions {
  readonly sip: PhoneSip;
  readonly clock: Clock;
  /** The media side per call; undefined: calls can ring but carry no audio. */
  readonly media: (() => Omit<CallMediaOptions, 'holdMode'>) | undefined;
  readonly config: () => CallsConfig;
  /** account.N.dtmf.type and auto_answer. */
  readonly account: (index: number) => { readonly dtmf: DtmfMode; readonly autoAnswer: boolean } | undefined;
  readonly sendDtmf: (streamId: string, digits: string, method: 'rfc4733' | 'inband') => Promise<void>;
  /** The streams whose audio is mixed for the conference (each hears the others); [] ends mixing. */
  readonly mix: (streamIds: readonly string[]) => Promise<void>;
  readonly log: (line: string) => void;
  /** A finished call, for the history lists. */
  readonly history?: (event: HistoryEvent) => void;
  /** Caller names from the phonebook. */
  readonly lookupName?: (number: string) => string | undefined;
  /** features.direct_ip_call_enable: an IP address typed (or with * for .) is called directly. */
  readonly directIpAllowed?: () => boolean;
  /** A DTMF digit the peer sent as SIP INFO (RFC 4733 events come from the media side). */
  readonly dtmfReceived?: (digit: string) => void;
}

/** How long a failure notice stays on the screen. */
const NOTICE_MS = 4000;
/** After an attended transfer's 200, the replaced call should get the target's BYE; end it ourselves after this. */
const REPLACED_CALL_GRACE_MS = 5000;
/** A blind transferor leaves at the first NOTIFY, or after this long if none comes (flow 1, F13-F17). */
const BLIND_TRANSFER_LEAVE_MS = 2000;
/** The phone has two lines (call waiting, consultation); a third caller hears busy. */
const MAX_CALLS = 2;

function partyOf(uri: string, name = ''): RemoteParty {
  // A URI without a user part (an IP dialed directly) shows as itself.
  return { name, number: numberOfUri(uri) || uri.replace(/^sips?:/i, ''), uri };
}

/** Two names of one dialog, both from our side. */
export function sameDialog(a: DialogIdentity, b: DialogIdentity): boolean {
  return a.callId === b.callId && a.localTag === b.localTag && a.remoteTag === b.remoteTag;
}

export class CallManager {
  readonly #calls: Call[] = [];
  readonly #listeners = new Set<() => void>();
  /** Per call: `<id>:notice`, `<id>:no-answer`, `<id>:forget`, `<id>:leave`, `<id>:replaced`; all cleared by dispose(). */
  readonly #timers: TimerSet<string>;
  #nextId = 1;
  /** The call the user is on now (the other line, if any, is held or ringing). */
  #focus: Call | undefined;
  #lastDialed: string | undefined;
  readonly #offIncoming: () => void;

  constructor(private readonly o: CallManagerOptions) {
    this.#timers = new TimerSet(o.clock);
    this.#offIncoming = o.sip.onIncomingCall((view) => this.#incoming(view));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get calls(): readonly Call[] {
    return this.#calls;
  }

  get focus(): Call | undefined {
    return this.#focus && !this.#focus.ended ? this.#focus : this.#calls.find((c) => !c.ended);
  }

  get lastDialed(): string | undefined {
    return this.#lastDialed;
  }

  summary(): CallSummary[] {
    const now = this.o.clock.now();
    return this.#calls.map((c) => ({
      id: c.id,
      line: c.line,
      direction: c.direction,
      state: c.state,
      remote: c.remote.uri,
      remoteName: c.remote.name,
      codec: c.media?.audio?.codec ?? null,
      localDirection: c.localDirection,
      secure: c.media?.audio?.secure ?? false,
      conference: c.conferenced,
      notice: c.notice ?? null,
      durationS: c.connectedAt === undefined ? null : Math.floor((now - c.connectedAt) / 1000),
    }));
  }

  #changed(): void {
    for (const l of this.#listeners) {
      try {
        l();
      } catch (e) {
        this.o.log(`calls: listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  #freeLine(): number | undefined {
    for (let line = 1; line <= MAX_CALLS; line++) if (!this.#calls.some((c) => c.line === line && !c.ended)) return line;
    return undefined;
  }

  #find(id?: string): Call {
    const call = id === undefined ? this.focus : this.#calls.find((c) => c.id === id && !c.ended);
    if (!call) throw new Error(id === undefined ? 'no call' : `no call ${id}`);
    return call;
  }

  #notice(call: Call, text: string): void {
    call.notice = text;
    this.o.log(`calls: ${call.id}: ${text}`);
    this.#timers.start(`${call.id}:notice`, NOTICE_MS, () => {
      if (call.notice === text) call.notice = undefined;
      this.#changed();
    });
  }

  #end(call: Call, status?: number): void {
    if (call.ended) return;
    const wasConfirmed = call.phase === 'confirmed';
    call.to('ended');
    if (status !== undefined) call.endStatus = status;
    const media = call.media;
    if (media) media.close().catch((e: unknown) => this.o.log(`calls: closing ${call.id}'s audio: ${String(e)}`));
    if (call.conferenced) this.#unconference();
    const duration = call.connectedAt === undefined ? 0 : Math.floor((this.o.clock.now() - call.connectedAt) / 1000);
    this.o.history?.({
      direction: call.direction === 'outgoing' ? 'dialed' : wasConfirmed || call.connectedAt !== undefined ? 'received' : 'missed',
      remote: call.remote,
      accountIndex: call.accountIndex,
      startedAt: call.startedAt,
      durationS: duration,
    });
    this.#timers.stop(`${call.id}:no-answer`);
    // Keep an ended call listed a moment (busy, failed …) so the screen can say why.
    this.#timers.start(`${call.id}:forget`, NOTICE_MS, () => {
      const i = this.#calls.indexOf(call);
      if (i >= 0) this.#calls.splice(i, 1);
      this.#changed();
    });
    if (this.#focus === call) this.#focus = this.#calls.find((c) => !c.ended && c !== call);
    this.#changed();
  }

  // ——— placing calls ———

  /**
   * A number, name, IP address (also typed with * for .) or URI as typed →
   * the SIP URI to call: bare numbers and names at the account's server
   * (issue #5 §4), through dialplan/dial-target.ts.
   */
  resolveTarget(target: string, accountIndex = 1): string {
    const t = target.trim();
    if (t === '') throw new Error('nothing to dial');
    const domain = this.o.sip.domainOf(accountIndex) ?? '';
    const resolved = dialTarget(t, { domain, directIpAllowed: this.o.directIpAllowed?.() ?? true });
    if ('error' in resolved) throw new Error(resolved.error);
    return resolved.uri;
  }

  /**
   * Dials `target`. A call in progress is put on hold first (flow 2, F9-F16:
   * the consultation call), so the user is never on two calls at once.
   */
  async dial(target: string, options: { accountIndex?: number; referredBy?: string; replaces?: DialogIdentity } = {}): Promise<Call> {
    const accountIndex = options.accountIndex ?? 1;
    const uri = this.resolveTarget(target, accountIndex);
    const line = this.#freeLine();
    if (line === undefined) throw new Error('both lines are busy');
    const current = this.focus;
    if (current && current.phase === 'confirmed' && current.media?.hold === 'none') await this.hold(current.id);
    const mediaOptions = this.o.media?.();
    if (!mediaOptions) throw new Error('this phone has no audio path to call with');
    const call = new Call(String(this.#nextId++), line, 'outgoing', accountIndex, partyOf(uri, this.o.lookupName?.(partyOf(uri).number) ?? ''), this.o.clock.now());
    this.#calls.push(call);
    this.#focus = call;
    this.#lastDialed = target;
    this.#changed();
    let offer: string;
    try {
      const opened = await CallMedia.forOffer({ ...mediaOptions, holdMode: this.#holdMode() }, `call-${call.id}`);
      call.media = opened.media;
      offer = opened.offer;
    } catch (e) {
      this.#notice(call, `Call failed: ${e instanceof Error ? e.message : String(e)}`);
      this.#end(call, 500);
      throw e;
    }
    try {
      const view = this.o.sip.placeCall({
        accountIndex,
        target: uri,
        offerSdp: offer,
        ...(options.referredBy === undefined ? {} : { referredBy: options.referredBy }),
        ...(options.replaces ? { replaces: options.replaces } : {}),
      });
      call.outgoing = view;
      view.onProgress((p) => {
        this.#outgoingProgress(call, p).catch((e: unknown) => this.o.log(`calls: ${call.id}: ${String(e)}`));
      });
    } catch (e) {
      this.#notice(call, `Call failed: ${e instanceof Error ? e.message : String(e)}`);
      this.#end(call, 400);
      throw e;
    }
    return call;
  }

  async #outgoingProgress(call: Call, p: OutgoingProgress): Promise<void> {
    if (call.ended) return;
    switch (p.kind) {
      case 'trying':
        return;
      case 'ringing':
        if (p.earlySdp !== undefined && p.earlySdp !== '' && call.media) {
          call.to('early');
          await call.media.earlyAnswer(p.earlySdp);
        } else if (call.phase !== 'early') {
          call.to('ringing');
        }
        this.#changed();
        return;
      case 'answered': {
        call.leg = p.leg;
        call.to('confirmed');
        call.connectedAt = this.o.clock.now();
        this.#serve(call, p.leg);
        if (call.media && p.answerSdp !== undefined) {
          const applied = await call.media.answerReceived(p.answerSdp);
          if (!applied.ok) {
            // §13.2.2.4 / RFC 3264 §6: an answer we cannot use ends the call.
            this.#notice(call, `Bad answer: ${applied.reason}`);
            p.leg.hangup();
          }
        }
        p.leg.onEnd(() => this.#end(call));
        this.#changed();
        return;
      }
      case 'failed':
        this.#notice(call, failureText(p.status, p.reason));
        this.#end(call, p.status);
        return;
      case 'cancelled':
        this.#end(call);
        return;
    }
  }

  /** Dials the last number dialed again. */
  redial(): Promise<Call> {
    if (this.#lastDialed === undefined) return Promise.reject(new Error('nothing to redial'));
    return this.dial(this.#lastDialed);
  }

  // ——— incoming calls ———

  #incoming(view: IncomingCallView): void {
    const cfg = this.o.config();
    const party: RemoteParty = { name: view.callerName || (this.o.lookupName?.(view.callerNumber) ?? ''), number: view.callerNumber, uri: view.callerUri };
    if (view.replaces) {
      this.#replacing(view, view.replaces, party);
      return;
    }
    const busy = this.#calls.some((c) => !c.ended);
    const missed = (why: string): void => {
      this.o.log(`calls: ${view.callerUri}: ${why}`);
      this.o.history?.({ direction: 'missed', remote: party, accountIndex: view.accountIndex, startedAt: this.o.clock.now(), durationS: 0 });
      this.#changed();
    };
    if (cfg.forward.always.enabled && cfg.forward.always.target !== '') {
      view.redirect(this.resolveTarget(cfg.forward.always.target, view.accountIndex));
      missed('forwarded (always)');
      return;
    }
    if (cfg.dnd) {
      view.reject(cfg.dndRefuseCode);
      missed(`do not disturb (${cfg.dndRefuseCode})`);
      return;
    }
    const line = this.#freeLine();
    if (busy && (!cfg.callWaiting || line === undefined)) {
      if (cfg.forward.busy.enabled && cfg.forward.busy.target !== '') {
        view.redirect(this.resolveTarget(cfg.forward.busy.target, view.accountIndex));
        missed('forwarded (busy)');
      } else {
        view.reject(486);
        missed('busy');
      }
      return;
    }
    const call = new Call(String(this.#nextId++), line ?? 1, 'incoming', view.accountIndex, party, this.o.clock.now());
    call.incoming = view;
    this.#calls.push(call);
    if (!busy) this.#focus = call;
    view.onEnd(() => this.#end(call));
    if (cfg.forward.noAnswer.enabled && cfg.forward.noAnswer.target !== '') {
      const target = this.resolveTarget(cfg.forward.noAnswer.target, view.accountIndex);
      this.#timers.start(`${call.id}:no-answer`, cfg.forward.noAnswer.timeoutS * 1000, () => {
        if (call.phase !== 'ringing') return;
        view.redirect(target);
        this.#end(call);
      });
    }
    this.#changed();
    const account = this.o.account(view.accountIndex);
    if (!busy && ((view.intercom && cfg.intercomAllowed) || account?.autoAnswer === true)) {
      this.answer(call.id).catch((e: unknown) => this.o.log(`calls: auto-answer: ${String(e)}`));
    }
  }

  /**
   * RFC 3891 §3: an INVITE with Replaces naming a call of ours (the SIP side
   * has matched it to our dialog) takes its place without asking the user.
   */
  #replacing(view: IncomingCallView, replaces: DialogIdentity, party: RemoteParty): void {
    const old = this.#calls.find((c) => {
      const ours = c.leg?.identity();
      return !c.ended && ours !== undefined && sameDialog(ours, replaces);
    });
    if (!old) {
      // §3: "If no match is found, the UAS rejects the INVITE and returns a 481 Call/Transaction Does Not Exist".
      view.reject(481);
      return;
    }
    const call = new Call(String(this.#nextId++), old.line, 'incoming', view.accountIndex, party, this.o.clock.now());
    call.incoming = view;
    this.#calls.push(call);
    view.onEnd(() => this.#end(call));
    this.answer(call.id)
      .then(() => {
        // §3: the replaced dialog ends with a BYE once the new one is answered.
        old.leg?.hangup();
        this.#end(old);
        this.#focus = call;
        this.#changed();
      })
      .catch((e: unknown) => this.o.log(`calls: replacing ${old.id}: ${String(e)}`));
  }

  /** Answers a ringing call (the focused one by default); the call in progress, if any, is held first. */
  async answer(id?: string): Promise<void> {
    const call = id === undefined ? this.#calls.find((c) => c.phase === 'ringing' && c.direction === 'incoming') : this.#find(id);
    if (call?.phase !== 'ringing' || !call.incoming) throw new Error('no call is ringing');
    const mediaOptions = this.o.media?.();
    if (!mediaOptions) throw new Error('this phone has no audio path to answer with');
    const offer = call.incoming.offerSdp;
    if (offer === undefined) throw new Error('the INVITE carried no SDP offer: answering with our own offer is not supported yet');
    this.#timers.stop(`${call.id}:no-answer`);
    const other = this.#calls.find((c) => c !== call && c.phase === 'confirmed' && c.media?.hold === 'none');
    if (other && !call.incoming.replaces) await this.hold(other.id);
    call.to('answering');
    this.#changed();
    const outcome = await CallMedia.forAnswer({ ...mediaOptions, holdMode: this.#holdMode() }, `call-${call.id}`, offer);
    if (call.ended) {
      if (outcome.ok) await outcome.media.close();
      return;
    }
    if (!outcome.ok) {
      call.incoming.reject(outcome.status);
      this.#notice(call, `Cannot answer: ${outcome.reason}`);
      this.#end(call, outcome.status);
      throw new Error(`cannot answer: ${outcome.reason}`);
    }
    call.media = outcome.media;
    const leg = call.incoming.accept(outcome.answer);
    call.leg = leg;
    call.to('confirmed');
    call.connectedAt = this.o.clock.now();
    this.#focus = call;
    this.#serve(call, leg);
    this.#changed();
  }

  /** Ends a call: CANCEL before the answer, the configured reject code while ringing in, BYE after. */
  hangup(id?: string): void {
    const call = this.#find(id);
    if (call.phase === 'ringing' && call.direction === 'incoming') {
      call.incoming?.reject(this.o.config().rejectCode);
      return;
    }
    if (call.leg) call.leg.hangup();
    else if (call.outgoing) call.outgoing.cancel();
    this.#end(call);
  }

  /** Rejects a ringing call with `status` (the keypad's Reject: normal_refuse_code). */
  reject(id?: string, status?: number): void {
    const call = id === undefined ? this.#calls.find((c) => c.phase === 'ringing' && c.direction === 'incoming') : this.#find(id);
    if (!call?.incoming || call.phase !== 'ringing') throw new Error('no call is ringing');
    call.incoming.reject(status ?? this.o.config().rejectCode);
  }

  // ——— hold, resume, swap ———

  #holdMode(): 'sendonly' | 'inactive' | 'c0' {
    const mode = this.o.config().holdMode;
    return mode === 'rfc2543' ? 'c0' : mode;
  }

  /** Flow 2, F9-F14: a re-INVITE with our hold offer. A failure leaves the call as it was and says so. */
  async hold(id?: string): Promise<void> {
    await this.#modify(this.#find(id), this.#holdMode() === 'inactive' ? 'inactive' : 'sendonly', 'Hold');
  }

  async resume(id?: string): Promise<void> {
    const call = id === undefined ? this.#calls.find((c) => c.state === 'held' && c === this.focus) ?? this.#calls.find((c) => c.state === 'held') : this.#find(id);
    if (!call) throw new Error('no call is held');
    // The other line, if talking, goes on hold: one conversation at a time.
    const other = this.#calls.find((c) => c !== call && c.phase === 'confirmed' && c.media?.hold === 'none' && !c.conferenced);
    if (other) await this.hold(other.id);
    await this.#modify(call, 'none', 'Resume');
    this.#focus = call;
    this.#changed();
  }

  /** Two calls, one held: the held one comes back and the other goes on hold. */
  async swap(): Promise<void> {
    const held = this.#calls.find((c) => c.state === 'held');
    if (!held) throw new Error('no held call to swap to');
    await this.resume(held.id);
  }

  async #modify(call: Call, hold: 'none' | 'sendonly' | 'inactive', what: string): Promise<void> {
    if (call.phase !== 'confirmed' || !call.leg || !call.media) throw new Error(`call ${call.id} is not connected`);
    if (call.media.hold === hold) return;
    if (call.modifying) throw new Error(`call ${call.id}: a change is already under way`);
    call.modifying = true;
    this.#changed();
    try {
      const offer = call.media.reoffer(hold);
      const outcome = await call.leg.reinvite(offer);
      if (!outcome.ok) {
        call.media.offerFailed();
        this.#notice(call, `${what} failed: ${outcome.status || ''} ${outcome.reason}`.replace(/\s+/g, ' '));
        if (outcome.endDialog) this.hangup(call.id);
        throw new Error(`${what.toLowerCase()} failed: ${outcome.status} ${outcome.reason}`);
      }
      if (outcome.answerSdp === undefined) throw new Error(`${what.toLowerCase()}: the 200 carried no answer`);
      const applied = await call.media.answerReceived(outcome.answerSdp);
      if (!applied.ok) throw new Error(`${what.toLowerCase()}: ${applied.reason}`);
    } finally {
      call.modifying = false;
      this.#changed();
    }
  }

  // ——— what the peer asks ———

  #serve(call: Call, leg: SipLeg): void {
    leg.serve({
      reoffer: async (offerSdp) => {
        if (!call.media) return { status: 488, reason: 'no audio' };
        const result = await call.media.peerReoffer(offerSdp);
        this.#changed();
        return result.ok ? { sdp: result.sdp } : { status: result.status, reason: result.reason };
      },
      ackAnswer: (answerSdp) => {
        call.media
          ?.answerReceived(answerSdp)
          .then(() => this.#changed())
          .catch((e: unknown) => this.o.log(`calls: ${call.id}: ${String(e)}`));
      },
      refer: (refer) => this.#referred(call, refer),
      infoDtmf: (digit) => {
        this.o.dtmfReceived?.(digit);
        this.#changed();
      },
    });
  }

  /**
   * Flow 1, F11-F17: the peer transfers us. 202, NOTIFY 100 Trying, a new
   * call to the Refer-To target with Referred-By (and Replaces for an
   * attended transfer), NOTIFY with its final status; the old call ends when
   * the new one is answered (if the transferor has not ended it already).
   */
  #referred(call: Call, refer: IncomingReferView): void {
    if (!this.o.config().acceptRefer) {
      refer.reject(403);
      return;
    }
    // accept() answers 202 and sends the first NOTIFY, "SIP/2.0 100 Trying" (RFC 3515 §2.4.4).
    const subscription = refer.accept();
    this.#notice(call, 'Transferred');
    const options = {
      accountIndex: call.accountIndex,
      ...(refer.referredBy === undefined ? {} : { referredBy: refer.referredBy }),
      ...(refer.replaces ? { replaces: refer.replaces } : {}),
    };
    // The transferred call leaves the line; the new call takes it (a free line is needed first).
    const transferFrom = call;
    const place = async (): Promise<void> => {
      if (transferFrom.phase === 'confirmed' && transferFrom.media?.hold === 'none' && !transferFrom.modifying) {
        await this.hold(transferFrom.id).catch(() => undefined);
      }
      const next = await this.#dialTransferred(refer.target, options, transferFrom);
      next.outgoing?.onProgress((p) => {
        if (p.kind === 'ringing') subscription.progress(p.status, p.status === 180 ? 'Ringing' : 'Session Progress');
        else if (p.kind === 'answered') {
          subscription.progress(200, 'OK');
          if (!transferFrom.ended) transferFrom.leg?.hangup();
          this.#end(transferFrom);
        } else if (p.kind === 'failed') subscription.progress(p.status, p.reason);
        else if (p.kind === 'cancelled') subscription.progress(487, 'Request Terminated');
      });
    };
    place().catch((e: unknown) => {
      subscription.progress(503, 'Service Unavailable');
      this.#notice(call, `Transfer failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** A transferred call takes the line even when both lines are in use: the transferor's call is on its way out. */
  async #dialTransferred(target: string, options: { accountIndex: number; referredBy?: string; replaces?: DialogIdentity }, from: Call): Promise<Call> {
    if (this.#freeLine() === undefined) this.#end(from);
    return this.dial(target, options);
  }

  // ——— transfer as transferor ———

  /**
   * Blind transfer of the focused call to `target`: hold, REFER (Refer-To,
   * Referred-By), then BYE once the REFER is accepted and reported on.
   * With no target and a second call: attended (REFER with Replaces naming
   * the consultation call) — or semi-attended while that call still rings:
   * the consultation is cancelled and the transfer goes blind to its target
   * (RFC 5589 §7.3's alternative, as desk phones do it).
   */
  async transfer(target?: string): Promise<void> {
    if (target !== undefined) {
      await this.#blind(this.#find(), target);
      return;
    }
    const consult = this.#calls.find((c) => c.direction === 'outgoing' && !c.ended && c === this.focus);
    const transferee = this.#calls.find((c) => c !== consult && !c.ended && c.phase === 'confirmed');
    if (!consult || !transferee) throw new Error('transfer needs a target, or a held call and a consultation call');
    if (consult.phase !== 'confirmed') {
      const to = consult.remote.uri;
      this.hangup(consult.id);
      await this.#blind(transferee, to);
      return;
    }
    await this.#attended(transferee, consult);
  }

  async #blind(call: Call, target: string): Promise<void> {
    if (call.phase !== 'confirmed' || !call.leg) throw new Error(`call ${call.id} is not connected`);
    const uri = this.resolveTarget(target, call.accountIndex);
    if (call.media?.hold === 'none') await this.hold(call.id);
    const tracker = call.leg.refer(uri);
    const accepted = await tracker.accepted;
    if (!accepted.ok) {
      this.#notice(call, `Transfer failed: ${accepted.status} ${accepted.reason}`);
      await this.resume(call.id).catch(() => undefined);
      throw new Error(`transfer refused: ${accepted.status} ${accepted.reason}`);
    }
    this.#notice(call, `Transferred to ${partyOf(uri).number}`);
    // Flow 1: the transferor leaves after the REFER is accepted and the first NOTIFY (F13-F17).
    let left = false;
    const leave = (): void => {
      if (left || call.ended) return;
      left = true;
      call.leg?.hangup();
      this.#end(call);
    };
    tracker.onProgress(() => leave());
    this.#timers.start(`${call.id}:leave`, BLIND_TRANSFER_LEAVE_MS, leave);
  }

  async #attended(transferee: Call, consult: Call): Promise<void> {
    const identity = consult.leg?.identity();
    if (!transferee.leg || !identity) throw new Error('the consultation call has no dialog to replace');
    const tracker = transferee.leg.refer(consult.remote.uri, identity);
    const accepted = await tracker.accepted;
    if (!accepted.ok) {
      this.#notice(transferee, `Transfer failed: ${accepted.status} ${accepted.reason}`);
      throw new Error(`transfer refused: ${accepted.status} ${accepted.reason}`);
    }
    tracker.onProgress((status) => {
      if (status < 200) return;
      if (status >= 300) {
        this.#notice(transferee, `Transfer failed: ${status}`);
        return;
      }
      // Flow 2's end: "A receives NOTIFY with SIP/2.0 200 OK and both of A's calls end".
      if (!transferee.ended) {
        transferee.leg?.hangup();
        this.#end(transferee);
      }
      this.#timers.start(`${consult.id}:replaced`, REPLACED_CALL_GRACE_MS, () => {
        if (!consult.ended) this.hangup(consult.id);
      });
    });
  }

  // ——— conference ———

  /** Joins both lines into a 3-way call mixed here: each party hears the other two. */
  async conference(): Promise<void> {
    const legs = this.#calls.filter((c) => c.phase === 'confirmed' && !c.ended);
    if (legs.length < 2) throw new Error('a conference needs two connected calls');
    for (const c of legs) if (c.media?.hold !== 'none') await this.#modify(c, 'none', 'Resume');
    for (const c of legs) c.conferenced = true;
    await this.o.mix(legs.flatMap((c) => (c.media ? [c.media.streamId] : [])));
    this.#changed();
  }

  /** Splits the conference: both calls stay, the one not in focus goes on hold. */
  async split(): Promise<void> {
    const legs = this.#calls.filter((c) => c.conferenced && !c.ended);
    if (legs.length === 0) throw new Error('no conference');
    this.#unconference();
    const keep = this.focus;
    for (const c of legs) if (c !== keep) await this.hold(c.id);
  }

  #unconference(): void {
    const legs = this.#calls.filter((c) => c.conferenced);
    for (const c of legs) c.conferenced = false;
    this.o.mix([]).catch((e: unknown) => this.o.log(`calls: ending the mix: ${String(e)}`));
  }

  // ——— DTMF ———

  async dtmf(digits: string, id?: string): Promise<void> {
    const call = this.#find(id);
    if (call.phase !== 'confirmed' || !call.media) throw new Error('DTMF needs a connected call');
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) throw new Error(`not DTMF digits: ${digits}`);
    const mode = this.o.account(call.accountIndex)?.dtmf ?? 'rfc4733';
    if (mode === 'info' || mode === 'rfc4733+info') {
      for (const d of digits) await call.leg?.info(d.toUpperCase(), 160);
    }
    if (mode === 'rfc4733' || mode === 'rfc4733+info') await this.o.sendDtmf(call.media.streamId, digits, 'rfc4733');
    if (mode === 'inband') await this.o.sendDtmf(call.media.streamId, digits, 'inband');
  }

  /** Ends every call (BYE, CANCEL or a final response): the phone is going away. */
  endAll(): void {
    for (const call of this.#calls.filter((c) => !c.ended)) {
      try {
        if (call.phase === 'ringing' && call.direction === 'incoming') call.incoming?.reject(480);
        else this.hangup(call.id);
      } catch (e) {
        this.o.log(`calls: ending ${call.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  dispose(): void {
    this.#offIncoming();
    this.#timers.clearAll();
    this.#listeners.clear();
  }
}

/** What the LCD says when a call does not get through. */
export function failureText(status: number, reason: string): string {
  if (status === 486 || status === 600) return 'Busy';
  if (status === 404 || status === 604) return 'Not found';
  if (status === 408 || status === 480) return 'No answer';
  if (status === 403 || status === 603) return 'Declined';
  return `Failed: ${status} ${reason}`.trim();
}
