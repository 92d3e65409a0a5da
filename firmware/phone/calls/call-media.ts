/**
 * One call's audio: its RTP stream in the media worker and the offer/answer
 * state of its session (RFC 3264), for an outgoing call, an incoming one,
 * and every re-INVITE after (hold, resume, the peer's hold, a codec change).
 *
 * The local description in force changes only when an exchange completes:
 * a hold offer that the peer refuses (491, 488, a timeout) is dropped with
 * `offerFailed()` and the call stays as it was (RFC 3261 §14.1; the
 * interoperability note in call-flows.md). The stream follows each agreed
 * answer: codec, payload type, peer address, direction, SRTP keys — on the
 * same socket, so the port in our SDP never changes.
 *
 * RFC 6337 §5.3: in every offer and answer this phone states its OWN wish
 * (sendrecv, or the user's hold), never a copy of the far end's hold.
 */
import type { CodecDescriptor } from '../../media/codecs/codec.js';
import type { StreamUpdate, WireStreamConfig } from '../../media/engine/protocol.js';
import {
  answerReinvite,
  applyAnswer,
  audioStream,
  createAnswer,
  createOffer,
  holdOffer,
  localDirection,
  offerlessReinviteOffer,
  parseSdp,
  resumeOffer,
  writeSdp,
  type AcceptedMedia,
  type HoldMode,
  type LocalHold,
  type LocalMedia,
  type NegotiatedMedia,
  type SessionDescription,
  type SrtpMode,
} from '../../media/sdp/index.js';
import { formatCryptoLine } from '../../media/srtp/sdes.js';

/** What CallMedia needs of the media worker (MediaClient has it). */
export interface StreamControl {
  openStream(stream: WireStreamConfig): Promise<{ readonly localPort: number }>;
  updateStream(streamId: string, change: StreamUpdate): Promise<null>;
  closeStream(streamId: string): Promise<null>;
}

export interface CallMediaOptions {
  readonly streams: StreamControl;
  /** Our RTP address, as SIP advertises it. */
  readonly address: string;
  /** Most preferred first. */
  readonly codecs: readonly CodecDescriptor[];
  readonly srtp: SrtpMode;
  /** How this phone signals its hold (features.hold_mode). */
  readonly holdMode: HoldMode;
}

export type MediaRefusal = { readonly ok: false; readonly status: number; readonly reason: string };

/** What the phone shows and `state` reports about a call's audio. */
export interface CallAudio {
  readonly codec: string;
  readonly wideband: boolean;
  readonly secure: boolean;
  /** The peer sends nothing to us or wants nothing from us (a=sendonly/inactive, c=0.0.0.0). */
  readonly heldByRemote: boolean;
  /** Our direction as written in our description (sendrecv, sendonly while holding …). */
  readonly direction: string;
}

/** The stream settings an agreed answer asks for, in the worker's terms. */
function streamSettings(audio: AcceptedMedia): Required<Pick<StreamUpdate, 'codec' | 'ptime' | 'direction'>> & StreamUpdate {
  return {
    codec: {
      name: audio.codec.codec.name,
      payloadType: audio.codec.payloadType,
      // RFC 3264 §5.1: each side receives on the number in its own description.
      receivePayloadType: audio.codec.receivePayloadType,
      clockRate: audio.codec.codec.clockRate,
      ...(audio.codec.remoteFmtp === undefined ? {} : { fmtp: audio.codec.remoteFmtp }),
    },
    ptime: audio.ptime,
    direction: { send: audio.send, recv: audio.recv },
    ...(audio.telephoneEvent ? { telephoneEvent: { payloadType: audio.telephoneEvent.payloadType } } : {}),
    // §8.4: 0.0.0.0 means "do not send"; audio.send already says so, the address stays out of the stream.
    ...(audio.send || audio.remote.address !== '0.0.0.0'
      ? { remote: { host: audio.remote.address, port: audio.remote.port, rtcpPort: audio.remote.rtcpPort } }
      : {}),
    // null takes SRTP away (a re-offer that drops a=crypto); absent would keep the old keys.
    srtp: audio.srtp ? { send: formatCryptoLine(audio.srtp.send), recv: formatCryptoLine(audio.srtp.receive) } : null,
  };
}

export class CallMedia {
  #local: SessionDescription | undefined;
  #pending: { offer: SessionDescription; hold: LocalHold } | undefined;
  #hold: LocalHold = 'none';
  #audio: AcceptedMedia | undefined;
  #closed = false;

  private constructor(
    private readonly options: CallMediaOptions,
    readonly streamId: string,
    readonly port: number,
  ) {}

  /**
   * An outgoing call's media: the stream opens first (its port goes in the
   * offer) with no peer yet, so nothing is sent until the answer names one.
   */
  static async forOffer(options: CallMediaOptions, streamId: string): Promise<{ media: CallMedia; offer: string }> {
    const first = options.codecs.find((c) => c.kind === 'audio');
    if (first === undefined) throw new Error('no audio codec to offer');
    const { localPort } = await options.streams.openStream({
      id: streamId,
      local: { host: options.address, port: 0 },
      codec: { name: first.name, payloadType: first.staticPayloadType ?? 96, clockRate: first.clockRate },
      direction: { send: false, recv: true },
    });
    const media = new CallMedia(options, streamId, localPort);
    const offer = createOffer(media.localMedia('none'));
    media.#pending = { offer, hold: 'none' };
    return { media, offer: writeSdp(offer) };
  }

