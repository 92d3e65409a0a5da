/**
 * A UDP endpoint for driving the relay from tests and bench scripts: sends
 * RTP-shaped packets and records what it receives with arrival times.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint } from './relay.js';

export interface Received {
  readonly data: Buffer;
  readonly arrivalNs: bigint;
}

/** A minimal RTP packet (RFC 3550 §5.1): V=2, PT 0, the given seq and SSRC, then the payload. */
export function rtpPacket(seq: number, ssrc: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 160) >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  packet.set(payload, 12);
  return packet;
}

export class UdpPeer {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      this.received.push({ data, arrivalNs: process.hrtime.bigint() });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(host = '127.0.0.1'): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve(new UdpPeer(socket));
      });
    });
  }

  get address(): Endpoint {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(data, to.port, to.host, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Resolves once `count` packets have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.received.length >= count) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`got ${this.received.length} of ${count} packets in ${timeoutMs} ms`));
      }, timeoutMs);
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
