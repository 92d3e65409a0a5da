/**
 * Encoder settings from the remote side's Opus fmtp (RFC 7587 §6.1, §7.1).
 * The parameters describe what the RECEIVER of the stream prefers, so the
 * fmtp the peer sent decides how this phone encodes:
 *  - maxaveragebitrate: "the maximum average receive bitrate of a session in
 *    bits per second"; the encoder must stay at or under it (6000 … 510000);
 *  - useinbandfec=1: the receiver can use in-band FEC, so send it (and tell
 *    the encoder to expect loss, or libopus adds no LBRR);
 *  - usedtx=1: the receiver prefers DTX;
 *  - cbr=1: the receiver prefers constant bitrate;
 *  - maxplaybackrate: the receiver cannot play above this rate, so there is
 *    no point coding a wider band (RFC 7587 §6.1 maps rates to bandwidths).
 */
import { fmtpFlag, fmtpInteger, parseFmtp } from '../fmtp.js';

export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

export interface OpusEncoderSettings {
  readonly bitrate: number;
  readonly inbandFec: boolean;
  /** Expected loss (%), which libopus needs above 0 before it spends bits on FEC. */
  readonly packetLossPercent: number;
  readonly dtx: boolean;
  readonly vbr: boolean;
  readonly maxBandwidth: OpusBandwidth;
}

/** The bitrate this phone uses when the peer sets no cap: ample for fullband speech. */
export const DEFAULT_OPUS_BITRATE = 32000;
/** Loss the encoder plans FEC for when the peer asks for FEC. */
export const FEC_PACKET_LOSS_PERCENT = 10;

/** RFC 7587 §6.1: the bandwidth that a playback rate can render. */
export function bandwidthForPlaybackRate(rate: number): OpusBandwidth {
  if (rate <= 8000) return 'narrowband';
  if (rate <= 12000) return 'mediumband';
  if (rate <= 16000) return 'wideband';
  if (rate <= 24000) return 'superwideband';
  return 'fullband';
}

export function opusEncoderSettings(remoteFmtp: string | undefined): OpusEncoderSettings {
  const p = parseFmtp(remoteFmtp);
  const cap = fmtpInteger(p, 'maxaveragebitrate');
  // RFC 7587 §6.1: values outside 6000 … 510000 are to be ignored.
  const bitrate = cap !== undefined && cap >= 6000 && cap <= 510000 ? Math.min(cap, DEFAULT_OPUS_BITRATE) : DEFAULT_OPUS_BITRATE;
  const inbandFec = fmtpFlag(p, 'useinbandfec') ?? false;
  const playback = fmtpInteger(p, 'maxplaybackrate');
  return {
    bitrate,
    inbandFec,
    packetLossPercent: inbandFec ? FEC_PACKET_LOSS_PERCENT : 0,
    dtx: fmtpFlag(p, 'usedtx') ?? false,
    vbr: !(fmtpFlag(p, 'cbr') ?? false),
    maxBandwidth: playback !== undefined && playback > 0 ? bandwidthForPlaybackRate(playback) : 'fullband',
  };
}
