/**
 * Round-trip time from a report block about our own stream (RFC 3550
 * §6.4.1): "the source of this reception report block can compute the total
 * round-trip propagation delay to that receiver by recording the time A when
 * this reception report block is received. It calculates the total
 * round-trip time A-LSR using the last SR timestamp (LSR) field, and then
 * subtracting this field to leave the round-trip propagation delay as
 * (A - LSR - DLSR)."
 *
 * All three are NTP short format (16.16 seconds), so the arithmetic is
 * modulo 2^32 and a 65536 s wrap of the middle bits does no harm.
 */
import type { ReportBlock } from './rtcp-packet.js';
import type { WallClock } from './ntp.js';
import { ntpShortFromEpochMs, secondsFromNtpShort } from './ntp.js';

/**
 * A − LSR − DLSR in NTP short units, or undefined when there is no answer to
 * give: LSR 0 means the receiver has had no SR from us yet (§6.4.1), and a
 * "negative" result (beyond half the 32-bit space) means the peer's DLSR or
 * our clock is off.
 */
export function roundTripNtpShort(arrival: number, lastSr: number, delaySinceLastSr: number): number | undefined {
  if (lastSr === 0) return undefined;
  const rtt = (arrival - lastSr - delaySinceLastSr) >>> 0;
  return rtt >= 0x8000_0000 ? undefined : rtt;
}

/** The same, in seconds. */
export function roundTripSeconds(arrival: number, lastSr: number, delaySinceLastSr: number): number | undefined {
  const rtt = roundTripNtpShort(arrival, lastSr, delaySinceLastSr);
  return rtt === undefined ? undefined : secondsFromNtpShort(rtt);
}

/**
 * The round-trip time a report block (about one of our SSRCs) implies, with
 * A taken from the wall clock now — call it as the RTCP packet arrives.
 */
export function roundTripFromReportBlock(block: ReportBlock, wallClock: WallClock): number | undefined {
  return roundTripSeconds(ntpShortFromEpochMs(wallClock.epochMs()), block.lastSr, block.delaySinceLastSr);
}
