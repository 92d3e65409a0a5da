/**
 * Whom the phone takes requests from: Yealink's `sip.trust_ctrl` and
 * `features.direct_ip_call_enable`, as pure functions of the facts.
 *
 * trust_ctrl on: a request that did not come from one of our accounts'
 * registrars or outbound proxies is dropped without a response and logged.
 * RFC 3261 knows no refusal by source address; to the sender a silent drop
 * is a lost packet (it retransmits until Timer B/F and gives up, §17.1),
 * which is the point: an Internet-wide SIP scanner ("friendly-scanner" and
 * the like) that rings phones with direct INVITEs learns nothing, not even
 * that a SIP device listens here. Answering 403 would tell it.
 *
 * Direct IP calls off: an out-of-dialog INVITE that did not come from our
 * server is answered 403 Forbidden (§21.4.4: "The server understood the
 * request, but is refusing to fulfill it"), reason "Direct IP calls disabled".
 */
import type { TransportTarget } from '../transport/types.js';

export interface SourcePolicy {
  /**
   * True when `source` is one of our registrars or outbound proxies (the
   * phone resolves their addresses). Without it every source counts as ours.
   */
  readonly trustedSource?: (source: TransportTarget) => boolean;
  /** sip.trust_ctrl, read for every request (a live setting). Default off. */
  readonly trustCtrl?: () => boolean;
  /** features.direct_ip_call_enable, read for every INVITE. Default on. */
  readonly allowDirectIp?: () => boolean;
}

export interface SourceFacts {
  readonly trustCtrl: boolean;
  readonly allowDirectIp: boolean;
  readonly fromServer: boolean;
}

export function sourceFacts(policy: SourcePolicy, source: TransportTarget): SourceFacts {
  return {
    trustCtrl: policy.trustCtrl?.() ?? false,
    allowDirectIp: policy.allowDirectIp?.() ?? true,
    fromServer: policy.trustedSource?.(source) ?? true,
  };
}

/** trust_ctrl: drop every request (and ACK) that is not from our server. */
export function dropUntrusted(facts: SourceFacts): boolean {
  return facts.trustCtrl && !facts.fromServer;
}

/** Direct IP calls disabled: an out-of-dialog INVITE not from our server gets 403. */
export function directIpForbidden(facts: SourceFacts): boolean {
  return !facts.allowDirectIp && !facts.fromServer;
}

export const DIRECT_IP_FORBIDDEN_REASON = 'Direct IP calls disabled';
