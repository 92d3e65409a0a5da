/**
 * Shared set-up for the UAS tests (not itself a test file): a VirtualClock, a
 * FakeNetwork with
 *   - the phone (192.0.2.10): TransactionLayer + UserAgentCore under test;
 *   - a caller (192.0.2.20): a bare TransactionLayer the tests drive by hand,
 *     sending real messages (the other side's stack is not under test);
 *   - our server (192.0.2.1): a raw endpoint, the only trusted source;
 *   - a stranger (203.0.113.9): a raw endpoint, not a server of ours;
 * and builders for what the caller sends.
 */
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { Dialog } from '../../firmware/sip/dialog/index.js';
import {
  NameAddr,
  createRequest,
  createTag,
  getCSeq,
  getTo,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { SentRequest } from '../../firmware/sip/transaction/index.js';
import type { IncomingCall } from '../../firmware/sip/ua/incoming-call.js';
import { UserAgentCore } from '../../firmware/sip/ua/user-agent-core.js';
import type { UasCapabilities } from '../../firmware/sip/ua/capabilities.js';
import { FakeNetwork } from '../helpers/fake-transport.js';
import type { FakePacket, FakeTransport } from '../helpers/fake-transport.js';

export const enc = new TextEncoder();

export const PHONE = { host: '192.0.2.10', port: 5060 } as const;
export const CALLER = { host: '192.0.2.20', port: 5060 } as const;
export const SERVER = { host: '192.0.2.1', port: 5060 } as const;
export const STRANGER = { host: '203.0.113.9', port: 5060 } as const;

export const SDP_OFFER = enc.encode(
  'v=0\r\no=alice 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
);
export const SDP_ANSWER = enc.encode(
  'v=0\r\no=phone 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n',
);

export interface RigOptions {
  /** sip.trust_ctrl */
  readonly trustCtrl?: boolean;
  /** features.direct_ip_call_enable (default true) */
  readonly allowDirectIp?: boolean;
  /** Call ring() on every incoming call as the phone does (default true). */
  readonly ring?: boolean;
  /** No onIncomingCall handler at all. */
  readonly noCallHandler?: boolean;
  readonly capabilities?: Partial<UasCapabilities>;
}

export interface UasRig {
  readonly clock: VirtualClock;
  readonly net: FakeNetwork;
  readonly phone: FakeTransport;
  readonly phoneLayer: TransactionLayer;
  readonly core: UserAgentCore;
  readonly caller: FakeTransport;
  readonly callerLayer: TransactionLayer;
  readonly server: FakeTransport;
  readonly stranger: FakeTransport;
  /** Every IncomingCall the core offered. */
  readonly calls: IncomingCall[];
  /** Lines the core logged. */
  readonly log: string[];
  /** Packets the phone put on the network (optionally only those to `to`). */
  fromPhone(to?: FakeTransport): FakePacket[];
  /** The phone's responses, as status codes, in order. */
  statusesFromPhone(to?: FakeTransport): number[];
  dispose(): void;
}

export function uasRig(options: RigOptions = {}): UasRig {
  const clock = new VirtualClock();
  const net = new FakeNetwork({ clock, delayMs: 0 });
  const phone = net.endpoint(PHONE.host, PHONE.port);
  const caller = net.endpoint(CALLER.host, CALLER.port);
  const server = net.endpoint(SERVER.host, SERVER.port);
  const stranger = net.endpoint(STRANGER.host, STRANGER.port);
  const phoneLayer = new TransactionLayer(phone, clock);
  const callerLayer = new TransactionLayer(caller, clock);
  const log: string[] = [];
  const core = new UserAgentCore({
    layer: phoneLayer,
    clock,
    contact: () => sipUri({ user: 'phone', host: PHONE.host, port: PHONE.port }),
    capabilities: options.capabilities,
    sources: {
      trustedSource: (source) => source.host === SERVER.host,
      trustCtrl: () => options.trustCtrl ?? false,
      allowDirectIp: () => options.allowDirectIp ?? true,
    },
    logger: { warn: (line) => log.push(line) },
  });
  const calls: IncomingCall[] = [];
  if (options.noCallHandler !== true) {
    core.onIncomingCall((call) => {
      calls.push(call);
      if (options.ring ?? true) call.ring();
    });
  }
  const fromPhone = (to?: FakeTransport): FakePacket[] => net.packetsBetween(phone, to);
  return {
    clock,
    net,
    phone,
    phoneLayer,
    core,
    caller,
    callerLayer,
    server,
    stranger,
    calls,
    log,
    fromPhone,
    statusesFromPhone: (to) => fromPhone(to).flatMap((p) => (p.message.kind === 'response' ? [p.message.status] : [])),
    dispose: () => {
      core.dispose();
      phoneLayer.dispose();
      callerLayer.dispose();
      for (const t of [phone, caller, server, stranger]) void t.close();
    },
  };
}

export interface InviteInit {
  readonly recordRoute?: readonly string[];
  readonly headers?: Iterable<readonly [string, string]>;
  readonly cseq?: number;
  readonly body?: Uint8Array;
}

/** An INVITE from Alice (the caller) to the phone, without a Via: the caller's layer adds it. */
export function callerInvite(init: InviteInit = {}): SipRequest {
  const headers: [string, string][] = (init.recordRoute ?? []).map((rr) => ['Record-Route', rr]);
  for (const h of init.headers ?? []) headers.push([h[0], h[1]]);
  return createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'phone', host: PHONE.host }),
    from: new NameAddr({ displayName: 'Alice', uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag(createTag()),
    to: new NameAddr({ uri: sipUri({ user: 'phone', host: 'example.com' }) }),
    callId: `call-${createTag()}@${CALLER.host}`,
    cseq: init.cseq ?? 101,
    contact: [new NameAddr({ uri: sipUri({ user: 'alice', host: CALLER.host, port: CALLER.port }) })],
    headers,
    body: { contentType: 'application/sdp', bytes: init.body ?? SDP_OFFER },
  });
}

