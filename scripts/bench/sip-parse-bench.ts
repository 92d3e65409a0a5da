/**
 * SIP parse throughput: our parser (firmware/sip/message) against sip.js's
 * (an established JavaScript SIP stack), same messages, same run. Each parser
 * must parse the message and read the fields a phone uses on every message
 * (method or status, Request-URI, top Via branch, From tag, To URI, Call-ID,
 * CSeq, Contact), so a lazy parser does not win by skipping work.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, LoggerFactory } from 'sip.js/lib/core/index.js';
import type { Benchmark } from './registry.js';
import {
  formatUri,
  getCSeq,
  getCallId,
  getContacts,
  getFrom,
  getTo,
  getTopVia,
  isRequest,
  parseMessage,
} from '../../firmware/sip/message/index.js';
import { measureRate, formatTable } from './measure.js';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'conformance', 'rfc4475');

/** RFC 4475 §3.1.1: the valid messages. */
const VALID_SET = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason'];

const SDP = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 49170 RTP/AVP 9 0 8 101',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

/** An INVITE as a desk phone receives it through a record-routing proxy. */
export const TYPICAL_INVITE = [
  'INVITE sip:bob@192.0.2.20:5060;transport=udp SIP/2.0',
  'Record-Route: <sip:192.0.2.1;lr;ftag=as4c2e8d1f>',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKf3a1.8c2e5b0a.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;received=192.0.2.10;rport=5060;branch=z9hG4bK-524287-1---a1b2c3d4e5f6',
  'Max-Forwards: 69',
  'Contact: <sip:alice@192.0.2.10:5060;transport=udp>',
  'To: "Bob" <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=as4c2e8d1f',
  'Call-ID: 7d3f2a1b9c8e4d5f6a7b8c9d0e1f2a3b@192.0.2.10',
  'CSeq: 102 INVITE',
  'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, SUBSCRIBE, UPDATE',
  'Supported: replaces, timer, 100rel',
  'User-Agent: Yealink SIP-T46U 108.86.0.20',
  'Allow-Events: talk, hold, conference, refer, check-sync',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(SDP)}`,
  '',
  SDP,
].join('\r\n');

function ours(bytes: Uint8Array): number {
  const r = parseMessage(bytes, { transport: 'udp' });
  if (!r.ok) return 0;
  const m = r.message;
  const from = getFrom(m);
  const to = getTo(m);
  let n = (isRequest(m) ? m.method.length + formatUri(m.uri).length : m.status) + (getTopVia(m)?.params.get('branch')?.length ?? 0);
  n += (from?.tag?.length ?? 0) + (to ? formatUri(to.uri).length : 0) + (getCallId(m)?.length ?? 0) + (getCSeq(m)?.seq ?? 0);
  const contacts = getContacts(m);
  return n + (contacts === '*' ? 1 : contacts.length);
}

const loggerFactory = new LoggerFactory();
loggerFactory.builtinEnabled = false;
const sipjsLogger = loggerFactory.getLogger('bench');

function sipjs(text: string): number {
  const m = Parser.parseMessage(text, sipjsLogger);
  if (!m) return 0;
  const method = 'method' in m ? m.method : undefined;
  const ruri = 'ruri' in m && m.ruri ? m.ruri.toString() : '';
  let n = (method ? method.length + ruri.length : 'statusCode' in m ? Number(m.statusCode) : 0) + ((m.viaBranch as string | undefined)?.length ?? 0);
  n += (m.fromTag?.length ?? 0) + (m.to ? m.to.uri.toString().length : 0) + (m.callId?.length ?? 0) + m.cseq;
  return n + (m.getHeaders('contact').length > 0 ? (m.parseHeader('contact') ? 1 : 0) : 0);
}

interface Corpus {
  readonly label: string;
  readonly texts: readonly string[];
}

function corpora(): Corpus[] {
  const valid = VALID_SET.map((name) => readFileSync(path.join(CONFORMANCE, `${name}.dat`), 'latin1'));
  return [
    { label: 'typical INVITE (proxied, with SDP)', texts: [TYPICAL_INVITE] },
    { label: `RFC 4475 valid set (${valid.length} messages)`, texts: valid },
  ];
}

export const sipParseBenchmark: Benchmark = {
  name: 'SIP parse throughput (messages/s; higher is better)',
  run({ smoke }) {
    const rows: string[][] = [];
    for (const corpus of corpora()) {
      const bytes = corpus.texts.map((t) => Buffer.from(t, 'latin1'));
      const failedOurs = bytes.filter((b) => ours(b) === 0).length;
      const failedSipjs = corpus.texts.filter((t) => {
        try {
          return sipjs(t) === 0;
        } catch {
          return true;
        }
      }).length;
      const oursRate = measureRate(() => bytes.reduce((s, b) => s + ours(b), 0), corpus.texts.length, smoke);
      const sipjsRate = measureRate(
        () =>
          corpus.texts.reduce((s, t) => {
            try {
              return s + sipjs(t);
            } catch {
              return s;
            }
          }, 0),
        corpus.texts.length,
        smoke,
      );
      rows.push([
        corpus.label,
        oursRate.toFixed(0),
        sipjsRate.toFixed(0),
        (oursRate / sipjsRate).toFixed(2),
        `${failedOurs} / ${failedSipjs}`,
      ]);
    }
    return Promise.resolve(formatTable(['corpus', 'deskphone', 'sip.js 0.21', 'ratio', 'unparsed (ours / sip.js)'], rows));
  },
};
