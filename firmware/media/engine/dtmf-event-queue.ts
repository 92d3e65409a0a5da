/**
 * RFC 4733 DTMF on the send path, paced by the capture clock like the audio:
 * digits wait in a queue; each packet-time frame asks frame() what to send.
 * While an event runs its packets take the place of the audio packets
 * (§2.5.1.1 leaves the audio to the sender; sending the tone as audio too
 * would make a receiver that also detects in-band DTMF see every key twice).
 *
 * Timing: the event begins with the frame in which it starts; the update
 * interval is the packet time, so frame j sends the packets the codec's
 * sender schedules at or before (j+1) × ptime — one per frame, with the three
 * end packets (§2.5.1.4) in the last three frames. All packets of the event
 * carry its start timestamp (§2.5.1.2); the caller advances the stream's
 * timestamp by finishedUnits once the event is over, so the audio that
 * follows is stamped as if it had never stopped.
 *
 * Durations are capped below one 0xFFFF-unit segment (§2.5.1.3: 8.2 s at
 * 8 kHz, 1.36 s at 48 kHz), far beyond any key press, so every packet of an
 * event has the same timestamp.
 */
import type { EventCodecDescriptor } from '../codecs/codec.js';
import { dtmfEventCode } from '../codecs/telephone-event/payload.js';
import type { TelephoneEventPacket } from '../codecs/telephone-event/sender.js';

export interface DtmfFrame {
  /** True while an event owns the frame: send its packets instead of audio. */
  readonly active: boolean;
  readonly packets: readonly TelephoneEventPacket[];
  /** When the event ended with this frame: the RTP units it spanned, to skip the timestamp by. */
  readonly finishedUnits?: number;
}

interface RunningEvent {
  readonly packets: readonly TelephoneEventPacket[];
  next: number;
  frames: number;
}

export const DEFAULT_DTMF_DURATION_MS = 100;
/** Q.24 receivers need 40 ms; anything shorter is not a key press. */
const MIN_DURATION_MS = 40;
const MAX_SEGMENT_UNITS = 0xffff;

const IDLE: DtmfFrame = { active: false, packets: [] };

export class DtmfEventQueue {
  private readonly queue: { readonly event: number; readonly durationMs: number }[] = [];
  private running: RunningEvent | undefined;
  private readonly frameUnits: number;

  constructor(
    private readonly codec: EventCodecDescriptor,
    private readonly ptimeMs: number,
  ) {
    this.frameUnits = (codec.clockRate * ptimeMs) / 1000;
  }

  /** Digits waiting or being sent. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Queues each key of `digits` (0-9 * # A-D); throws on anything else. */
  enqueue(digits: string, durationMs = DEFAULT_DTMF_DURATION_MS): void {
    const maxMs = Math.floor(((MAX_SEGMENT_UNITS - this.frameUnits) * 1000) / this.codec.clockRate);
    const duration = Math.min(Math.max(durationMs, MIN_DURATION_MS), maxMs);
    const events = [...digits].map((key) => {
      const event = dtmfEventCode(key);
      if (event === undefined) throw new RangeError(`"${key}" is not a DTMF key`);
      return { event, durationMs: duration };
    });
    this.queue.push(...events);
  }

  /** The packets for the next packet-time frame; `timestamp` is the stream's next RTP timestamp. */
  frame(timestamp: number): DtmfFrame {
    if (!this.running) {
      const next = this.queue.shift();
      if (!next) return IDLE;
      const packets = [...this.codec.packets({ event: next.event, durationMs: next.durationMs, timestamp, intervalMs: this.ptimeMs })];
      this.running = { packets, next: 0, frames: 0 };
    }
    const r = this.running;
    r.frames++;
    const until = r.frames * this.ptimeMs;
    const due: TelephoneEventPacket[] = [];
    while (r.next < r.packets.length && (r.packets[r.next]?.atMs ?? Infinity) <= until + 1e-9) {
      const packet = r.packets[r.next++];
      if (packet) due.push(packet);
    }
    if (r.next < r.packets.length) return { active: true, packets: due };
    this.running = undefined;
    return { active: true, packets: due, finishedUnits: r.frames * this.frameUnits };
  }

  /** Drops what is queued (the stream stops sending); an event in progress ends at once. */
  clear(): number | undefined {
    this.queue.length = 0;
    const r = this.running;
    this.running = undefined;
    return r ? r.frames * this.frameUnits : undefined;
  }
}
