import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OpusAudioDecoder, OpusAudioEncoder, opus } from '../../firmware/media/codecs/opus/opus-codec.js';
import { bandwidthForPlaybackRate, opusEncoderSettings } from '../../firmware/media/codecs/opus/opus-settings.js';
import { firstFrame, frameSamples48k, hasLbrr } from '../../firmware/media/codecs/opus/opus-toc.js';
import { parseFmtp } from '../../firmware/media/codecs/fmtp.js';
import { goertzelPower, zeroCrossingFrequency } from '../../firmware/media/dsp/tone-analysis.js';
import { speechFrame } from '../../scripts/trace-gen/speech-signal.js';

const FRAME = 960; // 20 ms at 48 kHz

function tone(frames: number, hz: number, amplitude: number): Int16Array {
  return Int16Array.from({ length: frames * FRAME }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 48000)));
}

/** Signal-to-error ratio of `x` against `truth`, dB. */
function snrDb(truth: Int16Array, x: Int16Array): number {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] ?? 0;
    signal += t * t;
    error += (t - (x[i] ?? 0)) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(1, error));
}

function rms(a: Int16Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / Math.max(1, a.length));
}

/** Encodes and decodes `x` frame by frame; returns the decoded signal and the packets. */
function roundTrip(x: Int16Array, fmtp?: string): { y: Int16Array; packets: Uint8Array[]; dec: OpusAudioDecoder } {
  const enc = new OpusAudioEncoder(fmtp);
  const dec = new OpusAudioDecoder();
  const y = new Int16Array(x.length);
  const packets: Uint8Array[] = [];
  for (let f = 0; f < x.length / FRAME; f++) {
    const p = enc.encode(x.subarray(f * FRAME, (f + 1) * FRAME));
    packets.push(p);
    const d = dec.decode(p);
    assert.equal(d.length, FRAME);
    y.set(d, f * FRAME);
  }
  return { y, packets, dec };
}

describe('Opus through @evan/opus', () => {
  it('carries a 1 kHz tone at 48 kHz mono at its frequency and level', () => {
    const x = tone(25, 1000, 10000);
    const { y } = roundTrip(x);
    // Past the encoder's look-ahead and start-up, 200 ms of steady tone.
    const tail = y.subarray(15 * FRAME);
    const f = zeroCrossingFrequency(tail, 48000);
    assert.ok(Math.abs(f - 1000) < 5, `decoded frequency ${f} Hz`);
    const level = 10 * Math.log10(goertzelPower(tail, 1000, 48000) / goertzelPower(x.subarray(15 * FRAME), 1000, 48000));
    assert.ok(Math.abs(level) < 1, `decoded level off by ${level.toFixed(2)} dB`);
    assert.ok(goertzelPower(tail, 3000, 48000) < goertzelPower(tail, 1000, 48000) / 1000, 'clean: no 3 kHz');
  });

  it('conceals a lost 20 ms packet with libopus PLC: right length, not silence after speech', () => {
    const { dec, y } = roundTrip(tone(10, 440, 8000));
    const plc = dec.conceal(FRAME);
    assert.equal(plc.length, FRAME);
    assert.ok(rms(plc) > 0.25 * rms(y.subarray(9 * FRAME)), `PLC level ${rms(plc)}`);
    assert.equal(dec.lastPacketSamples, FRAME);
    assert.equal(dec.stats.samplesConcealed, FRAME);
  });

  it('conceals gaps that are not whole packets, in 2.5 ms steps', () => {
    const { dec } = roundTrip(tone(5, 440, 8000));
    assert.equal(dec.conceal(480).length, 480);
    assert.equal(dec.conceal(1440).length, 1440);
    assert.throws(() => dec.conceal(100), RangeError);
  });

  it('recovers a lost frame from the next packet\'s in-band FEC, far closer than PLC gets', () => {
    const fmtp = 'useinbandfec=1; maxaveragebitrate=32000';
    const enc = new OpusAudioEncoder(fmtp);
    const packets = Array.from({ length: 50 }, (_, i) => enc.encode(speechFrame(i * FRAME, FRAME, 48000)));
    const reference = new OpusAudioDecoder();
    const clean = packets.map((p) => reference.decode(p));
    for (const lost of [20, 40]) {
      const withFec = new OpusAudioDecoder();
      const withPlc = new OpusAudioDecoder();
      for (const p of packets.slice(0, lost)) {
        withFec.decode(p);
        withPlc.decode(p);
      }
      const next = packets[lost + 1] ?? assert.fail();
      assert.ok(hasLbrr(next), 'the encoder was asked for FEC');
      const recovered = withFec.decodeFec(next, FRAME);
      const concealed = withPlc.conceal(FRAME);
      const truth = clean[lost] ?? assert.fail();
      const fecSnr = snrDb(truth, recovered);
      const plcSnr = snrDb(truth, concealed);
      assert.ok(fecSnr > 12 && fecSnr > plcSnr + 5, `frame ${lost}: FEC ${fecSnr.toFixed(1)} dB vs PLC ${plcSnr.toFixed(1)} dB`);
      // The state runs on from the recovered frame: the next packet decodes as cleanly as without the loss would.
      assert.ok(snrDb(clean[lost + 1] ?? assert.fail(), withFec.decode(next)) > 12);
      assert.deepEqual(withFec.stats, { framesDecoded: lost + 1, samplesConcealed: 0, samplesRecoveredByFec: FRAME });
    }
  });

  it('conceals instead when the next packet carries no FEC, and says so', () => {
    const enc = new OpusAudioEncoder('maxaveragebitrate=32000');
    const packets = Array.from({ length: 12 }, (_, i) => enc.encode(speechFrame(i * FRAME, FRAME, 48000)));
    assert.ok(!packets.some(hasLbrr), 'no LBRR unless asked');
    const dec = new OpusAudioDecoder();
    for (const p of packets.slice(0, 10)) dec.decode(p);
    assert.equal(dec.decodeFec?.(packets[11] ?? assert.fail(), FRAME).length, FRAME);
    assert.equal(dec.decodeFec?.(new Uint8Array(0), FRAME).length, FRAME, 'an empty packet is no FEC either');
    assert.deepEqual(dec.stats, { framesDecoded: 10, samplesConcealed: 2 * FRAME, samplesRecoveredByFec: 0 });
  });

  it('refuses an empty or oversized packet with a RangeError and keeps decoding', () => {
    const { dec, packets } = roundTrip(tone(3, 440, 8000));
    assert.throws(() => dec.decode(new Uint8Array(0)), RangeError);
    assert.throws(() => dec.decode(new Uint8Array(9000)), RangeError);
    assert.throws(() => dec.decode(Uint8Array.of(0xff, 0xff)), /libopus decode/);
    assert.equal(dec.decode(packets[2] ?? assert.fail()).length, FRAME);
  });

  it('refuses frames libopus cannot code', () => {
    assert.throws(() => new OpusAudioEncoder().encode(new Int16Array(1000)), RangeError);
  });
});

