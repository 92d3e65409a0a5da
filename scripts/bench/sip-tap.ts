/**
 * A wire tap for SIP between a caller and the proxy: the impairment relay
 * with no impairment, caller on side A, the proxy as side B's target, and
 * every datagram parsed and time-stamped as it arrives (call-setup-times.ts
 * says why the bench does not use SIPp's clocks). The proxy answers the
 * relay's address (the Via's received/rport), and the relay hands the
 * answers back to the caller it latched.
 */
import { PASS } from '../../test/tools/impairment-relay/decision.js';
import { ImpairmentRelay, type Endpoint } from '../../test/tools/impairment-relay/relay.js';
import { LOOPBACK } from '../../test/helpers/ports.js';
import { wireMessage, type WireMessage } from './call-setup-times.js';

export interface SipTap {
  /** Where the caller sends its requests (instead of the proxy). */
  readonly address: Endpoint;
  readonly messages: () => readonly WireMessage[];
  close(): Promise<void>;
}

export async function startSipTap(proxy: Endpoint): Promise<SipTap> {
  const messages: WireMessage[] = [];
  const relay = await ImpairmentRelay.start({
    listenA: { host: LOOPBACK, port: 0 },
    listenB: { host: LOOPBACK, port: 0 },
    targetB: proxy,
    impairment: () => ({ next: () => PASS }),
    observe: (direction, packet, atNs) => {
      const m = wireMessage(direction === 'a-to-b' ? 'sent' : 'received', packet, atNs);
      if (m !== undefined) messages.push(m);
    },
  });
  return { address: relay.addressA, messages: () => messages, close: () => relay.close() };
}
