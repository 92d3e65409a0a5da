import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeAudioInSpec, parseAudioInSpec, parseAudioOutSpec } from '../../drivers/emulated/pcm-spec.js';

describe('--audio-in / --audio-out specs', () => {
  it('parses each --audio-in form', () => {
    assert.deepEqual(parseAudioInSpec('silence'), { kind: 'silence' });
    assert.deepEqual(parseAudioInSpec('tone:440'), { kind: 'tone', frequencyHz: 440 });
    assert.deepEqual(parseAudioInSpec('tone:697.5'), { kind: 'tone', frequencyHz: 697.5 });
    assert.deepEqual(parseAudioInSpec('/tmp/greeting.wav'), { kind: 'wav', path: '/tmp/greeting.wav', atEnd: 'silence' });
    assert.deepEqual(parseAudioInSpec('loop:music.WAV'), { kind: 'wav', path: 'music.WAV', atEnd: 'loop' });
  });

  it('refuses what it cannot play, saying what it accepts', () => {
    assert.throws(() => parseAudioInSpec('song.mp3'), /--audio-in "song\.mp3": expected <file\.wav>, loop:<file\.wav>, tone:<hz> or silence/);
    assert.throws(() => parseAudioInSpec('tone:'), /positive frequency/);
    assert.throws(() => parseAudioInSpec('tone:-5'), /positive frequency/);
    assert.throws(() => parseAudioInSpec('tone:1e3'), /positive frequency/);
    assert.throws(() => parseAudioInSpec('loop:song.mp3'), /ending in \.wav/);
  });

  it('parses --audio-out as a WAV path only', () => {
    assert.deepEqual(parseAudioOutSpec('out/call.wav'), { kind: 'wav', path: 'out/call.wav' });
    assert.throws(() => parseAudioOutSpec('silence'), /--audio-out "silence": expected a file name ending in \.wav/);
  });

  it('describes a spec in one line', () => {
    assert.equal(describeAudioInSpec(parseAudioInSpec('tone:1000')), '1000 Hz tone');
    assert.equal(describeAudioInSpec(parseAudioInSpec('loop:a.wav')), 'a.wav (looped)');
  });
});
