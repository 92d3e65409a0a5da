/**
 * Fakes of the phone's SIP and media sides at their narrow interfaces
 * (PhoneSip, SipLeg, PhoneMedia's StreamControl): real SDP goes through
 * them, so CallMedia's offer/answer code runs for real in UI tests.
 */
import type {
  AccountStatus,
  DialogIdentity,
  MessageWaiting,
  IncomingCallEnd,
  IncomingCallView,
  IncomingReferView,
  OutgoingCallView,
  OutgoingProgress,
  PeerRequestHandlers,
  PhoneSip,
  PlaceCallRequest,
  ReferTracker,
  SessionOutcome,
  SipLeg,
} from '../../firmware/phone/phone-sip.js';
import type { CallMediaStats, PhoneMedia, ProgressTone } from '../../firmware/phone/phone-media.js';
import type { StreamUpdate, WireStreamConfig } from '../../firmware/media/engine/protocol.js';
import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import { createSimHardware, type SimHardware } from '../../boards/sim/sim-hardware.js';
import { findBoard } from '../../boards/index.js';
import { SystemClock } from '../../drivers/bus/system-clock.js';
import { clockDelay } from '../../drivers/bus/clock.js';
import { DEFAULT_CALLS_CONFIG, Phone, type PhoneOptions } from '../../firmware/phone/phone.js';
import type { CallsConfig } from '../../firmware/config/view.js';

