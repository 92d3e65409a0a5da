/**
 * The tones a person hears, through the real media worker and the emulated
 * earpiece: dial tone of the configured country while the handset is up.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';
import { decodeWav } from '../peers/wav.js';
import { goertzelPower } from '../../firmware/media/dsp/tone-analysis.js';

/** Share of the recording's energy at the given frequencies, over the loud 20 ms frames. */
function energyShare(samples: Int16Array, rate: number, freqs: readonly number[]): { loudFrames: number; share: number } {
  const n = rate / 50;
  let loud = 0;
  let tone = 0;
  let total = 0;
  for (let i = 0; i + n <= samples.length; i += n) {
    const frame = samples.subarray(i, i + n);
    let ms = 0;
    for (const v of frame) ms += (v / 32768) ** 2;
    ms /= n;
    if (ms < (100 / 32768) ** 2) continue;
    loud++;
    tone += freqs.reduce((a, f) => a + goertzelPower(frame, f, rate), 0);
    total += ms / 2;
  }
  return { loudFrames: loud, share: total === 0 ? 0 : tone / total };
}

describe('call-progress tones through the media worker', { timeout: 60_000 }, () => {
  for (const [country, freqs] of [
    ['United States', [350, 440]],
    ['Germany', [425]],
  ] as const) {
    it(`plays the ${country} dial tone while the handset is up`, async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'deskphone-tone-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const out = path.join(dir, 'earpiece.wav');
      const phone = await startPhoneUnderTest(accountsCfg([], [`voice.tone.country = ${country}`]), { extraArgs: ['--audio-out', out] });
      t.after(() => phone.stop());
      assert.equal((await phone.console.command('hook off')).status, 'OK');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await phone.console.command('keys 5')).status, 'OK');
      await new Promise((r) => setTimeout(r, 600));
      await phone.stop();
      const wav = decodeWav(readFileSync(out));
      const heard = energyShare(wav.samples, wav.sampleRate, freqs);
      assert.ok(heard.loudFrames >= 40, `about 1.5 s of tone, got ${heard.loudFrames} loud frames`);
      assert.ok(heard.loudFrames <= 110, `the tone stopped at the first digit: ${heard.loudFrames} loud frames`);
      assert.ok(heard.share > 0.9, `the energy is at ${freqs.join('+')} Hz: ${heard.share.toFixed(3)}`);
    });
  }
});
