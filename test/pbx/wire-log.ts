/**
 * The SIP messages Kamailio received, read back from its log (the
 * WIRE-BEGIN … WIRE-END blocks test/pbx/kamailio.cfg writes): what went
 * over the wire between the phones and the proxy, for tests to check.
 */
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../firmware/sip/message/index.js';

export interface WireMessage {
  /** Where it came from, host:port. */
  readonly source: string;
  /** The transport it came over, as Kamailio's $pr names it: "udp", "tcp" … */
  readonly protocol: string;
  readonly message: SipMessage;
  readonly text: string;
}

export function wireMessages(log: string): WireMessage[] {
  const out: WireMessage[] = [];
  const re = /WIRE-BEGIN in (\S+) over (\w+)\n([\s\S]*?)\nWIRE-END/g;
  for (let m = re.exec(log); m !== null; m = re.exec(log)) {
    const source = m[1] ?? '';
    const protocol = m[2] ?? '';
    const text = (m[3] ?? '').replace(/\r?\n/g, '\r\n');
    const parsed = parseMessage(new TextEncoder().encode(text), { transport: 'udp' });
    if (parsed.ok) out.push({ source, protocol, message: parsed.message, text });
  }
  return out;
}

export function wireRequests(log: string, method?: string): (WireMessage & { message: SipRequest })[] {
  return wireMessages(log).filter(
    (w): w is WireMessage & { message: SipRequest } => w.message.kind === 'request' && (method === undefined || w.message.method === method),
  );
}

export function wireResponses(log: string, cseqMethod?: string): (WireMessage & { message: SipResponse })[] {
  return wireMessages(log).filter(
    (w): w is WireMessage & { message: SipResponse } =>
      w.message.kind === 'response' && (cseqMethod === undefined || (w.message.headers.get('CSeq') ?? '').endsWith(cseqMethod)),
  );
}

/** The body of a message as text. */
export function bodyText(message: SipMessage): string {
  return new TextDecoder().decode(message.body);
}
