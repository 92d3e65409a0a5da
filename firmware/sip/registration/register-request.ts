/**
 * The REGISTER request (RFC 3261 §10.2), built from an account and the
 * server it goes to. Pure: the client supplies Call-ID, tag, CSeq and the
 * local address.
 *
 * §10.2 field by field:
 *   Request-URI  "names the domain of the location service for which the
 *                registration is meant (for example, "sip:chicago.com"). The
 *                "userinfo" and "@" components of the SIP URI MUST NOT be
 *                present."
 *   To           "contains the address of record whose registration is to be
 *                created, queried, or modified."
 *   From         "contains the address-of-record of the person responsible
 *                for the registration" — here the same AOR, with a tag.
 *   Call-ID      "All registrations from a UAC SHOULD use the same Call-ID
 *                header field value for registrations sent to a particular
 *                registrar." (§10.2.4: "the same Call-ID for all
 *                registrations during a single boot cycle").
 *   CSeq         "the UA MUST increment the CSeq value by one for each
 *                REGISTER request with the same Call-ID".
 *   Contact      the binding, with an expires parameter; the Expires header
 *                says the same for registrars that read only that (§10.2.1.1).
 */
import type { AccountConfig, SipServerConfig } from '../../config/view.js';
import { NameAddr, Parameters, createRequest, isIPv6, sipUri } from '../message/index.js';
import type { SipRequest, SipUri } from '../message/index.js';
import type { TransportProtocol } from '../transport/types.js';

/** Methods the phone accepts (§20.5); the UA layer may pass its own list. */
export const DEFAULT_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY';
/** Extensions the phone supports (§20.37): Replaces (RFC 3891) for attended transfer. */
export const DEFAULT_SUPPORTED = 'replaces';
export const DEFAULT_USER_AGENT = 'deskphone';

/** A host as a URI holds it: an IPv6 literal in brackets (RFC 5118 §4.1), anything else as is. */
export function uriHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

/** What the account's REGISTER names its registrar by: sip:<server address>[:port] (no userinfo, §10.2). */
export function registrarUri(server: Pick<SipServerConfig, 'address' | 'port' | 'transport'>): SipUri {
  const defaultPort = server.transport === 'tls' ? 5061 : 5060;
  // Port 0 means "find it by DNS SRV"; the default port is left out so SRV still applies (RFC 3263 §4.2).
  const port = server.port === 0 || server.port === defaultPort ? undefined : server.port;
  return sipUri({ host: uriHost(server.address), port });
}

/** The address of record: sip:<user_name>@<server address>. */
export function addressOfRecord(account: Pick<AccountConfig, 'userName'>, server: Pick<SipServerConfig, 'address'>): SipUri {
  return sipUri({ user: account.userName, host: uriHost(server.address) });
}

/** The Contact of this phone: sip:<user>@<local host>:<port>;transport=<protocol>. */
export function contactUri(
  userName: string,
  endpoint: { readonly host: string; readonly port: number },
  protocol: TransportProtocol,
): SipUri {
  return sipUri({ user: userName, host: uriHost(endpoint.host), port: endpoint.port, params: [['transport', protocol]] });
}

export interface RegisterInit {
  readonly registrar: SipUri;
  readonly aor: SipUri;
  /** Shown in From and To; empty or absent for none. */
  readonly displayName?: string;
  readonly fromTag: string;
  readonly callId: string;
  readonly cseq: number;
  readonly contact: SipUri;
  /** Seconds; 0 removes the binding (§10.2.2). */
  readonly expires: number;
  readonly userAgent?: string;
  readonly allow?: string;
  readonly supported?: string;
}

export function buildRegister(init: RegisterInit): SipRequest {
  const displayName = init.displayName === undefined || init.displayName === '' ? undefined : init.displayName;
  const aor = new NameAddr({ displayName, uri: init.aor });
  const contact = new NameAddr({ uri: init.contact, params: new Parameters().set('expires', String(init.expires)) });
  return createRequest({
    method: 'REGISTER',
    uri: init.registrar,
    from: aor.withTag(init.fromTag),
    to: aor,
    callId: init.callId,
    cseq: init.cseq,
    maxForwards: 70,
    contact: [contact],
    headers: [
      ['Expires', String(init.expires)],
      ['Allow', init.allow ?? DEFAULT_ALLOW],
      ['Supported', init.supported ?? DEFAULT_SUPPORTED],
      ['User-Agent', init.userAgent ?? DEFAULT_USER_AGENT],
    ],
  });
}
