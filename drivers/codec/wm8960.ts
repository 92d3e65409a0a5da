/**
 * WM8960 stereo codec control driver over I2C (datasheet: Cirrus Logic /
 * Wolfson WM8960 Production Data Rev 4.2; section and table names are cited
 * where each step is implemented).
 *
 * Board choices (Waveshare WM8960 Audio HAT on a Raspberry Pi):
 * - MCLK is the HAT's 24 MHz crystal; SYSCLK = 12.288 MHz through the PLL.
 * - The audio interface is I2S, 16-bit, with the codec as *slave*: the Pi's
 *   I2S block drives BCLK and LRCLK (MS = 0), so BCLKDIV is left alone.
 * - Wiring is board data (Wm8960Wiring). The default assumes the HAT's two
 *   onboard microphones on LINPUT1/RINPUT1 (not checked against the HAT's
 *   schematic), the handset or headset in the headphone jack (HP_L/HP_R),
 *   and the speakers on the class D outputs.
 *
 * The part cannot be read back, so every register write goes through a
 * cache that starts from the reset values and follows R15 resets.
 */
import type { Delay } from '../bus/clock.js';
import { i2cWrite } from '../bus/i2c.js';
import type { I2cBus } from '../bus/i2c.js';
import type { AudioCodec, AudioInput, AudioOutput, CodecSampleRate } from './audio-codec.js';
import { isCodecSampleRate } from './audio-codec.js';
import {
  adcAlcSampleRateCode,
  sampleRateDividerCode,
  sysclkDivCode,
  WM8960_SYSCLK_HZ,
  wm8960PllSettings,
} from './wm8960-clocking.js';
import type { Wm8960PllSettings } from './wm8960-clocking.js';
import { lineBoostCode, micGainCodes, outputVolumeCode } from './wm8960-gain.js';
import {
  encodeWm8960Write,
  F,
  FORMAT_I2S,
  R,
  SPK_OP_EN_BOTH,
  VMIDSEL_2X50K,
  VMIDSEL_OFF,
  WL_16_BIT,
  WM8960_I2C_ADDRESS,
  WM8960_RESET_VALUES,
  withField,
} from './wm8960-registers.js';
import type { Wm8960Field } from './wm8960-registers.js';

/** The codec's analogue inputs, left and right used as a pair. */
export type Wm8960InputPin = 'INPUT1' | 'INPUT2' | 'INPUT3';
/** HP_L/HP_R through LOUT1/ROUT1, or the class D speaker outputs through LOUT2/ROUT2. */
export type Wm8960OutputPath = 'headphone' | 'speaker';

/** How the board wires the phone's microphones and earpieces to the codec. */
export interface Wm8960Wiring {
  readonly inputs: Readonly<Record<AudioInput, Wm8960InputPin>>;
  readonly outputs: Readonly<Record<AudioOutput, Wm8960OutputPath>>;
  /** Power MICBIAS for electret microphones. */
  readonly micBias: boolean;
}

/** The Waveshare WM8960 HAT as assumed above: mics on INPUT1, handset/headset on the headphone jack. */
export const WAVESHARE_WM8960_HAT_WIRING: Wm8960Wiring = {
  inputs: { handset: 'INPUT1', speaker: 'INPUT1', headset: 'INPUT1' },
  outputs: { handset: 'headphone', speaker: 'speaker', headset: 'headphone' },
  micBias: true,
};

/** Waits in the power sequences; tests pass a RecordingDelay and check them. */
export interface Wm8960Timings {
  /** VMID charging through the 2 × 50 kΩ divider with soft start, before VREF is enabled. */
  readonly vmidRampMs: number;
  /** PLL lock before SYSCLK is switched to it (the Linux driver allows 250 ms). */
  readonly pllLockMs: number;
  /** Time for the DAC soft-mute ramp to reach silence before an output or the clock dividers change. */
  readonly softMuteMs: number;
  /** VMID and output discharge after power-down (the Linux driver's WM8960_DSCH_TOUT). */
  readonly dischargeMs: number;
}

export const WM8960_DEFAULT_TIMINGS: Wm8960Timings = {
  vmidRampMs: 100,
  pllLockMs: 250,
  softMuteMs: 70,
  dischargeMs: 600,
};

