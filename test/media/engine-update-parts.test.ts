import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { createDefaultCodecRegistry } from '../../firmware/media/codecs/default-registry.js';
import { CommandDispatcher } from '../../firmware/media/engine/command-dispatch.js';
import { dgramSocketFactory } from '../../firmware/media/engine/dgram-sockets.js';
import { MediaEngine } from '../../firmware/media/engine/media-engine.js';
import { isMediaRequest, type MediaCommand } from '../../firmware/media/engine/protocol.js';
import { createReceiveFormat, ReceiveFormats } from '../../firmware/media/engine/receive-formats.js';
import { ReceiveKeys } from '../../firmware/media/engine/receive-keys.js';
import {
  applyStreamChange,
  checkStreamConfig,
  resolveCodecs,
  sameSrtpKey,
  usableRemote,
  type StreamConfig,
} from '../../firmware/media/engine/stream-config.js';
import { formatCryptoLine, generateCryptoAttribute } from '../../firmware/media/srtp/sdes.js';
import { SrtpContext } from '../../firmware/media/srtp/srtp-context.js';
import { context, MASTER_SALT, mustProtect, rtpPacket } from './srtp-fixtures.js';

const registry = createDefaultCodecRegistry();

const BASE: StreamConfig = {
  id: 's',
  local: { host: '127.0.0.1', port: 0 },
  remote: { host: '192.0.2.10', port: 40000 },
  codec: { name: 'PCMU', payloadType: 0 },
  telephoneEvent: { payloadType: 101 },
  ptime: 30,
  direction: { send: true, recv: true },
  srtp: { send: 'k1', recv: 'k2' },
};

describe('applyStreamChange: what an update-stream leaves of a configuration', () => {
  it('keeps what the change leaves out, packet time included across a codec change', () => {
    const next = applyStreamChange(BASE, { codec: { name: 'G722', payloadType: 9 } });
    assert.deepEqual(next, { ...BASE, codec: { name: 'G722', payloadType: 9 } });
    assert.equal(next.ptime, 30);
    assert.deepEqual(applyStreamChange(BASE, {}), BASE);
  });

  it('null removes telephone-event and SRTP; absent keeps them', () => {
    const next = applyStreamChange(BASE, { telephoneEvent: null, srtp: null, direction: { send: false, recv: true } });
    assert.equal('telephoneEvent' in next, false);
    assert.equal('srtp' in next, false);
    assert.deepEqual(next.direction, { send: false, recv: true });
    assert.deepEqual(applyStreamChange(next, { remote: { host: '192.0.2.11', port: 40002 } }).remote, { host: '192.0.2.11', port: 40002 });
  });
});

describe('checkStreamConfig and usableRemote', () => {
  it('refuses a remote or direction that is not one, with the reason', () => {
    const { srtp: _srtp, ...plain } = BASE;
    assert.equal(checkStreamConfig(registry, plain).audio.name, 'PCMU');
    assert.throws(() => checkStreamConfig(registry, { ...plain, remote: { host: '', port: 4000 } }), /remote host is empty/);
    assert.throws(() => checkStreamConfig(registry, { ...plain, remote: { host: 'h', port: 0 } }), /remote RTP port 0/);
    assert.throws(() => checkStreamConfig(registry, { ...plain, remote: { host: 'h', port: 4000, rtcpPort: 1.5 } }), /remote RTCP port/);
    const noDirection = { ...plain, direction: { send: true } } as unknown as StreamConfig;
    assert.throws(() => checkStreamConfig(registry, noDirection), /direction needs send and recv/);
    // Before the answer there is no remote at all: that is allowed.
    const { remote: _remote, ...offering } = plain;
    assert.equal(checkStreamConfig(registry, offering).ptimeMs, 30);
  });

  it('an unspecified address (c=0.0.0.0, c=::) is no remote (RFC 3264 §8.4)', () => {
    assert.equal(usableRemote({ host: '0.0.0.0', port: 5000 }), undefined);
    assert.equal(usableRemote({ host: '::', port: 5000 }), undefined);
    assert.equal(usableRemote(undefined), undefined);
    assert.deepEqual(usableRemote({ host: '10.0.0.1', port: 5000 }), { host: '10.0.0.1', port: 5000 });
  });

  it('receive payload types may differ from the send ones (RFC 3264 §5.1), but not collide', () => {
    const asymmetric = { ...BASE, ptime: 20, codec: { name: 'opus', payloadType: 111, receivePayloadType: 96 }, telephoneEvent: { payloadType: 101, receivePayloadType: 97 } };
    assert.equal(resolveCodecs(registry, asymmetric).audio.name, 'opus');
    assert.throws(() => resolveCodecs(registry, { ...asymmetric, telephoneEvent: { payloadType: 101, receivePayloadType: 96 } }), /share a payload type/);
  });
});

