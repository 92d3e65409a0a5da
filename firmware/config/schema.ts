/**
 * The phone's settings: ONE table, the single source of truth. Validation
 * (values.ts, keys.ts), defaults, the typed view (view.ts) and the Markdown
 * reference (doc.ts) are all derived from it; adding a setting is adding a row.
 *
 * Names and meanings follow Yealink's T2x/T4x configuration parameters, so a
 * provisioning server that already writes Yealink .cfg files can drive this
 * phone: `account.X.sip_server.Y.*` with X the account and Y the server, as in
 * Yealink's Administrator Guide ("Account Settings": account.X.sip_server.Y.expires
 * "Integer from 30 to 2147483647, Default 3600"; .retry_counts "Integer from 0
 * to 20, Default 3"; .transport_type "0-UDP 1-TCP 2-TLS 3-DNS-NAPTR"; port 0
 * with DNS-NAPTR means "perform the DNS NAPTR and SRV queries").
 * Here the placeholders are written {N} (account, 1..6) and {M} (server, 1..2).
 */
import { RING_TONES, RINGER_VOLUME_MAX } from '../media/tones/ring-tones.js';

/**
 * What a change of the setting needs before it takes effect, weakest first.
 * 'restart-sip' marks what the SIP transports read as they open (listening
 * ports, TLS trust): the running phone applies every other change to its SIP
 * stack (SipStack.applyConfig) but does not reopen its transports, so such a
 * change, like a 'reboot' one, waits for the next start.
 */
export type Applies = 'live' | 'reregister' | 'restart-sip' | 'reboot';

/** Weakest to strongest: a set of changes needs the strongest of its settings' needs. */
export const APPLIES_ORDER: readonly Applies[] = ['live', 'reregister', 'restart-sip', 'reboot'];

export const APPLIES_MEANING: Readonly<Record<Applies, string>> = {
  live: 'takes effect at once',
  reregister: 'the account registers again',
  'restart-sip': 'takes effect after a reboot, when the SIP transports open again (listening sockets, TLS)',
  reboot: 'takes effect after a reboot',
};

/** The needs that wait for a reboot: after such a change the web UI points to its Reboot button. */
export const APPLIES_AFTER_REBOOT: readonly Applies[] = ['restart-sip', 'reboot'];

/** A free-text value. `format` narrows it (a host name, a time zone). */
export interface StringType {
  readonly kind: 'string';
  readonly default: string;
  /** Never echoed in diagnostics or the web UI (passwords). */
  readonly secret?: boolean;
  readonly format?: StringFormat;
}

export interface StringFormat {
  /** Completes "must be …" in an error message, and the Values column of the docs. */
  readonly description: string;
  readonly test: (value: string) => boolean;
}

