/**
 * The SRTP crypto suites this phone speaks, by the names SDES carries in
 * `a=crypto` (RFC 4568 §6.2). Both are the RFC 3711 default transforms:
 * AES-128 in counter mode (§4.1.1) and HMAC-SHA1 (§4.2.1), with the AES-CM
 * PRF for key derivation (§4.3.3).
 *
 * RFC 4568 §6.2.1 / §6.2.2: master key 128 bits, master salt 112 bits,
 * session authentication key 160 bits. The `_32` suite shortens only the SRTP
 * tag: "SRTCP auth tag: 80 bits" for both, because RTCP carries no media that a
 * forged packet could merely garble (RFC 3711 §7.5).
 */

export type SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpSuite {
  readonly name: SrtpSuiteName;
  /** Master (and session) encryption key length, octets. */
  readonly keyLength: number;
  /** Master (and session) salt length, octets. */
  readonly saltLength: number;
  /** Session authentication key length for HMAC-SHA1, octets (n_a = 160 bits). */
  readonly authKeyLength: number;
  /** SRTP authentication tag length, octets. */
  readonly rtpTagLength: number;
  /** SRTCP authentication tag length, octets. */
  readonly rtcpTagLength: number;
}

const SUITES: readonly SrtpSuite[] = [
  {
    name: 'AES_CM_128_HMAC_SHA1_80',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
  },
  {
    name: 'AES_CM_128_HMAC_SHA1_32',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
  },
];

/** Every supported suite, strongest first (the order an offer lists them in). */
export const SUPPORTED_SUITES: readonly SrtpSuiteName[] = SUITES.map((s) => s.name);

/** The suite named exactly so (RFC 4568 §9.2 suite names are case-sensitive tokens), or undefined. */
export function lookupSuite(name: string): SrtpSuite | undefined {
  return SUITES.find((s) => s.name === name);
}

/** The suite of a name known to be supported. */
export function suiteByName(name: SrtpSuiteName): SrtpSuite {
  const suite = lookupSuite(name);
  if (suite === undefined) throw new Error(`unknown SRTP suite ${name}`);
  return suite;
}
