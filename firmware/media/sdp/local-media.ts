/**
 * What this phone brings to an offer or an answer: where it receives, which
 * codecs it has (in preference order), how it wants to be sent to, and the
 * user's hold choice as a direction.
 */
import { isIP } from 'node:net';

import type { CodecDescriptor } from '../codecs/codec.js';
import type { SrtpSuiteName } from '../srtp/crypto-suite.js';
import type { CryptoAttribute, RandomSource } from '../srtp/sdes.js';
import type { AddressType, Connection, MediaDirection } from './session-description.js';
import type { SrtpMode } from './srtp-policy.js';

export interface LocalMedia {
  /** Our RTP address (IPv4 or IPv6 literal), written in c= and, for a new session, o=. */
  readonly address: string;
  /** Our RTP port. */
  readonly port: number;
  /** Our RTCP port when it is not port + 1 (written as a=rtcp, RFC 3605). */
  readonly rtcpPort?: number;
  /** The codecs to offer or accept, most preferred first (e.g. registry.list()). */
  readonly codecs: readonly CodecDescriptor[];
  /** a=ptime we want to receive, ms; default 20. */
  readonly ptime?: number;
  readonly maxptime?: number;
  /**
   * What we want for ourselves: sendrecv normally, sendonly or inactive while
   * the user holds the call. Default sendrecv.
   */
  readonly direction?: MediaDirection;
  /**
   * Old-style hold (RFC 2543, RFC 3264 §8.4): when the direction does not
   * receive, also write c=0.0.0.0 in offers, for peers that know no other
   * hold. IPv4 only — "doesn't work with IPv6" (§8.4). Answers always carry
   * the real address.
   */
  readonly oldStyleHold?: boolean;
  /** Default 'off'. */
  readonly srtp?: SrtpMode;
  /** SRTP suites to offer or accept, preferred first; default both (../srtp/crypto-suite.ts). */
  readonly srtpSuites?: readonly SrtpSuiteName[];
  /** Keys to offer; default: those of the previous description, else fresh ones. */
  readonly crypto?: readonly CryptoAttribute[];
  /** Source of key material and of a new sess-id; default node:crypto randomBytes. */
  readonly random?: RandomSource;
  /** o= username; default "-" (RFC 4566 §5.2: "-" when the host has no user ids). */
  readonly username?: string;
}

export const DEFAULT_PTIME = 20;

export function addressTypeOf(address: string): AddressType {
  return isIP(address) === 6 ? 'IP6' : 'IP4';
}

export function connectionOf(address: string): Connection {
  return { addressType: addressTypeOf(address), address };
}