export interface Wm8960Options {
  /** The MCLK the board feeds the codec (24 MHz on the Waveshare HAT). */
  readonly mclkHz: number;
  readonly address?: number;
  readonly wiring?: Wm8960Wiring;
  readonly timings?: Wm8960Timings;
  /** Settings init() starts with; each setter changes them. */
  readonly sampleRate?: CodecSampleRate;
  readonly output?: AudioOutput;
  readonly input?: AudioInput;
  readonly headphoneVolumeDb?: number;
  readonly speakerVolumeDb?: number;
  readonly micGainDb?: number;
}

/*
 * States and allowed transitions:
 *   uninitialised → initialising            init()
 *   initialising  → ready | failed          the power-up sequence finished or a write failed
 *   ready         → initialising            init() again (reset and power up afresh)
 *   ready | failed → powering-down          powerDown()
 *   powering-down → off | failed
 *   off | failed  → initialising            init()
 * Setters write to the part only in `ready`; otherwise they record what init() will apply.
 */
export type Wm8960State = 'uninitialised' | 'initialising' | 'ready' | 'powering-down' | 'off' | 'failed';

const ALLOWED: Readonly<Record<Wm8960State, readonly Wm8960State[]>> = {
  uninitialised: ['initialising'],
  initialising: ['ready', 'failed'],
  ready: ['initialising', 'powering-down'],
  'powering-down': ['off', 'failed'],
  off: ['initialising'],
  failed: ['initialising', 'powering-down'],
};

type FieldChange = readonly [Wm8960Field, number];

export class Wm8960 implements AudioCodec {
  readonly name: string;
  readonly address: number;
  private readonly bus: I2cBus;
  private readonly delay: Delay;
  private readonly wiring: Wm8960Wiring;
  private readonly timings: Wm8960Timings;
  private readonly pll: Wm8960PllSettings;
  private cache = new Map<number, number>(WM8960_RESET_VALUES);
  private currentState: Wm8960State = 'uninitialised';
  /** Serialises operations so read-modify-write of the cache never interleaves. */
  private queue: Promise<unknown> = Promise.resolve();

  private sampleRate: CodecSampleRate;
  private output: AudioOutput;
  private input: AudioInput;
  private headphoneDb: number;
  private speakerDb: number;
  private micDb: number;
  private muted = false;

  constructor(bus: I2cBus, delay: Delay, options: Wm8960Options) {
    this.bus = bus;
    this.delay = delay;
    this.address = options.address ?? WM8960_I2C_ADDRESS;
    this.name = `WM8960 @0x${this.address.toString(16)} on ${bus.name}`;
    this.wiring = options.wiring ?? WAVESHARE_WM8960_HAT_WIRING;
    this.timings = options.timings ?? WM8960_DEFAULT_TIMINGS;
    // Checked now, so a board with an unusable MCLK fails at start with a clear error.
    this.pll = wm8960PllSettings(options.mclkHz, WM8960_SYSCLK_HZ);
    this.sampleRate = checkedRate(options.sampleRate ?? 8000);
    this.output = options.output ?? 'handset';
    this.input = options.input ?? 'handset';
    this.headphoneDb = outputVolumeCode(options.headphoneVolumeDb ?? 0).dB;
    this.speakerDb = outputVolumeCode(options.speakerVolumeDb ?? -6).dB;
    this.micDb = options.micGainDb ?? 20;
  }

  get state(): Wm8960State {
    return this.currentState;
  }

  /** The driver's copy of register `address` (the part itself cannot be read). */
  cachedRegister(address: number): number | undefined {
    return this.cache.get(address);
  }

  init(): Promise<void> {
    return this.exclusive(async () => {
      this.transition('initialising');
      try {
        await this.powerUp();
      } catch (e) {
        this.transition('failed');
        throw e;
      }
      this.transition('ready');
    });
  }

  async setSampleRate(rate: CodecSampleRate): Promise<void> {
    const checked = checkedRate(rate);
    return await this.exclusive(async () => {
      this.sampleRate = checked;
      if (this.currentState !== 'ready') return;
      // Dividers change only behind a soft mute: a rate step mid-signal clicks.
      await this.whileMuted(() => this.applySampleRate());
    });
  }

