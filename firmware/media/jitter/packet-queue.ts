/**
 * Packets received but not yet played, in media-time order whatever order
 * they arrived in (so reordered packets play in order), at most one per
 * timestamp.
 */

export interface QueuedPacket {
  readonly extSeq: number;
  /** Position on the buffer's media timeline, RTP timestamp units. */
  readonly extTs: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly payload: Uint8Array;
  readonly comfortNoise: boolean;
  readonly arrivalMs: number;
}

export class PacketQueue {
  private items: QueuedPacket[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The earliest packet, if any. */
  peek(): QueuedPacket | undefined {
    return this.items[0];
  }

  /** The packet after the earliest, if any. */
  second(): QueuedPacket | undefined {
    return this.items[1];
  }

  shift(): QueuedPacket | undefined {
    return this.items.shift();
  }

  /** Inserts in timestamp order; false (and nothing stored) if that timestamp is already held. */
  insert(p: QueuedPacket): boolean {
    const items = this.items;
    // Most packets arrive in order: check the end first.
    let lo = 0;
    let hi = items.length;
    const last = items[hi - 1];
    if (last && last.extTs < p.extTs) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((items[mid]?.extTs ?? 0) < p.extTs) lo = mid + 1;
      else hi = mid;
    }
    if (items[lo]?.extTs === p.extTs) return false;
    items.splice(lo, 0, p);
    return true;
  }

  /** Total media time held, RTP timestamp units (first to last plus one frame). */
  span(frameTs: number): number {
    const first = this.items[0];
    const last = this.items[this.items.length - 1];
    return first && last ? last.extTs - first.extTs + frameTs : 0;
  }

  /** Removes everything; returns how many packets were dropped. */
  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }
}
