/**
 * How a stream takes off the protection of what it receives, across a change
 * of keys. A re-INVITE with new keys (or SRTP newly on or off, RFC 4568 §7.1.4)
 * reaches the two ends at different times: the peer goes on protecting with
 * what it had until it has our answer, and packets already on the way were
 * protected before. As RFC 3264 §8.3.2 has it for formats, the receiver "will
 * still need to be prepared to receive media with that format for a brief
 * time". So the previous protection stays usable until the first packet the
 * new one takes off; from then on only the new one is used.
 *
 * Order of trying during the change: a key before no key (a plain packet is
 * taken as it is, so it must be the last resort: an SRTP packet would pass as
 * plain RTP with a garbled payload), the new key before the old one.
 */
import type { SrtpContext, SrtpFailure } from '../srtp/srtp-context.js';

/** A context, or undefined: plain RTP. */
type Protection = SrtpContext | undefined;

export type Unprotected = { readonly ok: true; readonly packet: Uint8Array } | { readonly ok: false; readonly reason: SrtpFailure };

type Kind = 'rtp' | 'rtcp';

function unprotect(protection: Protection, kind: Kind, datagram: Uint8Array): Unprotected {
  if (!protection) return { ok: true, packet: datagram };
  return kind === 'rtp' ? protection.unprotectRtp(datagram) : protection.unprotectRtcp(datagram);
}

export class ReceiveKeys {
  /** The protection being replaced, while nothing has yet arrived under the new one. */
  private previous: { readonly protection: Protection } | undefined;

  constructor(private current: Protection) {}

  /** Whether the stream's current receive keys are SRTP. */
  get keyed(): boolean {
    return this.current !== undefined;
  }

  /** True while packets under the previous keys are still accepted. */
  get changing(): boolean {
    return this.previous !== undefined;
  }

  /** New keys from a re-INVITE (undefined: plain RTP from now on). */
  replace(next: Protection): void {
    // A change that was never completed is forgotten: only the last two matter.
    this.previous = { protection: this.current };
    this.current = next;
  }

  unprotectRtp(datagram: Uint8Array): Unprotected {
    return this.take('rtp', datagram);
  }

  unprotectRtcp(datagram: Uint8Array): Unprotected {
    return this.take('rtcp', datagram);
  }

  private take(kind: Kind, datagram: Uint8Array): Unprotected {
    const previous = this.previous;
    if (!previous) return unprotect(this.current, kind, datagram);
    const order: { protection: Protection; isNew: boolean }[] = [
      { protection: this.current, isNew: true },
      { protection: previous.protection, isNew: false },
    ];
    // Keys first, the new before the old; plain RTP last.
    order.sort((a, b) => Number(a.protection === undefined) - Number(b.protection === undefined));
    let firstFailure: Unprotected | undefined;
    for (const { protection, isNew } of order) {
      const result = unprotect(protection, kind, datagram);
      if (result.ok) {
        if (isNew) this.previous = undefined;
        return result;
      }
      firstFailure ??= result;
    }
    // Both refused: report what the new keys said (tried first whenever they are keys).
    return firstFailure ?? unprotect(this.current, kind, datagram);
  }
}
