/**
 * Linked fake SipTransports for protocol tests: an in-memory network of
 * endpoints (host:port). Every message is serialized and parsed again on the
 * way, so tests exercise the real wire format; delivery is asynchronous —
 * after `delayMs` on the given Clock (a VirtualClock in tests, so
 * clock.advance() moves packets), or in a microtask without one.
 *
 *   const net = new FakeNetwork({ clock, delayMs: 0 });
 *   const phone = net.endpoint('10.0.0.1', 5060);
 *   const peer = net.endpoint('10.0.0.2', 5060);
 *   net.filter = (p) => (p.message.kind === 'response' ? 'drop' : 'deliver');
 *   peer.failSends = true;   // every send rejects with TransportError
 *
 * UDP is unreliable and TCP/TLS reliable unless an endpoint says otherwise;
 * every endpoint speaks all three unless its `protocols` say otherwise. A
 * TCP/TLS send to an address nobody holds fails as a refused connection.
 * Responses go back to the request's source address (what §18.2.2 and
 * RFC 3581 amount to when there is no NAT in between).
 */
import type { Clock } from '../../drivers/bus/clock.js';
import { parseMessage, serialize } from '../../firmware/sip/message/index.js';
import type { SipMessage, SipResponse } from '../../firmware/sip/message/index.js';
import { TransportError } from '../../firmware/sip/transport/types.js';
import type {
  IncomingMessage,
  SipTransport,
  TransportProtocol,
  TransportTarget,
} from '../../firmware/sip/transport/types.js';

export interface FakePacket {
  /** Order in which packets were put on the network, from 1. */
  readonly seq: number;
  /** Clock time of the send (0 without a clock). */
  readonly sentAt: number;
  /** The sender's address, with the protocol used. */
  readonly from: TransportTarget;
  readonly to: TransportTarget;
  readonly bytes: Uint8Array;
  /** The message as the receiver parses it. */
  readonly message: SipMessage;
}

/** What the network does with a packet: deliver it, lose it, or deliver it twice. */
export type PacketFate = 'deliver' | 'drop' | 'duplicate';

export interface FakeNetworkOptions {
  /** Deliver on this clock's timers; without one, each delivery is a microtask. */
  readonly clock?: Clock;
  /** One-way delay on the clock (default 0: delivered at the next advance). */
  readonly delayMs?: number;
}

export interface FakeEndpointOptions {
  /** Override which protocols count as reliable (default: tcp and tls). */
  readonly reliable?: Partial<Record<TransportProtocol, boolean>>;
  /** The protocols this endpoint can send over (canSend); default all three. */
  readonly protocols?: readonly TransportProtocol[];
}

function addressKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

export class FakeNetwork {
  /** Every packet put on the network, delivered or not, in order. */
  readonly packets: FakePacket[] = [];
  /** Decides each packet's fate (after observers saw it); default: deliver. */
  filter: ((packet: FakePacket) => PacketFate) | undefined;
  readonly #clock: Clock | undefined;
  readonly #delayMs: number;
  readonly #endpoints = new Map<string, FakeTransport>();
  readonly #observers = new Set<(packet: FakePacket) => void>();

  constructor(options: FakeNetworkOptions = {}) {
    this.#clock = options.clock;
    this.#delayMs = options.delayMs ?? 0;
  }

