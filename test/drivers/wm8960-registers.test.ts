import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeWm8960Write,
  encodeWm8960Write,
  F,
  isWm8960Register,
  WM8960_RESET_VALUES,
  withField,
} from '../../drivers/codec/wm8960-registers.js';
import {
  adcAlcSampleRateCode,
  sampleRateDividerCode,
  wm8960PllSettings,
} from '../../drivers/codec/wm8960-clocking.js';
import { lineBoostCode, micGainCodes, outputVolumeCode, pgaVolumeCode } from '../../drivers/codec/wm8960-gain.js';

describe('WM8960 register map', () => {
  it('encodes a write as (reg << 1 | D8), D7..D0 and decodes it back', () => {
    assert.deepEqual([...encodeWm8960Write(4, 0x1b5)], [0x09, 0xb5]);
    assert.deepEqual([...encodeWm8960Write(55, 0x0e9)], [0x6e, 0xe9]);
    assert.deepEqual([...encodeWm8960Write(15, 0)], [0x1e, 0x00]);
    assert.deepEqual(decodeWm8960Write([0x35, 0xe1]), { address: 26, value: 0x1e1 });
    assert.throws(() => encodeWm8960Write(4, 0x200), /not 9 bits/);
    assert.throws(() => encodeWm8960Write(128, 0), /not 7 bits/);
  });

  it('knows which addresses are reserved', () => {
    const reserved = [12, 13, 14, 30, 31, 35, 36, 50, 56, 127];
    for (const r of reserved) assert.equal(isWm8960Register(r), false, `R${r}`);
    for (const r of [0, 11, 15, 29, 32, 34, 37, 49, 51, 55]) assert.equal(isWm8960Register(r), true, `R${r}`);
    assert.equal(WM8960_RESET_VALUES.size, 48);
  });

  it('places fields by the datasheet bit ranges and refuses values that do not fit', () => {
    // R4 = ADCDIV[8:6] DACDIV[5:3] SYSCLKDIV[2:1] CLKSEL[0]
    let r4 = 0;
    r4 = withField(r4, F.ADCDIV, 0b110);
    r4 = withField(r4, F.DACDIV, 0b110);
    r4 = withField(r4, F.SYSCLKDIV, 0b10);
    r4 = withField(r4, F.CLKSEL, 1);
    assert.equal(r4, 0x1b5);
    // R52 = OPCLKDIV[8:6] SDM[5] PLLPRESCALE[4] PLLN[3:0]
    assert.equal(withField(withField(withField(0x008, F.SDM, 1), F.PLLPRESCALE, 1), F.PLLN, 8), 0x038);
    assert.throws(() => withField(0, F.PLLN, 16), /does not fit/);
  });
});

describe('WM8960 clocking (PLL section, Tables 39 and 42)', () => {
  it('derives PLLPRESCALE /2, SYSCLKDIV /2, N=8, K=3126E9h for 24 MHz → 12.288 MHz', () => {
    assert.deepEqual(wm8960PllSettings(24_000_000), { prescale: 2, sysclkDivide: 2, n: 8, k: 0x3126e9, f2Hz: 98_304_000 });
  });

  it('gives the same ratio the part resets to (R52..R55 defaults: N=8, K=3126E9h) for 12 MHz', () => {
    const pll = wm8960PllSettings(12_000_000);
    assert.equal(pll.prescale, 1);
    assert.equal(pll.n, WM8960_RESET_VALUES.get(52)! & 0xf);
    assert.equal(pll.k, (WM8960_RESET_VALUES.get(53)! << 16) | (WM8960_RESET_VALUES.get(54)! << 8) | WM8960_RESET_VALUES.get(55)!);
  });

  it('matches Table 45 for the 44.1 kHz family: 24 MHz → 11.2896 MHz is N=7, K=86C226h', () => {
    const pll = wm8960PllSettings(24_000_000, 11_289_600);
    assert.equal(pll.n, 7);
    assert.equal(pll.k, 0x86c226);
  });

  it('maps 48/16/8 kHz to ADCDIV/DACDIV 000/011/110 and ADC_ALC_SR 000/011/101', () => {
    assert.deepEqual([48000, 16000, 8000].map((r) => sampleRateDividerCode(r)), [0b000, 0b011, 0b110]);
    assert.deepEqual(([48000, 16000, 8000] as const).map((r) => adcAlcSampleRateCode(r)), [0b000, 0b011, 0b101]);
    assert.throws(() => sampleRateDividerCode(44100), /not SYSCLK/);
  });
});

describe('WM8960 gain policy', () => {
  it('rounds output volume to 1 dB and clamps to -73..+6 dB (codes 30h..7Fh, 0 dB = 79h)', () => {
    assert.deepEqual(outputVolumeCode(0), { code: 0x79, dB: 0 });
    assert.deepEqual(outputVolumeCode(6.4), { code: 0x7f, dB: 6 });
    assert.deepEqual(outputVolumeCode(50), { code: 0x7f, dB: 6 });
    assert.deepEqual(outputVolumeCode(-73), { code: 0x30, dB: -73 });
    assert.deepEqual(outputVolumeCode(-200), { code: 0x30, dB: -73 });
    assert.throws(() => outputVolumeCode(Number.POSITIVE_INFINITY), /not a number/);
  });

  it('steps the input PGA by 0.75 dB from -17.25 to +30 dB', () => {
    assert.deepEqual(pgaVolumeCode(0), { code: 23, dB: 0 });
    assert.deepEqual(pgaVolumeCode(30), { code: 63, dB: 30 });
    assert.deepEqual(pgaVolumeCode(1), { code: 24, dB: 0.75 });
    assert.deepEqual(pgaVolumeCode(-99), { code: 0, dB: -17.25 });
  });

  it('puts as much microphone gain as it can into the boost stage', () => {
    assert.deepEqual(micGainCodes(20), { boostCode: 2, pgaCode: 23, dB: 20 });
    assert.deepEqual(micGainCodes(12), { boostCode: 0, pgaCode: 39, dB: 12 });
    assert.deepEqual(micGainCodes(13), { boostCode: 1, pgaCode: 23, dB: 13 });
    assert.deepEqual(micGainCodes(70), { boostCode: 3, pgaCode: 63, dB: 59 });
  });

  it('steps the input boost mixer by 3 dB from -12 to +6 dB', () => {
    assert.deepEqual(lineBoostCode(0), { code: 5, dB: 0 });
    assert.deepEqual(lineBoostCode(-100), { code: 1, dB: -12 });
    assert.deepEqual(lineBoostCode(100), { code: 7, dB: 6 });
  });
});
