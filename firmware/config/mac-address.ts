/**
 * The phone's MAC address as provisioning names it: twelve lowercase hex
 * digits, no separators ("0015651234ab"), the way Yealink names the per-phone
 * file <MAC>.cfg.
 *
 * A real board has its Ethernet address; the simulated board has none, so it
 * gets a random *locally administered* unicast address (IEEE 802 §8.2: the
 * U/L bit, 0x02 of the first octet, set; the I/G bit, 0x01, clear), which
 * cannot collide with a vendor's universally administered one. The store
 * keeps it, so it is stable across reboots and factory resets.
 */
import { randomBytes } from 'node:crypto';

/** "00:15:65:12:34:AB", "00-15-65-12-34-ab", "0015.6512.34ab" or "0015651234AB" → "0015651234ab". */
export function normalizeMac(text: string): string | undefined {
  const trimmed = text.trim();
  const patterns = [
    /^[0-9a-fA-F]{12}$/,
    /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}$/,
    /^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/,
  ];
  if (!patterns.some((p) => p.test(trimmed))) return undefined;
  return trimmed.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

/** A random locally administered unicast MAC, normalized. */
export function randomLocalMac(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = Uint8Array.from(random(6));
  if (bytes.length !== 6) throw new RangeError('need six random bytes');
  bytes[0] = ((bytes[0] ?? 0) | 0x02) & 0xfe;
  return Buffer.from(bytes).toString('hex');
}

/** "0015651234ab" → "00:15:65:12:34:ab", for people. */
export function formatMac(mac: string): string {
  return mac.replace(/(..)(?!$)/g, '$1:');
}
