import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ComfortNoiseGenerator, comfortNoiseRms, parseComfortNoise } from '../../firmware/media/jitter/comfort-noise.js';
import { rms } from './jitter-fixtures.js';

describe('RFC 3389 comfort noise', () => {
  it('§3: reads the level byte and the reflection coefficients after it', () => {
    const p = parseComfortNoise(Uint8Array.from([0x80 | 40, 127, 255, 0]));
    assert.ok(p);
    assert.equal(p.levelDbov, 40, 'the unused top bit is ignored');
    assert.deepEqual(p.reflection, [0, 1, -127 / 128]);
    assert.equal(parseComfortNoise(new Uint8Array(0)), undefined);
  });

  it('§3.1: 0 dBov is the µ-law full-scale square wave (±8031 × 4), 20 dB per decade below', () => {
    assert.equal(comfortNoiseRms(0), 32124);
    assert.ok(Math.abs(comfortNoiseRms(20) - 3212.4) < 0.01);
  });

  it('generates white noise at the level the packet gives', () => {
    const g = new ComfortNoiseGenerator();
    g.update({ levelDbov: 30, reflection: [] });
    const level = rms(g.generate(8000));
    assert.ok(Math.abs(level / comfortNoiseRms(30) - 1) < 0.05, `rms ${level}`);
  });

  it('shapes the spectrum with the reflection coefficients and keeps the level', () => {
    const g = new ComfortNoiseGenerator();
    g.update({ levelDbov: 30, reflection: [-0.8, 0.3] });
    const x = g.generate(16000);
    assert.ok(Math.abs(rms(x) / comfortNoiseRms(30) - 1) < 0.15, `rms ${rms(x)}`);
    // A strong first coefficient makes neighbouring samples correlate (a tilted spectrum).
    let xy = 0;
    let xx = 0;
    for (let i = 1; i < x.length; i++) {
      xy += (x[i] ?? 0) * (x[i - 1] ?? 0);
      xx += (x[i] ?? 0) ** 2;
    }
    assert.ok(Math.abs(xy / xx) > 0.5, `lag-1 correlation ${xy / xx}`);
  });
});
