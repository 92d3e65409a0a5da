/**
 * The phone's codecs in its order of preference, which is the order its SDP
 * offers list them (RFC 3264 §5.1: formats in order of preference):
 *
 *  1. G722 — wideband (50–7000 Hz) speech at 64 kbit/s, what desk phones and
 *     PBXs (Asterisk, FreeSWITCH, Kamailio-fronted systems) nearly all
 *     support, so a call between phones stays wideband without transcoding;
 *     pure TypeScript here, cheap on a Pi-class CPU, and bit-exact.
 *  2. opus — better quality per bit and its own loss concealment, but many
 *     PBXs transcode it or lack it, and it costs far more CPU; chosen when a
 *     peer prefers it, not forced.
 *  3. PCMU — the universal narrowband fallback (RFC 3551 PT 0; North
 *     American default).
 *  4. PCMA — the same for A-law networks (PT 8; Europe).
 *  telephone-event at 8000 Hz (for G722/PCMU/PCMA) and at 48000 Hz (for
 *  opus), for DTMF (RFC 4733).
 */
import { CodecRegistry } from './codec.js';
import { pcma, pcmu } from './g711/g711-codec.js';
import { g722 } from './g722/g722-codec.js';
import { opus } from './opus/opus-codec.js';
import { telephoneEvent } from './telephone-event/telephone-event-codec.js';

export function createDefaultCodecRegistry(): CodecRegistry {
  return new CodecRegistry([g722, opus, pcmu, pcma, telephoneEvent(8000), telephoneEvent(48000)]);
}
