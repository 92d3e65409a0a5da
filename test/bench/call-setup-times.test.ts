import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callSetupTimes, wireMessage, type WireMessage } from '../../scripts/bench/call-setup-times.js';

function request(method: string, cseq: number, callId = 'c1'): Buffer {
  return Buffer.from(
    [
      `${method} sip:1001@deskphone.test SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
      'From: <sip:alice@deskphone.test>;tag=a',
      'To: <sip:1001@deskphone.test>',
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function response(status: number, cseq: number, callId = 'c1'): Buffer {
  return Buffer.from(
    [
      `SIP/2.0 ${status} Whatever`,
      'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
      'From: <sip:alice@deskphone.test>;tag=a',
      'To: <sip:1001@deskphone.test>;tag=b',
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} INVITE`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

const ms = (n: number): bigint => BigInt(Math.round(n * 1e6));

function wire(direction: 'sent' | 'received', packet: Buffer, atMs: number): WireMessage {
  const m = wireMessage(direction, packet, ms(atMs));
  assert.ok(m, 'a SIP message');
  return m;
}

describe('call-setup times read off the wire (RFC 3261 §22.3 retry, §16.7 100 Trying)', () => {
  it('reads the method or status, Call-ID and CSeq of a datagram, and nothing from a keep-alive', () => {
    const m = wire('sent', request('INVITE', 2), 0);
    assert.equal(m.method, 'INVITE');
    assert.equal(m.callId, 'c1');
    assert.deepEqual({ ...m.cseq }, { seq: 2, method: 'INVITE' });
    assert.equal(wire('received', response(180, 2), 1).status, 180);
    assert.equal(wireMessage('sent', Buffer.from('\r\n\r\n'), 0n), undefined);
  });

  it('times from the authenticated INVITE, not the challenged one, to the first 180 and 200', () => {
    const times = callSetupTimes([
      wire('sent', request('INVITE', 1), 0),
      wire('received', response(407, 1), 1),
      wire('sent', request('ACK', 1), 1.2),
      wire('sent', request('INVITE', 2), 10),
      wire('received', response(100, 2), 10.3),
      wire('received', response(180, 2), 22.5),
      wire('received', response(200, 2), 31),
      wire('received', response(200, 2), 531), // a retransmission
    ]);
    assert.equal(times.length, 1);
    assert.equal(times[0]?.ringingMs?.toFixed(1), '12.5');
    assert.equal(times[0]?.answeredMs?.toFixed(1), '21.0');
  });

  it('keeps calls apart by Call-ID and reports a missing 180 or 200 as undefined', () => {
    const times = callSetupTimes([
      wire('sent', request('INVITE', 2, 'a'), 0),
      wire('sent', request('INVITE', 2, 'b'), 1),
      wire('received', response(200, 2, 'b'), 6),
      wire('received', response(486, 2, 'a'), 9),
    ]);
    assert.deepEqual(
      times.map((t) => [t.callId, t.ringingMs, t.answeredMs]),
      [
        ['a', undefined, undefined],
        ['b', undefined, 5],
      ],
    );
  });

  it('ignores an answer to another CSeq (a BYE 200 is not an INVITE 200)', () => {
    const bye200 = Buffer.from(response(200, 3).toString().replace('CSeq: 3 INVITE', 'CSeq: 3 BYE'));
    const times = callSetupTimes([wire('sent', request('INVITE', 2), 0), wire('received', bye200, 4)]);
    assert.equal(times[0]?.answeredMs, undefined);
  });
});
