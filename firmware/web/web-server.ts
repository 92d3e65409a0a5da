/**
 * The listening sockets: one node:http server and/or one node:https server,
 * both handing requests to the same app. close() stops accepting, drops idle
 * keep-alive connections and waits for the rest, so a caller (or a test) that
 * awaits it leaves nothing behind.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebProtocol } from './listen-plan.js';
import type { TlsMaterial } from './tls-certificate.js';
import type { WebApp } from './web-app.js';

export interface WebListenerSpec {
  readonly protocol: WebProtocol;
  readonly port: number;
  /** Undefined: every interface (the phone's UI is reached over the LAN). */
  readonly host?: string;
}

export interface BoundListener {
  readonly protocol: WebProtocol;
  readonly host: string;
  readonly port: number;
  /** "http://127.0.0.1:8080" */
  readonly url: string;
}

export interface RunningWebServer {
  readonly listeners: readonly BoundListener[];
  close(): Promise<void>;
}

/** Headers must arrive within this; a slow-loris client cannot hold sockets open for long. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

function listen(server: Server, spec: WebListenerSpec): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(spec.port, spec.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Anything still mid-request after a moment is cut: closing must finish.
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
}

export async function startWebServer(app: WebApp, specs: readonly WebListenerSpec[], tls?: TlsMaterial): Promise<RunningWebServer> {
  const servers: Server[] = [];
  const listeners: BoundListener[] = [];
  try {
    for (const spec of specs) {
      if (spec.protocol === 'https' && tls === undefined) throw new Error('HTTPS needs a certificate');
      const handler = (req: Parameters<WebApp['handle']>[0], res: Parameters<WebApp['handle']>[1]): void => app.handle(req, res);
      const server: Server =
        spec.protocol === 'https' && tls !== undefined
          ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler)
          : createHttpServer(handler);
      server.headersTimeout = HEADERS_TIMEOUT_MS;
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      servers.push(server);
      const address = await listen(server, spec);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      listeners.push({ protocol: spec.protocol, host: address.address, port: address.port, url: `${spec.protocol}://${host}:${address.port}` });
    }
  } catch (e) {
    await Promise.all(servers.map(closeServer));
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    listeners,
    close: () => (closing ??= Promise.all(servers.map(closeServer)).then(() => undefined)),
  };
}
