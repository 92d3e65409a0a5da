/**
 * NTP timestamps as RTCP carries them (RFC 3550 §4): 64 bits, seconds since
 * 1900-01-01 in the high 32 and the fraction of a second in the low 32; and
 * the "compact" or NTP short format — the middle 32 bits, 16.16 fixed point —
 * that LSR, DLSR and round-trip times use (§6.4.1).
 *
 * The wall clock is injected: SR timestamps need absolute time (unlike
 * pacing, which takes the monotonic Clock), and tests need to pin it.
 */

/** Absolute time, as Date.now(): milliseconds since 1970-01-01T00:00:00Z. */
export interface WallClock {
  epochMs(): number;
}

export const systemWallClock: WallClock = { epochMs: () => Date.now() };

/** Seconds from the NTP era origin (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

const TWO_32 = 0x1_0000_0000;

export interface NtpTimestamp {
  /** Whole seconds since 1900, modulo 2^32 (era 0 ends in 2036). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^−32 s. */
  readonly fraction: number;
}

export function ntpFromEpochMs(epochMs: number): NtpTimestamp {
  const totalSeconds = epochMs / 1000 + NTP_UNIX_OFFSET_SECONDS;
  const whole = Math.floor(totalSeconds);
  const fraction = Math.min(TWO_32 - 1, Math.floor((totalSeconds - whole) * TWO_32));
  return { seconds: whole % TWO_32, fraction };
}

/**
 * §6.4.1 LSR: "The middle 32 bits out of 64 in the NTP timestamp" — the low
 * 16 bits of the seconds and the high 16 bits of the fraction.
 */
export function ntpMiddle32(ntp: NtpTimestamp): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/** The NTP short format (16.16 seconds) of an absolute wall-clock time. */
export function ntpShortFromEpochMs(epochMs: number): number {
  return ntpMiddle32(ntpFromEpochMs(epochMs));
}

/** A duration in NTP short units (1/65536 s), as DLSR carries it; saturates at 2^32−1. */
export function ntpShortFromDurationMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(TWO_32 - 1, Math.floor((ms / 1000) * 65536));
}

/** NTP short units back to seconds. */
export function secondsFromNtpShort(units: number): number {
  return units / 65536;
}
