/**
 * SIP over TLS (RFC 3261 §18, §26.2.1; RFC 5922 for the server identity):
 * node:tls sockets under the shared stream transport.
 *
 * The phone is a TLS client first: the certificate chain is checked against
 * the configured CAs (`ca`, PEM; default Node's built-in root store, which
 * is Mozilla's), and the name against the SIP domain the target was
 * resolved from (serverName, see NamedTarget) per RFC 5922 — or, for a
 * target given by address, against its IP. SNI carries the domain (RFC 6066
 * forbids an IP there). `allowSelfSigned` is for a bench PBX with a
 * self-made certificate: it accepts a chain that ends in an untrusted or
 * self-signed certificate, still checks the name, and logs a warning for
 * every such connection. A listener is optional and needs a cert and key.
 */
import tls from 'node:tls';
import type net from 'node:net';
import type { Clock } from '../../../drivers/bus/clock.js';
import type { MessageLimits } from '../message/index.js';
import { formatTarget, isIpLiteral, serverNameOf } from './addresses.js';
import type { TransportLogger } from './logger.js';
import type { DialAttempt } from './stream-transport.js';
import { StreamTransport } from './stream-transport.js';
import { sipIdentityMismatch } from './tls-identity.js';
import type { TransportTarget } from './types.js';
import { TransportError } from './types.js';

export interface TlsClientOptions {
  /** Trusted CA certificates (PEM); given, they replace the default, Node's built-in root store. */
  readonly ca?: readonly string[];
  /** Bench only: accept self-signed / untrusted-issuer server certificates (the name is still checked). */
  readonly allowSelfSigned?: boolean;
  /** The SIP domain to check when a target carries none (e.g. the account's domain). */
  readonly serverName?: string;
}

export interface TlsListenOptions {
  readonly host?: string;
  /** Default 5061; 0 = any free port. */
  readonly port?: number;
  /** PEM certificate chain and private key presented to TLS clients. */
  readonly cert: string;
  readonly key: string;
}

export interface TlsTransportOptions extends TlsClientOptions {
  readonly listen?: TlsListenOptions | false;
  readonly clock: Clock;
  readonly logger: TransportLogger;
  readonly limits?: MessageLimits;
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/** OpenSSL verify results that mean "signed by nobody we trust", which allowSelfSigned tolerates. */
const UNTRUSTED_ISSUER_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function verifyCode(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}

/** What a connection to `target` must prove to be: its SIP domain, the configured one, or its IP. */
export function tlsIdentity(target: TransportTarget, options: TlsClientOptions): string {
  return serverNameOf(target) ?? options.serverName ?? target.host;
}

export function dialTls(target: TransportTarget, expected: string, options: TlsClientOptions, logger: TransportLogger): DialAttempt {
  const allowSelfSigned = options.allowSelfSigned === true;
  const socket = tls.connect({
    host: target.host,
    port: target.port,
    servername: isIpLiteral(expected) ? undefined : expected,
    ca: options.ca === undefined ? undefined : [...options.ca],
    // With allowSelfSigned the chain verdict is judged below instead of by node.
    rejectUnauthorized: !allowSelfSigned,
    checkServerIdentity: (_host, cert) => {
      const mismatch = sipIdentityMismatch(expected, cert);
      return mismatch === undefined ? undefined : new Error(mismatch);
    },
  });
  socket.setNoDelay(true);
  const ready = new Promise<void>((resolve, reject) => {
    // Left attached after the handshake (a no-op then) so no error goes unheard before adoption.
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      if (!allowSelfSigned) {
        resolve();
        return;
      }
      // Node skips the identity check when the chain failed, so both are judged here.
      if (!socket.authorized) {
        const code = verifyCode(socket.authorizationError);
        if (!UNTRUSTED_ISSUER_CODES.has(code)) {
          reject(new TransportError(target, `TLS certificate rejected: ${code}`));
          return;
        }
        const mismatch = sipIdentityMismatch(expected, socket.getPeerCertificate());
        if (mismatch !== undefined) {
          reject(new TransportError(target, `TLS ${mismatch}`));
          return;
        }
        logger.warn(`sip/tls: ${formatTarget(target)}: accepted an untrusted certificate (${code}) because allowSelfSigned is set`);
      }
      resolve();
    });
  });
  return { socket, ready };
}

export function openTlsTransport(options: TlsTransportOptions): Promise<StreamTransport> {
  if (options.allowSelfSigned === true) {
    options.logger.warn('sip/tls: allowSelfSigned is set: server certificates from untrusted issuers are accepted (bench use only)');
  }
  const listen = options.listen === false ? undefined : options.listen;
  return StreamTransport.open({
    protocol: 'tls',
    clock: options.clock,
    logger: options.logger,
    limits: options.limits,
    idleTimeoutMs: options.idleTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    dial: (target, identity) => dialTls(target, identity ?? target.host, options, options.logger),
    identityOf: (target) => tlsIdentity(target, options),
    listener:
      listen === undefined
        ? undefined
        : {
            host: listen.host ?? '0.0.0.0',
            port: listen.port ?? 5061,
            create: (onReady) => {
              const server = tls.createServer({ cert: listen.cert, key: listen.key }, (socket: net.Socket) => {
                socket.setNoDelay(true);
                onReady(socket);
              });
              server.on('tlsClientError', (err, socket) => {
                options.logger.warn(`sip/tls: handshake from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} failed: ${err.message}`);
              });
              return server;
            },
          },
  });
}
