// Shared helpers for the SDP offer/answer tests: the phone's codecs, a
// deterministic key source, and a way to write SDP bodies line by line.
import assert from 'node:assert/strict';

import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import type { LocalMedia } from '../../firmware/media/sdp/local-media.js';
import type { AnswerResult } from '../../firmware/media/sdp/answer.js';
import type { AcceptedMedia, NegotiatedMedia } from '../../firmware/media/sdp/negotiated.js';
import { parseSdp } from '../../firmware/media/sdp/parse.js';
import type { SessionDescription } from '../../firmware/media/sdp/session-description.js';

export const CODECS = createDefaultCodecRegistry().list();

/** Key material 0x01…, 0x02…, … — a different fill for every call, so keys differ but runs repeat. */
export function countingRandom(): (size: number) => Buffer {
  let n = 0;
  return (size: number) => Buffer.alloc(size, ++n);
}

export function phoneA(overrides: Partial<LocalMedia> = {}): LocalMedia {
  return { address: '192.0.2.10', port: 40000, codecs: CODECS, random: countingRandom(), ...overrides };
}

export function phoneB(overrides: Partial<LocalMedia> = {}): LocalMedia {
  return { address: '198.51.100.20', port: 50000, codecs: CODECS, random: countingRandom(), ...overrides };
}

/** An SDP body from its lines (CRLF, RFC 4566 §5). */
export function sdp(...lines: string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}

/** A peer's offer: session lines then the given media section lines. */
export function peerOffer(...mediaLines: string[]): string {
  return sdp('v=0', 'o=peer 2890844526 2890844526 IN IP4 203.0.113.5', 's=-', 'c=IN IP4 203.0.113.5', 't=0 0', ...mediaLines);
}

export function mustParse(text: string): SessionDescription {
  const r = parseSdp(text);
  if (!r.ok) assert.fail(`should parse: ${r.error}`);
  return r.session;
}

export function answered(result: AnswerResult): Extract<AnswerResult, { ok: true }> {
  if (!result.ok) assert.fail(`should be answered, got ${result.status}: ${result.reason}`);
  return result;
}

export function accepted(media: NegotiatedMedia | undefined): AcceptedMedia {
  if (media === undefined || !media.accepted) assert.fail(`stream should be accepted: ${JSON.stringify(media)}`);
  return media;
}

/** The a= lines of one media section of SDP text (0-based), for assertions on the wire form. */
export function mediaSection(text: string, index: number): string[] {
  const sections = text.split(/\r\n(?=m=)/).slice(1);
  const section = sections[index];
  if (section === undefined) assert.fail(`no m= section ${index}`);
  return section.split('\r\n').filter((l) => l !== '');
}
