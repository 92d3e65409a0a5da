import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedI2cBus } from '../../drivers/emulated/i2c-bus.js';
import { EmulatedWm8960 } from '../../drivers/emulated/wm8960.js';
import { RecordingDelay } from '../../drivers/emulated/recording-delay.js';
import { isBusError } from '../../drivers/bus/errors.js';
import { Wm8960, WAVESHARE_WM8960_HAT_WIRING } from '../../drivers/codec/wm8960.js';
import type { Wm8960Options } from '../../drivers/codec/wm8960.js';
import type { CodecSampleRate } from '../../drivers/codec/audio-codec.js';

const ADDRESS = 0x1a;

function rig(options: Partial<Wm8960Options> = {}): {
  bus: EmulatedI2cBus;
  chip: EmulatedWm8960;
  delay: RecordingDelay;
  codec: Wm8960;
} {
  const bus = new EmulatedI2cBus('i2c1');
  const chip = new EmulatedWm8960();
  bus.attach(chip);
  const delay = new RecordingDelay();
  const codec = new Wm8960(bus, delay, { mclkHz: 24_000_000, ...options });
  return { bus, chip, delay, codec };
}

/** The I2C writes to the codec, two bytes each, as a logic analyser would list them. */
function writes(bus: EmulatedI2cBus): number[][] {
  return bus.log.filter((e) => e.address === ADDRESS && e.kind === 'write').map((e) => [...e.data]);
}

/** Byte pair for "R<reg> ← value" (datasheet control interface: reg<<1 | D8, D7..D0), written out by hand below. */
function rv(reg: number, value: number): number[] {
  return [(reg << 1) | (value >> 8), value & 0xff];
}

/** The writes from the first PLL (1) write (R52) through the ADC_ALC_SR write (R27) or R7 after. */
function clockingWrites(bus: EmulatedI2cBus): number[][] {
  const all = writes(bus);
  const start = all.findIndex((w) => w[0] === 0x68);
  const end = all.findIndex((w) => w[0] === 0x0e); // R7 Audio Interface (1) follows the clocking
  return all.slice(start, end);
}

describe('WM8960 driver: clocking from the 24 MHz MCLK (Table 39, PLL section)', () => {
  const cases: Array<[CodecSampleRate, number[][]]> = [
    [
      8000,
      [
        [0x68, 0x38], // R52 PLL (1): SDM=1 (fractional), PLLPRESCALE=1 (MCLK/2), PLLN=8
        [0x6a, 0x31], // R53 PLL (2): PLLK[23:16]
        [0x6c, 0x26], // R54 PLL (3): PLLK[15:8]
        [0x6e, 0xe9], // R55 PLL (4): PLLK[7:0] → K = 3126E9h
        [0x34, 0x01], // R26 Pwr Mgmt (2): PLL_EN
        [0x09, 0xb5], // R4 Clocking (1) = 1_1011_0101: ADCDIV=110 (/6), DACDIV=110, SYSCLKDIV=10 (/2), CLKSEL=1 (PLL)
        [0x36, 0x05], // R27 Additional Control (3): ADC_ALC_SR=101 (8 kHz)
      ],
    ],
    [
      16000,
      [
        [0x68, 0x38],
        [0x6a, 0x31],
        [0x6c, 0x26],
        [0x6e, 0xe9],
        [0x34, 0x01],
        [0x08, 0xdd], // R4 = 0_1101_1101: ADCDIV=011 (/3), DACDIV=011, SYSCLKDIV=10, CLKSEL=1
        [0x36, 0x03], // R27: ADC_ALC_SR=011 (16 kHz)
      ],
    ],
    [
      48000,
      [
        [0x68, 0x38],
        [0x6a, 0x31],
        [0x6c, 0x26],
        [0x6e, 0xe9],
        [0x34, 0x01],
        [0x08, 0x05], // R4 = 0_0000_0101: ADCDIV=DACDIV=000 (/1), SYSCLKDIV=10, CLKSEL=1
        // R27 stays at its reset value: ADC_ALC_SR=000 is 48 kHz, so nothing is written.
      ],
    ],
  ];
  for (const [rate, expected] of cases) {
    it(`writes R52-R55, PLL_EN and R4 for ${rate} Hz`, async () => {
      const { bus, codec, chip } = rig({ sampleRate: rate });
      await codec.init();
      assert.deepEqual(clockingWrites(bus), expected);
      assert.equal(chip.register(52), 0x038);
      assert.equal((chip.register(53) << 16) | (chip.register(54) << 8) | chip.register(55), 0x3126e9);
    });
  }

  it('changes only the dividers for a new rate, behind the DAC soft mute', async () => {
    const { bus, codec, delay, chip } = rig({ sampleRate: 8000 });
    await codec.init();
    bus.clearLog();
    delay.waitsUs.length = 0;
    await codec.setSampleRate(16000);
    assert.deepEqual(writes(bus), [
      rv(5, 0x008), // R5 ADC & DAC Control (1): DACMU=1
      [0x08, 0xdd], // R4 for 16 kHz
      [0x36, 0x03], // R27 ADC_ALC_SR for 16 kHz
      rv(5, 0x000), // DACMU=0
    ]);
    assert.deepEqual(delay.waitsUs, [70_000]);
    assert.equal(chip.register(4), 0x0dd);
  });

  it('refuses a rate the phone does not use', async () => {
    const { codec } = rig();
    await assert.rejects(codec.setSampleRate(44100 as CodecSampleRate), /44100 Hz is not one of/);
  });

  it('refuses at construction an MCLK the PLL cannot turn into 12.288 MHz', () => {
    const bus = new EmulatedI2cBus();
    assert.throws(() => new Wm8960(bus, new RecordingDelay(), { mclkHz: 100_000_000 }), /no PLL setting/);
  });
});