  /** A transport bound to host:port on this network. */
  endpoint(host: string, port: number, options: FakeEndpointOptions = {}): FakeTransport {
    const key = addressKey(host, port);
    if (this.#endpoints.has(key)) throw new Error(`fake network: ${key} is taken`);
    const transport = new FakeTransport(this, host, port, options);
    this.#endpoints.set(key, transport);
    return transport;
  }

  /** Calls `listener` with every packet put on the network; returns an unsubscribe. */
  observe(listener: (packet: FakePacket) => void): () => void {
    this.#observers.add(listener);
    return () => {
      this.#observers.delete(listener);
    };
  }

  /** Packets sent by `from` (and, if given, to `to`). */
  packetsBetween(from: FakeTransport, to?: FakeTransport): FakePacket[] {
    return this.packets.filter(
      (p) =>
        addressKey(p.from.host, p.from.port) === from.addressKey &&
        (to === undefined || addressKey(p.to.host, p.to.port) === to.addressKey),
    );
  }

  now(): number {
    return this.#clock?.now() ?? 0;
  }

  /** @internal Called by FakeTransport: puts a message on the wire. */
  transmit(sender: FakeTransport, message: SipMessage, to: TransportTarget): Promise<void> {
    const from: TransportTarget = { protocol: to.protocol, host: sender.host, port: sender.port };
    const receiver = this.#endpoints.get(addressKey(to.host, to.port));
    if (receiver === undefined && to.protocol !== 'udp') {
      return Promise.reject(new TransportError(to, 'connection refused', { connectFailure: 'refused' }));
    }
    const bytes = serialize(message);
    const parsed = this.#parse(bytes, to.protocol);
    if (!parsed.ok) return Promise.reject(new Error(`fake network: the message does not parse again: ${parsed.reason}`));
    const packet: FakePacket = { seq: this.packets.length + 1, sentAt: this.now(), from, to, bytes, message: parsed.message };
    this.packets.push(packet);
    for (const observer of [...this.#observers]) observer(packet);
    const fate = this.filter?.(packet) ?? 'deliver';
    // UDP to an address nobody listens on is lost without a word, as on a real network.
    if (receiver !== undefined && fate !== 'drop') {
      const copies = fate === 'duplicate' ? 2 : 1;
      for (let i = 0; i < copies; i++) this.#schedule(() => this.#deliver(receiver, packet));
    }
    return Promise.resolve();
  }

  #parse(bytes: Uint8Array, protocol: TransportProtocol): { ok: true; message: SipMessage } | { ok: false; reason: string } {
    const r = parseMessage(bytes, { transport: protocol === 'udp' ? 'udp' : 'stream' });
    return r.ok ? { ok: true, message: r.message } : { ok: false, reason: r.error.reason };
  }

  #schedule(deliver: () => void): void {
    if (this.#clock === undefined) queueMicrotask(deliver);
    else this.#clock.setTimer(this.#delayMs, deliver);
  }

  #deliver(receiver: FakeTransport, packet: FakePacket): void {
    if (receiver.closed) return;
    // Each delivery parses the bytes afresh, so no two receivers share objects.
    const parsed = this.#parse(packet.bytes, packet.to.protocol);
    if (!parsed.ok) return;
    receiver.deliver({
      message: parsed.message,
      source: packet.from,
      connectionId: packet.to.protocol === 'udp' ? undefined : `${addressKey(packet.from.host, packet.from.port)}>${receiver.addressKey}`,
      receivedAt: this.now(),
    });
  }

  /** @internal */
  forget(transport: FakeTransport): void {
    if (this.#endpoints.get(transport.addressKey) === transport) this.#endpoints.delete(transport.addressKey);
  }
}

export class FakeTransport implements SipTransport {
  /** While true, send() and sendResponse() reject with TransportError (an ICMP error, a refused connection). */
  failSends = false;
  /** Everything delivered to this endpoint, in order. */
  readonly received: IncomingMessage[] = [];
  readonly addressKey: string;
  #closed = false;
  readonly #listeners = new Set<(incoming: IncomingMessage) => void>();
  readonly #reliable: Partial<Record<TransportProtocol, boolean>>;
  readonly #protocols: ReadonlySet<TransportProtocol>;
  /** Holds taken (hold()) and not yet released, per target "protocol:host:port". */
  readonly holds = new Map<string, number>();

  constructor(
    private readonly network: FakeNetwork,
    readonly host: string,
    readonly port: number,
    options: FakeEndpointOptions,
  ) {
    this.addressKey = addressKey(host, port);
    this.#reliable = options.reliable ?? {};
    this.#protocols = new Set(options.protocols ?? ['udp', 'tcp', 'tls']);
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(message: SipMessage, target: TransportTarget): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportError(target, 'transport closed'));
    if (this.failSends) return Promise.reject(new TransportError(target, 'send failed (fake)'));
    return this.network.transmit(this, message, target);
  }

  sendResponse(response: SipResponse, request: IncomingMessage): Promise<void> {
    return this.send(response, request.source);
  }

  onMessage(listener: (incoming: IncomingMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  localEndpoint(_protocol: TransportProtocol): { readonly host: string; readonly port: number } {
    return { host: this.host, port: this.port };
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.#reliable[protocol] ?? protocol !== 'udp';
  }

  canSend(protocol: TransportProtocol): boolean {
    return this.#protocols.has(protocol);
  }

  hold(target: TransportTarget): () => void {
    const key = `${target.protocol}:${target.host}:${target.port}`;
    this.holds.set(key, (this.holds.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(key) ?? 1) - 1;
      if (left > 0) this.holds.set(key, left);
      else this.holds.delete(key);
    };
  }

  /** The target that reaches this endpoint over `protocol`. */
  target(protocol: TransportProtocol = 'udp'): TransportTarget {
    return { protocol, host: this.host, port: this.port };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.network.forget(this);
    return Promise.resolve();
  }

  /** @internal Called by FakeNetwork. */
  deliver(incoming: IncomingMessage): void {
    this.received.push(incoming);
    for (const listener of [...this.#listeners]) listener(incoming);
  }
}
