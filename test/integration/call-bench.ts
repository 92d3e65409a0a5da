/**
 * What the call-feature tests of test/integration share: a Kamailio per
 * describe block, a phone registered on it with extra .cfg lines, its call
 * list from `state`, answering baresip peers, SIPp callers of
 * test/sipp/*.xml placed on the bench, SIPp's message trace read back as
 * timed messages (for "302 about 2 s after the 180"), the phone's own SIP
 * capture, and lookups in Kamailio's wire log (test/pbx/wire-log.ts).
 */
import { after, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKamailio, type Kamailio } from '../pbx/kamailio.js';
import { accountsCfg, startPhoneUnderTest, type PhoneState, type PhoneUnderTest } from '../helpers/phone-under-test.js';
import { startSipp, type SippRun } from '../sipp/sipp.js';
import { wireMessages, wireRequests } from '../pbx/wire-log.js';
import { readPcap } from '../trace/pcap-reader.js';
import { startBaresip, type Baresip } from '../peers/baresip.js';

const SIPP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sipp');

/**
 * One Kamailio for the tests of a describe block: started in its before(),
 * stopped in its after(). Call inside describe(); the getter is for the tests.
 */
export function suitePbx(): () => Kamailio {
  let pbx: Kamailio | undefined;
  before(async () => {
    pbx = await startKamailio();
  });
  after(async () => {
    await pbx?.stop();
  });
  return () => {
    assert.ok(pbx, 'the Kamailio of this describe block did not start');
    return pbx;
  };
}

/** One entry of `state`'s `calls` (firmware/phone/calls/call-manager.ts CallSummary). */
export interface CallEntry {
  readonly id: string;
  readonly line: number;
  readonly direction: 'incoming' | 'outgoing';
  readonly state: string;
  readonly remote: string;
  readonly localDirection: string;
  readonly notice: string | null;
}

/** The extra fields of `state` these tests read, which PhoneState does not name. */
export interface CallsState extends PhoneState {
  readonly calls: readonly CallEntry[];
  readonly missedCalls: number;
  readonly dnd: boolean;
  readonly hook: 'on' | 'off';
  readonly digits: string;
}

export function callsState(s: PhoneState): CallsState {
  return s as CallsState;
}

/** Polls `state` until its call list satisfies `ok`. */
export async function waitCalls(phone: PhoneUnderTest, what: string, ok: (calls: readonly CallEntry[]) => boolean, timeoutMs = 10_000): Promise<readonly CallEntry[]> {
  return callsState(await phone.waitFor(what, (s) => ok(callsState(s).calls), timeoutMs)).calls;
}

