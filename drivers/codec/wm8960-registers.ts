/**
 * The WM8960 register file as data, from the datasheet's "Register Map" and
 * the per-block register tables it summarises (Cirrus Logic / Wolfson WM8960
 * Production Data, Rev 4.2). Registers are 9 bits wide, addressed by 7 bits.
 *
 * The part is write-only over its 2-wire interface (no register read-back),
 * so a driver must keep a cache that starts from these reset values and
 * follows every write, R15 included.
 */

/** 7-bit I2C address with CSB/ADDR low, as on the Waveshare WM8960 HAT. */
export const WM8960_I2C_ADDRESS = 0x1a;

/** The highest address the register map defines (R55, PLL (4)). */
export const WM8960_LAST_REGISTER = 55;

/** Register addresses, named as in the datasheet's register map. */
export const R = {
  LEFT_INPUT_VOLUME: 0, // R0 (00h) Left Input volume
  RIGHT_INPUT_VOLUME: 1, // R1 (01h) Right Input volume
  LOUT1_VOLUME: 2, // R2 (02h) LOUT1 volume (headphone left)
  ROUT1_VOLUME: 3, // R3 (03h) ROUT1 volume (headphone right)
  CLOCKING_1: 4, // R4 (04h) Clocking (1)
  ADC_DAC_CONTROL_1: 5, // R5 (05h) ADC & DAC Control (1)
  ADC_DAC_CONTROL_2: 6, // R6 (06h) ADC & DAC Control (2)
  AUDIO_INTERFACE_1: 7, // R7 (07h) Audio Interface (1)
  CLOCKING_2: 8, // R8 (08h) Clocking (2)
  AUDIO_INTERFACE_2: 9, // R9 (09h) Audio Interface (2)
  LEFT_DAC_VOLUME: 10, // R10 (0Ah) Left DAC volume
  RIGHT_DAC_VOLUME: 11, // R11 (0Bh) Right DAC volume
  RESET: 15, // R15 (0Fh) Reset: writing any value resets every register
  CONTROL_3D: 16, // R16 (10h) 3D control
  ALC_1: 17, // R17 (11h) ALC1
  ALC_2: 18, // R18 (12h) ALC2
  ALC_3: 19, // R19 (13h) ALC3
  NOISE_GATE: 20, // R20 (14h) Noise Gate
  LEFT_ADC_VOLUME: 21, // R21 (15h) Left ADC volume
  RIGHT_ADC_VOLUME: 22, // R22 (16h) Right ADC volume
  ADDITIONAL_CONTROL_1: 23, // R23 (17h) Additional control (1)
  ADDITIONAL_CONTROL_2: 24, // R24 (18h) Additional control (2)
  POWER_MGMT_1: 25, // R25 (19h) Pwr Mgmt (1)
  POWER_MGMT_2: 26, // R26 (1Ah) Pwr Mgmt (2)
  ADDITIONAL_CONTROL_3: 27, // R27 (1Bh) Additional Control (3)
  ANTI_POP_1: 28, // R28 (1Ch) Anti-pop 1
  ANTI_POP_2: 29, // R29 (1Dh) Anti-pop 2
  ADCL_SIGNAL_PATH: 32, // R32 (20h) ADCL signal path
  ADCR_SIGNAL_PATH: 33, // R33 (21h) ADCR signal path
  LEFT_OUT_MIX: 34, // R34 (22h) Left out Mix (1)
  RIGHT_OUT_MIX: 37, // R37 (25h) Right out Mix (2)
  MONO_OUT_MIX_1: 38, // R38 (26h) Mono out Mix (1)
  MONO_OUT_MIX_2: 39, // R39 (27h) Mono out Mix (2)
  LOUT2_VOLUME: 40, // R40 (28h) Left Speaker volume
  ROUT2_VOLUME: 41, // R41 (29h) Right Speaker volume
  OUT3_VOLUME: 42, // R42 (2Ah) OUT3 volume
  LEFT_INPUT_BOOST_MIXER: 43, // R43 (2Bh) Left Input Boost Mixer (Input boost mixer (1))
  RIGHT_INPUT_BOOST_MIXER: 44, // R44 (2Ch) Right Input Boost Mixer (Input boost mixer (2))
  LEFT_BYPASS: 45, // R45 (2Dh) Left Bypass
  RIGHT_BYPASS: 46, // R46 (2Eh) Right Bypass
  POWER_MGMT_3: 47, // R47 (2Fh) Pwr Mgmt (3)
  ADDITIONAL_CONTROL_4: 48, // R48 (30h) Additional Control (4)
  CLASS_D_CONTROL_1: 49, // R49 (31h) Class D Control (1)
  CLASS_D_CONTROL_3: 51, // R51 (33h) Class D Control (3)
  PLL_1: 52, // R52 (34h) PLL (1)
  PLL_2: 53, // R53 (35h) PLL (2)
  PLL_3: 54, // R54 (36h) PLL (3)
  PLL_4: 55, // R55 (37h) PLL (4)
} as const;

