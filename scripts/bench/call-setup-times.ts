/**
 * Call-setup times read off the wire between a SIPp caller and the proxy.
 *
 * Why not SIPp's own clocks: its message trace stamps a sent message when it
 * gets round to logging it, not when it left — on this machine the trace
 * showed a 180 "arriving" 0.05 ms after the INVITE through Kamailio, which
 * no phone can do — and its response-time counters tick in whole
 * milliseconds on the same loop. So the bench puts the impairment relay,
 * impairing nothing, between SIPp and Kamailio and stamps each datagram as
 * it reaches the relay (process.hrtime): the INVITE as SIPp sends it, the
 * answers as Kamailio forwards them.
 *
 * For each call (Call-ID) the clock starts at the last INVITE sent before
 * the callee's first answer — the authenticated retry after the proxy's 407
 * (RFC 3261 §22.3), the INVITE that reaches the callee — and stops at the
 * first 180 Ringing and the first 200 OK to that INVITE's CSeq. The proxy's
 * own 100 Trying is hop-by-hop (§16.7 step 5) and does not count.
 */
import { getCallId, getCSeq, isRequest, parseMessage } from '../../firmware/sip/message/index.js';

export interface WireMessage {
  readonly atNs: bigint;
  /** From the caller towards the proxy, or back. */
  readonly direction: 'sent' | 'received';
  /** The request method, or the response status. */
  readonly method?: string;
  readonly status?: number;
  readonly callId: string;
  readonly cseq: { readonly seq: number; readonly method: string } | undefined;
}

export interface CallSetupTimes {
  readonly callId: string;
  /** INVITE sent → 180 Ringing received, ms; undefined when no 180 came. */
  readonly ringingMs: number | undefined;
  /** INVITE sent → 200 OK received, ms; undefined when the call was not answered. */
  readonly answeredMs: number | undefined;
}

/** One datagram as a WireMessage; undefined for anything that is not a SIP message (a keep-alive CRLF). */
export function wireMessage(direction: 'sent' | 'received', packet: Uint8Array, atNs: bigint): WireMessage | undefined {
  const parsed = parseMessage(packet, { transport: 'udp' });
  if (!parsed.ok) return undefined;
  const m = parsed.message;
  return {
    atNs,
    direction,
    ...(isRequest(m) ? { method: m.method } : { status: m.status }),
    callId: getCallId(m) ?? '',
    cseq: getCSeq(m),
  };
}

/** INVITE→180 and INVITE→200 for every call, in the order the calls started. */
export function callSetupTimes(messages: readonly WireMessage[]): CallSetupTimes[] {
  const byCall = new Map<string, WireMessage[]>();
  for (const m of messages) {
    const list = byCall.get(m.callId) ?? [];
    list.push(m);
    byCall.set(m.callId, list);
  }
  const out: CallSetupTimes[] = [];
  for (const [callId, list] of byCall) {
    let invite: WireMessage | undefined;
    let ringingMs: number | undefined;
    let answeredMs: number | undefined;
    for (const m of list) {
      if (m.direction === 'sent' && m.method === 'INVITE') {
        invite = m;
        continue;
      }
      if (m.direction !== 'received' || invite === undefined || m.cseq?.method !== 'INVITE' || m.cseq.seq !== invite.cseq?.seq) continue;
      const ms = Number(m.atNs - invite.atNs) / 1e6;
      if (m.status === 180) ringingMs ??= ms;
      if (m.status === 200) answeredMs ??= ms;
    }
    if (invite !== undefined) out.push({ callId, ringingMs, answeredMs });
  }
  return out;
}
