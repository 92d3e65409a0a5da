/**
 * The fmtp this phone writes for a codec in an answer.
 *
 * Most fmtp parameters are declarative — they describe what the writer can
 * receive, and each side states its own — so the answer carries our own
 * parameters (the descriptor's defaultFmtp). Where the two sides' values
 * bound one shared quantity the answer takes the smaller:
 *
 *  - opus (RFC 7587 §6.1, §7): "maxaveragebitrate" — answered as the lower
 *    of ours and the offer's (values outside 6000–510000 are ignored, §6.1),
 *    so both directions run under the same cap; "useinbandfec" and
 *    "usedtx" stay ours (they say what WE want to receive);
 *  - telephone-event (RFC 4733 §7.1.1): the events both sides list.
 */
import type { CodecDescriptor } from '../codecs/codec.js';
import { fmtpInteger, parseFmtp } from '../codecs/fmtp.js';
import { formatEventList, intersectEvents, parseEventList } from './telephone-event-range.js';
import type { EventSet } from './telephone-event-range.js';

const OPUS_MIN_BITRATE = 6000;
const OPUS_MAX_BITRATE = 510000;

/** Rewrites one parameter of an fmtp string, keeping the others and their order. */
function withParam(fmtp: string, name: string, value: string): string {
  const parts = fmtp
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const index = parts.findIndex((p) => p.split('=')[0]?.trim().toLowerCase() === name);
  if (index < 0) parts.push(`${name}=${value}`);
  else parts[index] = `${name}=${value}`;
  return parts.join('; ');
}

export function answerOpusFmtp(ours: string | undefined, offered: string | undefined): string | undefined {
  if (ours === undefined) return undefined;
  const offeredCap = fmtpInteger(parseFmtp(offered), 'maxaveragebitrate');
  const ourCap = fmtpInteger(parseFmtp(ours), 'maxaveragebitrate');
  if (offeredCap === undefined || offeredCap < OPUS_MIN_BITRATE || offeredCap > OPUS_MAX_BITRATE) return ours;
  if (ourCap !== undefined && ourCap <= offeredCap) return ours;
  return withParam(ours, 'maxaveragebitrate', String(offeredCap));
}

export type EventAnswer = { readonly fmtp: string; readonly events: EventSet } | undefined;

/** The telephone-event fmtp of an answer, or undefined when no event is common (drop the format). */
export function answerEventFmtp(ours: string | undefined, offered: string | undefined): EventAnswer {
  const mine = parseEventList(ours);
  const theirs = parseEventList(offered);
  if (mine === undefined || theirs === undefined) return undefined;
  const events = intersectEvents(mine, theirs);
  return events.length === 0 ? undefined : { fmtp: formatEventList(events), events };
}

/** The fmtp to answer with for `codec`, given the offer's fmtp for it. */
export function answerFmtp(codec: CodecDescriptor, offered: string | undefined): string | undefined {
  if (codec.kind === 'event') return answerEventFmtp(codec.defaultFmtp, offered)?.fmtp;
  if (codec.name.toLowerCase() === 'opus') return answerOpusFmtp(codec.defaultFmtp, offered);
  return codec.defaultFmtp;
}
