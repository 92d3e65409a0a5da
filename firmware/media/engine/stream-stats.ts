/**
 * What the engine reports about one stream, as a plain object the worker can
 * post as it is: counts from the RTP sender and receiver, loss and jitter as
 * we measure them (RFC 3550 A.3, A.8) and as the peer reports them in RTCP,
 * the round-trip time (§6.4.1), the jitter buffer's delay and concealment,
 * and every kind of input that was dropped.
 */
import type { StreamDirection } from './stream-config.js';

export interface DroppedCounts {
  /** Not RTP at all: truncated, wrong version, bad lengths. */
  readonly bad: number;
  /** From an address other than the peer's (symmetric RTP, RFC 4961). */
  readonly wrongSource: number;
  readonly unknownPayloadType: number;
  readonly duplicate: number;
  /** A.1 probation and unconfirmed sequence jumps. */
  readonly sequence: number;
  /** SRTP/SRTCP authentication failures (RFC 3711 §3.3 step 5). */
  readonly srtpAuth: number;
  /** SRTP replays and packets below the replay window. */
  readonly srtpReplay: number;
  /** Other SRTP refusals (malformed, wrong MKI, key exhausted). */
  readonly srtpOther: number;
  /** Refused by the flood guard before being looked at. */
  readonly flood: number;
  /** RTCP that did not parse or came from elsewhere. */
  readonly rtcp: number;
  /** Arrived after its playout time (the jitter buffer's count). */
  readonly late: number;
}

export interface RemoteReport {
  /** Fraction of our packets the peer lost in its last interval, 0 … 1. */
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly jitterMs: number;
}

export interface MediaStreamStats {
  readonly id: string;
  readonly codec: string;
  readonly payloadType: number;
  readonly ptimeMs: number;
  readonly direction: StreamDirection;
  readonly localPort: number;
  /** Where RTP goes; absent before the answer names the peer, or while it is c=0.0.0.0. */
  readonly remote?: { readonly host: string; readonly port: number };
  readonly srtp: boolean;
  readonly packetsSent: number;
  /** Payload octets sent (RFC 3550 §6.4.1 sender's octet count). */
  readonly octetsSent: number;
  readonly packetsReceived: number;
  readonly octetsReceived: number;
  /** Interarrival jitter of what we receive (A.8), ms. */
  readonly jitterMs: number;
  /** What we lost of the peer's stream: fraction of the expected packets (A.3), and the count. */
  readonly loss: { readonly fraction: number; readonly cumulative: number };
  /** The peer's last report about our stream, once one arrived. */
  readonly remoteReport?: RemoteReport;
  /** Round-trip time from the peer's last report (§6.4.1 A − LSR − DLSR), when known. */
  readonly rttMs?: number;
  /** The jitter buffer's playout delay now and its target, ms. */
  readonly bufferDelayMs: number;
  readonly targetDelayMs: number;
  /** Audio made up by concealment, ms. */
  readonly concealedMs: number;
  /** Audio of lost frames recovered from the peer's in-band FEC instead, ms. */
  readonly fecRecoveredMs: number;
  readonly dropped: DroppedCounts;
  readonly dtmfSent: number;
  readonly dtmfReceived: number;
  readonly rtcpSent: number;
  readonly rtcpReceived: number;
}
