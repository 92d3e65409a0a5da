/**
 * Shared set-up for the registration and authenticating-sender tests (not
 * itself a test file): a fake registrar on a FakeNetwork, and account
 * configurations.
 *
 * The registrar checks digest answers on its own: it reads the Authorization
 * fields with a regex of its own and computes the RFC 7616 §3.4.1 formula
 * with node:crypto, written out here, never through firmware/sip/auth.
 *
 *   response = H( H(user ":" realm ":" password) ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri) )
 */
import { createHash, randomBytes } from 'node:crypto';
import type { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import type { AccountConfig, SipServerConfig } from '../../firmware/config/view.js';
import { createResponse, formatUri, getCSeq, getCallId } from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../firmware/sip/message/index.js';
import { TransactionLayer } from '../../firmware/sip/transaction/index.js';
import type { ServerTransaction } from '../../firmware/sip/transaction/index.js';
import type { FakeNetwork, FakeTransport } from '../helpers/fake-transport.js';

export type Algorithm = 'MD5' | 'SHA-256';

/** The fields of a `Digest k="v", k=v` credentials value, unquoted. */
export function digestFields(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  const body = value.replace(/^\s*Digest\s+/i, '');
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const m of body.matchAll(re)) {
    const name = m[1] ?? '';
    fields.set(name.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return fields;
}

function hash(algorithm: Algorithm, text: string): string {
  return createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

/** RFC 7616 §3.4.1 with qop=auth, written out independently of the code under test. */
export function expectedDigestResponse(p: {
  algorithm: Algorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  nc: string;
  cnonce: string;
}): string {
  const ha1 = hash(p.algorithm, `${p.username}:${p.realm}:${p.password}`);
  const ha2 = hash(p.algorithm, `${p.method}:${p.uri}`);
  return hash(p.algorithm, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
}

/** One credentials check the registrar made. */
export interface DigestCheck {
  readonly at: number;
  readonly cseq: number;
  readonly algorithm: string;
  readonly nc: string;
  readonly nonce: string;
  readonly ok: boolean;
  readonly why: string;
}

export interface RegistrarOptions {
  readonly net: FakeNetwork;
  readonly clock: VirtualClock;
  readonly host: string;
  readonly port?: number;
  readonly realm?: string;
  /** user name → password */
  readonly users: Readonly<Record<string, string>>;
  /** The WWW-Authenticate lines of a challenge, topmost first. Default MD5 then SHA-256. */
  readonly algorithms?: readonly Algorithm[];
  /** 423 below this (§10.3 step 7). */
  readonly minExpires?: number;
  /** Longest binding granted. */
  readonly maxExpires?: number;
}

interface Binding {
  contact: string;
  expiresAt: number;
  callId: string;
  cseq: number;
}

/**
 * A registrar (RFC 3261 §10.3) that demands digest authentication (§22.2):
 * no or bad credentials → 401 with one WWW-Authenticate per algorithm; a
 * wrong answer gets the same nonce again (stale=false: "credentials are
 * wrong", RFC 2617 §3.2.1); a nonce marked stale gets stale=true and a new one.
 */
export class FakeRegistrar {
  readonly transport: FakeTransport;
  readonly layer: TransactionLayer;
  readonly realm: string;
  /** Every REGISTER handled, with its arrival time. */
  readonly requests: { at: number; request: SipRequest }[] = [];
  readonly checks: DigestCheck[] = [];
  /** AOR (sip:user@domain) → binding. */
  readonly bindings = new Map<string, Binding>();
  /** false: requests are taken in but never answered (the client's Timer F fires). */
  answering = true;
  readonly #users: Readonly<Record<string, string>>;
  readonly #algorithms: readonly Algorithm[];
  readonly #minExpires: number;
  readonly #maxExpires: number;
  readonly #clock: VirtualClock;
  /** nonce → highest nc seen (RFC 7616 §3.4.2: each nc is used once). */
  readonly #nonces = new Map<string, number>();
  readonly #stale = new Set<string>();

  constructor(options: RegistrarOptions) {
    this.#clock = options.clock;
    this.realm = options.realm ?? 'example.com';
    this.#users = options.users;
    this.#algorithms = options.algorithms ?? ['MD5', 'SHA-256'];
    this.#minExpires = options.minExpires ?? 0;
    this.#maxExpires = options.maxExpires ?? 7200;
    this.transport = options.net.endpoint(options.host, options.port ?? 5060);
    this.layer = new TransactionLayer(this.transport, options.clock);
    this.layer.onRequest((tx) => this.#handle(tx));
  }

  /** Every nonce handed out so far is stale from now on. */
  expireNonces(): void {
    for (const n of this.#nonces.keys()) this.#stale.add(n);
  }

  dispose(): void {
    this.layer.dispose();
    void this.transport.close();
  }

  #challenge(request: SipRequest, stale: boolean, nonce = this.#newNonce()): SipResponse {
    const lines: [string, string][] = this.#algorithms.map((algorithm) => [
      'WWW-Authenticate',
      `Digest realm="${this.realm}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`,
    ]);
    return createResponse(request, 401, 'Unauthorized', { toTag: 'reg', headers: lines });
  }

  #newNonce(): string {
    const nonce = randomBytes(8).toString('hex');
    this.#nonces.set(nonce, 0);
    return nonce;
  }

  #handle(tx: ServerTransaction): void {
    const request = tx.request;
    if (request.method !== 'REGISTER') {
      tx.respond(createResponse(request, 405, undefined, { toTag: 'reg' }));
      return;
    }
    this.requests.push({ at: this.#clock.now(), request });
    if (!this.answering) return;
    const authorization = request.headers.lines('Authorization')[0];
    if (authorization === undefined) {
      tx.respond(this.#challenge(request, false));
      return;
    }
    const f = digestFields(authorization);
    const nonce = f.get('nonce') ?? '';
    const algorithm = f.get('algorithm') ?? 'MD5';
    const nc = f.get('nc') ?? '';
    const check = (ok: boolean, why: string): void => {
      this.checks.push({ at: this.#clock.now(), cseq: getCSeq(request)?.seq ?? -1, algorithm, nc, nonce, ok, why });
    };
    const lastNc = this.#nonces.get(nonce);
    if (lastNc === undefined) {
      check(false, 'unknown nonce');
      tx.respond(this.#challenge(request, false));
      return;
    }
    if (this.#stale.has(nonce)) {
      check(false, 'stale nonce');
      tx.respond(this.#challenge(request, true));
      return;
    }
    const username = f.get('username') ?? '';
    const password = this.#users[username];
    const uri = f.get('uri') ?? '';
    const ncValue = parseInt(nc, 16);
    let why = '';
    if (password === undefined) why = 'unknown user';
    else if (f.get('realm') !== this.realm) why = 'wrong realm';
    else if (uri !== formatUri(request.uri)) why = 'uri is not the Request-URI';
    else if (algorithm !== 'MD5' && algorithm !== 'SHA-256') why = `algorithm ${algorithm}`;
    else if (f.get('qop') !== 'auth') why = 'qop';
    else if (!(ncValue > lastNc)) why = `nc ${nc} replayed`;
    else {
      const expected = expectedDigestResponse({
        algorithm,
        username,
        realm: this.realm,
        password,
        method: request.method,
        uri,
        nonce,
        nc,
        cnonce: f.get('cnonce') ?? '',
      });
      if (expected !== f.get('response')) why = 'wrong response';
    }
    check(why === '', why);
    if (why !== '') {
      // Same nonce, not stale: the credentials are wrong (RFC 2617 §3.2.1).
      tx.respond(this.#challenge(request, false, nonce));
      return;
    }
    this.#nonces.set(nonce, ncValue);
    this.#bind(tx, request, username);
  }

  #bind(tx: ServerTransaction, request: SipRequest, username: string): void {
    const aor = `sip:${username}@${request.uri.kind === 'sip' ? request.uri.host : ''}`;
    const contactLine = request.headers.get('Contact') ?? '';
    const contact = contactLine.replace(/;\s*expires=\d+/i, '');
    const param = /;\s*expires=(\d+)/i.exec(contactLine)?.[1];
    const requested = Number(param ?? request.headers.get('Expires') ?? '3600');
    if (requested === 0) {
      this.bindings.delete(aor);
      tx.respond(createResponse(request, 200, 'OK', { toTag: 'reg' }));
      return;
    }
    if (requested < this.#minExpires) {
      tx.respond(
        createResponse(request, 423, 'Interval Too Brief', { toTag: 'reg', headers: [['Min-Expires', String(this.#minExpires)]] }),
      );
      return;
    }
    const granted = Math.min(requested, this.#maxExpires);
    this.bindings.set(aor, {
      contact,
      expiresAt: this.#clock.now() + granted * 1000,
      callId: getCallId(request) ?? '',
      cseq: getCSeq(request)?.seq ?? -1,
    });
    tx.respond(
      createResponse(request, 200, 'OK', {
        toTag: 'reg',
        headers: [
          ['Contact', `${contact};expires=${granted}`],
          ['Contact', `<sip:${username}@198.51.100.7:5060>;expires=77`],
        ],
      }),
    );
  }
}

export function server(overrides: Partial<SipServerConfig> = {}): SipServerConfig {
  return { index: 1, address: 'pbx.example.com', port: 5060, transport: 'udp', expiresSeconds: 3600, retryCounts: 3, ...overrides };
}

export function account(overrides: Partial<AccountConfig> = {}): AccountConfig {
  return {
    index: 1,
    label: 'Alice',
    displayName: 'Alice',
    userName: 'alice',
    authName: 'alice',
    password: 'secret',
    servers: [server()],
    natKeepAlive: { kind: 'default', intervalSeconds: 30 },
    autoAnswer: false,
    dtmf: 'rfc4733',
    sessionTimer: { enabled: false, expiresS: 1800, refresher: 'uac' },
    reliableProvisionals: false,
    mwi: { subscribe: false, expiresS: 3600 },
    voicemailNumber: '',
    ...overrides,
  };
}
