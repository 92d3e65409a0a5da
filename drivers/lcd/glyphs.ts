import type { GlyphBitmap, TextDisplay } from './text-display.js';

/**
 * The phone's status icons as 5x8 glyphs (bit 4 is the leftmost dot, the
 * 8th row is where the HD44780 draws the underline cursor, so it is left
 * empty). Each has a fixed CGRAM slot, so a screen can embed the icon as
 * the character U+0000+slot, and a fallback character the emulated screen
 * shows for it when rendered as text. The fallbacks are single-width
 * characters the A00 ROM does not have, so a rendered line is never
 * ambiguous between an icon and a ROM character.
 */
export type GlyphName = 'handset' | 'hold' | 'mute' | 'message' | 'dnd' | 'hd' | 'forward' | 'speaker';

export interface NamedGlyph {
  readonly name: GlyphName;
  /** CGRAM slot 0..7. */
  readonly slot: number;
  readonly bitmap: GlyphBitmap;
  /** What the emulated screen shows for this glyph in text form. */
  readonly fallback: string;
}

export const GLYPHS: Readonly<Record<GlyphName, NamedGlyph>> = {
  // A desk telephone: handset on top, body below ('☎').
  handset: {
    name: 'handset',
    slot: 0,
    bitmap: [0b00000, 0b01110, 0b11011, 0b00000, 0b01110, 0b11111, 0b11111, 0b00000],
    fallback: '☎',
  },
  // Two bars, the pause sign.
  hold: {
    name: 'hold',
    slot: 1,
    bitmap: [0b00000, 0b11011, 0b11011, 0b11011, 0b11011, 0b11011, 0b11011, 0b00000],
    fallback: '‖',
  },
  // A speaker with a cross beside it.
  mute: {
    name: 'mute',
    slot: 2,
    bitmap: [0b00000, 0b01000, 0b11101, 0b11010, 0b11101, 0b01000, 0b00000, 0b00000],
    fallback: '×',
  },
  // An envelope, flap folded down.
  message: {
    name: 'message',
    slot: 3,
    bitmap: [0b00000, 0b11111, 0b11011, 0b10101, 0b10001, 0b10001, 0b11111, 0b00000],
    fallback: '✉',
  },
  // Do not disturb: a circle struck through.
  dnd: {
    name: 'dnd',
    slot: 4,
    bitmap: [0b00000, 0b01110, 0b10011, 0b10101, 0b11001, 0b01110, 0b00000, 0b00000],
    fallback: '⊘',
  },
  // HD voice (wideband codec in use): a bold H.
  hd: {
    name: 'hd',
    slot: 5,
    bitmap: [0b00000, 0b11011, 0b11011, 0b11111, 0b11011, 0b11011, 0b00000, 0b00000],
    fallback: 'ℍ',
  },
  // Call forwarding: an arrow that turns right.
  forward: {
    name: 'forward',
    slot: 6,
    bitmap: [0b00000, 0b00010, 0b11111, 0b10010, 0b10000, 0b10000, 0b00000, 0b00000],
    fallback: '↪',
  },
  // Speakerphone (hands-free): a speaker cone.
  speaker: {
    name: 'speaker',
    slot: 7,
    bitmap: [0b00001, 0b00011, 0b01111, 0b01111, 0b01111, 0b00011, 0b00001, 0b00000],
    fallback: '♪',
  },
};

export const GLYPH_LIST: readonly NamedGlyph[] = Object.values(GLYPHS);

/** The character to put in TextDisplay.write() text to show a glyph (once defined). */
export function glyphChar(name: GlyphName): string {
  return String.fromCharCode(GLYPHS[name].slot);
}

/** The named glyph whose pattern this is (only the low 5 bits of each row count). */
export function glyphForBitmap(rows: readonly number[]): NamedGlyph | undefined {
  if (rows.length !== 8) return undefined;
  return GLYPH_LIST.find((g) => g.bitmap.every((row, i) => row === ((rows[i] ?? 0) & 0x1f)));
}

/** Loads every named glyph into its slot. */
export async function defineStandardGlyphs(display: TextDisplay): Promise<void> {
  for (const glyph of GLYPH_LIST) await display.defineGlyph(glyph.slot, glyph.bitmap);
}