describe('Opus fmtp → encoder settings (RFC 7587 §6.1)', () => {
  it('parses fmtp parameters without regard to case or spacing', () => {
    const p = parseFmtp(' useinbandfec=1 ;USEDTX=0;  maxaveragebitrate = 20000 ; flag');
    assert.deepEqual([...p], [
      ['useinbandfec', '1'],
      ['usedtx', '0'],
      ['maxaveragebitrate', '20000'],
      ['flag', ''],
    ]);
  });

  it('follows the peer: bitrate cap, FEC, DTX, CBR, playback rate', () => {
    assert.deepEqual(opusEncoderSettings('useinbandfec=1; usedtx=0; maxaveragebitrate=20000'), {
      bitrate: 20000,
      inbandFec: true,
      packetLossPercent: 10,
      dtx: false,
      vbr: true,
      maxBandwidth: 'fullband',
    });
    assert.deepEqual(opusEncoderSettings('usedtx=1; cbr=1; maxplaybackrate=16000'), {
      bitrate: 32000,
      inbandFec: false,
      packetLossPercent: 0,
      dtx: true,
      vbr: false,
      maxBandwidth: 'wideband',
    });
    // Out-of-range caps are ignored (6000 … 510000), and a cap above ours does not raise ours.
    assert.equal(opusEncoderSettings('maxaveragebitrate=1000').bitrate, 32000);
    assert.equal(opusEncoderSettings('maxaveragebitrate=128000').bitrate, 32000);
    assert.equal(opusEncoderSettings(undefined).inbandFec, false);
    assert.deepEqual(
      [8000, 12000, 16000, 24000, 48000].map(bandwidthForPlaybackRate),
      ['narrowband', 'mediumband', 'wideband', 'superwideband', 'fullband'],
    );
  });

  it('applies the settings to libopus through its CTLs', () => {
    const enc = new OpusAudioEncoder('useinbandfec=1; usedtx=0; maxaveragebitrate=20000; maxplaybackrate=16000');
    assert.deepEqual(enc.applied(), {
      bitrate: 20000,
      inbandFec: true,
      dtx: false,
      vbr: true,
      packetLoss: 10,
      maxBandwidth: 'wideband',
    });
  });

  it('holds the bitrate the peer allows', () => {
    const x = tone(25, 700, 8000).map((v, i) => v + Math.round(3000 * Math.sin((2 * Math.PI * 2300 * i) / 48000)));
    // With cbr=1 every 20 ms packet carries exactly bitrate / 400 octets.
    const cbr = roundTrip(x, 'cbr=1; maxaveragebitrate=12000').packets;
    assert.ok(cbr.every((p) => p.length === 30), `sizes ${cbr.map((p) => p.length).join(' ')}`);
    const bytes = (fmtp: string): number => roundTrip(x, fmtp).packets.reduce((n, p) => n + p.length, 0);
    const low = bytes('maxaveragebitrate=8000');
    const high = bytes('maxaveragebitrate=32000');
    assert.ok(high > 2 * low, `32 kbit/s uses far more bits than 8 kbit/s (${high} vs ${low} bytes)`);
  });
});