/**
 * Reset values of every register the map defines (the "Default" column).
 * R0/R1 reset to 0_1001_0111: LINMUTE set, LINVOL 010111 (0 dB), per the
 * register map and Table "Input PGA Volume Control" (Linux's regmap table
 * carries 0x0a7 here; the datasheet value is used). R53..R55 reset to
 * 31h 26h E9h with PLLN 8: the 12 MHz → 12.288 MHz ratio (see wm8960-clocking.ts).
 * R15 (Reset) has no stored value; it is listed so it counts as a real register.
 */
export const WM8960_RESET_VALUES: ReadonlyMap<number, number> = new Map<number, number>([
  [0, 0x097],
  [1, 0x097],
  [2, 0x000],
  [3, 0x000],
  [4, 0x000],
  [5, 0x008],
  [6, 0x000],
  [7, 0x00a],
  [8, 0x1c0],
  [9, 0x000],
  [10, 0x0ff],
  [11, 0x0ff],
  [15, 0x000],
  [16, 0x000],
  [17, 0x07b],
  [18, 0x100],
  [19, 0x032],
  [20, 0x000],
  [21, 0x0c3],
  [22, 0x0c3],
  [23, 0x1c0],
  [24, 0x000],
  [25, 0x000],
  [26, 0x000],
  [27, 0x000],
  [28, 0x000],
  [29, 0x000],
  [32, 0x100],
  [33, 0x100],
  [34, 0x050],
  [37, 0x050],
  [38, 0x000],
  [39, 0x000],
  [40, 0x000],
  [41, 0x000],
  [42, 0x040],
  [43, 0x000],
  [44, 0x000],
  [45, 0x050],
  [46, 0x050],
  [47, 0x000],
  [48, 0x002],
  [49, 0x037],
  [51, 0x080],
  [52, 0x008],
  [53, 0x031],
  [54, 0x026],
  [55, 0x0e9],
]);

/** True for an address the register map defines; R12-R14, R30-R31, R35-R36, R50 and R56+ are reserved. */
export function isWm8960Register(address: number): boolean {
  return WM8960_RESET_VALUES.has(address);
}

/** A bit field inside one 9-bit register. */
export interface Wm8960Field {
  readonly name: string;
  readonly reg: number;
  /** Bit position of the field's LSB. */
  readonly shift: number;
  readonly width: number;
}

function field(name: string, reg: number, msb: number, lsb: number): Wm8960Field {
  return { name, reg, shift: lsb, width: msb - lsb + 1 };
}

