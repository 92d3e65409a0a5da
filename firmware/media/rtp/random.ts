/**
 * Random 32-bit values for SSRCs and initial sequence numbers and
 * timestamps. RFC 3550 §5.1 wants the initial values random "to make
 * known-plaintext attacks on encryption more difficult", and §8.1 wants the
 * SSRC globally unique with high probability: both call for a
 * cryptographic source, which tests replace with fixed values.
 */
import { randomBytes } from 'node:crypto';

/** An unsigned 32-bit integer, uniformly distributed. */
export type Uint32Random = () => number;

export const cryptoUint32: Uint32Random = () => randomBytes(4).readUInt32BE(0);
