/**
 * Shared set-up for the transaction tests (not itself a test file): a
 * VirtualClock, a FakeNetwork with the phone (which runs the
 * TransactionLayer) and a hand-driven peer, and request builders.
 */
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import {
  NameAddr,
  createCallId,
  createRequest,
  createResponse,
  createTag,
  getTo,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { TransactionLayerOptions } from '../../firmware/sip/transaction/index.js';
import type { TransportProtocol } from '../../firmware/sip/transport/types.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakePacket, FakeTransport } from '../helpers/fake-transport.js';

export interface Rig {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  /** The phone: its transport carries the TransactionLayer under test. */
  readonly phone: FakeTransport;
  /** The other side, driven by hand. */
  readonly peer: FakeTransport;
  readonly layer: TransactionLayer;
  /** Messages the phone sent to the peer, with their send times. */
  fromPhone(): FakePacket[];
  /** Messages the peer sent to the phone. */
  fromPeer(): FakePacket[];
  dispose(): void;
}

export function rig(options: TransactionLayerOptions & { delayMs?: number } = {}): Rig {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock, delayMs: options.delayMs ?? 0 });
  const phone = net.endpoint('192.0.2.10', 5060);
  const peer = net.endpoint('192.0.2.20', 5060);
  const layer = new TransactionLayer(phone, clock, options);
  return {
    clock,
    net,
    phone,
    peer,
    layer,
    fromPhone: () => net.packetsBetween(phone, peer),
    fromPeer: () => net.packetsBetween(peer, phone),
    dispose: () => {
      layer.dispose();
      void phone.close();
      void peer.close();
    },
  };
}

const alice = (): NameAddr => new NameAddr({ displayName: 'Alice', uri: sipUri({ user: 'alice', host: 'example.com' }) });
const bob = (): NameAddr => new NameAddr({ uri: sipUri({ user: 'bob', host: 'example.org' }) });

/** A request from the phone (Alice) to Bob, without a Via: the layer adds it. */
export function request(
  method: string,
  init: { cseq?: number; route?: readonly NameAddr[]; callId?: string } = {},
): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: 'bob', host: '192.0.2.20' }),
    from: alice().withTag(createTag()),
    to: bob(),
    callId: init.callId ?? createCallId('192.0.2.10'),
    cseq: init.cseq ?? 1,
    route: init.route,
    contact: [new NameAddr({ uri: sipUri({ user: 'alice', host: '192.0.2.10', port: 5060 }) })],
  });
}

/** A request from the peer to the phone, with the peer's Via and the given branch. */
export function peerRequest(
  method: string,
  init: { branch?: string; cseq?: number; callId?: string; protocol?: TransportProtocol; fromTag?: string } = {},
): SipRequest {
  const protocol = init.protocol ?? 'udp';
  const branch = init.branch === undefined ? '' : `;branch=${init.branch}`;
  return createRequest({
    method,
    uri: sipUri({ user: 'alice', host: '192.0.2.10' }),
    from: bob().withTag(init.fromTag ?? 'peer-tag'),
    to: alice(),
    callId: init.callId ?? 'call-1@192.0.2.20',
    cseq: init.cseq ?? 1,
    headers: [['Via', `SIP/2.0/${protocol.toUpperCase()} 192.0.2.20:5060${branch}`]],
  });
}

/** A response to a request the peer received, as the peer would build it. */
export function answer(req: SipMessage, status: number, toTag?: string): SipResponse {
  if (req.kind !== 'request') throw new Error('answer() needs a request');
  return createResponse(req, status, undefined, toTag === undefined ? {} : { toTag });
}

export function toTagOf(m: SipMessage): string | undefined {
  return getTo(m)?.tag;
}

/** Send times (ms) of packets, for comparing schedules. */
export function times(packets: readonly FakePacket[]): number[] {
  return packets.map((p) => p.sentAt);
}

export function isRequestOf(method: string): (p: FakePacket) => boolean {
  return (p) => p.message.kind === 'request' && p.message.method === method;
}

export function isStatus(status: number): (p: FakePacket) => boolean {
  return (p) => p.message.kind === 'response' && p.message.status === status;
}
