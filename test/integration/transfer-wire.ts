/**
 * What the transfer tests read off the wire (Kamailio's log, test/pbx/
 * wire-log.ts): the dialog an INVITE created — its Call-ID and both tags,
 * for comparing with a Replaces value (RFC 3891 §3) — and the session
 * version of an SDP (RFC 4566 §5.2: incremented on every change, RFC 3264 §8).
 */
import assert from 'node:assert/strict';
import { getFrom, getTo, type SipRequest, type SipResponse } from '../../firmware/sip/message/index.js';
import type { Kamailio } from '../pbx/kamailio.js';
import { wireResponses } from '../pbx/wire-log.js';
import { describeSipp, type SippRun } from '../sipp/sipp.js';
import { wireSummary } from './call-bench.js';

/** A dialog as both ends see it: the caller's (From) tag and the callee's (To) tag. */
export interface WireDialog {
  readonly callId: string;
  readonly callerTag: string;
  readonly calleeTag: string;
}

/** The dialog `invite` set up: its Call-ID, its From tag, and the To tag of the 200 that answered it (undefined before one). */
export function dialogOf(log: string, invite: SipRequest): WireDialog | undefined {
  const callId = invite.headers.get('Call-ID');
  const callerTag = getFrom(invite)?.tag;
  const answer = finalResponseTo(log, invite);
  const calleeTag = answer?.status === 200 ? getTo(answer)?.tag : undefined;
  if (callId === undefined || callerTag === undefined || calleeTag === undefined) return undefined;
  return { callId, callerTag, calleeTag };
}

/** The o= line's session version. */
export function originVersion(sdp: string): number {
  const m = /^o=\S+ \S+ (\d+) /m.exec(sdp);
  assert.ok(m, `an o= line in ${sdp}`);
  return Number(m[1]);
}

/**
 * For `.catch()` on a step that waits: stops the SIPp runs and fails with
 * what they saw and what crossed the proxy, so a broken flow says where.
 */
export function failWithTraces(pbx: Kamailio, runs: readonly SippRun[]): (e: unknown) => Promise<never> {
  return async (e: unknown) => {
    const results = await Promise.all(runs.map((r) => r.stop()));
    const traces = results.map((r) => `${describeSipp(r)}\n--- messages ---\n${r.messages.slice(-5000)}`).join('\n');
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${traces}\n--- wire ---\n${wireSummary(pbx)}`);
  };
}

/** Polls Kamailio's log until `find` returns something; fails with the wire so far after `timeoutMs`. */
export async function waitWire<T>(pbx: Kamailio, what: string, find: (log: string) => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find(pbx.log());
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not on the wire within ${timeoutMs} ms\n${wireSummary(pbx)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The final response (through the proxy) to the in-dialog request `request`, matched by Call-ID and CSeq. */
export function finalResponseTo(log: string, request: SipRequest): SipResponse | undefined {
  const callId = request.headers.get('Call-ID');
  const cseq = request.headers.get('CSeq');
  const found = wireResponses(log).find(
    (w) => w.message.kind === 'response' && w.message.status >= 200 && w.message.headers.get('Call-ID') === callId && w.message.headers.get('CSeq') === cseq,
  );
  return found?.message.kind === 'response' ? found.message : undefined;
}