export interface IntType {
  readonly kind: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

/** Yealink's booleans are written 0 and 1. */
export interface BoolType {
  readonly kind: 'bool';
  readonly default: boolean;
}

export interface EnumChoice {
  /** What the .cfg file holds. */
  readonly code: number;
  /** What the typed view holds. */
  readonly name: string;
  /** What the docs and error messages show. */
  readonly label: string;
}

export interface EnumType {
  readonly kind: 'enum';
  readonly default: number;
  readonly choices: readonly EnumChoice[];
}

export type SettingType = StringType | IntType | BoolType | EnumType;

export interface SettingSpec {
  /** Yealink key, with {N} for the account and {M} for the account's server. */
  readonly key: string;
  readonly type: SettingType;
  readonly applies: Applies;
  /** One line, for the docs table and the web UI. */
  readonly description: string;
}

export type IndexSymbol = 'N' | 'M';

export interface IndexRange {
  readonly symbol: IndexSymbol;
  readonly min: number;
  readonly max: number;
  /** "account number 7 is out of range" */
  readonly noun: string;
}

/** Six accounts as a T41/T27 has; two servers per account (primary and fallback), as every T2x/T4x has. */
export const INDEX_RANGES: Readonly<Record<IndexSymbol, IndexRange>> = {
  N: { symbol: 'N', min: 1, max: 6, noun: 'account' },
  M: { symbol: 'M', min: 1, max: 2, noun: 'SIP server' },
};

/**
 * Older Yealink firmware (V70 and before) had one server per account under
 * these names; they still turn up in provisioning templates, so they are read
 * as the newer key for server 1.
 */
export interface KeyAlias {
  /** The older key, with {N}. */
  readonly alias: string;
  /** The setting it stands for. */
  readonly setting: SettingPattern;
  /** Indices the older key leaves implicit. */
  readonly fixed: Partial<Readonly<Record<IndexSymbol, number>>>;
}

const text = (options: Omit<StringType, 'kind' | 'default'> = {}): StringType => ({ kind: 'string', default: '', ...options });
const int = (min: number, max: number, defaultValue: number, unit?: string): IntType => ({
  kind: 'int',
  min,
  max,
  default: defaultValue,
  ...(unit === undefined ? {} : { unit }),
});
const bool = (defaultValue: boolean): BoolType => ({ kind: 'bool', default: defaultValue });
const choice = (choices: readonly EnumChoice[], defaultCode: number): EnumType => ({ kind: 'enum', choices, default: defaultCode });

/** account.X.sip_server.Y.transport_type: "0-UDP 1-TCP 2-TLS 3-DNS-NAPTR". */
export const TRANSPORT_CHOICES = [
  { code: 0, name: 'udp', label: 'UDP' },
  { code: 1, name: 'tcp', label: 'TCP' },
  { code: 2, name: 'tls', label: 'TLS' },
  { code: 3, name: 'dns-naptr', label: 'DNS-NAPTR' },
] as const satisfies readonly EnumChoice[];

/**
 * account.X.nat.udp_update_enable: the keep-alive kind. 1 ("default") sends a
 * small packet carrying no SIP message — the CRLF keep-alive of RFC 5626 §4.4.1
 * is what this phone sends — the others send a SIP OPTIONS or NOTIFY.
 */
export const KEEPALIVE_CHOICES = [
  { code: 0, name: 'off', label: 'off' },
  { code: 1, name: 'default', label: 'CRLF keep-alive' },
  { code: 2, name: 'options', label: 'OPTIONS' },
  { code: 3, name: 'notify', label: 'NOTIFY' },
] as const satisfies readonly EnumChoice[];

export const DTMF_CHOICES = [
  { code: 0, name: 'inband', label: 'in-band tones' },
  { code: 1, name: 'rfc4733', label: 'RFC 4733 (RFC 2833) events' },
  { code: 2, name: 'info', label: 'SIP INFO' },
  { code: 3, name: 'rfc4733+info', label: 'RFC 4733 and SIP INFO' },
] as const satisfies readonly EnumChoice[];

export const HOLD_CHOICES = [
  { code: 0, name: 'sendonly', label: 'a=sendonly (RFC 3264)' },
  { code: 1, name: 'inactive', label: 'a=inactive' },
  { code: 2, name: 'rfc2543', label: 'c=0.0.0.0 (RFC 2543)' },
] as const satisfies readonly EnumChoice[];

export const REFRESHER_CHOICES = [
  { code: 0, name: 'uac', label: 'the caller (UAC)' },
  { code: 1, name: 'uas', label: 'the callee (UAS)' },
] as const satisfies readonly EnumChoice[];

export const KEY_AS_SEND_CHOICES = [
  { code: 0, name: 'none', label: 'no key' },
  { code: 1, name: 'pound', label: '#' },
  { code: 2, name: 'star', label: '*' },
] as const satisfies readonly EnumChoice[];

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS name or IPv4 literal (RFC 1123 §2.1 labels), or an IPv6 literal with or without brackets. */
export function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const v6 = /^\[?([0-9A-Fa-f:.]+)\]?$/.exec(value);
  if (v6 !== null && (v6[1] ?? '').split(':').length >= 3) return true;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.split('.').every((label) => HOST_LABEL.test(label));
}

