/**
 * IP direct dialing from the keypad, which has no '.' key: '*' stands for the
 * dot, as on Yealink and Cisco phones ("192*168*1*20" is 192.168.1.20).
 * A port is a fifth '*' group ("192*168*1*20*5062" is 192.168.1.20:5062): a
 * '*' rather than '#' because '#' is the send key by default
 * (features.key_as_send = 1), and because an IPv4 address always has exactly
 * four groups, the fifth cannot be mistaken for part of the address.
 * (With key_as_send = 2, '*' sends and IP addresses cannot be typed.)
 */
import { isIPv4 } from '../../sip/message/host.js';
import type { DigitMapVerdict } from './digit-map.js';

const OCTET = /^[0-9]{1,3}$/;
const PORT = /^[0-9]{1,5}$/;

function octetSoFar(group: string, last: boolean): boolean {
  if (group === '') return last;
  return OCTET.test(group) && Number(group) <= 255;
}

/**
 * How far `keys` has got towards an address typed with stars, in the digit
 * map's terms: 'partial' while groups are missing, 'complete-but-more-possible'
 * once four octets are there (the last octet or a port may still grow),
 * 'complete' with a five-digit port, 'none' when it is no address (no '*' at
 * all, a group over 255, an empty group, more than five groups).
 */
export function starIpVerdict(keys: string): DigitMapVerdict {
  const groups = keys.split('*');
  if (groups.length < 2 || groups.length > 5) return 'none';
  const octets = groups.slice(0, 4);
  if (!octets.every((g, i) => octetSoFar(g, i === groups.length - 1))) return 'none';
  const port = groups[4];
  if (port === undefined) {
    return groups.length < 4 || groups[3] === '' ? 'partial' : 'complete-but-more-possible';
  }
  if (port === '') return 'partial';
  if (!PORT.test(port) || Number(port) > 65535) return 'none';
  return port.length === 5 ? 'complete' : 'complete-but-more-possible';
}

/** The address `keys` spells with stars, or undefined when it spells none. */
export function starIpAddress(keys: string): { host: string; port?: number } | undefined {
  const verdict = starIpVerdict(keys);
  if (verdict !== 'complete' && verdict !== 'complete-but-more-possible') return undefined;
  const groups = keys.split('*');
  const host = groups.slice(0, 4).join('.');
  if (!isIPv4(host)) return undefined;
  if (groups[4] === undefined) return { host };
  const port = Number(groups[4]);
  return port >= 1 ? { host, port } : undefined;
}
