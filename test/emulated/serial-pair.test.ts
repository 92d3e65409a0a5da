import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../drivers/bus/errors.js';
import { createSerialPair } from '../../drivers/emulated/serial-pair.js';

const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf8'));

describe('createSerialPair', () => {
  it('delivers bytes written on one end to the other, not synchronously', async () => {
    const { a, b, settled } = createSerialPair();
    const received: Uint8Array[] = [];
    b.onData((d) => received.push(d));
    await a.write(bytes('state\n'));
    assert.equal(received.length, 0, 'nothing arrives within the write call');
    await settled();
    assert.equal(text(received), 'state\n');
  });

  it('works in both directions and keeps the order of writes', async () => {
    const { a, b, settled } = createSerialPair();
    const atA: Uint8Array[] = [];
    const atB: Uint8Array[] = [];
    a.onData((d) => atA.push(d));
    b.onData((d) => atB.push(d));
    await a.write(bytes('key 1\n'));
    await a.write(bytes('key 2\n'));
    await b.write(bytes('OK\n'));
    await settled();
    assert.equal(text(atB), 'key 1\nkey 2\n');
    assert.equal(text(atA), 'OK\n');
  });

  it('splits deliveries into maxChunk pieces, as a UART read would', async () => {
    const { a, b, settled } = createSerialPair({ maxChunk: 4 });
    const received: Uint8Array[] = [];
    b.onData((d) => received.push(d));
    await a.write(bytes('hook off\n'));
    await settled();
    assert.deepEqual(
      received.map((d) => d.length),
      [4, 4, 1],
    );
    assert.equal(text(received), 'hook off\n');
  });

  it('waits in settled() for replies a delivery provokes', async () => {
    const { a, b, settled } = createSerialPair();
    const atA: Uint8Array[] = [];
    a.onData((d) => atA.push(d));
    b.onData(() => {
      void b.write(bytes('OK\n'));
    });
    await a.write(bytes('leds\n'));
    await settled();
    assert.equal(text(atA), 'OK\n');
  });

  it('copies written data, so the writer may reuse its buffer', async () => {
    const { a, b, settled } = createSerialPair();
    const received: Uint8Array[] = [];
    b.onData((d) => received.push(d));
    const buffer = bytes('abc');
    await a.write(buffer);
    buffer.fill(0);
    await settled();
    assert.equal(text(received), 'abc');
  });

  it('stops a listener that unsubscribed', async () => {
    const { a, b, settled } = createSerialPair();
    const received: Uint8Array[] = [];
    const stop = b.onData((d) => received.push(d));
    stop();
    await a.write(bytes('x'));
    await settled();
    assert.equal(received.length, 0);
  });

  it('rejects writes on a closed end and drops what arrives at one', async () => {
    const { a, b, settled } = createSerialPair({ names: ['console', 'host'] });
    const atB: Uint8Array[] = [];
    b.onData((d) => atB.push(d));
    await b.close();
    await a.write(bytes('lost'));
    await settled();
    assert.equal(atB.length, 0);
    await assert.rejects(b.write(bytes('x')), (e: unknown) => {
      assert.ok(e instanceof BusError);
      assert.equal(e.device, 'host');
      return true;
    });
  });

  it('refuses a maxChunk below one byte', () => {
    assert.throws(() => createSerialPair({ maxChunk: 0 }), RangeError);
  });
});