  /** An incoming call's media: the offer answered and its stream running, or why not (488, 400). */
  static async forAnswer(options: CallMediaOptions, streamId: string, offerSdp: string): Promise<{ ok: true; media: CallMedia; answer: string } | MediaRefusal> {
    // Negotiate first with a stand-in port to learn the codec and the peer, then open, then write the real port.
    const probe = createAnswer(offerSdp, { ...CallMedia.localMediaOf(options, 9, 'none') });
    if (!probe.ok) return probe;
    const audio = audioStream(probe.negotiated);
    if (!audio) return { ok: false, status: 488, reason: 'no audio stream we can use' };
    const settings = streamSettings(audio);
    const { localPort } = await options.streams.openStream({ id: streamId, local: { host: options.address, port: 0 }, ...settings });
    const media = new CallMedia(options, streamId, localPort);
    const answer = { ...probe.answer, media: probe.answer.media.map((m, i) => (i === audio.index ? { ...m, port: localPort } : m)) };
    media.#local = answer;
    media.#audio = audio;
    return { ok: true, media, answer: writeSdp(answer) };
  }

  private static localMediaOf(options: CallMediaOptions, port: number, hold: LocalHold): LocalMedia {
    return {
      address: options.address,
      port,
      codecs: options.codecs,
      srtp: options.srtp,
      direction: localDirection(hold),
      oldStyleHold: options.holdMode === 'c0',
    };
  }

  private localMedia(hold: LocalHold): LocalMedia {
    return CallMedia.localMediaOf(this.options, this.port, hold);
  }

  get audio(): CallAudio | undefined {
    const a = this.#audio;
    if (!a) return undefined;
    return {
      codec: a.codec.codec.name,
      wideband: a.codec.codec.sampleRate >= 16000,
      secure: a.srtp !== undefined,
      heldByRemote: a.heldByRemote,
      direction: a.direction,
    };
  }

  /** The user's hold on this call, as agreed with the peer. */
  get hold(): LocalHold {
    return this.#hold;
  }

  /** An offer of ours awaits its answer. */
  get offering(): boolean {
    return this.#pending !== undefined;
  }

  /** The answer to our outstanding offer (the 183's or the 200's, or the ACK's): the stream follows it. */
  async answerReceived(answerSdp: string): Promise<{ ok: true } | MediaRefusal> {
    const pending = this.#pending;
    if (!pending) return { ok: false, status: 400, reason: 'an answer came but no offer of ours is outstanding' };
    const result = applyAnswer(pending.offer, answerSdp, this.options.codecs);
    if (!result.ok) return { ok: false, status: 488, reason: `${result.reason}: ${result.detail}` };
    const audio = audioStream(result.negotiated);
    if (!audio) return { ok: false, status: 488, reason: 'the answer accepted no audio stream' };
    this.#pending = undefined;
    this.#local = pending.offer;
    this.#hold = pending.hold;
    await this.follow(audio);
    return { ok: true };
  }

  /** An early answer (a 183's SDP): play it, keep the offer outstanding for the 200's answer. */
  async earlyAnswer(answerSdp: string): Promise<void> {
    const pending = this.#pending;
    if (!pending) return;
    const result = applyAnswer(pending.offer, answerSdp, this.options.codecs);
    if (!result.ok) return;
    const audio = audioStream(result.negotiated);
    if (audio) await this.follow(audio);
  }

  /** A re-offer putting the call on hold (flow 2, F9) or taking it off (resume). */
  reoffer(hold: LocalHold): string {
    const previous = this.#local;
    if (!previous) throw new Error('the call has no agreed session to re-offer');
    const offer = hold === 'none' ? resumeOffer(previous, this.options.address) : holdOffer(previous, this.options.holdMode);
    this.#pending = { offer, hold };
    return writeSdp(offer);
  }

  /** Our re-offer was refused or timed out: everything stays as it was (§14.1). */
  offerFailed(): void {
    this.#pending = undefined;
  }

  /**
   * The peer's re-INVITE: with an offer, our answer (the stream follows at
   * once — RFC 3264 §8: the answerer may start using the new parameters as
   * soon as it answers); without one, our offer (§14.2), answered in the ACK.
   */
  async peerReoffer(offerSdp: string | undefined): Promise<{ ok: true; sdp: string } | MediaRefusal> {
    const previous = this.#local;
    if (!previous) return { ok: false, status: 500, reason: 'no agreed session yet' };
    if (offerSdp === undefined) {
      const offer = offerlessReinviteOffer(this.localMedia(this.#hold), previous, this.#hold);
      this.#pending = { offer, hold: this.#hold };
      return { ok: true, sdp: writeSdp(offer) };
    }
    const parsed = parseSdp(offerSdp);
    if (!parsed.ok) return { ok: false, status: 400, reason: `malformed SDP offer: ${parsed.error}` };
    const result = answerReinvite(parsed.session, this.localMedia(this.#hold), previous, this.#hold);
    if (!result.ok) return result;
    const audio = audioStream(result.negotiated);
    if (!audio) return { ok: false, status: 488, reason: 'no audio stream we can use' };
    this.#local = result.answer;
    await this.follow(audio);
    return { ok: true, sdp: result.sdp };
  }

  /** The worker's stream changed to what `audio` agreed. */
  private async follow(audio: AcceptedMedia): Promise<void> {
    this.#audio = audio;
    if (this.#closed) return;
    const settings = streamSettings(audio);
    // Flow 2, F13: "no RTP is sent by A while it holds" — a=sendonly says what
    // we may do, the user's hold says we do not (no hold-music source yet).
    const direction = this.#hold === 'none' ? settings.direction : { send: false, recv: settings.direction.recv };
    await this.options.streams.updateStream(this.streamId, { ...settings, direction });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.options.streams.closeStream(this.streamId);
  }
}

export type { NegotiatedMedia };
