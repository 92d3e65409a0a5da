/**
 * Payload type numbers for an offer (RFC 3264 §5.1, §8.3.2).
 *
 * Static codecs keep their RFC 3551 number. A dynamic codec keeps the
 * number it had in the previous description of the session — RFC 3264
 * §8.3.2: "the mapping from a particular dynamic payload type number to a
 * particular codec within that media stream MUST NOT change for the
 * duration of a session" — and a new one takes the lowest number in 96–127
 * that the previous description did not use for anything.
 */
import type { CodecDescriptor } from '../codecs/codec.js';
import { FIRST_DYNAMIC_PAYLOAD_TYPE, formatForCodec, sameCodec } from './codec-match.js';
import type { PayloadFormat } from './session-description.js';

const LAST_DYNAMIC_PAYLOAD_TYPE = 127;

/**
 * Numbers many gateways and PBXs assume without reading the rtpmap (101 for
 * DTMF is near-universal); using them when free costs nothing.
 */
const CONVENTIONAL: readonly { readonly name: string; readonly clockRate: number; readonly payloadType: number }[] = [
  { name: 'telephone-event', clockRate: 8000, payloadType: 101 },
];

export interface PayloadTypeAssignment {
  readonly codec: CodecDescriptor;
  readonly payloadType: number;
}

/**
 * Numbers for `codecs` (in order), stable against `previous` (the payload
 * formats of the same m= line in the last description). Codecs that cannot
 * get a number (more than 32 dynamic ones) are left out.
 */
export function assignPayloadTypes(
  codecs: readonly CodecDescriptor[],
  previous: readonly PayloadFormat[] = [],
): PayloadTypeAssignment[] {
  const used = new Set(previous.map((p) => p.payloadType));
  const out: PayloadTypeAssignment[] = [];
  const taken = new Set<number>();
  const pending: CodecDescriptor[] = [];

  for (const codec of codecs) {
    const wanted = formatForCodec(codec, -1);
    const before = previous.find((p) => p.payloadType >= FIRST_DYNAMIC_PAYLOAD_TYPE && sameCodec(p, wanted));
    const pt = codec.staticPayloadType ?? before?.payloadType;
    if (pt !== undefined && !taken.has(pt)) {
      taken.add(pt);
      out.push({ codec, payloadType: pt });
    } else {
      pending.push(codec);
    }
  }
  for (const codec of pending) {
    const conventional = CONVENTIONAL.find((c) => c.name === codec.name && c.clockRate === codec.clockRate)?.payloadType;
    const free = (pt: number): boolean => !used.has(pt) && !taken.has(pt);
    let pt = conventional !== undefined && free(conventional) ? conventional : undefined;
    for (let n = FIRST_DYNAMIC_PAYLOAD_TYPE; pt === undefined && n <= LAST_DYNAMIC_PAYLOAD_TYPE; n++) {
      if (free(n)) pt = n;
    }
    if (pt === undefined) continue;
    taken.add(pt);
    out.push({ codec, payloadType: pt });
  }
  // Keep the caller's preference order, whatever order numbers were given in.
  return codecs.flatMap((c) => out.filter((a) => a.codec === c));
}
