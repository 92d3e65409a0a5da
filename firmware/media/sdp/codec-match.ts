/**
 * Which of our codec descriptors an SDP payload format names.
 *
 * RFC 4566 §6 (rtpmap): "<encoding name>/<clock rate> [/<encoding
 * parameters>]"; for audio the encoding parameter is the channel count and
 * "may be omitted if the number of channels is one". Encoding names compare
 * without case (RFC 4855 §3). A payload type below 96 with no rtpmap is the
 * static assignment of RFC 3551 Table 4.
 */
import type { CodecDescriptor } from '../codecs/codec.js';
import type { PayloadFormat } from './session-description.js';

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** First dynamic payload type (RFC 3551 §6: 96–127 are dynamic). */
export const FIRST_DYNAMIC_PAYLOAD_TYPE = 96;

export function matchCodec(format: PayloadFormat, codecs: readonly CodecDescriptor[]): CodecDescriptor | undefined {
  const { encodingName, clockRate } = format;
  if (encodingName === undefined || clockRate === undefined) {
    if (format.payloadType >= FIRST_DYNAMIC_PAYLOAD_TYPE) return undefined;
    return codecs.find((c) => c.staticPayloadType === format.payloadType);
  }
  const named = codecs.filter((c) => sameName(c.name, encodingName));
  const exact = named.find((c) => c.clockRate === clockRate && c.channels === (format.channels ?? 1));
  if (exact !== undefined) return exact;
  // Interop: peers write "opus/48000" without the "/2" RFC 7587 §7 requires;
  // one registered channel count for that name and rate is unambiguous.
  if (format.channels === undefined) {
    const byRate = named.filter((c) => c.clockRate === clockRate);
    if (byRate.length === 1) return byRate[0];
  }
  // Interop: peers write "G722/16000" for static PT 9 (RFC 3551 §4.5.2 keeps
  // 8000 for historical reasons); the static payload type settles it.
  const byStatic = codecs.find((c) => c.staticPayloadType === format.payloadType);
  return byStatic !== undefined && sameName(byStatic.name, encodingName) ? byStatic : undefined;
}

/** Whether two payload formats name the same codec (name, rate, channels; static PT when no rtpmap). */
export function sameCodec(a: PayloadFormat, b: PayloadFormat): boolean {
  if (a.encodingName === undefined || b.encodingName === undefined) {
    return a.encodingName === b.encodingName && a.payloadType === b.payloadType;
  }
  return sameName(a.encodingName, b.encodingName) && a.clockRate === b.clockRate && (a.channels ?? 1) === (b.channels ?? 1);
}

/** A payload format as this phone writes it for a codec. */
export function formatForCodec(codec: CodecDescriptor, payloadType: number, fmtp?: string): PayloadFormat {
  return {
    payloadType,
    encodingName: codec.name,
    clockRate: codec.clockRate,
    ...(codec.channels === 1 ? {} : { channels: codec.channels }),
    ...(fmtp === undefined ? {} : { fmtp }),
  };
}
