import { BusError } from '../bus/errors.js';
import type { SerialLink } from '../bus/serial.js';

/**
 * Two SerialLinks joined like a null-modem cable: bytes written on one arrive
 * on the other, in order, asynchronously (on a later turn of the event loop,
 * as a UART's would), for console tests. `maxChunk` splits deliveries the way
 * a real UART's reads do, so line assembly is exercised.
 */
export interface SerialPairOptions {
  readonly names?: readonly [string, string];
  /** Deliver at most this many bytes per onData call (default: a write arrives whole). */
  readonly maxChunk?: number;
}

class SerialPairEnd implements SerialLink {
  peer: SerialPairEnd | undefined;
  private readonly listeners = new Set<(data: Uint8Array) => void>();
  private closed = false;
  /** Bytes written by this end and not yet delivered to the peer. */
  inFlight = 0;

  constructor(
    readonly name: string,
    private readonly maxChunk: number,
  ) {}

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new BusError('bus', this.name, 'link is closed'));
    const copy = Uint8Array.from(data);
    const peer = this.peer;
    for (let offset = 0; offset < copy.length; offset += this.maxChunk) {
      const chunk = copy.subarray(offset, offset + this.maxChunk);
      this.inFlight += chunk.length;
      // setImmediate runs in order of scheduling, so chunks keep their order.
      setImmediate(() => {
        this.inFlight -= chunk.length;
        peer?.deliver(chunk);
      });
    }
    return Promise.resolve();
  }

  onData(listener: (data: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  private deliver(chunk: Uint8Array): void {
    // A closed end is an unplugged cable: what arrives is lost.
    if (this.closed) return;
    for (const listener of [...this.listeners]) listener(Uint8Array.from(chunk));
  }
}

export interface SerialPair {
  readonly a: SerialLink;
  readonly b: SerialLink;
  /** Resolves once every byte written so far on either end has been delivered. */
  readonly settled: () => Promise<void>;
}

export function createSerialPair(options: SerialPairOptions = {}): SerialPair {
  const [nameA, nameB] = options.names ?? ['emulated serial A', 'emulated serial B'];
  const maxChunk = options.maxChunk ?? Number.POSITIVE_INFINITY;
  if (!(maxChunk >= 1)) throw new RangeError(`maxChunk must be at least 1, not ${maxChunk}`);
  const a = new SerialPairEnd(nameA, maxChunk);
  const b = new SerialPairEnd(nameB, maxChunk);
  a.peer = b;
  b.peer = a;
  const settled = async (): Promise<void> => {
    // Deliveries can trigger replies, so wait until both directions are quiet.
    while (a.inFlight > 0 || b.inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return { a, b, settled };
}
