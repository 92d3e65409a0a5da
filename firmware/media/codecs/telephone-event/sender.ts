/**
 * RFC 4733 sender behaviour (§2.5.1) for one event, as a pure generator of
 * the packets to send and when: no clock, no socket. The caller sends each
 * packet at `atMs` after the event began, with an RTP sequence number from
 * the stream, `timestamp` as the RTP timestamp and `marker` as the M bit.
 *
 *  - §2.5.1.2: the first packet carries the M bit; all packets of the event
 *    carry the event's start as timestamp and the duration so far. Updates
 *    go out at a regular interval (here `intervalMs`, 50 ms by default, or the
 *    audio packetisation interval).
 *  - §2.5.1.3: a duration cannot exceed 0xFFFF units; a longer event is cut
 *    into segments, each new segment timestamped where the last one ended,
 *    without the M bit.
 *  - §2.5.1.4: "The final packet for each event and for each segment SHOULD
 *    be sent a total of three times at the interval used by the source for
 *    updates." The end packets all carry the E bit and the final duration.
 *
 * With 50 ms updates a 200 ms DTMF "5" at 8000 Hz gives: 50 ms M ts=T d=400;
 * 100 ms d=800; 150 ms d=1200; 200 ms E d=1600; 250 ms E d=1600; 300 ms E d=1600.
 */
import { encodeTelephoneEvent, type TelephoneEventFields } from './payload.js';

export interface TelephoneEventSendOptions {
  /** Event code (DTMF 0–15). */
  readonly event: number;
  /** How long the event lasts (the key was held), ms. */
  readonly durationMs: number;
  /** RTP timestamp at which the event began. */
  readonly timestamp: number;
  /** Power level in −dBm0; 10 (−10 dBm0) unless given. */
  readonly volume?: number;
  /** RTP clock rate of the telephone-event format (the audio codec's). */
  readonly clockRate?: number;
  /** Time between update packets, ms. */
  readonly intervalMs?: number;
}

export interface TelephoneEventPacket {
  /** When to send it, ms after the event began. */
  readonly atMs: number;
  readonly marker: boolean;
  /** RTP timestamp (32-bit, wrapping). */
  readonly timestamp: number;
  readonly fields: TelephoneEventFields;
  readonly payload: Uint8Array;
}

const MAX_DURATION = 0xffff;
const END_PACKETS = 3;

export function* telephoneEventPackets(options: TelephoneEventSendOptions): Generator<TelephoneEventPacket> {
  const { event, durationMs, timestamp } = options;
  const volume = options.volume ?? 10;
  const clockRate = options.clockRate ?? 8000;
  const interval = options.intervalMs ?? 50;
  if (!(durationMs > 0)) throw new RangeError(`event duration ${durationMs} ms`);
  if (!(interval > 0)) throw new RangeError(`update interval ${interval} ms`);
  const units = (ms: number): number => Math.round((ms * clockRate) / 1000);

  const scheduled: TelephoneEventPacket[] = [];
  let first = true;
  let segmentStart = 0; // units since the event began
  const packet = (atMs: number, end: boolean, duration: number): TelephoneEventPacket => {
    const fields: TelephoneEventFields = { event, end, volume, duration };
    const p = {
      atMs,
      marker: first,
      timestamp: (timestamp + segmentStart) >>> 0,
      fields,
      payload: encodeTelephoneEvent(fields),
    };
    first = false;
    return p;
  };
  /** Closes segments that the time `elapsed` has run past (§2.5.1.3), repeating each final packet. */
  const closeFullSegments = (atMs: number, elapsed: number): void => {
    while (elapsed - segmentStart > MAX_DURATION) {
      const final = packet(atMs, false, MAX_DURATION);
      for (let i = 0; i < END_PACKETS; i++) scheduled.push({ ...final, atMs: atMs + i * interval, marker: i === 0 && final.marker });
      segmentStart += MAX_DURATION;
    }
  };

  for (let k = 1; k * interval < durationMs; k++) {
    const atMs = k * interval;
    const elapsed = units(atMs);
    closeFullSegments(atMs, elapsed);
    scheduled.push(packet(atMs, false, elapsed - segmentStart));
  }
  const total = units(durationMs);
  closeFullSegments(durationMs, total);
  const final = packet(durationMs, true, total - segmentStart);
  for (let i = 0; i < END_PACKETS; i++) scheduled.push({ ...final, atMs: durationMs + i * interval, marker: i === 0 && final.marker });

  // Stable sort: a segment's repeated final packets interleave with the next segment's updates.
  scheduled.sort((a, b) => a.atMs - b.atMs);
  yield* scheduled;
}