describe('WM8960 driver: power-up', () => {
  it('writes the full 8 kHz handset power-up in datasheet order', async () => {
    const { bus, codec, delay } = rig();
    await codec.init();
    assert.deepEqual(writes(bus), [
      rv(15, 0x000), // R15 reset
      rv(28, 0x09c), // R28 Anti-pop 1: POBCTRL, BUFDCOPEN, BUFIOEN, SOFT_ST
      rv(25, 0x080), // R25 Pwr Mgmt (1): VMIDSEL=01 (2 x 50k)
      rv(25, 0x0c0), // + VREF
      rv(28, 0x008), // anti-pop off, BUFIOEN kept
      rv(52, 0x038),
      rv(53, 0x031),
      rv(54, 0x026),
      rv(55, 0x0e9),
      rv(26, 0x001), // PLL_EN
      rv(4, 0x1b5), // 8 kHz dividers, SYSCLK from the PLL
      rv(27, 0x005),
      rv(7, 0x002), // R7 Audio Interface (1): I2S, 16-bit, MS=0 (slave)
      rv(6, 0x008), // R6: DACSMM (soft un-mute ramps)
      rv(32, 0x128), // R32 ADCL signal path: LMN1, LMICBOOST=10 (+20 dB), LMIC2B
      rv(33, 0x128),
      rv(0, 0x017), // R0: LINVOL=010111 (0 dB), un-muted, latched
      rv(1, 0x117), // R1: RINVOL 0 dB, IPVU updates both
      rv(47, 0x030), // R47 Pwr Mgmt (3): LMIC, RMIC
      rv(25, 0x0fe), // + AINL, AINR, ADCL, ADCR, MICB
      rv(34, 0x150), // R34 Left out Mix: LD2LO
      rv(37, 0x150), // R37 Right out Mix: RD2RO
      rv(47, 0x03c), // + LOMIX, ROMIX
      rv(26, 0x181), // + DACL, DACR
      rv(2, 0x079), // R2 LOUT1 0 dB (latched)
      rv(3, 0x179), // R3 ROUT1 0 dB + OUT1VU
      rv(40, 0x073), // R40 speaker −6 dB (latched)
      rv(41, 0x173), // R41 + SPKVU
      rv(26, 0x1e1), // + LOUT1, ROUT1 (handset on the headphone output)
      rv(5, 0x000), // R5: DACMU released last
    ]);
    assert.deepEqual(delay.waitsUs, [100_000, 250_000]);
    assert.equal(codec.state, 'ready');
  });

  it('brings up VMID, then VREF, before any converter or output, and un-mutes last', async () => {
    const { codec, chip } = rig({ output: 'speaker' });
    await codec.init();
    const h = chip.history;
    const index = (pred: (w: { reg: number; value: number }) => boolean): number => h.findIndex(pred);
    const reset = index((w) => w.reg === 15);
    const vmid = index((w) => w.reg === 25 && (w.value & 0x180) !== 0);
    const vref = index((w) => w.reg === 25 && (w.value & 0x040) !== 0);
    const adc = index((w) => w.reg === 25 && (w.value & 0x00c) !== 0);
    const dac = index((w) => w.reg === 26 && (w.value & 0x180) !== 0);
    const outputs = index((w) => w.reg === 26 && (w.value & 0x078) !== 0);
    const classD = index((w) => w.reg === 49 && (w.value & 0x0c0) === 0x0c0);
    const unmute = index((w) => w.reg === 5 && (w.value & 0x008) === 0);
    assert.ok(reset === 0, 'reset first');
    assert.ok(reset < vmid && vmid < vref, 'VMID then VREF');
    assert.ok(vref < adc && vref < dac, 'references before converters');
    assert.ok(dac < outputs && outputs < classD, 'DAC, then speaker PGAs, then class D enable');
    assert.equal(unmute, h.length - 1, 'DAC un-mute is the last write');
  });

  it('keeps its cache equal to the part for every register', async () => {
    const { codec, chip } = rig({ output: 'speaker', sampleRate: 16000 });
    await codec.init();
    await codec.setHeadphoneVolume(-10);
    await codec.setOutput('handset');
    for (let reg = 0; reg <= 55; reg++) {
      const cached = codec.cachedRegister(reg);
      if (cached === undefined || reg === 15) continue;
      assert.equal(cached, chip.register(reg), `R${reg}`);
    }
  });

  it('fails with no-ack and state "failed" when no codec answers', async () => {
    const bus = new EmulatedI2cBus('i2c1');
    const codec = new Wm8960(bus, new RecordingDelay(), { mclkHz: 24_000_000 });
    await assert.rejects(codec.init(), (e: unknown) => isBusError(e) && e.kind === 'no-ack');
    assert.equal(codec.state, 'failed');
  });

  it('powers down outputs first and references last, then waits for the discharge', async () => {
    const { bus, codec, chip, delay } = rig({ output: 'speaker' });
    await codec.init();
    bus.clearLog();
    delay.waitsUs.length = 0;
    await codec.powerDown();
    const list = writes(bus);
    assert.deepEqual(list[0], rv(5, 0x008), 'soft mute first');
    assert.deepEqual(list[1], rv(49, 0x037), 'class D off before its PGAs and clock');
    assert.deepEqual(list.at(-2), rv(28, 0x09c), 'anti-pop on');
    assert.deepEqual(list.at(-1), rv(25, 0x000), 'VMID and VREF off last');
    assert.equal(chip.register(26), 0x000);
    assert.deepEqual(delay.waitsUs, [70_000, 600_000]);
    assert.equal(codec.state, 'off');
    await codec.init();
    assert.equal(codec.state, 'ready');
    assert.equal(chip.resetCount, 2);
  });
});