export function peerSdp(direction = 'sendrecv', version = 1, port = 40000): string {
  return [
    'v=0',
    `o=peer 1 ${version} IN IP4 127.0.0.2`,
    's=-',
    'c=IN IP4 127.0.0.2',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

/** The peer's answer to our offer: PCMU, in the direction that answers ours. */
export function answerTo(offer: string, port = 40000): string {
  const ours = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(offer)?.[1] ?? 'sendrecv';
  const mirror: Record<string, string> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };
  const version = Number(/^o=\S+ \S+ (\d+)/m.exec(offer)?.[1] ?? '1');
  return peerSdp(mirror[ours], version, port);
}

export class FakeLeg implements SipLeg {
  handlers: PeerRequestHandlers | undefined;
  readonly reinvites: string[] = [];
  readonly refers: { target: string; replaces?: DialogIdentity }[] = [];
  readonly infos: string[] = [];
  hungUp = 0;
  /** What the next re-INVITE gets: an answer made from the offer, or a failure. */
  reinviteResult: (offer: string) => SessionOutcome = (offer) => ({ ok: true, answerSdp: answerTo(offer) });
  referAccepted: Awaited<ReferTracker['accepted']> = { ok: true };
  referProgress: ((status: number, reason: string) => void) | undefined;
  private endListeners: ((how: IncomingCallEnd) => void)[] = [];
  constructor(
    readonly callId: string,
    readonly remoteUri: string,
    private readonly tags = { localTag: 'L', remoteTag: 'R' },
  ) {}
  identity(): DialogIdentity {
    return { callId: this.callId, ...this.tags };
  }
  serve(h: PeerRequestHandlers): void {
    this.handlers = h;
  }
  reinvite(offerSdp: string): Promise<SessionOutcome> {
    this.reinvites.push(offerSdp);
    return Promise.resolve(this.reinviteResult(offerSdp));
  }
  refer(target: string, replaces?: DialogIdentity): ReferTracker {
    this.refers.push({ target, ...(replaces ? { replaces } : {}) });
    return {
      accepted: Promise.resolve(this.referAccepted),
      onProgress: (l) => {
        this.referProgress = l;
      },
    };
  }
  info(digit: string): Promise<void> {
    this.infos.push(digit);
    return Promise.resolve();
  }
  hangup(): void {
    this.hungUp++;
    this.end('ended');
  }
  onEnd(listener: (how: IncomingCallEnd) => void): void {
    this.endListeners.push(listener);
  }
  end(how: IncomingCallEnd): void {
    const ls = this.endListeners;
    this.endListeners = [];
    for (const l of ls) l(how);
  }
}

export class FakeIncoming implements IncomingCallView {
  readonly rejectedWith: number[] = [];
  readonly redirectedTo: string[] = [];
  answered: string | undefined;
  leg: FakeLeg | undefined;
  readonly accountIndex = 1;
  readonly intercom: boolean;
  readonly offerSdp: string | undefined;
  readonly replaces?: DialogIdentity;
  private endListeners: ((how: IncomingCallEnd) => void)[] = [];
  constructor(
    readonly callerName: string,
    readonly callerNumber: string,
    readonly callId: string,
    options: { offer?: string | null; intercom?: boolean; replaces?: DialogIdentity } = {},
  ) {
    this.offerSdp = options.offer === null ? undefined : (options.offer ?? peerSdp());
    this.intercom = options.intercom ?? false;
    if (options.replaces) this.replaces = options.replaces;
  }
  get callerUri(): string {
    return `sip:${this.callerNumber}@deskphone.test`;
  }
  reject(status = 486): void {
    this.rejectedWith.push(status);
    this.end('rejected');
  }
  redirect(target: string): void {
    this.redirectedTo.push(target);
    this.end('rejected');
  }
  accept(answerSdp: string): SipLeg {
    this.answered = answerSdp;
    this.leg = new FakeLeg(this.callId, this.callerUri, { localTag: `local-${this.callId}`, remoteTag: `remote-${this.callId}` });
    this.leg.onEnd((how) => this.end(how));
    return this.leg;
  }
  hangup(): void {
    this.end('ended');
  }
  onEnd(listener: (how: IncomingCallEnd) => void): void {
    this.endListeners.push(listener);
  }
  end(how: IncomingCallEnd): void {
    const ls = this.endListeners;
    this.endListeners = [];
    for (const l of ls) l(how);
  }
}

export class FakeOutgoing implements OutgoingCallView {
  cancelled = 0;
  private listeners: ((p: OutgoingProgress) => void)[] = [];
  constructor(
    readonly callId: string,
    readonly request: PlaceCallRequest,
  ) {}
  onProgress(listener: (p: OutgoingProgress) => void): void {
    this.listeners.push(listener);
  }
  cancel(): void {
    this.cancelled++;
    this.tell({ kind: 'cancelled' });
  }
  tell(p: OutgoingProgress): void {
    for (const l of this.listeners) l(p);
  }
  /** The callee answers with PCMU; returns its leg. */
  answer(tags = { localTag: `local-${this.callId}`, remoteTag: `remote-${this.callId}` }): FakeLeg {
    const leg = new FakeLeg(this.callId, this.request.target, tags);
    this.tell({ kind: 'answered', answerSdp: answerTo(this.request.offerSdp), leg });
    return leg;
  }
}

export class FakeSip implements PhoneSip {
  accountList: AccountStatus[] = [];
  readonly placed: FakeOutgoing[] = [];
  private readonly accountListeners = new Set<() => void>();
  private readonly callListeners = new Set<(call: IncomingCallView) => void>();
  private readonly mwiListeners = new Set<(index: number, waiting: MessageWaiting) => void>();
  private n = 0;
  onMessageWaiting(l: (index: number, waiting: MessageWaiting) => void): () => void {
    this.mwiListeners.add(l);
    return () => this.mwiListeners.delete(l);
  }
  messageWaiting(index: number, waiting: MessageWaiting): void {
    for (const l of this.mwiListeners) l(index, waiting);
  }
  accounts(): readonly AccountStatus[] {
    return this.accountList;
  }
  onAccountsChanged(l: () => void): () => void {
    this.accountListeners.add(l);
    return () => this.accountListeners.delete(l);
  }
  onIncomingCall(l: (call: IncomingCallView) => void): () => void {
    this.callListeners.add(l);
    return () => this.callListeners.delete(l);
  }
  placeCall(request: PlaceCallRequest): OutgoingCallView {
    const call = new FakeOutgoing(`out-${++this.n}`, request);
    this.placed.push(call);
    return call;
  }
  domainOf(): string {
    return 'pbx.test';
  }
  setRegistered(label: string): void {
    this.accountList = [
      { index: 1, label, uri: 'sip:alice@deskphone.test', registered: true, state: 'registered', server: '127.0.0.1:5060;transport=udp', expiresInS: 3600, lastFailure: null },
    ];
    for (const l of this.accountListeners) l();
  }
  ring(name: string, number: string, options: ConstructorParameters<typeof FakeIncoming>[3] = {}): FakeIncoming {
    const call = new FakeIncoming(name, number, `in-${++this.n}`, options);
    for (const l of this.callListeners) l(call);
    return call;
  }
}

/** A REFER as the transferee sees it, recording the sipfrag progress it reports. */
export class FakeRefer implements IncomingReferView {
  readonly progress: string[] = [];
  rejected: number | undefined;
  constructor(
    readonly target: string,
    readonly referredBy?: string,
    readonly replaces?: DialogIdentity,
  ) {}
  /** As the real notifier: 202, and at once the NOTIFY with "100 Trying". */
  accept(): { progress(status: number, reason: string): void } {
    this.progress.push('100 Trying');
    return { progress: (status, reason) => this.progress.push(`${status} ${reason}`) };
  }
  reject(status: number): void {
    this.rejected = status;
  }
}

/** Records what the phone asks of the audio side; streams get ports 20000, 20002 … */
export class FakeMedia implements PhoneMedia {
  readonly log: string[] = [];
  readonly opened: WireStreamConfig[] = [];
  readonly updates: { id: string; change: StreamUpdate }[] = [];
  readonly closed: string[] = [];
  readonly mixes: string[][] = [];
  readonly dtmf: string[] = [];
  readonly address = '127.0.0.1';
  private port = 20000;
  readonly streams = {
    openStream: (stream: WireStreamConfig) => {
      this.opened.push(stream);
      const localPort = this.port;
      this.port += 2;
      return Promise.resolve({ localPort });
    },
    updateStream: (id: string, change: StreamUpdate) => {
      this.updates.push({ id, change });
      return Promise.resolve(null);
    },
    closeStream: (id: string) => {
      this.closed.push(id);
      return Promise.resolve(null);
    },
  };
  codecs() {
    return createDefaultCodecRegistry().list();
  }
  srtp(): 'off' {
    return 'off';
  }
  tone(tone: ProgressTone | undefined): void {
    this.log.push(`tone ${tone ?? 'off'}`);
  }
  ring(on: boolean): void {
    this.log.push(`ring ${on ? 'on' : 'off'}`);
  }
  mute(muted: boolean): void {
    this.log.push(`mute ${muted}`);
  }
  volume(db: number): void {
    this.log.push(`volume ${db}`);
  }
  sendDtmf(streamId: string, digits: string, method: string): Promise<void> {
    this.dtmf.push(`${streamId} ${digits} ${method}`);
    return Promise.resolve();
  }
  mix(ids: readonly string[]): Promise<void> {
    this.mixes.push([...ids]);
    return Promise.resolve();
  }
  stats(): CallMediaStats {
    return { codec: 'PCMU', packetsSent: 10, packetsReceived: 9, jitterMs: 1.5, lossFraction: 0, rttMs: null, bufferDelayMs: 40, targetDelayMs: 40, concealedMs: 0, fecRecoveredMs: 0 };
  }
  onDtmf(): () => void {
    return () => undefined;
  }
  /** The latest send/recv direction the phone gave stream `id`. */
  direction(id: string): { send: boolean; recv: boolean } | undefined {
    return [...this.updates].reverse().find((u) => u.id === id && u.change.direction)?.change.direction;
  }
}

/** The phone on the simulated board with the given sides; `calls` overrides the defaults. Not started. */
export async function createSimPhone(
  options: Omit<PhoneOptions, 'calls'> & { readonly calls?: Partial<CallsConfig> } = {},
): Promise<{ hw: SimHardware; phone: Phone }> {
  const board = findBoard('sim');
  if (!board) throw new Error('no sim board');
  const clock = new SystemClock();
  const hw = await createSimHardware(board.description, clock, clockDelay(clock));
  const { calls, ...rest } = options;
  const phone = new Phone(hw, { log: () => undefined, ...rest, calls: () => ({ ...DEFAULT_CALLS_CONFIG, ...calls }) });
  return { hw, phone };
}

/** createSimPhone(), started, and disposed after the test. */
export async function startSimPhone(
  t: { after: (fn: () => Promise<void>) => void },
  options: Parameters<typeof createSimPhone>[0] = {},
): Promise<{ hw: SimHardware; phone: Phone }> {
  const made = await createSimPhone(options);
  t.after(async () => {
    await made.phone.dispose();
    await made.hw.dispose();
  });
  await made.phone.start();
  return made;
}

/** Lets the phone's promise chains run (no timers involved). */
export async function flush(phone: Phone): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  await phone.settled();
}
