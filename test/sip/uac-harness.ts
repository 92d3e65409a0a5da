/**
 * Shared set-up for the UAC and re-INVITE tests (not itself a test file): a
 * VirtualClock and a FakeNetwork with two whole user agents —
 *   - the phone (192.0.2.10, alice): TransactionLayer + UserAgentCore under test;
 *   - a peer (192.0.2.30, bob): the same stack playing the other party, so a
 *     call the phone places is answered by real UAS code (IncomingCall) and a
 *     re-INVITE meets a real SessionModifier on the other side;
 * and, when a test asks for one, a stateless relay proxy (192.0.2.1) that
 * Record-Routes (RFC 3261 §16.6 step 4, §16.11), written out here in a few
 * lines with no code from the stack's proxy-free UA core.
 */
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { NonceCounter } from '../../firmware/sip/auth/nonce-counter.js';
import { getNameAddrList, getTo, getTopVia, sipUri } from '../../firmware/sip/message/index.js';
import type { MessageBody, SipMessage, SipRequest, SipResponse, Uri } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { TransportTarget } from '../../firmware/sip/transport/types.js';
import { AuthenticatingSender } from '../../firmware/sip/ua/authenticating-sender.js';
import type { IncomingCall } from '../../firmware/sip/ua/incoming-call.js';
import type { OutgoingCall, OutgoingCallState, PlaceCallOptions } from '../../firmware/sip/ua/outgoing-call.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakePacket, FakeTransport } from '../helpers/fake-transport.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const PHONE = { host: '192.0.2.10', port: 5060 } as const;
export const PEER = { host: '192.0.2.30', port: 5060 } as const;
export const PROXY = { host: '192.0.2.1', port: 5060 } as const;

export const ALICE_AOR = sipUri({ user: 'alice', host: 'example.com' });
export const BOB_AOR = sipUri({ user: 'bob', host: 'example.com' });

export function sdp(text: string): MessageBody {
  return { contentType: 'application/sdp', bytes: enc.encode(text) };
}

export function text(body: { readonly bytes: Uint8Array } | Uint8Array | undefined): string | undefined {
  if (body === undefined) return undefined;
  return dec.decode(body instanceof Uint8Array ? body : body.bytes);
}

/** Offers and answers are opaque to the layers under test: short strings stand for SDP. */
export const OFFER = sdp('v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n');
export const ANSWER = sdp('v=0\r\no=bob 7 7 IN IP4 192.0.2.30\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n');

export interface Ua {
  readonly name: string;
  readonly transport: FakeTransport;
  readonly layer: TransactionLayer;
  readonly core: UserAgentCore;
  readonly contact: Uri;
  readonly aor: Uri;
  readonly sender: AuthenticatingSender;
  /** Incoming calls offered to this UA (an onIncomingCall handler must be set by the test). */
  readonly incoming: IncomingCall[];
  readonly log: string[];
}

function userAgent(net: FakeNetwork, clock: VirtualClock, name: string, at: { host: string; port: number }, aor: Uri): Ua {
  const transport = net.endpoint(at.host, at.port);
  const layer = new TransactionLayer(transport, clock);
  const contact = sipUri({ user: name, host: at.host, port: at.port });
  const log: string[] = [];
  const core = new UserAgentCore({ layer, clock, contact: () => contact, logger: { warn: (line) => log.push(line) } });
  const sender = new AuthenticatingSender({
    layer,
    credentials: { accountId: '1', username: name, password: 'secret' },
    nonces: new NonceCounter(() => '0a4f113b'),
  });
  return { name, transport, layer, core, contact, aor, sender, incoming: [], log };
}

/**
 * A stateless proxy (§16.11) between the phone and the peer: pops its own
 * Route, Record-Routes dialog-creating INVITEs, adds a Via whose branch is
 * derived from the incoming one (so a CANCEL and the ACK of a non-2xx get the
 * INVITE's), forwards to the Request-URI (bob@example.com is the peer: a
 * one-entry location service); responses go to the next Via.
 */
export class RelayProxy {
  readonly transport: FakeTransport;
  readonly recordRoute = `<sip:${PROXY.host}:${PROXY.port};lr>`;

  constructor(net: FakeNetwork) {
    this.transport = net.endpoint(PROXY.host, PROXY.port);
    this.transport.onMessage((incoming) => this.#relay(incoming.message));
  }

  #relay(message: SipMessage): void {
    const headers = message.headers.clone();
    if (message.kind === 'response') {
      headers.removeFirst('Via');
      const next = getTopVia({ headers });
      if (next === undefined) return;
      void this.transport.send({ ...message, headers }, { protocol: 'udp', host: next.host, port: next.port ?? 5060 });
      return;
    }
    const top = getNameAddrList({ headers }, 'Route')[0];
    if (top?.uri.kind === 'sip' && top.uri.host === PROXY.host) headers.removeFirst('Route');
    headers.set('Max-Forwards', String(Number(headers.get('Max-Forwards') ?? '70') - 1));
    const branch = getTopVia(message)?.branch ?? 'z9hG4bKnone';
    headers.prepend('Via', `SIP/2.0/UDP ${PROXY.host}:${PROXY.port};branch=z9hG4bKrelay${branch.slice(7)}`);
    if (message.method === 'INVITE' && getTo({ headers })?.tag === undefined) headers.prepend('Record-Route', this.recordRoute);
    const nextRoute = getNameAddrList({ headers }, 'Route')[0]?.uri;
    const target = locate(nextRoute ?? message.uri);
    if (target !== undefined) void this.transport.send({ ...message, headers }, target);
  }
}

