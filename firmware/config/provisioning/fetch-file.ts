/**
 * Downloading one provisioning file: a conditional GET (RFC 9110 §13.1.2:
 * If-None-Match with the entity tag of the copy the phone has, so an unchanged
 * file costs a 304 and no body), answering a 401 with Basic or Digest
 * (http-auth.ts), following a few redirects, and sorting every answer into
 * what the client needs to know.
 *
 * Authentication: the first request goes without credentials; a 401 is
 * answered once; a second 401 is answered only if its Digest challenge says
 * the nonce was stale (RFC 7616 §3.3, "stale"); otherwise the credentials are
 * wrong and the file fails as such. Credentials never follow a redirect to
 * another origin.
 */
import { NonceCounter } from '../../sip/auth/nonce-counter.js';
import { answerChallenges, type HttpCredentials } from './http-auth.js';
import { HttpGetError, nodeHttpGet, type HttpGet, type HttpGetFailure } from './http-get.js';

export type FetchResult =
  | { readonly kind: 'ok'; readonly status: number; readonly body: Buffer; readonly etag?: string }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'not-found'; readonly status: number }
  | { readonly kind: 'auth-failed'; readonly status: number; readonly message: string }
  | { readonly kind: 'http-error'; readonly status: number; readonly message: string }
  | { readonly kind: HttpGetFailure; readonly message: string };

export interface FetchOptions {
  /** The entity tag of the copy the phone has; sent as If-None-Match. */
  readonly etag?: string;
  readonly credentials?: HttpCredentials;
  readonly rejectUnauthorized: boolean;
}

export interface FetcherOptions {
  readonly http?: HttpGet;
  readonly userAgent: string;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly nonces?: NonceCounter;
}

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A .cfg file is a few kilobytes; 1 MiB leaves room for comments and many accounts. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;

export class ProvisioningFetcher {
  private readonly http: HttpGet;
  private readonly nonces: NonceCounter;

  constructor(private readonly options: FetcherOptions) {
    this.http = options.http ?? nodeHttpGet;
    this.nonces = options.nonces ?? new NonceCounter();
  }

  async fetch(url: URL, options: FetchOptions): Promise<FetchResult> {
    let target = url;
    let credentials = options.credentials;
    let authorization: string | undefined;
    let answered = 0;
    for (let redirects = 0; ; ) {
      const headers: Record<string, string> = { 'User-Agent': this.options.userAgent, Accept: '*/*' };
      if (options.etag !== undefined) headers['If-None-Match'] = options.etag;
      if (authorization !== undefined) headers.Authorization = authorization;
      let res;
      try {
        res = await this.http({
          url: target,
          headers,
          timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
          rejectUnauthorized: options.rejectUnauthorized,
        });
      } catch (e) {
        if (e instanceof HttpGetError) return { kind: e.kind, message: e.message };
        return { kind: 'unreachable', message: e instanceof Error ? e.message : String(e) };
      }

      if (res.status === 401) {
        if (credentials === undefined) {
          return {
            kind: 'auth-failed',
            status: 401,
            message: 'the server asks for credentials (401): set static.auto_provision.server.username and .password',
          };
        }
        const answer = answerChallenges({
          wwwAuthenticate: res.wwwAuthenticate,
          credentials,
          requestTarget: `${target.pathname}${target.search}`,
          nonces: this.nonces,
        });
        if (!answer.ok) return { kind: 'auth-failed', status: 401, message: `cannot authenticate: ${answer.reason}` };
        if (answered > 0 && !(answered === 1 && answer.stale)) {
          return { kind: 'auth-failed', status: 401, message: `the server refused the credentials for user "${credentials.username}" (401)` };
        }
        answered += 1;
        authorization = answer.authorization;
        continue;
      }
      if (REDIRECTS.has(res.status) && res.location !== undefined) {
        if (redirects >= MAX_REDIRECTS) return { kind: 'http-error', status: res.status, message: `more than ${MAX_REDIRECTS} redirects` };
        redirects += 1;
        const next = new URL(res.location, target);
        if (next.origin !== target.origin) credentials = undefined;
        target = next;
        authorization = undefined;
        answered = 0;
        continue;
      }
      if (res.status === 304 && options.etag !== undefined) return { kind: 'not-modified' };
      if (res.status === 404 || res.status === 410) return { kind: 'not-found', status: res.status };
      if (res.status === 403) return { kind: 'auth-failed', status: 403, message: 'the server refuses this file (403 Forbidden)' };
      if (res.status === 200) return { kind: 'ok', status: 200, body: res.body, ...(res.etag === undefined ? {} : { etag: res.etag }) };
      return { kind: 'http-error', status: res.status, message: `the server answered ${res.status}` };
    }
  }
}