/** The fields this driver uses, with the bit ranges of the datasheet's register tables. */
export const F = {
  // R0/R1 — Table "Input PGA Volume Control"
  IPVU_L: field('IPVU', R.LEFT_INPUT_VOLUME, 8, 8),
  LINMUTE: field('LINMUTE', R.LEFT_INPUT_VOLUME, 7, 7),
  LINVOL: field('LINVOL', R.LEFT_INPUT_VOLUME, 5, 0),
  IPVU_R: field('IPVU', R.RIGHT_INPUT_VOLUME, 8, 8),
  RINMUTE: field('RINMUTE', R.RIGHT_INPUT_VOLUME, 7, 7),
  RINVOL: field('RINVOL', R.RIGHT_INPUT_VOLUME, 5, 0),
  // R2/R3 — Table "OUT1 Volume Control"
  OUT1VU_L: field('OUT1VU', R.LOUT1_VOLUME, 8, 8),
  LOUT1VOL: field('LOUT1VOL', R.LOUT1_VOLUME, 6, 0),
  OUT1VU_R: field('OUT1VU', R.ROUT1_VOLUME, 8, 8),
  ROUT1VOL: field('ROUT1VOL', R.ROUT1_VOLUME, 6, 0),
  // R4 — Table 39 "Clocking and Sample Rate Control"
  ADCDIV: field('ADCDIV', R.CLOCKING_1, 8, 6),
  DACDIV: field('DACDIV', R.CLOCKING_1, 5, 3),
  SYSCLKDIV: field('SYSCLKDIV', R.CLOCKING_1, 2, 1),
  CLKSEL: field('CLKSEL', R.CLOCKING_1, 0, 0),
  // R5/R6 — "DAC Soft Mute and Soft Un-Mute"
  DACMU: field('DACMU', R.ADC_DAC_CONTROL_1, 3, 3),
  DACSMM: field('DACSMM', R.ADC_DAC_CONTROL_2, 3, 3),
  // R7 — "Digital Audio Interface" control
  MS: field('MS', R.AUDIO_INTERFACE_1, 6, 6),
  WL: field('WL', R.AUDIO_INTERFACE_1, 3, 2),
  FORMAT: field('FORMAT', R.AUDIO_INTERFACE_1, 1, 0),
  // R8 — Table 39
  DCLKDIV: field('DCLKDIV', R.CLOCKING_2, 8, 6),
  BCLKDIV: field('BCLKDIV', R.CLOCKING_2, 3, 0),
  // R25 — "Power Management" (Pwr Mgmt (1))
  VMIDSEL: field('VMIDSEL', R.POWER_MGMT_1, 8, 7),
  VREF: field('VREF', R.POWER_MGMT_1, 6, 6),
  AINL: field('AINL', R.POWER_MGMT_1, 5, 5),
  AINR: field('AINR', R.POWER_MGMT_1, 4, 4),
  ADCL: field('ADCL', R.POWER_MGMT_1, 3, 3),
  ADCR: field('ADCR', R.POWER_MGMT_1, 2, 2),
  MICB: field('MICB', R.POWER_MGMT_1, 1, 1),
  // R26 — Table 26 "Analogue Output Control" and PLL enable
  DACL: field('DACL', R.POWER_MGMT_2, 8, 8),
  DACR: field('DACR', R.POWER_MGMT_2, 7, 7),
  LOUT1: field('LOUT1', R.POWER_MGMT_2, 6, 6),
  ROUT1: field('ROUT1', R.POWER_MGMT_2, 5, 5),
  SPKL: field('SPKL', R.POWER_MGMT_2, 4, 4),
  SPKR: field('SPKR', R.POWER_MGMT_2, 3, 3),
  PLL_EN: field('PLL_EN', R.POWER_MGMT_2, 0, 0),
  // R27 — Table 42 "Other sample rate control bits"
  ADC_ALC_SR: field('ADC_ALC_SR', R.ADDITIONAL_CONTROL_3, 2, 0),
  // R28 — anti-pop
  POBCTRL: field('POBCTRL', R.ANTI_POP_1, 7, 7),
  BUFDCOPEN: field('BUFDCOPEN', R.ANTI_POP_1, 4, 4),
  BUFIOEN: field('BUFIOEN', R.ANTI_POP_1, 3, 3),
  SOFT_ST: field('SOFT_ST', R.ANTI_POP_1, 2, 2),
  // R32/R33 — "Input Signal Path": PGA inputs and microphone boost
  LMN1: field('LMN1', R.ADCL_SIGNAL_PATH, 8, 8),
  LMP3: field('LMP3', R.ADCL_SIGNAL_PATH, 7, 7),
  LMP2: field('LMP2', R.ADCL_SIGNAL_PATH, 6, 6),
  LMICBOOST: field('LMICBOOST', R.ADCL_SIGNAL_PATH, 5, 4),
  LMIC2B: field('LMIC2B', R.ADCL_SIGNAL_PATH, 3, 3),
  RMN1: field('RMN1', R.ADCR_SIGNAL_PATH, 8, 8),
  RMP3: field('RMP3', R.ADCR_SIGNAL_PATH, 7, 7),
  RMP2: field('RMP2', R.ADCR_SIGNAL_PATH, 6, 6),
  RMICBOOST: field('RMICBOOST', R.ADCR_SIGNAL_PATH, 5, 4),
  RMIC2B: field('RMIC2B', R.ADCR_SIGNAL_PATH, 3, 3),
  // R34/R37 — "Output Signal Path" mixers
  LD2LO: field('LD2LO', R.LEFT_OUT_MIX, 8, 8),
  RD2RO: field('RD2RO', R.RIGHT_OUT_MIX, 8, 8),
  // R40/R41 — "Speaker Volume Control"
  SPKVU_L: field('SPKVU', R.LOUT2_VOLUME, 8, 8),
  SPKLVOL: field('SPKLVOL', R.LOUT2_VOLUME, 6, 0),
  SPKVU_R: field('SPKVU', R.ROUT2_VOLUME, 8, 8),
  SPKRVOL: field('SPKRVOL', R.ROUT2_VOLUME, 6, 0),
  // R43/R44 — "Input Boost Mixer": LINPUT2/3 straight into the boost mixer
  LIN3BOOST: field('LIN3BOOST', R.LEFT_INPUT_BOOST_MIXER, 6, 4),
  LIN2BOOST: field('LIN2BOOST', R.LEFT_INPUT_BOOST_MIXER, 3, 1),
  RIN3BOOST: field('RIN3BOOST', R.RIGHT_INPUT_BOOST_MIXER, 6, 4),
  RIN2BOOST: field('RIN2BOOST', R.RIGHT_INPUT_BOOST_MIXER, 3, 1),
  // R47 — Pwr Mgmt (3)
  LMIC: field('LMIC', R.POWER_MGMT_3, 5, 5),
  RMIC: field('RMIC', R.POWER_MGMT_3, 4, 4),
  LOMIX: field('LOMIX', R.POWER_MGMT_3, 3, 3),
  ROMIX: field('ROMIX', R.POWER_MGMT_3, 2, 2),
  // R49 — Table 26: class D output enable
  SPK_OP_EN: field('SPK_OP_EN', R.CLASS_D_CONTROL_1, 7, 6),
  // R52..R55 — "PLL": OPCLKDIV, SDM (fractional mode), PLLPRESCALE, PLLN, PLLK
  SDM: field('SDM', R.PLL_1, 5, 5),
  PLLPRESCALE: field('PLLPRESCALE', R.PLL_1, 4, 4),
  PLLN: field('PLLN', R.PLL_1, 3, 0),
  PLLK_23_16: field('PLLK[23:16]', R.PLL_2, 7, 0),
  PLLK_15_8: field('PLLK[15:8]', R.PLL_3, 7, 0),
  PLLK_7_0: field('PLLK[7:0]', R.PLL_4, 7, 0),
} as const;

