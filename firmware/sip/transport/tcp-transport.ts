/** SIP over TCP (RFC 3261 §18): node:net sockets under the shared stream transport. */
import net from 'node:net';
import type { Clock } from '../../../drivers/bus/clock.js';
import type { MessageLimits } from '../message/index.js';
import type { TransportLogger } from './logger.js';
import type { DialAttempt } from './stream-transport.js';
import { StreamTransport } from './stream-transport.js';
import type { TransportTarget } from './types.js';

export interface TcpTransportOptions {
  /** Listen here; `false` to only dial out. Port 0 = any free port. Default 0.0.0.0:5060. */
  readonly listen?: { readonly host?: string; readonly port?: number } | false;
  readonly clock: Clock;
  readonly logger: TransportLogger;
  readonly limits?: MessageLimits;
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export function dialTcp(target: TransportTarget): DialAttempt {
  const socket = net.connect({ host: target.host, port: target.port });
  // Small SIP messages should not wait for Nagle's algorithm.
  socket.setNoDelay(true);
  const ready = new Promise<void>((resolve, reject) => {
    // Left attached after connect (a no-op then) so no error goes unheard before the connection adopts the socket.
    socket.once('error', reject);
    socket.once('connect', () => resolve());
  });
  return { socket, ready };
}

export function openTcpTransport(options: TcpTransportOptions): Promise<StreamTransport> {
  const listen = options.listen === false ? undefined : (options.listen ?? {});
  return StreamTransport.open({
    protocol: 'tcp',
    clock: options.clock,
    logger: options.logger,
    limits: options.limits,
    idleTimeoutMs: options.idleTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    dial: (target) => dialTcp(target),
    listener:
      listen === undefined
        ? undefined
        : {
            host: listen.host ?? '0.0.0.0',
            port: listen.port ?? 5060,
            create: (onReady) =>
              net.createServer((socket) => {
                socket.setNoDelay(true);
                onReady(socket);
              }),
          },
  });
}