const HOST: StringFormat = { description: 'a host name or IP address (no "sip:", no port)', test: isHostName };

/**
 * Yealink writes local_time.time_zone as the offset from UTC in hours, with
 * a sign and optional minutes: "+8", "-5", "+5:30", "+5:45", "0".
 */
export function isTimeZoneOffset(value: string): boolean {
  const m = /^([+-]?)(\d{1,2})(?::(00|30|45))?$/.exec(value);
  if (m === null) return false;
  const hours = Number(m[2]);
  return m[1] === '-' ? hours <= 12 : hours <= 14;
}

/** Yealink's voice.tone.country names for the countries whose tone plans the phone has (firmware/media/tones). */
export const TONE_COUNTRY_NAMES: Readonly<Record<string, 'us' | 'uk' | 'de' | 'fr' | 'cn' | 'jp'>> = {
  'United States': 'us',
  'Great Britain': 'uk',
  Germany: 'de',
  France: 'fr',
  China: 'cn',
  Japan: 'jp',
};

const TONE_COUNTRY: StringFormat = {
  description: `one of ${Object.keys(TONE_COUNTRY_NAMES).join(', ')}`,
  test: (value) => Object.hasOwn(TONE_COUNTRY_NAMES, value),
};

const RING_TONE: StringFormat = {
  description: `one of ${Object.keys(RING_TONES).join(', ')}`,
  test: (value) => Object.hasOwn(RING_TONES, value),
};

const TIME_ZONE: StringFormat = {
  description: 'an offset from UTC in hours, -12 to +14, e.g. +1, -5, +5:30',
  test: isTimeZoneOffset,
};

/**
 * Where provisioning files come from: an http:// or https:// URL (the
 * directory holding y000000000000.cfg and <mac>.cfg). Yealink also accepts
 * TFTP and FTP; this phone fetches only over HTTP(S), so the check says so
 * at once rather than at the first attempt.
 */
export function isProvisioningUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

const PROVISIONING_URL: StringFormat = {
  description: 'an http:// or https:// URL (the directory holding the .cfg files)',
  test: isProvisioningUrl,
};

/** Largest value Yealink accepts for its expiry and interval settings (a signed 32-bit int). */
const INT32_MAX = 2147483647;