/** Field values named as the datasheet describes them. */
export const VMIDSEL_OFF = 0b00;
/** 2 x 50 kΩ divider: for playback and record. */
export const VMIDSEL_2X50K = 0b01;
/** R7 FORMAT 10 = I2S. */
export const FORMAT_I2S = 0b10;
/** R7 WL 00 = 16 bits. */
export const WL_16_BIT = 0b00;
/** R4 SYSCLKDIV 10 = divide by 2 (01 and 11 are reserved). */
export const SYSCLKDIV_DIV2 = 0b10;
/** R49 SPK_OP_EN 11 = left and right speakers enabled. */
export const SPK_OP_EN_BOTH = 0b11;

/** `value` with `field` replaced by `fieldValue`; refuses a value that does not fit. */
export function withField(value: number, f: Wm8960Field, fieldValue: number): number {
  const max = (1 << f.width) - 1;
  if (!Number.isInteger(fieldValue) || fieldValue < 0 || fieldValue > max) {
    throw new RangeError(`WM8960 R${f.reg} ${f.name}: ${fieldValue} does not fit in ${f.width} bit(s)`);
  }
  const mask = max << f.shift;
  return (value & ~mask & 0x1ff) | (fieldValue << f.shift);
}

export function fieldOf(value: number, f: Wm8960Field): number {
  return (value >> f.shift) & ((1 << f.width) - 1);
}

/**
 * The two bytes of a register write ("Control Interface"): B[15:9] is the
 * register address, B[8:0] the data, sent MSB first — so the first byte is
 * (address << 1) | D8 and the second D7..D0.
 */
export function encodeWm8960Write(address: number, value: number): Uint8Array {
  if (!Number.isInteger(address) || address < 0 || address > 0x7f) {
    throw new RangeError(`WM8960 register address ${address} is not 7 bits`);
  }
  if (!Number.isInteger(value) || value < 0 || value > 0x1ff) {
    throw new RangeError(`WM8960 R${address} value ${value} is not 9 bits`);
  }
  return Uint8Array.of(((address << 1) | (value >> 8)) & 0xff, value & 0xff);
}

/** The inverse of encodeWm8960Write, for the emulator and for reading bus logs. */
export function decodeWm8960Write(bytes: Uint8Array | readonly number[]): { address: number; value: number } {
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  return { address: b0 >> 1, value: ((b0 & 1) << 8) | b1 };
}
