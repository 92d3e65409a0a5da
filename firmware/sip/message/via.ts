/**
 * Via (RFC 3261 §20.42, §25.1; RFC 3581 rport; RFC 5118 IPv6):
 *
 *   via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 *   sent-by       = host [ COLON port ]
 *   via-params    = via-ttl / via-maddr / via-received / via-branch / via-extension
 *
 * SLASH and COLON allow whitespace around them (RFC 4475 §3.1.1.1 wsinv).
 */
import { Cursor } from './cursor.js';
import { SipSyntaxError } from './errors.js';
import { isToken } from './grammar.js';
import { checkHost, isIPv4, isIPv6, parsePort } from './host.js';
import { Parameters, formatHeaderParams, parseHeaderParams } from './params.js';

/** The branch prefix that marks an RFC 3261 branch (§8.1.1.7). */
export const MAGIC_COOKIE = 'z9hG4bK';

export class Via {
  /** "SIP" */
  readonly protocol: string;
  /** "2.0" */
  readonly version: string;
  /** Upper-cased: "UDP", "TCP", "TLS", "SCTP", "WS", ... */
  readonly transport: string;
  /** As written; IPv6 keeps its brackets. */
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Parameters;

  constructor(init: {
    protocol?: string;
    version?: string;
    transport: string;
    host: string;
    port?: number;
    params?: Parameters;
  }) {
    this.protocol = init.protocol ?? 'SIP';
    this.version = init.version ?? '2.0';
    this.transport = init.transport.toUpperCase();
    this.host = init.host;
    this.port = init.port;
    this.params = init.params ?? new Parameters();
  }

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  /** The received parameter as written (IPv6 with or without brackets, RFC 5118 §4.5). */
  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** RFC 3581: null when present without a value (a request asking for it), else the port. */
  get rport(): number | null | undefined {
    const v = this.params.get('rport');
    if (v === undefined || v === null) return v;
    return Number(v);
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  get ttl(): number | undefined {
    const v = this.params.get('ttl');
    return v === undefined || v === null ? undefined : Number(v);
  }
}

/**
 * True for a branch made per RFC 3261 (§8.1.1.7: it begins with the magic
 * cookie). RFC 4475 §3.2 (badbranch): "z9hG4bK" alone carries no unique part,
 * so it is treated as an RFC 2543 branch and matching falls back to §17.2.3.
 */
export function isRfc3261Branch(branch: string | undefined): boolean {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE) && branch.length > MAGIC_COOKIE.length;
}

function slash(cur: Cursor): void {
  cur.skipWs();
  cur.expect('/', "'/' in sent-protocol");
  cur.skipWs();
}

function checkViaParams(params: Parameters): void {
  const ttl = params.get('ttl');
  if (ttl !== undefined && (ttl === null || !/^[0-9]{1,3}$/.test(ttl) || Number(ttl) > 255)) {
    throw new SipSyntaxError('Via: bad ttl');
  }
  const received = params.get('received');
  if (received !== undefined) {
    const bare = received !== null && received.startsWith('[') && received.endsWith(']') ? received.slice(1, -1) : received;
    if (bare === null || !(isIPv4(bare) || isIPv6(bare))) throw new SipSyntaxError('Via: bad received');
  }
  const maddr = params.get('maddr');
  if (maddr !== undefined) {
    if (maddr === null) throw new SipSyntaxError('Via: bad maddr');
    checkHost(maddr, 'Via maddr');
  }
  const branch = params.get('branch');
  if (branch !== undefined && (branch === null || !isToken(branch))) throw new SipSyntaxError('Via: bad branch');
  const rport = params.get('rport');
  if (rport !== undefined && rport !== null) parsePort(rport, 'Via rport');
}

function parseViaAt(cur: Cursor): Via {
  cur.skipWs();
  const protocol = cur.token('protocol name');
  slash(cur);
  const version = cur.token('protocol version');
  slash(cur);
  const transport = cur.token('transport');
  if (!cur.skipWs()) cur.fail('expected whitespace before sent-by');
  let host: string;
  if (cur.peek() === '[') {
    host = cur.readWhile((c) => c !== ']');
    cur.expect(']', "']' closing an IPv6 reference");
    host += ']';
  } else {
    host = cur.readWhile((c) => /^[A-Za-z0-9._-]$/.test(c));
  }
  if (host.length === 0) cur.fail('expected sent-by host');
  checkHost(host, 'Via sent-by');
  let port: number | undefined;
  const save = cur.pos;
  cur.skipWs();
  if (cur.accept(':')) {
    cur.skipWs();
    port = parsePort(cur.readWhile((c) => c >= '0' && c <= '9'), 'Via sent-by');
  } else {
    cur.pos = save;
  }
  const params = parseHeaderParams(cur);
  checkViaParams(params);
  cur.skipWs();
  if (!cur.eof() && cur.peek() !== ',') cur.fail('unexpected characters');
  return new Via({ protocol, version, transport, host, port, params });
}

/** All via-parms of one Via header line (they may be comma-separated). */
export function parseViaList(value: string): Via[] {
  const cur = new Cursor(value, 'Via');
  const out: Via[] = [];
  for (;;) {
    out.push(parseViaAt(cur));
    if (cur.eof()) return out;
    cur.expect(',', "','");
  }
}

export function parseVia(value: string): Via {
  const vias = parseViaList(value);
  if (vias.length !== 1) throw new SipSyntaxError('Via: expected one value');
  return vias[0];
}

export function formatVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${via.host}${port}${formatHeaderParams(via.params)}`;
}

/**
 * A new RFC 3261 branch: the magic cookie plus `randomBytes` of entropy as
 * hex ("unique across space and time", §8.1.1.7). Uses the Web Crypto RNG
 * that Node provides as a global.
 */
export function createBranch(randomBytes = 12): string {
  return MAGIC_COOKIE + randomHex(randomBytes);
}

export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}
