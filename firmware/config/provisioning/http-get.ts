/**
 * One HTTP(S) GET, as the provisioning client needs it: no connection reuse
 * (a download every few hours does not need a pool, and a pooled socket would
 * keep the process alive), an idle timeout, and a cap on the body so a
 * misconfigured server streaming a disk image cannot exhaust the phone's memory.
 *
 * Injectable as the `HttpGet` function type, so the client can be driven by a
 * fake in tests that do not need a server.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpGetRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The socket may stay idle this long (connect, headers, between body chunks). */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** HTTPS: refuse certificates not signed by a trusted CA (static.security.trust_certificates). */
  readonly rejectUnauthorized: boolean;
}

export interface HttpGetResponse {
  readonly status: number;
  /** Each WWW-Authenticate field value, in order. */
  readonly wwwAuthenticate: readonly string[];
  readonly etag?: string;
  readonly location?: string;
  readonly body: Buffer;
}

export type HttpGetFailure = 'unreachable' | 'timeout' | 'too-large';

/** The request got no usable response. */
export class HttpGetError extends Error {
  constructor(
    readonly kind: HttpGetFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpGetError';
  }
}

export type HttpGet = (request: HttpGetRequest) => Promise<HttpGetResponse>;

function firstHeader(res: IncomingMessage, name: string): string | undefined {
  const values = res.headersDistinct[name];
  return values?.[0];
}

export const nodeHttpGet: HttpGet = (req) =>
  new Promise((resolve, reject) => {
    const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (error: HttpGetError): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const client = send(req.url, {
      method: 'GET',
      headers: req.headers,
      agent: false,
      timeout: req.timeoutMs,
      ...(req.url.protocol === 'https:' ? { rejectUnauthorized: req.rejectUnauthorized } : {}),
    });
    client.on('timeout', () => {
      client.destroy();
      fail(new HttpGetError('timeout', `no answer from ${req.url.host} in ${req.timeoutMs} ms`));
    });
    client.on('error', (e) => {
      fail(new HttpGetError('unreachable', `${req.url.host}: ${e.message}`, { cause: e }));
    });
    client.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBodyBytes) {
          client.destroy();
          fail(new HttpGetError('too-large', `${req.url.href}: larger than ${req.maxBodyBytes} bytes; not a configuration file`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (e) => fail(new HttpGetError('unreachable', `${req.url.host}: ${e.message}`, { cause: e })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const etag = firstHeader(res, 'etag');
        const location = firstHeader(res, 'location');
        resolve({
          status: res.statusCode ?? 0,
          wwwAuthenticate: res.headersDistinct['www-authenticate'] ?? [],
          ...(etag === undefined ? {} : { etag }),
          ...(location === undefined ? {} : { location }),
          body: Buffer.concat(chunks),
        });
      });
    });
    client.end();
  });
