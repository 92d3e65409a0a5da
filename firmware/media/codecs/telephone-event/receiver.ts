/**
 * RFC 4733 receiver behaviour (§2.5.2) for named events such as DTMF: turns
 * a stream of event packets, with duplicates, retransmissions, reordering
 * and loss, into exactly one start and one end notice per event.
 *
 *  - An event is identified by its RTP timestamp (§2.5.2.1: packets with the
 *    same timestamp belong to the same event; a new timestamp means a new
 *    event). The M bit is not needed to recognise a start, so an event whose
 *    first packets were lost still starts when any of its packets arrives.
 *  - Updates of a running event extend its duration; the E bit ends it; the
 *    end packets sent three times (§2.5.1.4), and anything carrying the
 *    timestamp of an event already ended or older than the latest event,
 *    are dropped.
 *  - A new segment of a long event (§2.5.1.3: same code, timestamp exactly
 *    0xFFFF units on, no M bit) continues the event rather than starting one.
 *  - If all end packets are lost, the event ends when a newer event starts,
 *    or when nothing about it has arrived for `timeoutMs` (poll()).
 *
 * Pure: times are passed in; there are no timers to clear.
 */
import { decodeTelephoneEvent, dtmfKey } from './payload.js';

export interface TelephoneEventReceiverOptions {
  /** RTP clock rate of the telephone-event format. */
  readonly clockRate?: number;
  /**
   * Silence after which an event whose end packets never came is taken to
   * have ended. Five times the usual 50 ms update interval: long enough to
   * ride out a short burst of loss, short enough that a stuck key ends.
   */
  readonly timeoutMs?: number;
}

export type TelephoneEventEndReason = 'end-bit' | 'superseded' | 'timeout';

export type TelephoneEventNotice =
  | {
      readonly type: 'start';
      readonly event: number;
      /** The DTMF key for codes 0–15. */
      readonly key: string | undefined;
      readonly timestamp: number;
      readonly volume: number;
    }
  | {
      readonly type: 'end';
      readonly event: number;
      readonly key: string | undefined;
      readonly timestamp: number;
      /** Total duration in timestamp units (over all segments), as last reported. */
      readonly duration: number;
      readonly durationMs: number;
      readonly reason: TelephoneEventEndReason;
    };

export interface TelephoneEventPacketIn {
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payload: Uint8Array;
}

interface RunningEvent {
  readonly event: number;
  /** Timestamp of the event's first segment (what notices report). */
  readonly startTimestamp: number;
  /** Timestamp of the segment now being received. */
  segmentTimestamp: number;
  /** Units in the segments before the current one. */
  earlierSegments: number;
  duration: number;
  lastHeardMs: number;
  ended: boolean;
}

const SEGMENT = 0xffff;

/** RFC 3550 timestamps wrap at 2^32: a is later than b if a − b is positive as a signed 32-bit value. */
function later(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export class TelephoneEventReceiver {
  private readonly clockRate: number;
  private readonly timeoutMs: number;
  private current: RunningEvent | undefined;
  private eventsStarted = 0;
  private duplicates = 0;

  constructor(options: TelephoneEventReceiverOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 250;
  }

  get stats(): { readonly events: number; readonly duplicatesDropped: number } {
    return { events: this.eventsStarted, duplicatesDropped: this.duplicates };
  }

  /** Handles one telephone-event RTP packet; returns the notices it causes (often none). */
  receive(packet: TelephoneEventPacketIn, nowMs: number): TelephoneEventNotice[] {
    const f = decodeTelephoneEvent(packet.payload);
    const ts = packet.timestamp >>> 0;
    const notices: TelephoneEventNotice[] = [];
    const cur = this.current;

    if (cur !== undefined && ts === cur.segmentTimestamp) {
      if (cur.ended || f.event !== cur.event) {
        this.duplicates++;
        return notices;
      }
      cur.duration = Math.max(cur.duration, f.duration);
      cur.lastHeardMs = nowMs;
      if (f.end) notices.push(this.finish(cur, 'end-bit'));
      return notices;
    }
    if (cur !== undefined && !later(ts, cur.segmentTimestamp)) {
      // An older event's late or repeated packet.
      this.duplicates++;
      return notices;
    }
    if (
      cur !== undefined &&
      !cur.ended &&
      f.event === cur.event &&
      !packet.marker &&
      ts === ((cur.segmentTimestamp + SEGMENT) >>> 0)
    ) {
      cur.earlierSegments += SEGMENT;
      cur.segmentTimestamp = ts;
      cur.duration = f.duration;
      cur.lastHeardMs = nowMs;
      if (f.end) notices.push(this.finish(cur, 'end-bit'));
      return notices;
    }
    if (cur !== undefined && !cur.ended) notices.push(this.finish(cur, 'superseded'));

    const next: RunningEvent = {
      event: f.event,
      startTimestamp: ts,
      segmentTimestamp: ts,
      earlierSegments: 0,
      duration: f.duration,
      lastHeardMs: nowMs,
      ended: false,
    };
    this.current = next;
    this.eventsStarted++;
    notices.push({ type: 'start', event: f.event, key: dtmfKey(f.event), timestamp: ts, volume: f.volume });
    if (f.end) notices.push(this.finish(next, 'end-bit'));
    return notices;
  }

  /** Ends an event whose end packets were all lost, once `timeoutMs` has passed without news of it. */
  poll(nowMs: number): TelephoneEventNotice[] {
    const cur = this.current;
    if (cur === undefined || cur.ended || nowMs - cur.lastHeardMs < this.timeoutMs) return [];
    return [this.finish(cur, 'timeout')];
  }

  /** Forgets everything (a new stream). */
  reset(): void {
    this.current = undefined;
  }

  private finish(e: RunningEvent, reason: TelephoneEventEndReason): TelephoneEventNotice {
    e.ended = true;
    const duration = e.earlierSegments + e.duration;
    return {
      type: 'end',
      event: e.event,
      key: dtmfKey(e.event),
      timestamp: e.startTimestamp,
      duration,
      durationMs: (duration * 1000) / this.clockRate,
      reason,
    };
  }
}
