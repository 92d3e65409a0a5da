/**
 * NAT and flow keep-alive (RFC 5626 §3.5.1, §4.4.1), one instance per flow.
 *
 * Stream (TCP/TLS): the client periodically sends a double CRLF (the
 * "ping") and waits for a single CRLF (the "pong"); a pong that has not come
 * 10 seconds after the ping means the flow has failed (§4.4.1).
 *
 * UDP: RFC 5626 uses STUN there; a desk phone talking to a PBX that does not
 * answer STUN either sends a bare CRLFCRLF datagram (refreshes the NAT
 * binding; nothing comes back, so it cannot detect failure) or has the layer
 * above send an OPTIONS request (`sendOptions`), whose lack of any response
 * marks the flow dead.
 *
 * Interval default 30 s (a common desk-phone default, shorter than the UDP
 * binding timeout of typical home NATs and than the 32 s TCP idle close);
 * 0 disables. Each delay is drawn from 80–100 % of the interval (RFC 5626
 * §4.4.1 randomises keep-alive times this way) so phones behind one NAT do
 * not ping in step.
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
/** RFC 5626 §4.4.1: the pong must come within 10 seconds of the ping. */
export const PONG_TIMEOUT_MS = 10_000;

/** What a keep-alive needs from the transport for one flow (see SocketSipTransport.keepaliveLink). */
export interface KeepaliveLink {
  /** TCP/TLS: a pong is expected after each ping. */
  readonly reliable: boolean;
  /** Sends CRLFCRLF on the flow. */
  ping(): Promise<void>;
  onPong(listener: () => void): () => void;
  /** Lets the flow's connection idle-close again; called by dispose(). */
  release?(): void;
}

export interface KeepaliveOptions {
  readonly clock: Clock;
  readonly link: KeepaliveLink;
  /** Milliseconds between keep-alives; 0 disables. Default 30 s. */
  readonly intervalMs?: number;
  readonly pongTimeoutMs?: number;
  /**
   * UDP only: send an OPTIONS instead of a CRLFCRLF datagram. Resolves true
   * when any response came back, false (or rejects) when none did.
   */
  readonly sendOptions?: () => Promise<boolean>;
  /** The flow failed: no pong, no OPTIONS response, or the ping could not be sent. Called once. */
  readonly onDead: (reason: string) => void;
  /** [0, 1): picks the 80–100 % interval. Default Math.random. */
  readonly random?: () => number;
}

/**
 * States and allowed transitions:
 *   stopped → waiting              start() with a non-zero interval
 *   waiting → waiting              UDP CRLF ping sent (nothing to wait for)
 *   waiting → awaiting-pong        stream ping sent
 *   waiting → awaiting-options     UDP OPTIONS sent
 *   awaiting-pong → waiting        pong received
 *   awaiting-options → waiting     OPTIONS answered
 *   waiting | awaiting-* → dead    ping failed, pong timeout, OPTIONS unanswered
 *   any → disposed                 dispose()
 */
export type KeepaliveState = 'stopped' | 'waiting' | 'awaiting-pong' | 'awaiting-options' | 'dead' | 'disposed';

const ALLOWED: Readonly<Record<KeepaliveState, readonly KeepaliveState[]>> = {
  stopped: ['waiting', 'disposed'],
  waiting: ['waiting', 'awaiting-pong', 'awaiting-options', 'dead', 'disposed'],
  'awaiting-pong': ['waiting', 'dead', 'disposed'],
  'awaiting-options': ['waiting', 'dead', 'disposed'],
  dead: ['disposed'],
  disposed: [],
};

/** The next keep-alive delay: uniformly within 80–100 % of the interval (RFC 5626 §4.4.1). */
export function keepaliveDelay(intervalMs: number, random: number): number {
  return intervalMs * (1 - 0.2 * random);
}

export class Keepalive {
  readonly #clock: Clock;
  readonly #link: KeepaliveLink;
  readonly #intervalMs: number;
  readonly #pongTimeoutMs: number;
  readonly #sendOptions: (() => Promise<boolean>) | undefined;
  readonly #onDead: (reason: string) => void;
  readonly #random: () => number;
  readonly #offPong: () => void;
  #state: KeepaliveState = 'stopped';
  #timer: TimerHandle | undefined;

  constructor(options: KeepaliveOptions) {
    this.#clock = options.clock;
    this.#link = options.link;
    this.#intervalMs = options.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? PONG_TIMEOUT_MS;
    this.#sendOptions = options.sendOptions;
    this.#onDead = options.onDead;
    this.#random = options.random ?? Math.random;
    this.#offPong = this.#link.onPong(() => this.#pong());
  }

  get state(): KeepaliveState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'stopped' || this.#intervalMs <= 0) return;
    this.#transition('waiting');
    this.#schedule();
  }

  dispose(): void {
    if (this.#state === 'disposed') return;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#transition('disposed');
    this.#offPong();
    this.#link.release?.();
  }

  #transition(next: KeepaliveState): void {
    if (!ALLOWED[this.#state].includes(next)) throw new Error(`Keepalive: illegal transition ${this.#state} → ${next}`);
    this.#state = next;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimer(keepaliveDelay(this.#intervalMs, this.#random()), () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#state !== 'waiting') return;
    if (this.#link.reliable) {
      this.#transition('awaiting-pong');
      this.#timer = this.#clock.setTimer(this.#pongTimeoutMs, () => this.#die(`no pong within ${this.#pongTimeoutMs} ms`));
      this.#link.ping().catch((e: unknown) => this.#die(`ping failed: ${e instanceof Error ? e.message : String(e)}`));
    } else if (this.#sendOptions !== undefined) {
      this.#transition('awaiting-options');
      this.#sendOptions().then(
        (answered) => (answered ? this.#alive('awaiting-options') : this.#die('OPTIONS keep-alive unanswered')),
        (e: unknown) => this.#die(`OPTIONS keep-alive failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    } else {
      this.#transition('waiting');
      this.#schedule();
      this.#link.ping().catch((e: unknown) => this.#die(`ping failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  #pong(): void {
    if (this.#state === 'awaiting-pong') this.#alive('awaiting-pong');
  }

  #alive(from: 'awaiting-pong' | 'awaiting-options'): void {
    if (this.#state !== from) return;
    this.#clock.clearTimer(this.#timer);
    this.#transition('waiting');
    this.#schedule();
  }

  #die(reason: string): void {
    if (this.#state === 'dead' || this.#state === 'disposed' || this.#state === 'stopped') return;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#transition('dead');
    this.#onDead(reason);
  }
}
