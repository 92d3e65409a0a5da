/**
 * The UDP sockets a media stream uses, as an interface the engine is given
 * (a factory), so the engine runs in-process in tests and on real sockets in
 * the worker, and so a test can stand between the engine and the network.
 */
import type { TransportAddress } from '../rtp/rtp-receiver.js';

export interface MediaSocket {
  /** The local port the socket is bound to. */
  readonly port: number;
  /** Sends one datagram; send errors go to onError listeners (UDP: a lost datagram is not the caller's failure). */
  send(datagram: Uint8Array, to: TransportAddress): void;
  onMessage(listener: (datagram: Uint8Array, from: TransportAddress) => void): void;
  onError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface SocketFactory {
  /** Binds a UDP socket on `host` (an IP address) and `port` (0: any free port); rejects if taken. */
  bind(host: string, port: number): Promise<MediaSocket>;
}

export interface RtpPortPair {
  readonly rtp: MediaSocket;
  readonly rtcp: MediaSocket;
}

/** Tries for a free even/odd pair when the port is left to the system. */
const PAIR_ATTEMPTS = 32;

/**
 * RFC 3550 §11: "For UDP and similar protocols, RTP SHOULD use an even
 * destination port number and the corresponding RTCP stream SHOULD use the
 * next higher (odd) destination port number." A given port must be even; for
 * port 0 the system picks one, and an odd pick is used as the RTCP half of
 * the pair below it.
 */
export async function bindRtpPortPair(factory: SocketFactory, host: string, port: number): Promise<RtpPortPair> {
  if (port !== 0) {
    if (!Number.isInteger(port) || port < 2 || port > 65534 || port % 2 !== 0) {
      throw new RangeError(`RTP port ${port} must be even (RFC 3550 §11), 2 … 65534`);
    }
    const rtp = await factory.bind(host, port);
    try {
      return { rtp, rtcp: await factory.bind(host, port + 1) };
    } catch (e) {
      await rtp.close();
      throw e;
    }
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
    const first = await factory.bind(host, 0);
    const even = first.port % 2 === 0;
    const otherPort = even ? first.port + 1 : first.port - 1;
    if (otherPort < 2 || otherPort > 65535) {
      await first.close();
      continue;
    }
    try {
      const other = await factory.bind(host, otherPort);
      return even ? { rtp: first, rtcp: other } : { rtp: other, rtcp: first };
    } catch (e) {
      lastError = e;
      await first.close();
    }
  }
  throw new Error(`no free RTP/RTCP port pair on ${host} after ${PAIR_ATTEMPTS} attempts`, { cause: lastError });
}
