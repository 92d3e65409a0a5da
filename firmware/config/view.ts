/**
 * The typed view the rest of the firmware reads: the SIP stack takes
 * `accounts` and `sip`, and never sees a Yealink key or a 0/1 boolean.
 * Built from a typed getter, so each field names the schema row it comes from
 * and the compiler checks the value's type against the schema.
 */
import { DTMF_CHOICES, HOLD_CHOICES, INDEX_RANGES, KEEPALIVE_CHOICES, KEY_AS_SEND_CHOICES, REFRESHER_CHOICES, TRANSPORT_CHOICES, type IndexArgs, type SettingPattern, type ValueOf } from './schema.js';

export type SipTransportName = (typeof TRANSPORT_CHOICES)[number]['name'];
export type NatKeepAliveKind = (typeof KEEPALIVE_CHOICES)[number]['name'];
export type DtmfMode = (typeof DTMF_CHOICES)[number]['name'];
export type HoldMode = (typeof HOLD_CHOICES)[number]['name'];
export type KeyAsSend = (typeof KEY_AS_SEND_CHOICES)[number]['name'];

export interface SipServerConfig {
  /** M: 1 is the primary, 2 the fallback. */
  readonly index: number;
  readonly address: string;
  /** 0: find the port by DNS SRV. */
  readonly port: number;
  readonly transport: SipTransportName;
  readonly expiresSeconds: number;
  readonly retryCounts: number;
}

export interface OutboundProxyConfig {
  readonly host: string;
  readonly port: number;
}

export interface AccountConfig {
  /** N, as in account.N.*. */
  readonly index: number;
  /** What the screen shows: the label, or the user name when no label is set. */
  readonly label: string;
  readonly displayName: string;
  readonly userName: string;
  /** The digest user name: auth_name, or the user name when auth_name is empty. */
  readonly authName: string;
  readonly password: string;
  /** The servers with an address, primary first. */
  readonly servers: readonly SipServerConfig[];
  /** Present when enabled and a host is set. */
  readonly outboundProxy?: OutboundProxyConfig;
  readonly natKeepAlive: { readonly kind: NatKeepAliveKind; readonly intervalSeconds: number };
  readonly autoAnswer: boolean;
  readonly dtmf: DtmfMode;
  readonly sessionTimer: { readonly enabled: boolean; readonly expiresS: number; readonly refresher: (typeof REFRESHER_CHOICES)[number]['name'] };
  readonly reliableProvisionals: boolean;
  readonly mwi: { readonly subscribe: boolean; readonly expiresS: number };
  /** voice_mail.number.N; '' when none. */
  readonly voicemailNumber: string;
}

/** A forwarding rule: on, and where to (a number, name or URI, as typed). */
export interface ForwardRule {
  readonly enabled: boolean;
  readonly target: string;
}

/** What the phone does with calls: the keys the calls and UI code read. */
export interface CallsConfig {
  readonly intercomAllowed: boolean;
  readonly holdMode: HoldMode;
  readonly dnd: boolean;
  readonly dndRefuseCode: number;
  readonly rejectCode: number;
  readonly callWaiting: boolean;
  readonly callWaitingTone: boolean;
  readonly forward: {
    readonly always: ForwardRule;
    readonly busy: ForwardRule;
    readonly noAnswer: ForwardRule & { readonly timeoutS: number };
  };
  readonly acceptRefer: boolean;
  readonly ringTone: string;
  /** 0 … 10 (RINGER_VOLUME_MAX). */
  readonly ringVolume: number;
  readonly interDigitS: number;
  readonly keyAsSend: KeyAsSend;
  readonly dialPlan: {
    readonly digitMap: string | undefined;
    readonly replaceRules: string;
    readonly dialNowRules: string;
  };
}

export interface PhoneConfig {
  /** The enabled accounts, by number. */
  readonly accounts: readonly AccountConfig[];
  readonly sip: {
    readonly listenPort: number;
    readonly tlsListenPort: number;
    /** Accept requests only from the accounts' servers and outbound proxies. */
    readonly trustCtrl: boolean;
  };
  readonly security: {
    /** False: TLS also accepts self-signed certificates. */
    readonly onlyTrustedCertificates: boolean;
  };
  readonly features: { readonly directIpCall: boolean };
  readonly calls: CallsConfig;
  readonly time: { readonly timeZone: string };
}

/** Reads one setting's resolved value, typed by its schema row. */
export type TypedGetter = <P extends SettingPattern>(pattern: P, ...args: IndexArgs<P>) => ValueOf<P>;

function choiceName<C extends { readonly code: number; readonly name: string }>(choices: readonly C[], code: number): C['name'] {
  const found = choices.find((c) => c.code === code);
  // Values are validated against the same choices, so this is a schema bug.
  if (found === undefined) throw new RangeError(`no choice with code ${code}`);
  return found.name;
}

function server(value: TypedGetter, N: number, M: number): SipServerConfig | undefined {
  const address = value('account.{N}.sip_server.{M}.address', { N, M });
  if (address === '') return undefined;
  return {
    index: M,
    address,
    port: value('account.{N}.sip_server.{M}.port', { N, M }),
    transport: choiceName(TRANSPORT_CHOICES, value('account.{N}.sip_server.{M}.transport_type', { N, M })),
    expiresSeconds: value('account.{N}.sip_server.{M}.expires', { N, M }),
    retryCounts: value('account.{N}.sip_server.{M}.retry_counts', { N, M }),
  };
}

