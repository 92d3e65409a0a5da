/**
 * One call with the impairment relay in its media path, for the pacing and
 * mouth-to-ear benchmarks:
 *
 *   callee RTP ⇄ relay side A ⇄ relay side B ⇄ far end (rtp-far-end.ts, in the bench)
 *
 * A SIPp caller (test/sipp/uac-media-at.xml) calls the callee through
 * Kamailio with an SDP offer naming relay side A as its RTP address, so the
 * callee sends its media there; the relay forwards it to the far end, and
 * sends the far end's packets to the callee from where the callee's came
 * (latching). The offer's a=rtcp (RFC 3605) sends the callee's RTCP to the
 * far end directly: a callee that keeps RTCP on its own port (baresip,
 * rtcp_mux off) would otherwise be latched by its first RTCP packet, and
 * the far end's RTP would go to its RTCP socket. Only the direction towards the callee is
 * impaired (b-to-a); the callee's own stream passes untouched and its
 * arrival times at the relay are its send pacing.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kamailio } from '../../test/pbx/kamailio.js';
import { LOOPBACK } from '../../test/helpers/ports.js';
import { describeSipp, startSipp } from '../../test/sipp/sipp.js';
import { PASS, type ImpairmentFactory } from '../../test/tools/impairment-relay/decision.js';
import { ImpairmentRelay, type RelayStats } from '../../test/tools/impairment-relay/relay.js';
import { RtpFarEnd } from './rtp-far-end.js';

const SCENARIO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'sipp', 'uac-media-at.xml');

export const NO_IMPAIRMENT: ImpairmentFactory = () => ({ next: () => PASS });

export interface MediaCallOptions {
  readonly pbx: Kamailio;
  /** The callee's user name (registered, answering by itself). */
  readonly callee: string;
  /** How long the call lasts from the answer, s. */
  readonly seconds: number;
  /** What the relay does to the far end's packets on their way to the callee. */
  readonly impairment?: ImpairmentFactory;
  /** 8 kHz audio the far end sends once the callee's media has started; nothing when absent. */
  readonly signal?: Int16Array;
  /** Called when the callee's first RTP packet reached the relay. */
  readonly onMediaStarted?: () => void;
}

export interface MediaCallResult {
  readonly stats: RelayStats;
  /** When each of the far end's packets left (hrtime ns); empty without a signal. */
  readonly sentNs: readonly bigint[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function calleeMediaStarted(relay: ImpairmentRelay, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ([...relay.arrivals('a-to-b').keys()].some((k) => k.startsWith('rtp:'))) return;
    if (Date.now() > deadline) throw new Error(`no RTP from the callee within ${timeoutMs} ms`);
    await sleep(5);
  }
}

export async function runMediaCall(options: MediaCallOptions): Promise<MediaCallResult> {
  const farEnd = await RtpFarEnd.open();
  const relay = await ImpairmentRelay.start({
    listenA: { host: LOOPBACK, port: 0 },
    listenB: { host: LOOPBACK, port: 0 },
    targetB: farEnd.address,
    impairment: options.impairment ?? NO_IMPAIRMENT,
    direction: 'b-to-a',
  });
  try {
    const sipp = await startSipp({
      scenario: { file: SCENARIO },
      target: { host: options.pbx.host, port: options.pbx.udpPort },
      service: options.callee,
      keys: { domain: options.pbx.realm, rtp_host: relay.addressA.host, rtp_port: relay.addressA.port, rtcp_port: farEnd.address.port },
      pauseMs: options.seconds * 1000,
      timeoutMs: options.seconds * 1000 + 20_000,
    });
    let sentNs: bigint[] = [];
    try {
      await calleeMediaStarted(relay, 10_000);
      options.onMediaStarted?.();
      if (options.signal !== undefined) sentNs = await farEnd.play(options.signal, relay.addressB);
    } catch (e) {
      await sipp.stop();
      throw e;
    }
    const result = await sipp.done;
    if (!result.ok) throw new Error(`the call to ${options.callee} failed: ${describeSipp(result)}`);
    return { stats: relay.stats(), sentNs };
  } finally {
    await relay.close();
    await farEnd.close();
  }
}

/**
 * runMediaCall, tried up to `attempts` times. Now and then (about one call
 * in five here) Kamailio 5.6 takes the caller's 2xx ACK for strict-routed
 * and sends it back to itself, so the callee never sees it and SIPp's BYE
 * gets Kamailio's 404; such a call is not a measurement of the callee, and
 * is placed again.
 */
export async function mediaCallWithRetry(options: MediaCallOptions, attempts = 3): Promise<MediaCallResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runMediaCall(options);
    } catch (e) {
      if (attempt >= attempts) throw e;
      console.error(`bench: call to ${options.callee} failed (attempt ${attempt} of ${attempts}), placing it again: ${String(e).split('\n')[0] ?? ''}`);
    }
  }
}
