// StreamFramer: cutting a TCP/TLS byte stream into SIP messages by
// Content-Length (RFC 3261 §18.3), CRLF keep-alives (RFC 5626 §3.5.1), and
// the limits enforced without buffering unbounded data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer, parseMessage } from '../../firmware/sip/message/index.js';
import type { FramerEvent, SipRequest } from '../../firmware/sip/message/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function message(cseq: number, body = ''): Uint8Array {
  return enc.encode(
    [
      'MESSAGE sip:bob@example.com SIP/2.0',
      `Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK${cseq}`,
      'Max-Forwards: 70',
      'To: <sip:bob@example.com>',
      'From: <sip:alice@example.com>;tag=1',
      'Subject: folded',
      '  over two lines',
      'Call-ID: framer-test@192.0.2.1',
      `CSeq: ${cseq} MESSAGE`,
      'Content-Type: text/plain',
      `Content-Length: ${enc.encode(body).length}`,
      '',
      body,
    ].join('\r\n'),
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function messages(events: FramerEvent[]): Uint8Array[] {
  return events.flatMap((e) => (e.type === 'message' ? [e.bytes] : []));
}

const types = (events: FramerEvent[]): string[] => events.map((e) => e.type);

describe('StreamFramer framing', () => {
  const one = message(1, 'Hello, \r\n\r\nwith an empty line inside the body');

  it('frames a message split at every byte boundary', () => {
    for (let k = 0; k <= one.length; k++) {
      const framer = new StreamFramer();
      const events = [...framer.push(one.subarray(0, k)), ...framer.push(one.subarray(k))];
      assert.deepEqual(types(events), ['message'], `split at ${k}`);
      assert.deepEqual(messages(events)[0], one, `split at ${k}`);
      assert.equal(framer.buffered, 0);
      assert.equal(framer.state, 'idle');
    }
  });

  it('frames a message fed one byte at a time', () => {
    const framer = new StreamFramer();
    const events: FramerEvent[] = [];
    for (let i = 0; i < one.length; i++) {
      events.push(...framer.push(one.subarray(i, i + 1)));
      if (i < one.length - 1) assert.equal(events.length, 0);
    }
    assert.deepEqual(messages(events), [one]);
  });

  it('frames two messages in one chunk, and a third split across chunks', () => {
    const a = message(1, 'first');
    const b = message(2);
    const c = message(3, 'third body');
    const framer = new StreamFramer();
    const stream = concat(a, b, c);
    const cut = a.length + b.length + 40;
    const first = framer.push(stream.subarray(0, cut));
    assert.deepEqual(messages(first), [a, b]);
    assert.equal(framer.state, 'head');
    assert.deepEqual(messages(framer.push(stream.subarray(cut))), [c]);
  });

  it('frames hundreds of messages from one large chunk, each one parsing on a stream', () => {
    const all = Array.from({ length: 300 }, (_, i) => message(i + 1, `body ${i}`));
    const events = new StreamFramer().push(concat(...all));
    const framed = messages(events);
    assert.equal(framed.length, 300);
    framed.forEach((bytes, i) => {
      const r = parseMessage(bytes, { transport: 'stream' });
      if (!r.ok) assert.fail(r.error.reason);
      assert.equal(dec.decode((r.message as SipRequest).body), `body ${i}`);
    });
  });
});

describe('StreamFramer keep-alives (RFC 5626 §3.5.1)', () => {
  it('reports CRLFCRLF as a ping and a lone CRLF as a pong', () => {
    assert.deepEqual(types(new StreamFramer().push(enc.encode('\r\n\r\n'))), ['ping']);
    assert.deepEqual(types(new StreamFramer().push(enc.encode('\r\n'))), ['pong']);
  });

  it('recognises a ping that arrives in two pieces', () => {
    const framer = new StreamFramer();
    assert.deepEqual(types(framer.push(enc.encode('\r\n'))), ['pong']);
    assert.deepEqual(types(framer.push(enc.encode('\r\n'))), ['ping']);
    const f2 = new StreamFramer();
    assert.deepEqual(types(f2.push(enc.encode('\r\n\r'))), []);
    assert.deepEqual(types(f2.push(enc.encode('\n'))), ['ping']);
  });

  it('reports keep-alives between messages without disturbing them', () => {
    const a = message(1);
    const b = message(2, 'x');
    const events = new StreamFramer().push(concat(enc.encode('\r\n\r\n'), a, enc.encode('\r\n'), b, enc.encode('\r\n\r\n')));
    assert.deepEqual(types(events), ['ping', 'message', 'pong', 'message', 'ping']);
    assert.deepEqual(messages(events), [a, b]);
  });
});

describe('StreamFramer failures', () => {
  function failAfter(chunks: Uint8Array[]): { events: FramerEvent[]; framer: StreamFramer } {
    const framer = new StreamFramer();
    const events = chunks.flatMap((c) => framer.push(c));
    return { events, framer };
  }

  it('reports the header section of a message without Content-Length, then fails', () => {
    const head = enc.encode('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n\r\n');
    const { events, framer } = failAfter([head, message(2)]);
    assert.deepEqual(types(events), ['message', 'error']);
    assert.deepEqual(messages(events)[0], head);
    const last = events[1];
    assert.ok(last?.type === 'error' && /Missing Content-Length/.test(last.reason));
    const r = parseMessage(head, { transport: 'stream' });
    assert.ok(!r.ok && /Missing Content-Length/.test(r.error.reason));
    assert.equal(framer.state, 'failed');
    assert.deepEqual(framer.push(message(3)), []);
    assert.equal(framer.buffered, 0);
  });

  it('fails on multiple Content-Length values', () => {
    const bad = enc.encode('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\nl: 5\r\n\r\nhello');
    const { events } = failAfter([bad]);
    assert.deepEqual(types(events), ['message', 'error']);
    assert.ok(events[1]?.type === 'error' && /Multiple Content-Length/.test(events[1].reason));
  });

  it('refuses a 65 KiB body as soon as the headers announce it, buffering nothing', () => {
    const head = enc.encode('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 66560\r\n\r\n');
    const { events, framer } = failAfter([head]);
    assert.deepEqual(types(events), ['error']);
    assert.ok(events[0]?.type === 'error' && /Message Too Large/.test(events[0].reason));
    assert.equal(framer.buffered, 0);
  });

  it('refuses a 9 KiB header line while it arrives, before it ends', () => {
    const framer = new StreamFramer();
    const events = [...framer.push(enc.encode('OPTIONS sip:a@b SIP/2.0\r\nX-Long: '))];
    for (let i = 0; i < 9 && events.length === 0; i++) events.push(...framer.push(enc.encode('a'.repeat(1024))));
    assert.deepEqual(types(events), ['error']);
    assert.ok(events[0]?.type === 'error' && /Header line too long/.test(events[0].reason));
    assert.equal(framer.buffered, 0);
  });

  it('refuses the 257th header', () => {
    const lines = ['OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 257 }, (_, i) => `X-H${i}: ${i}`)];
    const framer = new StreamFramer();
    const ok = framer.push(enc.encode(lines.slice(0, 257).join('\r\n') + '\r\n'));
    assert.deepEqual(ok, []);
    const events = framer.push(enc.encode(lines[257] + '\r\n'));
    assert.deepEqual(types(events), ['error']);
    assert.ok(events[0]?.type === 'error' && /Too many headers/.test(events[0].reason));
  });

  it('refuses a header section that outgrows 64 KiB without ending', () => {
    const line = `X-Pad: ${'p'.repeat(1000)}\r\n`;
    const framer = new StreamFramer();
    const events = framer.push(enc.encode('OPTIONS sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 70 && events.length === 0; i++) events.push(...framer.push(enc.encode(line)));
    assert.deepEqual(types(events), ['error']);
    assert.ok(events[0]?.type === 'error' && /Message Too Large/.test(events[0].reason));
    assert.equal(framer.buffered, 0);
  });
});