  setOutput(output: AudioOutput): Promise<void> {
    return this.exclusive(async () => {
      this.output = output;
      if (this.currentState !== 'ready') return;
      await this.whileMuted(() => this.applyOutput());
    });
  }

  setInputSource(input: AudioInput): Promise<void> {
    return this.exclusive(async () => {
      this.input = input;
      if (this.currentState === 'ready') await this.applyInput();
    });
  }

  async setHeadphoneVolume(dB: number): Promise<number> {
    const choice = outputVolumeCode(dB);
    return await this.exclusive(async () => {
      this.headphoneDb = choice.dB;
      if (this.currentState === 'ready') await this.applyHeadphoneVolume();
      return choice.dB;
    });
  }

  async setSpeakerVolume(dB: number): Promise<number> {
    const choice = outputVolumeCode(dB);
    return await this.exclusive(async () => {
      this.speakerDb = choice.dB;
      if (this.currentState === 'ready') await this.applySpeakerVolume();
      return choice.dB;
    });
  }

  async setMicBoost(dB: number): Promise<number> {
    micGainCodes(dB); // refuses NaN before anything is queued
    return await this.exclusive(async () => {
      this.micDb = dB;
      if (this.currentState === 'ready') return this.applyInput();
      return this.micGainFor(this.wiring.inputs[this.input], dB);
    });
  }

  mute(on: boolean): Promise<void> {
    return this.exclusive(async () => {
      this.muted = on;
      if (this.currentState === 'ready') await this.update(R.ADC_DAC_CONTROL_1, [[F.DACMU, on ? 1 : 0]]);
    });
  }

  /**
   * A raw register write for bench tuning, through the cache. The driver does
   * not second-guess the address: a reserved one is NAKed by the part and the
   * BusError ('no-ack') comes back to the caller.
   */
  async writeRegister(address: number, value: number): Promise<void> {
    encodeWm8960Write(address, value); // refuses values that do not fit before anything is queued
    return await this.exclusive(() => this.write(address, value));
  }

  /** Nothing to do before init() or after a power-down. */
  powerDown(): Promise<void> {
    return this.exclusive(async () => {
      if (this.currentState !== 'ready' && this.currentState !== 'failed') return;
      this.transition('powering-down');
      try {
        await this.powerDownSequence();
      } catch (e) {
        this.transition('failed');
        throw e;
      }
      this.transition('off');
    });
  }

  /*
   * Power-up, references first and outputs last (datasheet "Power
   * Management", "Anti-pop" (R28/R29) and "Enabling the Outputs"; the order
   * the Linux wm8960 driver uses for its standby bias level):
   *   1. R15 reset.
   *   2. Anti-pop on: output bias from the start-up source (POBCTRL), VMID
   *      soft start (SOFT_ST), buffered VMID on the outputs and unused I/O.
   *   3. VMID through 2 × 50 kΩ; wait for it to ramp.  4. VREF on.
   *   5. Anti-pop off again, keeping buffered VMID on unused I/O (BUFIOEN).
   *   6. PLL, then SYSCLK from it, ADC/DAC dividers.  7. Audio interface.
   *   8. Capture path and ADCs.  9. DACs and the output mixers, volumes,
   *   then the output drivers (class D only once SYSCLK runs, Table 26).
   *  10. Last, the DAC soft mute is released (it resets to muted).
   */
  private async powerUp(): Promise<void> {
    await this.write(R.RESET, 0);
    await this.write(R.ANTI_POP_1, bits([F.POBCTRL, F.BUFDCOPEN, F.BUFIOEN, F.SOFT_ST]));
    await this.update(R.POWER_MGMT_1, [[F.VMIDSEL, VMIDSEL_2X50K]]);
    await this.delay.delayMs(this.timings.vmidRampMs);
    await this.update(R.POWER_MGMT_1, [[F.VREF, 1]]);
    await this.write(R.ANTI_POP_1, bits([F.BUFIOEN]));

    await this.configurePll();
    await this.applySampleRate();
    await this.update(R.AUDIO_INTERFACE_1, [
      [F.MS, 0],
      [F.WL, WL_16_BIT],
      [F.FORMAT, FORMAT_I2S],
    ]);
    // Un-mute ramps back up gradually (DACSMM), so releasing DACMU does not click.
    await this.update(R.ADC_DAC_CONTROL_2, [[F.DACSMM, 1]]);

    await this.applyInput();
    await this.update(R.POWER_MGMT_1, [
      [F.AINL, 1],
      [F.AINR, 1],
      [F.ADCL, 1],
      [F.ADCR, 1],
      [F.MICB, this.wiring.micBias ? 1 : 0],
    ]);

    await this.update(R.LEFT_OUT_MIX, [[F.LD2LO, 1]]);
    await this.update(R.RIGHT_OUT_MIX, [[F.RD2RO, 1]]);
    await this.update(R.POWER_MGMT_3, [
      [F.LOMIX, 1],
      [F.ROMIX, 1],
    ]);
    await this.update(R.POWER_MGMT_2, [
      [F.DACL, 1],
      [F.DACR, 1],
    ]);
    await this.applyHeadphoneVolume();
    await this.applySpeakerVolume();
    await this.applyOutput();
    await this.update(R.ADC_DAC_CONTROL_1, [[F.DACMU, this.muted ? 1 : 0]]);
  }

