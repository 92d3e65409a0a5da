/**
 * telephone-event (RFC 4733) as a registered descriptor. No static payload
 * type; the rtpmap clock rate should be the audio codec's (§2.1: "the RTP
 * clock rate … SHOULD be the same as that used for the audio"), so one
 * descriptor per rate is registered. fmtp "0-15": the DTMF events, which is
 * also what a receiver assumes when the fmtp is absent (§2.4.1).
 */
import type { EventCodecDescriptor } from '../codec.js';
import { TelephoneEventReceiver, type TelephoneEventReceiverOptions } from './receiver.js';
import { telephoneEventPackets, type TelephoneEventSendOptions } from './sender.js';

export function telephoneEvent(clockRate: number): EventCodecDescriptor {
  return {
    kind: 'event',
    name: 'telephone-event',
    clockRate,
    channels: 1,
    defaultFmtp: '0-15',
    packets: (options: Omit<TelephoneEventSendOptions, 'clockRate'>) => telephoneEventPackets({ ...options, clockRate }),
    createReceiver: (options?: TelephoneEventReceiverOptions) => new TelephoneEventReceiver({ clockRate, ...options }),
  };
}