describe('sameSrtpKey: a re-offer that repeats a key keeps its context', () => {
  const counting = (start: number) => (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (start + i) & 0xff));
  const one = generateCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', counting(0));
  const other = generateCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', counting(100));

  it('the same master key under another tag is the same key; another key or suite is not', () => {
    assert.equal(sameSrtpKey(formatCryptoLine(one), formatCryptoLine({ ...one, tag: 5 })), true);
    assert.equal(sameSrtpKey(formatCryptoLine(one), formatCryptoLine(other)), false);
    assert.equal(sameSrtpKey(formatCryptoLine(one), formatCryptoLine({ ...one, suite: 'AES_CM_128_HMAC_SHA1_32' })), false);
    assert.equal(sameSrtpKey('garbage', formatCryptoLine(one)), false);
    const [key] = one.keys;
    assert.ok(key);
    assert.equal(sameSrtpKey(formatCryptoLine(one), { suite: one.suite, masterKey: key.key, masterSalt: key.salt }), true);
  });
});

describe('ReceiveKeys: the old protection until the new one is proven in use', () => {
  const otherKey = Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex');
  const newKeyContext = (): SrtpContext => new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: otherKey, masterSalt: MASTER_SALT });

  it('new keys: old-key packets still pass until the first new-key packet, then only new ones', () => {
    const keys = new ReceiveKeys(context());
    const oldSender = context();
    const newSender = newKeyContext();
    assert.ok(keys.unprotectRtp(mustProtect(oldSender, rtpPacket(1))).ok);
    keys.replace(newKeyContext());
    assert.equal(keys.changing, true);
    const stillOld = keys.unprotectRtp(mustProtect(oldSender, rtpPacket(2)));
    assert.ok(stillOld.ok);
    assert.deepEqual(Buffer.from(stillOld.packet), rtpPacket(2));
    assert.equal(keys.changing, true);
    assert.ok(keys.unprotectRtp(mustProtect(newSender, rtpPacket(3))).ok);
    assert.equal(keys.changing, false);
    const late = keys.unprotectRtp(mustProtect(oldSender, rtpPacket(4)));
    assert.deepEqual(late, { ok: false, reason: 'auth' });
  });

  it('SRTP switched on: plain packets pass meanwhile, and no more once SRTP arrives', () => {
    const keys = new ReceiveKeys(undefined);
    keys.replace(context());
    assert.equal(keys.keyed, true);
    assert.ok(keys.unprotectRtp(rtpPacket(1)).ok);
    assert.ok(keys.unprotectRtp(mustProtect(context(), rtpPacket(2))).ok);
    assert.equal(keys.unprotectRtp(rtpPacket(3)).ok, false);
  });

  it('SRTP switched off: a packet still under the old key is decrypted, not passed on as plain RTP', () => {
    const keys = new ReceiveKeys(context());
    keys.replace(undefined);
    const sender = context();
    const old = keys.unprotectRtp(mustProtect(sender, rtpPacket(1)));
    assert.ok(old.ok);
    assert.deepEqual(Buffer.from(old.packet), rtpPacket(1));
    assert.equal(keys.changing, true);
    const plain = rtpPacket(2, { fill: 7 });
    const taken = keys.unprotectRtp(plain);
    assert.ok(taken.ok);
    assert.equal(taken.packet, plain);
    assert.equal(keys.changing, false);
  });
});

