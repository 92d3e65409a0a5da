/**
 * A provisioning server for the provisioning tests: node:http on 127.0.0.1,
 * port 0. Serves files from a map, with ETags and If-None-Match (304), and
 * optionally demands HTTP Basic (RFC 7617) or Digest (RFC 7616) credentials.
 * Its Digest check is written here with node:crypto, independently of the
 * phone's firmware/sip/auth, so the two must agree on RFC 7616 to pass.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  body: string | Buffer;
  /** Sent as ETag; undefined: no ETag header. */
  etag?: string;
}

export type AuthMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly user: string; readonly password: string }
  | {
      readonly kind: 'digest';
      readonly user: string;
      readonly password: string;
      readonly algorithm: 'MD5' | 'SHA-256';
      /** Answer the first authorized request with a fresh challenge marked stale=true. */
      readonly staleOnce?: boolean;
    };

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
}

const REALM = 'provisioning@example.test';

/** Auth-params of a Digest Authorization header, unquoted. */
export function authParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params.set((m[1] ?? '').toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return params;
}

export class ProvisioningServer {
  readonly files = new Map<string, ServedFile>();
  readonly requests: SeenRequest[] = [];
  auth: AuthMode = { kind: 'none' };
  private readonly server: Server;
  private readonly nonces = new Set<string>();
  private staleSent = false;
  /** Highest nc seen per nonce: a repeated nc is a replay. */
  private readonly counts = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string> = {}, body = ''): void {
    this.requests.push({ path: req.url ?? '', headers: req.headers, status });
    res.writeHead(status, headers);
    res.end(body);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const denied = this.checkAuth(req);
    if (denied !== undefined) {
      this.reply(req, res, 401, { 'WWW-Authenticate': denied });
      return;
    }
    const file = this.files.get(req.url ?? '');
    if (file === undefined) {
      this.reply(req, res, 404, { 'Content-Type': 'text/plain' }, 'not found');
      return;
    }
    const etag: Record<string, string> = file.etag === undefined ? {} : { ETag: file.etag };
    if (file.etag !== undefined && req.headers['if-none-match'] === file.etag) {
      this.reply(req, res, 304, etag);
      return;
    }
    this.requests.push({ path: req.url ?? '', headers: req.headers, status: 200 });
    res.writeHead(200, { 'Content-Type': 'text/plain', ...etag });
    res.end(file.body);
  }

  private challenge(stale = false): string {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.add(nonce);
    if (this.auth.kind !== 'digest') return `Basic realm="${REALM}", charset="UTF-8"`;
    return `Digest realm="${REALM}", qop="auth", algorithm=${this.auth.algorithm}, nonce="${nonce}", opaque="op4que"${stale ? ', stale=true' : ''}`;
  }

  /** undefined when allowed; else the WWW-Authenticate value to send with a 401. */
  private checkAuth(req: IncomingMessage): string | undefined {
    const auth = this.auth;
    const header = req.headers.authorization;
    if (auth.kind === 'none') return undefined;
    if (auth.kind === 'basic') {
      const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
      return header === expected ? undefined : this.challenge();
    }
    if (header === undefined || !/^Digest /i.test(header)) return this.challenge();
    const p = authParams(header);
    const nonce = p.get('nonce') ?? '';
    const nc = parseInt(p.get('nc') ?? '', 16);
    const hash = (s: string): string => createHash(auth.algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
    const ha1 = hash(`${auth.user}:${REALM}:${auth.password}`);
    const ha2 = hash(`GET:${p.get('uri') ?? ''}`);
    const expected = hash(`${ha1}:${nonce}:${p.get('nc') ?? ''}:${p.get('cnonce') ?? ''}:${p.get('qop') ?? ''}:${ha2}`);
    const valid =
      this.nonces.has(nonce) &&
      p.get('username') === auth.user &&
      p.get('realm') === REALM &&
      p.get('uri') === req.url &&
      p.get('qop') === 'auth' &&
      p.get('opaque') === 'op4que' &&
      (p.get('algorithm') ?? 'MD5').toUpperCase() === auth.algorithm &&
      nc > (this.counts.get(nonce) ?? 0) &&
      p.get('response') === expected;
    if (!valid) return this.challenge();
    this.counts.set(nonce, nc);
    if (auth.staleOnce === true && !this.staleSent) {
      this.staleSent = true;
      this.nonces.delete(nonce);
      return this.challenge(true);
    }
    return undefined;
  }
}