function locate(uri: Uri): TransportTarget | undefined {
  if (uri.kind !== 'sip') return undefined;
  if (/^[0-9.]+$/.test(uri.host)) return { protocol: 'udp', host: uri.host, port: uri.port ?? 5060 };
  return uri.user === 'bob' ? { protocol: 'udp', host: PEER.host, port: PEER.port } : undefined;
}

export interface UacRig {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  readonly phone: Ua;
  readonly peer: Ua;
  readonly proxy: RelayProxy | undefined;
  /** The phone calls bob; the INVITE goes to the peer directly, or to the relay proxy. */
  place(options?: Partial<PlaceCallOptions>): OutgoingCall;
  /** Moves the clock, letting promise continuations run between timers. */
  run(ms: number): Promise<void>;
  /** Requests `from` put on the network, optionally only `method`. */
  requests(from: Ua | FakeTransport, method?: string): (FakePacket & { message: SipRequest })[];
  /** Responses `from` put on the network, optionally only `status`. */
  responses(from: Ua | FakeTransport, status?: number): (FakePacket & { message: SipResponse })[];
  dispose(): void;
}

export function uacRig(options: { proxy?: boolean } = {}): UacRig {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock, delayMs: 0 });
  const phone = userAgent(net, clock, 'alice', PHONE, ALICE_AOR);
  const peer = userAgent(net, clock, 'bob', PEER, BOB_AOR);
  const proxy = options.proxy === true ? new RelayProxy(net) : undefined;
  const server: TransportTarget = proxy === undefined ? { protocol: 'udp', ...PEER } : { protocol: 'udp', ...PROXY };
  const transportOf = (x: Ua | FakeTransport): FakeTransport => ('core' in x ? x.transport : x);
  return {
    clock,
    net,
    phone,
    peer,
    proxy,
    place: (overrides = {}) =>
      phone.core.placeCall({
        from: { uri: ALICE_AOR, displayName: 'Alice' },
        target: BOB_AOR,
        offer: OFFER,
        sender: phone.sender,
        server: () => server,
        userAgent: 'deskphone/test',
        ...overrides,
      }),
    run: (ms) => clock.advanceAsync(ms),
    requests: (from, method) =>
      net
        .packetsBetween(transportOf(from))
        .filter((p): p is FakePacket & { message: SipRequest } => p.message.kind === 'request' && (method === undefined || p.message.method === method)),
    responses: (from, status) =>
      net
        .packetsBetween(transportOf(from))
        .filter((p): p is FakePacket & { message: SipResponse } => p.message.kind === 'response' && (status === undefined || p.message.status === status)),
    dispose: () => {
      for (const ua of [phone, peer]) {
        ua.core.dispose();
        ua.layer.dispose();
        void ua.transport.close();
      }
      if (proxy !== undefined) void proxy.transport.close();
    },
  };
}

/** The states an outgoing call went through, in order (subscribe right after placeCall). */
export function recordStates(call: OutgoingCall): OutgoingCallState[] {
  const states: OutgoingCallState[] = [call.state];
  call.onStateChange(({ to }) => states.push(to));
  return states;
}

/** The peer takes every call: ring() at once (or after `ringAfterMs`), accept() with ANSWER after `answerAfterMs` (never if undefined). */
export function peerAnswers(rig: UacRig, options: { ringAfterMs?: number; answerAfterMs?: number; answer?: MessageBody } = {}): void {
  rig.peer.core.onIncomingCall((call) => {
    rig.peer.incoming.push(call);
    const ring = (): void => {
      if (call.state === 'offered') call.ring();
    };
    if (options.ringAfterMs === undefined) ring();
    else rig.clock.setTimer(options.ringAfterMs, ring);
    if (options.answerAfterMs !== undefined) {
      rig.clock.setTimer(options.answerAfterMs, () => {
        if (call.state === 'offered' || call.state === 'ringing') call.accept(options.answer ?? ANSWER);
      });
    }
  });
}

export function cseqOf(m: SipMessage): { seq: number; method: string } {
  const [seq, method] = (m.headers.get('CSeq') ?? '').split(/\s+/);
  return { seq: Number(seq), method: method ?? '' };
}

export function branchOf(m: SipMessage): string | undefined {
  return getTopVia(m)?.branch;
}