  /*
   * Power-down, the reverse (Linux wm8960 "bias off"): soft-mute, outputs
   * off (class D first), converters and PLL off, then anti-pop on and
   * VMID/VREF off, and time for VMID to discharge before any re-init.
   */
  private async powerDownSequence(): Promise<void> {
    await this.update(R.ADC_DAC_CONTROL_1, [[F.DACMU, 1]]);
    await this.delay.delayMs(this.timings.softMuteMs);
    await this.update(R.CLASS_D_CONTROL_1, [[F.SPK_OP_EN, 0]]);
    await this.update(R.POWER_MGMT_2, [
      [F.LOUT1, 0],
      [F.ROUT1, 0],
      [F.SPKL, 0],
      [F.SPKR, 0],
    ]);
    await this.update(R.POWER_MGMT_2, [
      [F.DACL, 0],
      [F.DACR, 0],
    ]);
    await this.update(R.POWER_MGMT_1, [
      [F.AINL, 0],
      [F.AINR, 0],
      [F.ADCL, 0],
      [F.ADCR, 0],
      [F.MICB, 0],
    ]);
    await this.update(R.POWER_MGMT_3, [
      [F.LMIC, 0],
      [F.RMIC, 0],
      [F.LOMIX, 0],
      [F.ROMIX, 0],
    ]);
    // SYSCLK back to MCLK before the PLL stops, as when changing PLL settings.
    await this.update(R.CLOCKING_1, [[F.CLKSEL, 0]]);
    await this.update(R.POWER_MGMT_2, [[F.PLL_EN, 0]]);
    await this.write(R.ANTI_POP_1, bits([F.POBCTRL, F.BUFDCOPEN, F.BUFIOEN, F.SOFT_ST]));
    await this.update(R.POWER_MGMT_1, [
      [F.VMIDSEL, VMIDSEL_OFF],
      [F.VREF, 0],
    ]);
    await this.delay.delayMs(this.timings.dischargeMs);
  }

  /*
   * "PLL": R52 (SDM fractional mode when K ≠ 0, PLLPRESCALE, PLLN), R53..R55
   * (PLLK[23:16], [15:8], [7:0]), then PLL_EN (R26 bit 0). All four PLL
   * registers are written even where K equals the reset value, so the
   * configuration never relies on what the part was left holding.
   */
  private async configurePll(): Promise<void> {
    const { prescale, n, k } = this.pll;
    let r52 = this.reg(R.PLL_1);
    r52 = withField(r52, F.SDM, k !== 0 ? 1 : 0);
    r52 = withField(r52, F.PLLPRESCALE, prescale === 2 ? 1 : 0);
    r52 = withField(r52, F.PLLN, n);
    await this.write(R.PLL_1, r52);
    await this.write(R.PLL_2, (k >> 16) & 0xff);
    await this.write(R.PLL_3, (k >> 8) & 0xff);
    await this.write(R.PLL_4, k & 0xff);
    await this.update(R.POWER_MGMT_2, [[F.PLL_EN, 1]]);
    await this.delay.delayMs(this.timings.pllLockMs);
  }