function account(value: TypedGetter, N: number): AccountConfig {
  const userName = value('account.{N}.user_name', { N });
  const label = value('account.{N}.label', { N });
  const authName = value('account.{N}.auth_name', { N });
  const servers: SipServerConfig[] = [];
  for (let M = INDEX_RANGES.M.min; M <= INDEX_RANGES.M.max; M++) {
    const s = server(value, N, M);
    if (s !== undefined) servers.push(s);
  }
  const proxyHost = value('account.{N}.outbound_host', { N });
  const proxyOn = value('account.{N}.outbound_proxy_enable', { N }) && proxyHost !== '';
  return {
    index: N,
    label: label === '' ? userName : label,
    displayName: value('account.{N}.display_name', { N }),
    userName,
    authName: authName === '' ? userName : authName,
    password: value('account.{N}.password', { N }),
    servers,
    ...(proxyOn ? { outboundProxy: { host: proxyHost, port: value('account.{N}.outbound_port', { N }) } } : {}),
    natKeepAlive: {
      kind: choiceName(KEEPALIVE_CHOICES, value('account.{N}.nat.udp_update_enable', { N })),
      intervalSeconds: value('account.{N}.nat.udp_update_time', { N }),
    },
    autoAnswer: value('account.{N}.auto_answer', { N }),
    dtmf: choiceName(DTMF_CHOICES, value('account.{N}.dtmf.type', { N })),
    sessionTimer: {
      enabled: value('account.{N}.session_timer.enable', { N }),
      expiresS: value('account.{N}.session_timer.expires', { N }),
      refresher: choiceName(REFRESHER_CHOICES, value('account.{N}.session_timer.refresher', { N })),
    },
    reliableProvisionals: value('account.{N}.100rel_enable', { N }),
    mwi: { subscribe: value('account.{N}.subscribe_mwi', { N }), expiresS: value('account.{N}.subscribe_mwi_expires', { N }) },
    voicemailNumber: value('voice_mail.number.{N}', { N }),
  };
}

export function buildPhoneConfig(value: TypedGetter): PhoneConfig {
  const accounts: AccountConfig[] = [];
  for (let N = INDEX_RANGES.N.min; N <= INDEX_RANGES.N.max; N++) {
    if (value('account.{N}.enable', { N })) accounts.push(account(value, N));
  }
  return {
    accounts,
    sip: {
      listenPort: value('sip.listen_port'),
      tlsListenPort: value('sip.tls_listen_port'),
      trustCtrl: value('sip.trust_ctrl'),
    },
    security: { onlyTrustedCertificates: value('static.security.trust_certificates') },
    features: { directIpCall: value('features.direct_ip_call_enable') },
    calls: callsConfig(value),
    time: { timeZone: value('local_time.time_zone') },
  };
}

function callsConfig(value: TypedGetter): CallsConfig {
  return {
    intercomAllowed: value('features.intercom.allow'),
    holdMode: choiceName(HOLD_CHOICES, value('features.hold_mode')),
    dnd: value('features.dnd.enable'),
    dndRefuseCode: value('features.dnd_refuse_code'),
    rejectCode: value('features.normal_refuse_code'),
    callWaiting: value('call_waiting.enable'),
    callWaitingTone: value('call_waiting.tone'),
    forward: {
      always: { enabled: value('forward.always.enable'), target: value('forward.always.target') },
      busy: { enabled: value('forward.busy.enable'), target: value('forward.busy.target') },
      noAnswer: {
        enabled: value('forward.no_answer.enable'),
        target: value('forward.no_answer.target'),
        timeoutS: value('forward.no_answer.timeout'),
      },
    },
    acceptRefer: value('features.accept_refer'),
    ringTone: value('phone_setting.ring_type'),
    ringVolume: value('phone_setting.ring_volume'),
    interDigitS: value('phone_setting.inter_digit_time'),
    keyAsSend: choiceName(KEY_AS_SEND_CHOICES, value('features.key_as_send')),
    dialPlan: {
      digitMap: value('dialplan.digitmap.enable') ? value('dialplan.digitmap.string') : undefined,
      replaceRules: value('dialplan.replace.rules'),
      dialNowRules: value('dialplan.dialnow.rules'),
    },
  };
}

/**
 * Settings that are each valid but do not work together; the phone still
 * starts, and the web UI and log show these.
 */
export function configProblems(view: PhoneConfig, value: TypedGetter): string[] {
  const problems: string[] = [];
  for (const a of view.accounts) {
    const N = a.index;
    if (a.userName === '') problems.push(`account ${N} is enabled but account.${N}.user_name is empty: it cannot register`);
    if (a.servers.length === 0) {
      problems.push(`account ${N} is enabled but has no server: set account.${N}.sip_server.1.address`);
    }
    if (value('account.{N}.outbound_proxy_enable', { N }) && a.outboundProxy === undefined) {
      problems.push(`account ${N} has outbound_proxy_enable = 1 but account.${N}.outbound_host is empty: requests go to the server directly`);
    }
  }
  return problems;
}