describe('ReceiveFormats: a new audio format is adopted on its first packet', () => {
  const clock = new VirtualClock();
  const resolve = (config: StreamConfig) => resolveCodecs(registry, config);
  const pcmu: StreamConfig = { ...BASE, ptime: 20 };
  const g722: StreamConfig = { ...pcmu, codec: { name: 'G722', payloadType: 9 } };

  it('accepts both formats until the new one is heard, then only the new', () => {
    const formats = new ReceiveFormats(createReceiveFormat(clock, resolve(pcmu), pcmu));
    assert.deepEqual([...formats.payloadTypes].sort((x, y) => x - y), [0, 13, 101]);
    const before = formats.current;
    formats.change(createReceiveFormat(clock, resolve(g722), g722, formats.current));
    assert.equal(formats.current, before);
    assert.deepEqual([...formats.payloadTypes].sort((x, y) => x - y), [0, 9, 13, 101]);
    assert.equal(formats.arrived(0), false, 'old-format packets do not switch');
    assert.equal(formats.arrived(9), true);
    assert.equal(formats.current.codec.name, 'G722');
    assert.notEqual(formats.current.jitter, before.jitter, 'a new codec gets a new jitter buffer');
    assert.deepEqual([...formats.payloadTypes].sort((x, y) => x - y), [9, 13, 101]);
    assert.equal(formats.pending, undefined);
  });

  it('a change that keeps the audio format takes effect at once and keeps the jitter buffer', () => {
    const formats = new ReceiveFormats(createReceiveFormat(clock, resolve(pcmu), pcmu));
    const jitter = formats.current.jitter;
    const moved: StreamConfig = { ...pcmu, telephoneEvent: { payloadType: 96 }, ptime: 40 };
    formats.change(createReceiveFormat(clock, resolve(moved), moved, formats.current));
    assert.equal(formats.current.jitter, jitter);
    assert.equal(formats.pending, undefined);
    assert.ok(formats.eventsFor(96));
    assert.equal(formats.eventsFor(101), undefined);
  });
});

describe('update-stream through the protocol and the dispatcher', () => {
  const clock = new VirtualClock();
  const engine = new MediaEngine({ clock, sockets: dgramSocketFactory, log: { warn: () => undefined } });
  const dispatcher = new CommandDispatcher({ engine, clock, emit: () => undefined, openDevices: () => Promise.reject(new Error('no devices')) });
  after(() => engine.shutdown());

  it('isMediaRequest takes an update-stream with a codec, keys and null fields', () => {
    const command: MediaCommand = {
      type: 'update-stream',
      streamId: 'x',
      codec: { name: 'G722', payloadType: 9 },
      ptime: 20,
      telephoneEvent: null,
      srtp: null,
    };
    assert.equal(isMediaRequest(structuredClone({ kind: 'request', requestId: 3, command })), true);
  });

  it('opens without a remote, applies a whole change, and refuses a bad one with its reason', async () => {
    const opened = await dispatcher.run({
      type: 'open-stream',
      stream: { id: 'x', local: { host: '127.0.0.1', port: 0 }, codec: { name: 'PCMU', payloadType: 0 }, direction: { send: false, recv: true } },
    });
    assert.ok(opened !== null && 'localPort' in opened && opened.localPort > 0);
    await dispatcher.run({
      type: 'update-stream',
      streamId: 'x',
      remote: { host: '127.0.0.1', port: 40000 },
      codec: { name: 'G722', payloadType: 9 },
      ptime: 40,
      direction: { send: true, recv: true },
    });
    const [s] = engine.stats('x');
    assert.deepEqual([s?.codec, s?.ptimeMs, s?.remote?.port, s?.direction.send, s?.localPort], ['G722', 40, 40000, true, opened.localPort]);
    await assert.rejects(dispatcher.run({ type: 'update-stream', streamId: 'x', codec: { name: 'G729', payloadType: 18 } }), /G729 is not available/);
    assert.equal(engine.stats('x')[0]?.codec, 'G722');
  });
});
