/**
 * A SipTransport that shows every message it carries to a tap (the pcap
 * tracer) on the way through. Outgoing messages are recorded as serialized
 * for the wire; incoming ones as re-serialized from what was parsed, so a
 * trace shows the same message with the header order it had (line folding
 * and extra white space of the original bytes are not kept).
 */
import { serialize, type SipMessage, type SipResponse } from '../message/index.js';
import type { IncomingMessage, SipTransport, TransportProtocol, TransportTarget } from './types.js';

export type SipTap = (
  direction: 'in' | 'out',
  local: { readonly host: string; readonly port: number },
  remote: { readonly host: string; readonly port: number },
  protocol: TransportProtocol,
  bytes: Uint8Array,
) => void;

export class TracingTransport implements SipTransport {
  constructor(
    private readonly inner: SipTransport,
    private readonly tap: () => SipTap | undefined,
  ) {}

  private record(direction: 'in' | 'out', remote: TransportTarget, message: SipMessage): void {
    const tap = this.tap();
    if (tap === undefined) return;
    tap(direction, this.inner.localEndpoint(remote.protocol), remote, remote.protocol, serialize(message));
  }

  async send(message: SipMessage, target: TransportTarget): Promise<void> {
    await this.inner.send(message, target);
    this.record('out', target, message);
  }

  async sendResponse(response: SipResponse, request: IncomingMessage): Promise<void> {
    await this.inner.sendResponse(response, request);
    // §18.2.2 picks the address from the Via; the request's source is where it goes in practice (rport).
    this.record('out', request.source, response);
  }

  onMessage(listener: (incoming: IncomingMessage) => void): () => void {
    return this.inner.onMessage((incoming) => {
      this.record('in', incoming.source, incoming.message);
      listener(incoming);
    });
  }

  localEndpoint(protocol: TransportProtocol): { readonly host: string; readonly port: number } {
    return this.inner.localEndpoint(protocol);
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.inner.isReliable(protocol);
  }

  canSend(protocol: TransportProtocol): boolean {
    return this.inner.canSend(protocol);
  }

  hold(target: TransportTarget): () => void {
    return this.inner.hold(target);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