  /** R4 (Table 39): SYSCLK from the PLL (CLKSEL), SYSCLKDIV, ADCDIV = DACDIV; R27 ADC_ALC_SR (Table 42). */
  private async applySampleRate(): Promise<void> {
    const divider = sampleRateDividerCode(this.sampleRate, WM8960_SYSCLK_HZ);
    await this.update(R.CLOCKING_1, [
      [F.ADCDIV, divider],
      [F.DACDIV, divider],
      [F.SYSCLKDIV, sysclkDivCode(this.pll.sysclkDivide)],
      [F.CLKSEL, 1],
    ]);
    await this.update(R.ADDITIONAL_CONTROL_3, [[F.ADC_ALC_SR, adcAlcSampleRateCode(this.sampleRate)]]);
  }

  /** Table 26: the headphone PGAs, or the speaker PGAs and then SPK_OP_EN (which needs SYSCLK running). */
  private async applyOutput(): Promise<void> {
    const speaker = this.wiring.outputs[this.output] === 'speaker';
    if (!speaker) await this.update(R.CLASS_D_CONTROL_1, [[F.SPK_OP_EN, 0]]);
    await this.update(R.POWER_MGMT_2, [
      [F.LOUT1, speaker ? 0 : 1],
      [F.ROUT1, speaker ? 0 : 1],
      [F.SPKL, speaker ? 1 : 0],
      [F.SPKR, speaker ? 1 : 0],
    ]);
    if (speaker) await this.update(R.CLASS_D_CONTROL_1, [[F.SPK_OP_EN, SPK_OP_EN_BOTH]]);
  }

  /** Left with its update bit clear (held in the latch), then right with it set: both change together. */
  private async applyHeadphoneVolume(): Promise<void> {
    const { code } = outputVolumeCode(this.headphoneDb);
    await this.writeFields(R.LOUT1_VOLUME, [
      [F.LOUT1VOL, code],
      [F.OUT1VU_L, 0],
    ]);
    await this.writeFields(R.ROUT1_VOLUME, [
      [F.ROUT1VOL, code],
      [F.OUT1VU_R, 1],
    ]);
  }

  private async applySpeakerVolume(): Promise<void> {
    const { code } = outputVolumeCode(this.speakerDb);
    await this.writeFields(R.LOUT2_VOLUME, [
      [F.SPKLVOL, code],
      [F.SPKVU_L, 0],
    ]);
    await this.writeFields(R.ROUT2_VOLUME, [
      [F.SPKRVOL, code],
      [F.SPKVU_R, 1],
    ]);
  }

  /*
   * "Input Signal Path". INPUT1: LINPUT1 into the PGA's inverting input
   * (LMN1, non-inverting input on VMID), PGA into the boost mixer (LMIC2B)
   * with LMICBOOST; the gain is split by micGainCodes(). INPUT2/INPUT3:
   * straight into the input boost mixer (LIN2BOOST/LIN3BOOST, −12..+6 dB),
   * PGA disconnected, muted and powered down. Right channel mirrors left.
   * Resolves with the gain actually set.
   */
  private async applyInput(): Promise<number> {
    const pin = this.wiring.inputs[this.input];
    const viaPga = pin === 'INPUT1';
    const mic = micGainCodes(this.micDb);
    const line = lineBoostCode(this.micDb);
    for (const side of [LEFT_INPUT, RIGHT_INPUT]) {
      await this.update(side.path, [
        [side.n1, viaPga ? 1 : 0],
        [side.p2, 0],
        [side.p3, 0],
        [side.micBoost, viaPga ? mic.boostCode : 0],
        [side.mic2b, viaPga ? 1 : 0],
      ]);
      await this.update(side.boostMixer, [
        [side.in2boost, pin === 'INPUT2' ? line.code : 0],
        [side.in3boost, pin === 'INPUT3' ? line.code : 0],
      ]);
    }
    await this.writeFields(R.LEFT_INPUT_VOLUME, [
      [F.LINVOL, mic.pgaCode],
      [F.LINMUTE, viaPga ? 0 : 1],
      [F.IPVU_L, 0],
    ]);
    await this.writeFields(R.RIGHT_INPUT_VOLUME, [
      [F.RINVOL, mic.pgaCode],
      [F.RINMUTE, viaPga ? 0 : 1],
      [F.IPVU_R, 1],
    ]);
    await this.update(R.POWER_MGMT_3, [
      [F.LMIC, viaPga ? 1 : 0],
      [F.RMIC, viaPga ? 1 : 0],
    ]);
    return viaPga ? mic.dB : line.dB;
  }