/** A request from the caller outside any dialog (OPTIONS, a BYE with a made-up To tag …). */
export function callerRequest(method: string, init: { toTag?: string; cseq?: number; callId?: string } = {}): SipRequest {
  const to = new NameAddr({ uri: sipUri({ user: 'phone', host: 'example.com' }) });
  return createRequest({
    method,
    uri: sipUri({ user: 'phone', host: PHONE.host }),
    from: new NameAddr({ uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag(createTag()),
    to: init.toTag === undefined ? to : to.withTag(init.toTag),
    callId: init.callId ?? `req-${createTag()}@${CALLER.host}`,
    cseq: init.cseq ?? 1,
  });
}

/** What the caller's INVITE client transaction heard, and the caller's dialog once a 2xx came. */
export interface CallerCall {
  readonly sent: SentRequest;
  readonly provisionals: SipResponse[];
  readonly finals: SipResponse[];
  /** ACKs the caller sent (one per 2xx received when autoAck is on, §13.2.2.4). */
  readonly acks: SipRequest[];
  dialog: Dialog | undefined;
}

/**
 * Sends `invite` from the caller's transaction layer to the phone. With
 * `autoAck`, the caller ACKs every 2xx as a UAC core must (§13.2.2.4: "The
 * UAC core MUST generate an ACK request for each 2xx received from the
 * transaction layer"), re-sending the same ACK for a retransmitted 2xx.
 */
export function sendInvite(rig: UasRig, invite: SipRequest = callerInvite(), options: { autoAck?: boolean } = {}): CallerCall {
  const provisionals: SipResponse[] = [];
  const finals: SipResponse[] = [];
  // Responses arrive on later clock turns, never inside sendRequest(), so `holder.call` is set by then.
  const holder: { call?: CallerCall } = {};
  const sent = rig.callerLayer.sendRequest(invite, rig.phone.target(), {
    onProvisional: (r) => provisionals.push(r),
    onFinal: (r) => {
      finals.push(r);
      if (options.autoAck === true && holder.call !== undefined && r.status >= 200 && r.status < 300) callerAcks(rig, holder.call, r);
    },
  });
  holder.call = { sent, provisionals, finals, acks: [], dialog: undefined };
  return holder.call;
}

/** The caller's dialog from the phone's 2xx (§12.1.2) and its ACK, sent (again, for a retransmitted 2xx). */
export function callerAcks(rig: UasRig, call: CallerCall, response: SipResponse): { dialog: Dialog; ack: SipRequest } {
  const dialog = call.dialog ?? Dialog.asUac(call.sent.request, response, { transport: 'udp' });
  call.dialog = dialog;
  const previous = call.acks[0];
  const ack = previous ?? dialog.createRequest('ACK', { cseq: seqOf(call.sent.request) });
  const sent = rig.callerLayer.sendAck(ack, rig.phone.target()).ack;
  call.acks.push(sent);
  return { dialog, ack: sent };
}

export function seqOf(m: SipMessage): number {
  const cseq = getCSeq(m);
  if (cseq === undefined) throw new Error('no CSeq');
  return cseq.seq;
}

export function toTagOf(m: SipMessage): string | undefined {
  return getTo(m)?.tag;
}

export function isResponse(status: number): (p: FakePacket) => boolean {
  return (p) => p.message.kind === 'response' && p.message.status === status;
}

export function isRequestOf(method: string): (p: FakePacket) => boolean {
  return (p) => p.message.kind === 'request' && p.message.method === method;
}