/** Polls the LCD until its rows, joined by newlines, match `pattern`. */
export async function waitLcd(phone: PhoneUnderTest, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await phone.lcd()).join('\n');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`LCD never matched ${String(pattern)}; it shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A phone registered at `pbx` as `user` (password from users.txt), with
 * `extra` .cfg lines; stopped when the test ends.
 */
export async function registeredPhone(t: TestContext, pbx: Kamailio, user: string, extra: readonly string[] = []): Promise<PhoneUnderTest> {
  const password = pbx.users.get(user);
  assert.ok(password !== undefined, `no bench account ${user}`);
  const phone = await startPhoneUnderTest(accountsCfg([{ user, password, server: '127.0.0.1', port: pbx.udpPort }], extra));
  t.after(() => phone.stop());
  await phone.waitFor(`${user} registered`, (s) => s.accounts[0]?.registered === true, 15_000);
  return phone;
}

/** A baresip for `user` (password from users.txt) that answers by itself, PCMU; stopped when the test ends. */
export async function answeringPeer(t: TestContext, pbx: Kamailio, user: string): Promise<Baresip> {
  const peer = await startBaresip({ user, password: pbx.users.get(user) ?? '', pbx, codecs: ['PCMU'] });
  t.after(() => peer.stop());
  return peer;
}

/** A scenario file of test/sipp/ by name. */
export function sippScenario(name: string): { readonly file: string } {
  return { file: join(SIPP_DIR, `${name}.xml`) };
}

/**
 * A SIPp caller from another domain (Kamailio lets it reach its users
 * unchallenged, test/pbx/README.md) calling `user` with `scenario`; keys
 * caller and domain. Resolves once SIPp runs; `done` when the call is over.
 */
export function sippCaller(pbx: Kamailio, user: string, scenario: string, options: { readonly caller?: string; readonly timeoutMs?: number } = {}): Promise<SippRun> {
  return startSipp({
    scenario: sippScenario(scenario),
    target: { host: pbx.host, port: pbx.udpPort },
    service: user,
    keys: { caller: options.caller ?? 'dave', domain: pbx.realm },
    timeoutMs: options.timeoutMs ?? 20_000,
    recvTimeoutMs: options.timeoutMs ?? 20_000,
  });
}

/** One message of SIPp's -trace_msg file, with when SIPp sent or received it. */
export interface TracedMessage {
  readonly atMs: number;
  readonly sent: boolean;
  readonly firstLine: string;
  readonly text: string;
}

/**
 * SIPp's message trace: blocks that start with a line of dashes and
 * "YYYY-MM-DD HH:MM:SS.micro", then "UDP message sent|received …", a blank
 * line and the message.
 */
export function sippTrace(messages: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  const re = /^-+ (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)\n\w+ message (sent|received)[^\n]*\n\n([\s\S]*?)(?=^-+ \d{4}-|(?![\s\S]))/gm;
  for (let m = re.exec(messages); m !== null; m = re.exec(messages)) {
    const text = (m[4] ?? '').trim();
    out.push({
      atMs: Date.parse(`${m[1] ?? ''}T${(m[2] ?? '').slice(0, 12)}`),
      sent: m[3] === 'sent',
      firstLine: text.split('\n')[0]?.trim() ?? '',
      text,
    });
  }
  return out;
}

/** Status codes of the responses SIPp received, in order. */
export function receivedStatuses(messages: string): number[] {
  return sippTrace(messages).flatMap((m) => {
    const status = /^SIP\/2\.0 (\d{3}) /.exec(m.firstLine);
    return !m.sent && status ? [Number(status[1])] : [];
  });
}

/** The first line of every message Kamailio received, for assertion messages. */
export function wireSummary(pbx: Kamailio): string {
  return wireMessages(pbx.log()).map((w) => `${w.source} ${w.text.split('\r\n')[0] ?? ''}`).join('\n');
}

/** Initial INVITEs (no To tag) through the proxy whose Request-URI user is `user`. */
export function initialInvitesTo(pbx: Kamailio, user: string): ReturnType<typeof wireRequests> {
  return wireRequests(pbx.log(), 'INVITE').filter(
    (w) => w.message.uri.kind === 'sip' && w.message.uri.user === user && !/;\s*tag=/.test(w.message.headers.get('To') ?? ''),
  );
}

/** In-dialog re-INVITEs (To tag) of the call `callId`, each once: a UDP retransmission (same CSeq) is left out. */
export function reinvitesOf(pbx: Kamailio, callId: string | undefined): ReturnType<typeof wireRequests> {
  const seen = new Set<string>();
  return wireRequests(pbx.log(), 'INVITE').filter((w) => {
    const cseq = w.message.headers.get('CSeq') ?? '';
    if (w.message.headers.get('Call-ID') !== callId || !/;\s*tag=/.test(w.message.headers.get('To') ?? '') || seen.has(cseq)) return false;
    seen.add(cseq);
    return true;
  });
}

/**
 * The phone dials `user` (a baresip that answers by itself) from its
 * console and the call comes up on both sides; answers the call's Call-ID
 * as the proxy saw it.
 */
export async function callAnsweringPeer(phone: PhoneUnderTest, pbx: Kamailio, user: string, peer: { waitForEvent(type: string, timeoutMs?: number): Promise<unknown> }): Promise<string> {
  const dial = await phone.console.command(`dial ${user}`);
  assert.equal(dial.status, 'OK', `dial ${user}: ${dial.status}\n${phone.stderr()}`);
  await peer.waitForEvent('CALL_ESTABLISHED', 10_000).catch((e: unknown) => {
    throw new Error(`${String(e)}\nwire:\n${wireSummary(pbx)}\nphone:\n${phone.stderr()}`);
  });
  await waitCalls(phone, `the call to ${user} is up`, (c) => c.length === 1 && c[0]?.state === 'connected');
  const callId = initialInvitesTo(pbx, user)[0]?.message.headers.get('Call-ID');
  assert.ok(callId !== undefined, `the INVITE to ${user} went through the proxy:\n${wireSummary(pbx)}`);
  return callId;
}

/**
 * The phone's own capture of its SIP traffic (console `trace on|off`, a
 * pcap file in its data directory): for what never passes through
 * Kamailio's script, such as a reply Kamailio makes itself and the ACK it
 * absorbs. `stop()` answers each captured message's text, in order.
 */
/** The transport payload of an Ethernet frame carrying IPv4 or IPv6 and UDP or TCP. */
function sipPayload(frame: Buffer): Buffer | undefined {
  const ethernet = 14;
  const etherType = frame.readUInt16BE(12);
  let ipLength: number;
  let protocol: number;
  if (etherType === 0x0800) {
    ipLength = (frame[ethernet] & 0x0f) * 4;
    protocol = frame[ethernet + 9]!;
  } else if (etherType === 0x86dd) {
    ipLength = 40;
    protocol = frame[ethernet + 6]!;
  } else return undefined;
  const transport = ethernet + ipLength;
  const header = protocol === 17 ? 8 : protocol === 6 ? (frame[transport + 12] >> 4) * 4 : undefined;
  if (header === undefined || transport + header >= frame.length) return undefined;
  return frame.subarray(transport + header);
}

export async function phoneSipTrace(phone: PhoneUnderTest): Promise<{ stop(): Promise<string[]> }> {
  const on = await phone.console.command('trace on');
  const file = /\S+\.pcap\b/.exec(on.lines.join(' '))?.[0];
  assert.ok(on.status === 'OK' && file !== undefined, `trace on: ${on.status} ${on.lines.join(' ')}`);
  return {
    async stop() {
      assert.equal((await phone.console.command('trace off')).status, 'OK');
      return readPcap(readFileSync(file)).packets.flatMap((p) => {
        // The payload after the Ethernet, IP and UDP/TCP headers (firmware/trace writes
        // LINKTYPE_ETHERNET); searching the text instead could start a byte early when
        // the last header byte happens to be a capital letter.
        const payload = sipPayload(p.frame);
        return payload === undefined ? [] : [payload.toString('latin1')];
      });
    },
  };
}