  private micGainFor(pin: Wm8960InputPin, dB: number): number {
    return pin === 'INPUT1' ? micGainCodes(dB).dB : lineBoostCode(dB).dB;
  }

  /** Runs `change` behind the DAC soft mute, restoring the caller's mute state after. */
  private async whileMuted(change: () => Promise<unknown>): Promise<void> {
    if (!this.muted) {
      await this.update(R.ADC_DAC_CONTROL_1, [[F.DACMU, 1]]);
      await this.delay.delayMs(this.timings.softMuteMs);
    }
    await change();
    if (!this.muted) await this.update(R.ADC_DAC_CONTROL_1, [[F.DACMU, 0]]);
  }

  private reg(address: number): number {
    const value = this.cache.get(address);
    if (value === undefined) throw new RangeError(`${this.name}: R${address} is not a WM8960 register`);
    return value;
  }

  /** Writes the register (always), then records it; R15 returns the whole cache to reset values. */
  private async write(address: number, value: number): Promise<void> {
    await i2cWrite(this.bus, this.address, encodeWm8960Write(address, value));
    if (address === R.RESET) this.cache = new Map(WM8960_RESET_VALUES);
    else this.cache.set(address, value);
  }

  /** Read-modify-write of some fields, always written (for the volume-update latches). */
  private async writeFields(address: number, changes: readonly FieldChange[]): Promise<void> {
    await this.write(address, applyChanges(this.reg(address), changes));
  }

  /** Read-modify-write that skips the bus when nothing changes (as regmap's update_bits). */
  private async update(address: number, changes: readonly FieldChange[]): Promise<void> {
    const before = this.reg(address);
    const after = applyChanges(before, changes);
    if (after !== before) await this.write(address, after);
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private transition(to: Wm8960State): void {
    if (!ALLOWED[this.currentState].includes(to)) {
      throw new Error(`${this.name}: cannot go from ${this.currentState} to ${to}`);
    }
    this.currentState = to;
  }
}

interface InputSide {
  readonly path: number;
  readonly n1: Wm8960Field;
  readonly p2: Wm8960Field;
  readonly p3: Wm8960Field;
  readonly micBoost: Wm8960Field;
  readonly mic2b: Wm8960Field;
  readonly boostMixer: number;
  readonly in2boost: Wm8960Field;
  readonly in3boost: Wm8960Field;
}

const LEFT_INPUT: InputSide = {
  path: R.ADCL_SIGNAL_PATH,
  n1: F.LMN1,
  p2: F.LMP2,
  p3: F.LMP3,
  micBoost: F.LMICBOOST,
  mic2b: F.LMIC2B,
  boostMixer: R.LEFT_INPUT_BOOST_MIXER,
  in2boost: F.LIN2BOOST,
  in3boost: F.LIN3BOOST,
};

const RIGHT_INPUT: InputSide = {
  path: R.ADCR_SIGNAL_PATH,
  n1: F.RMN1,
  p2: F.RMP2,
  p3: F.RMP3,
  micBoost: F.RMICBOOST,
  mic2b: F.RMIC2B,
  boostMixer: R.RIGHT_INPUT_BOOST_MIXER,
  in2boost: F.RIN2BOOST,
  in3boost: F.RIN3BOOST,
};

function applyChanges(value: number, changes: readonly FieldChange[]): number {
  return changes.reduce((v, [f, x]) => withField(v, f, x), value);
}

/** A register value with each one-bit field set. */
function bits(fields: readonly Wm8960Field[]): number {
  return fields.reduce((v, f) => withField(v, f, 1), 0);
}

function checkedRate(rate: number): CodecSampleRate {
  if (!isCodecSampleRate(rate)) throw new RangeError(`WM8960: ${rate} Hz is not one of 8000, 16000, 48000`);
  return rate;
}