/** The settings. Keep one line per description: it is a docs table cell and a web UI hint. */
export const SETTINGS = [
  {
    key: 'account.{N}.enable',
    type: bool(false),
    applies: 'reregister',
    description: 'Use this account: register it and offer it for calls.',
  },
  {
    key: 'account.{N}.label',
    type: text(),
    applies: 'live',
    description: 'Name the screen shows for the account; empty shows user_name.',
  },
  {
    key: 'account.{N}.display_name',
    type: text(),
    applies: 'live',
    description: 'Display name sent in the From header of calls from this account (RFC 3261 §20.20).',
  },
  {
    key: 'account.{N}.user_name',
    type: text(),
    applies: 'reregister',
    description: 'User part of the account\'s address of record, sip:user_name@server.',
  },
  {
    key: 'account.{N}.auth_name',
    type: text(),
    applies: 'reregister',
    description: 'User name for digest authentication (RFC 3261 §22); empty uses user_name.',
  },
  {
    key: 'account.{N}.password',
    type: text({ secret: true }),
    applies: 'reregister',
    description: 'Password for digest authentication.',
  },
  {
    key: 'account.{N}.sip_server.{M}.address',
    type: text({ format: HOST }),
    applies: 'reregister',
    description: 'Registrar and proxy M of the account; server 2 is the fallback when server 1 does not answer.',
  },
  {
    key: 'account.{N}.sip_server.{M}.port',
    type: int(0, 65535, 5060),
    applies: 'reregister',
    description: 'Port of server M; 0 finds it by DNS SRV (RFC 3263 §4.2).',
  },
  {
    key: 'account.{N}.sip_server.{M}.transport_type',
    type: choice(TRANSPORT_CHOICES, 0),
    applies: 'reregister',
    description: 'Transport to server M; DNS-NAPTR chooses it by RFC 3263 §4.1 lookup.',
  },
  {
    key: 'account.{N}.sip_server.{M}.expires',
    type: int(30, INT32_MAX, 3600, 'seconds'),
    applies: 'reregister',
    description: 'Registration expiry asked of server M (Expires, RFC 3261 §10.2.1), in seconds.',
  },
  {
    key: 'account.{N}.sip_server.{M}.retry_counts',
    type: int(0, 20, 3),
    applies: 'reregister',
    description: 'Times a request to server M is retried when it does not answer, before the next server.',
  },
  {
    key: 'account.{N}.outbound_proxy_enable',
    type: bool(false),
    applies: 'reregister',
    description: 'Send every request of the account through the outbound proxy (RFC 3261 §8.1.2).',
  },
  {
    key: 'account.{N}.outbound_host',
    type: text({ format: HOST }),
    applies: 'reregister',
    description: 'Outbound proxy host name or IP address.',
  },
  {
    key: 'account.{N}.outbound_port',
    type: int(1, 65535, 5060),
    applies: 'reregister',
    description: 'Outbound proxy port.',
  },
  {
    key: 'account.{N}.nat.udp_update_enable',
    type: choice(KEEPALIVE_CHOICES, 1),
    applies: 'live',
    description: 'Keep-alive the account sends to hold its NAT binding open.',
  },
  {
    key: 'account.{N}.nat.udp_update_time',
    type: int(15, INT32_MAX, 30, 'seconds'),
    applies: 'live',
    description: 'Seconds between NAT keep-alives.',
  },
  {
    key: 'sip.listen_port',
    type: int(0, 65535, 5060),
    applies: 'restart-sip',
    description: 'Local port for SIP over UDP and TCP; 0 takes any free port (several simulated phones on one host).',
  },
  {
    key: 'sip.tls_listen_port',
    type: int(0, 65535, 5061),
    applies: 'restart-sip',
    description: 'Local port for SIP over TLS; 0 takes any free port.',
  },
  {
    key: 'sip.trust_ctrl',
    type: bool(false),
    applies: 'live',
    description: 'Accept SIP requests only from the accounts\' servers and outbound proxies (refuses direct IP calls).',
  },
  {
    key: 'static.security.trust_certificates',
    type: bool(true),
    applies: 'restart-sip',
    description: 'Only accept TLS certificates from a trusted CA; 0 also accepts self-signed ones.',
  },
  {
    key: 'features.direct_ip_call_enable',
    type: bool(true),
    applies: 'live',
    description: 'Allow calls dialed to an IP address, without a server.',
  },
  {
    // Yealink's names since V81 carry "static."; "If you change this parameter, the phone will reboot".
    key: 'static.wui.http_enable',
    type: bool(true),
    applies: 'reboot',
    description: 'Serve the web admin UI over plain HTTP.',
  },
  {
    key: 'static.wui.https_enable',
    type: bool(true),
    applies: 'reboot',
    description: 'Serve the web admin UI over HTTPS (a self-signed certificate is made at first start unless one is provisioned).',
  },
  {
    // Yealink: "Integer from 1 to 65535", default 80. The simulated board uses 8080 while this is
    // left at its default (80 needs root); 0 takes any free port, as sip.listen_port does.
    key: 'static.network.port.http',
    type: int(0, 65535, 80),
    applies: 'reboot',
    description: 'TCP port of the web admin UI over HTTP (8080 on the simulated board while left at the default).',
  },
  {
    key: 'static.network.port.https',
    type: int(0, 65535, 443),
    applies: 'reboot',
    description: 'TCP port of the web admin UI over HTTPS (8443 on the simulated board while left at the default).',
  },
  {
    // Yealink: "the timeout interval (in minutes) for web access authentication", 1..1000, default 5.
    key: 'features.relog_offtime',
    type: int(1, 1000, 5, 'minutes'),
    applies: 'live',
    description: 'Minutes of inactivity after which the web admin UI asks for the password again.',
  },
  {
    // Yealink's factory default is +8 (China); UTC is the neutral choice for a phone shipped anywhere.
    key: 'local_time.time_zone',
    type: { kind: 'string', default: '0', format: TIME_ZONE },
    applies: 'live',
    description: 'Time zone as an offset from UTC, for the clock on the screen and call history.',
  },
  {
    key: 'account.{N}.auto_answer',
    type: bool(false),
    applies: 'live',
    description: 'Answer every call to this account at once, on the speaker (hands-free answering).',
  },
  {
    // RFC 3261 §20.4 Call-Info;answer-after, or Alert-Info: intercom/auto-answer (Yealink, Polycom, Snom).
    key: 'features.intercom.allow',
    type: bool(true),
    applies: 'live',
    description: 'Answer intercom calls (Call-Info answer-after, Alert-Info auto-answer) at once on the speaker.',
  },
  {
    key: 'account.{N}.session_timer.enable',
    type: bool(false),
    applies: 'live',
    description: 'Ask for session timers (RFC 4028) in this account\'s calls, from the next call on (a call in progress keeps its timer). Timers a peer asks for are always honoured.',
  },
  {
    key: 'account.{N}.session_timer.expires',
    type: int(90, 7200, 1800, 'seconds'),
    applies: 'live',
    description: 'Session-Expires asked for (RFC 4028 §4 recommends 1800).',
  },
  {
    key: 'account.{N}.session_timer.refresher',
    type: choice(REFRESHER_CHOICES, 0),
    applies: 'live',
    description: 'Who refreshes the session when the phone asks for a timer.',
  },
  {
    key: 'account.{N}.100rel_enable',
    type: bool(false),
    applies: 'live',
    description: 'Send 180/183 reliably (RFC 3262) to callers of this account that support it, from the next call on. Callers that require it are always served.',
  },
  {
    key: 'account.{N}.subscribe_mwi',
    type: bool(false),
    applies: 'live',
    description: 'Subscribe to message waiting (RFC 3842) for this account; unsolicited NOTIFYs are shown either way.',
  },
  {
    key: 'account.{N}.subscribe_mwi_expires',
    type: int(60, 84600, 3600, 'seconds'),
    applies: 'live',
    description: 'Expiry asked for in the message-waiting SUBSCRIBE.',
  },
  {
    key: 'voice_mail.number.{N}',
    type: text(),
    applies: 'live',
    description: 'Number the Message key dials to reach this account\'s voicemail.',
  },
  {
    key: 'account.{N}.dtmf.type',
    type: choice(DTMF_CHOICES, 1),
    applies: 'live',
    description: 'How keys pressed in a call reach the far end.',
  },
  {
    key: 'features.hold_mode',
    type: choice(HOLD_CHOICES, 0),
    applies: 'live',
    description: 'What a hold re-INVITE offers (RFC 3264 §8.4; RFC 6337 §5).',
  },
  {
    key: 'features.dnd.enable',
    type: bool(false),
    applies: 'live',
    description: 'Do not disturb: incoming calls are refused with dnd_refuse_code and logged as missed.',
  },
  {
    key: 'features.dnd_refuse_code',
    type: int(400, 699, 486),
    applies: 'live',
    description: 'SIP status sent to callers while do-not-disturb is on (486 Busy Here, 480 Temporarily Unavailable …).',
  },
  {
    key: 'features.normal_refuse_code',
    type: int(400, 699, 486),
    applies: 'live',
    description: 'SIP status sent when a ringing call is rejected from the keys.',
  },
  {
    key: 'call_waiting.enable',
    type: bool(true),
    applies: 'live',
    description: 'Offer a second call while one is in progress; 0 refuses it with 486.',
  },
  {
    key: 'call_waiting.tone',
    type: bool(true),
    applies: 'live',
    description: 'Play the call-waiting tone in the handset when a second call arrives.',
  },
  {
    key: 'forward.always.enable',
    type: bool(false),
    applies: 'live',
    description: 'Forward every call (302 Moved Temporarily to forward.always.target).',
  },
  {
    key: 'forward.always.target',
    type: text(),
    applies: 'live',
    description: 'Number, name or SIP URI that calls are forwarded to when forward.always.enable is 1.',
  },
  {
    key: 'forward.busy.enable',
    type: bool(false),
    applies: 'live',
    description: 'Forward calls that arrive while the phone is busy.',
  },
  {
    key: 'forward.busy.target',
    type: text(),
    applies: 'live',
    description: 'Number, name or SIP URI for busy forwarding.',
  },
  {
    key: 'forward.no_answer.enable',
    type: bool(false),
    applies: 'live',
    description: 'Forward calls not answered within forward.no_answer.timeout seconds.',
  },
  {
    key: 'forward.no_answer.target',
    type: text(),
    applies: 'live',
    description: 'Number, name or SIP URI for no-answer forwarding.',
  },
  {
    // Yealink counts rings (6 s each in the US cadence); seconds do not depend on the ring cadence.
    key: 'forward.no_answer.timeout',
    type: int(1, 120, 12, 'seconds'),
    applies: 'live',
    description: 'Seconds of ringing before a call is forwarded on no answer.',
  },
  {
    key: 'features.accept_refer',
    type: bool(true),
    applies: 'live',
    description: 'Act on a REFER from the far end (be transferred, RFC 3515); 0 answers 403.',
  },
  {
    key: 'phone_setting.inter_digit_time',
    type: int(1, 14, 4, 'seconds'),
    applies: 'live',
    description: 'Seconds after the last digit before the number is dialed.',
  },
  {
    key: 'features.key_as_send',
    type: choice(KEY_AS_SEND_CHOICES, 1),
    applies: 'live',
    description: 'Key that dials the number at once (OK always does).',
  },
  {
    key: 'dialplan.digitmap.enable',
    type: bool(false),
    applies: 'live',
    description: 'Dial as soon as the number matches dialplan.digitmap.string.',
  },
  {
    key: 'dialplan.digitmap.string',
    type: text(),
    applies: 'live',
    description: 'Digit map (RFC 3435 §2.1.5 syntax: x any digit, [2-9] a range, . repeat, T wait; rules separated by a bar).',
  },
  {
    key: 'dialplan.replace.rules',
    type: text(),
    applies: 'live',
    description: 'Prefix replace rules, comma-separated prefix=replacement (e.g. 0=+49,00=+).',
  },
  {
    key: 'dialplan.dialnow.rules',
    type: text(),
    applies: 'live',
    description: 'Numbers dialed at once when typed, comma-separated digit-map patterns (e.g. 911,1xx).',
  },
  {
    // Yealink names ring files (Ring1.wav …); this phone's ring tones are synthesised, by name.
    key: 'phone_setting.ring_type',
    type: { kind: 'string', default: 'us-warble', format: RING_TONE },
    applies: 'live',
    description: 'Ring tone of incoming calls.',
  },
  {
    key: 'phone_setting.ring_volume',
    type: int(0, RINGER_VOLUME_MAX, 7),
    applies: 'live',
    description: 'Ringer volume, 0 (silent) to 10 (3 dB a step).',
  },
  {
    key: 'voice.tone.country',
    type: { kind: 'string', default: 'United States', format: TONE_COUNTRY },
    applies: 'live',
    description: 'Call-progress tones (dial, ringback, busy …) as ITU-T E.180 gives them for this country.',
  },
  {
    // Yealink's "Autop URL" group; an empty URL (and no DHCP option 66) means no provisioning.
    key: 'static.auto_provision.server.url',
    type: text({ format: PROVISIONING_URL }),
    applies: 'live',
    description: 'Provisioning server: the phone fetches y000000000000.cfg, then <mac>.cfg, from this directory.',
  },
  {
    key: 'static.auto_provision.server.username',
    type: text(),
    applies: 'live',
    description: 'User name for the provisioning server (HTTP Basic or Digest, RFC 7617 / RFC 7616).',
  },
  {
    key: 'static.auto_provision.server.password',
    type: text({ secret: true }),
    applies: 'live',
    description: 'Password for the provisioning server.',
  },
  {
    key: 'static.auto_provision.power_on',
    type: bool(true),
    applies: 'live',
    description: 'Fetch the provisioning files when the phone starts.',
  },
  {
    key: 'static.auto_provision.repeat.enable',
    type: bool(false),
    applies: 'live',
    description: 'Fetch the provisioning files again every repeat.minutes.',
  },
  {
    // Yealink: "Integer from 1 to 43200", default 1440 (a day).
    key: 'static.auto_provision.repeat.minutes',
    type: int(1, 43200, 1440, 'minutes'),
    applies: 'live',
    description: 'Minutes between provisioning fetches when repeat.enable is 1.',
  },
  {
    key: 'static.auto_provision.dhcp_option.enable',
    type: bool(true),
    applies: 'live',
    description: 'Take the provisioning server from DHCP option 66 when the network offers one (it wins over server.url).',
  },
  {
    key: 'static.syslog.enable',
    type: bool(false),
    applies: 'live',
    description: 'Send the log to a remote syslog server (RFC 5424 messages over UDP, RFC 5426).',
  },
  {
    key: 'static.syslog.server',
    type: text({ format: HOST }),
    applies: 'live',
    description: 'Syslog server host name or IP address.',
  },
  {
    key: 'static.syslog.server_port',
    type: int(1, 65535, 514),
    applies: 'live',
    description: 'Syslog server UDP port (514, RFC 5426 §3.3).',
  },
  {
    // Yealink: 0..6, default 3; 7 (debug) is this phone's addition, RFC 5424 §6.2.1's severity 7.
    key: 'static.syslog.level',
    type: int(0, 7, 3),
    applies: 'live',
    description: 'Highest RFC 5424 severity sent: 3 errors, 4 also warnings, 6 also info, 7 also debug.',
  },
  {
    // RFC 5424 §6.2.1 Table 1: 16..23 are local0..local7.
    key: 'static.syslog.facility',
    type: int(0, 23, 16),
    applies: 'live',
    description: 'Syslog facility code (RFC 5424 §6.2.1): 16 is local0.',
  },
] as const satisfies readonly SettingSpec[];

