import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodecRegistry, type AudioCodecDescriptor } from '../../firmware/media/codecs/codec.js';
import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import { pcmu } from '../../firmware/media/codecs/g711/g711-codec.js';

describe('codec registry', () => {
  it('lists the default codecs in the phone preference order', () => {
    const reg = createDefaultCodecRegistry();
    assert.deepEqual(
      reg.list().map((c) => `${c.name}/${c.clockRate}/${c.channels}`),
      ['G722/8000/1', 'opus/48000/2', 'PCMU/8000/1', 'PCMA/8000/1', 'telephone-event/8000/1', 'telephone-event/48000/1'],
    );
    assert.deepEqual(
      reg.audio().map((c) => c.name),
      ['G722', 'opus', 'PCMU', 'PCMA'],
    );
  });

  it('finds a codec by rtpmap name without regard to case, and by clock rate', () => {
    const reg = createDefaultCodecRegistry();
    assert.equal(reg.lookup('pcmu', 8000)?.name, 'PCMU');
    assert.equal(reg.lookup('OPUS', 48000, 2)?.name, 'opus');
    assert.equal(reg.lookup('opus', 48000, 1), undefined, 'opus is always /2 in SDP');
    assert.equal(reg.lookup('g722', 16000), undefined, 'G722 is G722/8000 in SDP');
    assert.equal(reg.lookup('Telephone-Event', 48000)?.kind, 'event');
    assert.equal(reg.lookup('G729', 8000), undefined);
  });

  it('finds the static payload types of RFC 3551', () => {
    const reg = createDefaultCodecRegistry();
    assert.equal(reg.byStaticPayloadType(0)?.name, 'PCMU');
    assert.equal(reg.byStaticPayloadType(8)?.name, 'PCMA');
    assert.equal(reg.byStaticPayloadType(9)?.name, 'G722');
    assert.equal(reg.byStaticPayloadType(18), undefined);
  });

  it('refuses a codec registered twice or a static payload type taken twice', () => {
    const reg = new CodecRegistry([pcmu]);
    assert.throws(() => reg.register({ ...pcmu, name: 'pcmu' }), /already registered/);
    const impostor: AudioCodecDescriptor = { ...pcmu, name: 'X-PCMU' };
    assert.throws(() => reg.register(impostor), /payload type 0/);
  });

  it('makes working encoders and decoders for every audio codec at its default frame size', () => {
    for (const codec of createDefaultCodecRegistry().audio()) {
      const ms = codec.frameDurationsMs[0] ?? 20;
      assert.equal(ms, 20, `${codec.name} defaults to 20 ms`);
      const n = (codec.sampleRate * ms) / 1000;
      const frame = Int16Array.from({ length: n }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 500 * i) / codec.sampleRate)));
      const payload = codec.createEncoder(codec.defaultFmtp).encode(frame);
      assert.ok(payload.length > 0);
      const dec = codec.createDecoder();
      assert.equal(dec.decode(payload).length, n, codec.name);
      assert.equal(dec.conceal(n).length, n, codec.name);
    }
  });
});
