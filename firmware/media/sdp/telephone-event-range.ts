/**
 * The event list of a telephone-event fmtp (RFC 4733 §7.1.1), e.g. "0-15" or
 * "0-15,66,70-72": the events a receiver can take. When the fmtp is absent
 * the DTMF events 0-15 are assumed (§2.4.1); an answer lists the events
 * both sides support.
 */

/** Events are 0..255 (RFC 4733 §2.3: the event field is 8 bits). */
const MAX_EVENT = 255;

/** Sorted, distinct event codes. */
export type EventSet = readonly number[];

export const DTMF_EVENTS: EventSet = Array.from({ length: 16 }, (_, n) => n);

/** The events of an fmtp string, or undefined when it is not an event list. */
export function parseEventList(fmtp: string | undefined): EventSet | undefined {
  if (fmtp === undefined || fmtp.trim() === '') return DTMF_EVENTS;
  const events = new Set<number>();
  for (const item of fmtp.split(',')) {
    const match = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(item);
    if (match?.[1] === undefined) return undefined;
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (high < low || high > MAX_EVENT) return undefined;
    for (let e = low; e <= high; e++) events.add(e);
  }
  return [...events].sort((a, b) => a - b);
}

/** The shortest list form: consecutive runs as ranges ("0-15,66"). */
export function formatEventList(events: EventSet): string {
  const parts: string[] = [];
  let start: number | undefined;
  let previous = -2;
  const flush = (): void => {
    if (start === undefined) return;
    parts.push(start === previous ? String(start) : `${start}-${previous}`);
  };
  for (const e of events) {
    if (e !== previous + 1) {
      flush();
      start = e;
    }
    previous = e;
  }
  flush();
  return parts.join(',');
}

export function intersectEvents(a: EventSet, b: EventSet): EventSet {
  const inB = new Set(b);
  return a.filter((e) => inB.has(e));
}