describe('Opus packet reading (RFC 6716 §3.1, §3.2)', () => {
  it('knows each config frame duration', () => {
    assert.deepEqual([0, 1, 2, 3, 9, 12, 13, 14, 15, 16, 19, 28, 31].map(frameSamples48k), [
      480, 960, 1920, 2880, 960, 480, 960, 480, 960, 120, 960, 120, 960,
    ]);
  });

  it('finds the first frame for each frame-count code', () => {
    const silk20 = 9 << 3;
    assert.deepEqual(firstFrame(Uint8Array.of(silk20, 1, 2, 3)), { offset: 1, length: 3 }, 'code 0: one frame');
    assert.deepEqual(firstFrame(Uint8Array.of(silk20 | 1, 1, 2, 3, 4)), { offset: 1, length: 2 }, 'code 1: two equal frames');
    assert.equal(firstFrame(Uint8Array.of(silk20 | 1, 1, 2, 3)), undefined, 'code 1 with an odd length is malformed');
    assert.deepEqual(firstFrame(Uint8Array.of(silk20 | 2, 2, 7, 7, 8)), { offset: 2, length: 2 }, 'code 2: first length in one byte');
    const twoByte = new Uint8Array(3 + 4 * 1 + 252 + 1);
    twoByte.set([silk20 | 2, 252, 1]);
    assert.deepEqual(firstFrame(twoByte), { offset: 3, length: 256 }, 'code 2: 252 + 4 × 1');
    assert.equal(firstFrame(Uint8Array.of(silk20 | 2, 200, 1)), undefined, 'code 2: length beyond the packet');
    // Code 3, CBR, 3 frames of 2 bytes, 2 bytes of padding (count byte 0x43, padding length 2).
    assert.deepEqual(firstFrame(Uint8Array.of(silk20 | 3, 0x43, 2, 1, 1, 2, 2, 3, 3, 0, 0)), { offset: 3, length: 2 });
    // Code 3, VBR, 3 frames: lengths 1 and 2 coded, the last implied.
    assert.deepEqual(firstFrame(Uint8Array.of(silk20 | 3, 0x83, 1, 2, 9, 8, 8, 7)), { offset: 4, length: 1 });
    assert.equal(firstFrame(Uint8Array.of(silk20 | 3, 0x80)), undefined, 'code 3 with no frames');
    assert.equal(firstFrame(new Uint8Array(0)), undefined);
  });

  it('reads the LBRR flag after the VAD flags of SILK and hybrid packets only', () => {
    const silk20 = 9 << 3;
    assert.equal(hasLbrr(Uint8Array.of(silk20, 0b0100_0000)), true, 'VAD 0, LBRR 1');
    assert.equal(hasLbrr(Uint8Array.of(silk20, 0b1000_0000)), false, 'VAD 1, LBRR 0');
    const silk40 = 10 << 3; // two 20 ms SILK frames: two VAD flags, then LBRR
    assert.equal(hasLbrr(Uint8Array.of(silk40, 0b0010_0000)), true);
    assert.equal(hasLbrr(Uint8Array.of(silk40, 0b0100_0000)), false);
    assert.equal(hasLbrr(Uint8Array.of(31 << 3, 0xff)), false, 'CELT-only packets carry no LBRR');
    assert.equal(hasLbrr(Uint8Array.of(silk20)), false, 'an empty frame (DTX) carries none');
  });
});

describe('opus descriptor (RFC 7587 §7)', () => {
  it('says opus/48000/2 with the phone default fmtp, and codes 48 kHz mono', () => {
    assert.equal(opus.name, 'opus');
    assert.equal(opus.clockRate, 48000);
    assert.equal(opus.channels, 2);
    assert.equal(opus.sampleRate, 48000);
    assert.equal(opus.staticPayloadType, undefined);
    const fmtp = parseFmtp(opus.defaultFmtp);
    assert.equal(fmtp.get('useinbandfec'), '1');
    assert.equal(fmtp.get('usedtx'), '0');
    assert.ok(Number(fmtp.get('maxaveragebitrate')) >= 6000);
    const packet = opus.createEncoder(opus.defaultFmtp).encode(tone(1, 440, 5000));
    assert.equal(opus.createDecoder().decode(packet).length, FRAME);
  });
});