export type SettingPattern = (typeof SETTINGS)[number]['key'];

export const KEY_ALIASES: readonly KeyAlias[] = [
  { alias: 'account.{N}.sip_server_host', setting: 'account.{N}.sip_server.{M}.address', fixed: { M: 1 } },
  { alias: 'account.{N}.sip_server_port', setting: 'account.{N}.sip_server.{M}.port', fixed: { M: 1 } },
  { alias: 'account.{N}.transport', setting: 'account.{N}.sip_server.{M}.transport_type', fixed: { M: 1 } },
  { alias: 'account.{N}.expires', setting: 'account.{N}.sip_server.{M}.expires', fixed: { M: 1 } },
];

/** The value a setting of each kind holds once validated. */
export type ConfigValue = string | number | boolean;

type ValueOfType<T> = T extends { readonly kind: 'string' } ? string : T extends { readonly kind: 'bool' } ? boolean : number;

/** The TypeScript type of a setting's value: `ValueOf<'sip.listen_port'>` is number. */
export type ValueOf<P extends SettingPattern> = ValueOfType<Extract<(typeof SETTINGS)[number], { readonly key: P }>['type']>;

/** The indices a pattern needs: `{ N }` for account keys, `{ N, M }` for server keys. */
export type IndicesOf<P extends string> = P extends `${string}{M}${string}`
  ? { readonly N: number; readonly M: number }
  : P extends `${string}{N}${string}`
    ? { readonly N: number }
    : Record<string, never>;

/** Rest parameters for a pattern: its indices if it has any, nothing otherwise. */
export type IndexArgs<P extends string> = P extends `${string}{${string}}${string}` ? [indices: IndicesOf<P>] : [];