describe('WM8960 driver: volumes, microphone gain, inputs and mute', () => {
  it('sets headphone volume left-latched then right with OUT1VU, clamped to -73..+6 dB', async () => {
    const { bus, codec, chip } = rig();
    await codec.init();
    bus.clearLog();
    assert.equal(await codec.setHeadphoneVolume(20), 6);
    assert.deepEqual(writes(bus), [rv(2, 0x07f), rv(3, 0x17f)]);
    assert.equal(await codec.setHeadphoneVolume(-100), -73);
    assert.equal(chip.register(2), 0x030);
    assert.equal(await codec.setHeadphoneVolume(-12.4), -12);
    assert.equal(chip.register(3) & 0x7f, 0x79 - 12);
  });

  it('sets speaker volume with SPKVU, clamped, and refuses NaN', async () => {
    const { bus, codec } = rig();
    await codec.init();
    bus.clearLog();
    assert.equal(await codec.setSpeakerVolume(99), 6);
    assert.equal(await codec.setSpeakerVolume(-80), -73);
    assert.deepEqual(writes(bus), [rv(40, 0x07f), rv(41, 0x17f), rv(40, 0x030), rv(41, 0x130)]);
    await assert.rejects(codec.setSpeakerVolume(Number.NaN), /not a number/);
  });

  it('records volumes set before init and applies them during init', async () => {
    const { codec, chip } = rig();
    assert.equal(await codec.setHeadphoneVolume(3), 3);
    assert.equal(chip.history.length, 0, 'nothing written before init');
    await codec.init();
    assert.equal(chip.register(2), 0x07c);
  });

  it('splits microphone gain between the boost stage and the PGA, clamped to -17.25..+59 dB', async () => {
    const { codec, chip } = rig();
    await codec.init();
    assert.equal(await codec.setMicBoost(35), 35); // +29 boost, +6 PGA
    assert.equal((chip.register(32) >> 4) & 3, 3);
    assert.equal(chip.register(0) & 0x3f, 23 + 8);
    assert.equal(await codec.setMicBoost(100), 59);
    assert.equal(chip.register(1) & 0x3f, 63);
    assert.equal(await codec.setMicBoost(-40), -17.25);
    assert.equal((chip.register(33) >> 4) & 3, 0);
    assert.equal(chip.register(1) & 0x3f, 0);
  });

  it('routes an input wired to INPUT2 straight into the boost mixer and powers the PGA down', async () => {
    const wiring = { ...WAVESHARE_WM8960_HAT_WIRING, inputs: { handset: 'INPUT1', speaker: 'INPUT1', headset: 'INPUT2' } } as const;
    const { codec, chip } = rig({ wiring, micGainDb: 20 });
    await codec.init();
    await codec.setInputSource('headset');
    assert.equal(chip.register(32), 0x000, 'LINPUT1 and the PGA disconnected');
    assert.equal(chip.register(43), 0x00e, 'LIN2BOOST=111 (+6 dB, the clamp of +20)');
    assert.equal(chip.register(44), 0x00e);
    assert.equal(chip.register(0) & 0x080, 0x080, 'PGA muted');
    assert.equal(chip.register(47) & 0x030, 0, 'LMIC/RMIC off');
    assert.equal(await codec.setMicBoost(-4), -3);
    assert.equal(chip.register(43), 4 << 1);
    await codec.setInputSource('handset');
    assert.equal(chip.register(32), 0x108, 'LMN1 and LMIC2B again; -4 dB needs no boost');
    assert.equal(chip.register(43), 0x000);
  });

  it('switches between headphone and speaker behind the soft mute', async () => {
    const { bus, codec, chip } = rig();
    await codec.init();
    bus.clearLog();
    await codec.setOutput('speaker');
    assert.deepEqual(writes(bus), [
      rv(5, 0x008),
      rv(26, 0x199), // DACL, DACR, SPKL, SPKR, PLL_EN; LOUT1/ROUT1 off
      rv(49, 0x0f7), // SPK_OP_EN=11 once the speaker PGAs are on
      rv(5, 0x000),
    ]);
    bus.clearLog();
    await codec.setOutput('headset');
    assert.deepEqual(writes(bus), [rv(5, 0x008), rv(49, 0x037), rv(26, 0x1e1), rv(5, 0x000)]);
    assert.equal(chip.register(26), 0x1e1);
  });

  it('mutes with DACMU and keeps a mute across an output switch', async () => {
    const { bus, codec, chip } = rig();
    await codec.init();
    await codec.mute(true);
    assert.equal(chip.register(5) & 0x008, 0x008);
    bus.clearLog();
    await codec.setOutput('speaker');
    assert.ok(!writes(bus).some((w) => w[0] === 0x0a), 'R5 untouched while muted');
    await codec.mute(false);
    assert.equal(chip.register(5) & 0x008, 0);
  });
});

describe('WM8960 driver: bus errors', () => {
  it('surfaces the NAK of a reserved register as BusError no-ack', async () => {
    const { codec, chip } = rig();
    await codec.init();
    const before = chip.history.length;
    await assert.rejects(codec.writeRegister(13, 0x001), (e: unknown) => isBusError(e) && e.kind === 'no-ack' && /R13/.test(e.message));
    assert.equal(chip.history.length, before, 'nothing stored');
    assert.equal(codec.cachedRegister(13), undefined);
    await codec.setHeadphoneVolume(1); // the queue is still usable after a failed write
    assert.equal(chip.register(2), 0x07a);
  });
});
