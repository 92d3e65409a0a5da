/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF of §4.3.3.
 *
 * One master key + master salt yields six session values, told apart by a
 * label (§4.3.2): SRTP encryption key 0x00, authentication key 0x01, salt 0x02;
 * SRTCP encryption key 0x03, authentication key 0x04, salt 0x05.
 */
import { aesCmKeystream } from './aes-cm.js';

export const KdfLabel = {
  srtpEncryption: 0x00,
  srtpAuthentication: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuthentication: 0x04,
  srtcpSalt: 0x05,
} as const;
export type KdfLabel = (typeof KdfLabel)[keyof typeof KdfLabel];

/** §4.3.1: the key derivation rate is zero or a power of two from 1 to 2^24. */
export function isValidKeyDerivationRate(rate: number): boolean {
  if (rate === 0) return true;
  if (!Number.isInteger(rate) || rate < 1 || rate > 2 ** 24) return false;
  return Math.log2(rate) % 1 === 0;
}

/**
 * r = index DIV key_derivation_rate (§4.3.1), "where DIV is integer division
 * and a DIV 0 = 0": with a zero rate the keys are derived once for the whole
 * session. `index` is the 48-bit SRTP packet index, or the SRTCP index.
 */
export function keyDerivationEpoch(index: number, rate: number): number {
  if (!isValidKeyDerivationRate(rate)) throw new RangeError(`invalid key derivation rate ${rate}`);
  return rate === 0 ? 0 : Math.floor(index / rate);
}

/**
 * Octets of r in key_id. SRTP: 6 (r comes from the 48-bit index, §4.3.1).
 * SRTCP at a non-zero rate: 4, because §4.3.2 replaces the index "by the
 * 32-bit quantity 0 || SRTCP index"; the NIST SP 800-135 SRTCP vectors put the
 * label right above those 32 bits. At a zero rate r is 0 and every deployed
 * stack (libsrtp, libre, pion) puts the SRTCP label where the SRTP one goes,
 * so that is what a zero rate uses — verified against libsrtp in the tests.
 */
export type EpochWidth = 4 | 6;

/**
 * The PRF input x of §4.3.1: key_id = <label> || r, XORed with the master
 * salt "aligned so that their least significant bits agree (right-alignment)".
 */
export function kdfInput(masterSalt: Uint8Array, label: KdfLabel, epoch: number, epochWidth: EpochWidth = 6): Buffer {
  if (masterSalt.length !== 14) throw new RangeError(`master salt must be 14 octets, got ${masterSalt.length}`);
  const keyId = Buffer.alloc(14);
  keyId[13 - epochWidth] = label;
  keyId.writeUIntBE(epoch, 14 - epochWidth, epochWidth);
  const x = Buffer.from(masterSalt);
  for (let n = 0; n < 14; n++) x[n] = (x[n] ?? 0) ^ (keyId[n] ?? 0);
  return x;
}

/**
 * One session value: PRF_n(k_master, x) of §4.3.3, i.e. the first `length`
 * octets of the AES-CM keystream keyed by the master key with IV = x * 2^16.
 */
export function deriveSessionValue(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: KdfLabel,
  length: number,
  epoch = 0,
  epochWidth: EpochWidth = 6,
): Buffer {
  const x = kdfInput(masterSalt, label, epoch, epochWidth);
  const iv = Buffer.concat([x, Buffer.alloc(2)]);
  return aesCmKeystream(masterKey, iv, length);
}

export interface SessionKeys {
  readonly encryptionKey: Buffer;
  readonly authenticationKey: Buffer;
  readonly salt: Buffer;
}

export interface SessionKeyLengths {
  readonly keyLength: number;
  readonly authKeyLength: number;
  readonly saltLength: number;
}

/**
 * The three session values for SRTP (labels 0..2) or SRTCP (labels 3..5) for
 * the packet with this index (48-bit SRTP index, or SRTCP index) under the
 * given key derivation rate (0: derive once).
 */
export function deriveSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  protocol: 'srtp' | 'srtcp',
  lengths: SessionKeyLengths,
  index = 0,
  rate = 0,
): SessionKeys {
  const rtcp = protocol === 'srtcp';
  const epoch = keyDerivationEpoch(index, rate);
  const width: EpochWidth = rtcp && rate !== 0 ? 4 : 6;
  return {
    encryptionKey: deriveSessionValue(
      masterKey,
      masterSalt,
      rtcp ? KdfLabel.srtcpEncryption : KdfLabel.srtpEncryption,
      lengths.keyLength,
      epoch,
      width,
    ),
    authenticationKey: deriveSessionValue(
      masterKey,
      masterSalt,
      rtcp ? KdfLabel.srtcpAuthentication : KdfLabel.srtpAuthentication,
      lengths.authKeyLength,
      epoch,
      width,
    ),
    salt: deriveSessionValue(masterKey, masterSalt, rtcp ? KdfLabel.srtcpSalt : KdfLabel.srtpSalt, lengths.saltLength, epoch, width),
  };
}
