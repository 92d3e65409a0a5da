/**
 * MediaSockets on node:dgram, for the worker (and for tests that want real
 * UDP on 127.0.0.1).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { TransportAddress } from '../rtp/rtp-receiver.js';
import type { MediaSocket, SocketFactory } from './media-socket.js';

class DgramMediaSocket implements MediaSocket {
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private closed = false;
  /** Datagrams handed to Node and not yet sent (it sends on a later tick). */
  private inFlight = 0;
  private flushed: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('error', (error) => {
      for (const listener of this.errorListeners) listener(error);
    });
  }

  send(datagram: Uint8Array, to: TransportAddress): void {
    if (this.closed) return;
    this.inFlight++;
    this.socket.send(datagram, to.port, to.address, (error) => {
      if (error) for (const listener of this.errorListeners) listener(error);
      if (--this.inFlight === 0) this.flushed?.();
    });
  }

  onMessage(listener: (datagram: Uint8Array, from: TransportAddress) => void): void {
    this.socket.on('message', (message, info) => listener(message, { address: info.address, port: info.port }));
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  /** Closes once what was sent before (an RTCP BYE, typically) has gone out. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.flushed = resolve));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

export const dgramSocketFactory: SocketFactory = {
  bind(host: string, port: number): Promise<MediaSocket> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve(new DgramMediaSocket(socket, socket.address().port));
      });
    });
  },
};
