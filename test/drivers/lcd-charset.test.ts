import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { a00ToUnicode, encodeA00, unicodeToA00 } from '../../drivers/lcd/a00-charset.js';
import { GLYPH_LIST, GLYPHS, glyphChar, glyphForBitmap } from '../../drivers/lcd/glyphs.js';
import { checkGeometry, ddramRowStart } from '../../drivers/lcd/lcd-geometry.js';
import { slowestClockUs } from '../../drivers/lcd/hd44780-timing.js';

describe('A00 character ROM mapping', () => {
  it('passes ASCII through except backslash and tilde, which A00 draws as ¥ and →', () => {
    assert.deepEqual(encodeA00('Az 09!}'), [0x41, 0x7a, 0x20, 0x30, 0x39, 0x21, 0x7d]);
    assert.deepEqual(encodeA00('\\~'), [0x3f, 0x3f]);
    assert.deepEqual(encodeA00('¥→←'), [0x5c, 0x7e, 0x7f]);
  });

  it('maps the symbols and letters of the upper half that A00 has', () => {
    assert.deepEqual(encodeA00('°αäβßμµΩΩπ÷█'), [0xdf, 0xe0, 0xe1, 0xe2, 0xe2, 0xe4, 0xe4, 0xf4, 0xf4, 0xf7, 0xfd, 0xff]);
    assert.deepEqual(encodeA00('ｱｲｳﾝ'), [0xb1, 0xb2, 0xb3, 0xdd]);
  });

  it('falls back to the base letter of an accented Latin letter, else to ?', () => {
    assert.deepEqual(encodeA00('Josébeth Ångström'), encodeA00('Josebeth Angstr').concat([0xef, 0x6d]));
    assert.deepEqual(encodeA00('☃😀\n'), [0x3f, 0x3f, 0x3f], 'one ? per code point, controls included');
  });

  it('keeps U+0000..U+0007 as CGRAM slot codes', () => {
    assert.deepEqual(encodeA00('\u0000\u0003\u0007\u0008'), [0, 3, 7, 0x3f]);
  });

  it('round-trips every code through the renderer, except the descender look-alikes of ASCII letters', () => {
    const lookAlikes: number[] = [];
    for (let code = 0x21; code <= 0xff; code++) {
      const shown = a00ToUnicode(code);
      assert.equal([...shown].length, 1, `code 0x${code.toString(16)} renders as one character`);
      const back = unicodeToA00(shown);
      if (shown === ' ' || back === code) continue;
      // 0xE9 (superscript -1) has no single character to come back from.
      if (back === undefined) assert.equal(code, 0xe9);
      else lookAlikes.push(code);
    }
    // g j p q x y drawn with descenders (0xF8 is x with a bar): written text uses the ASCII codes.
    assert.deepEqual(lookAlikes, [0xe7, 0xea, 0xf0, 0xf1, 0xf8, 0xf9]);
    assert.equal(a00ToUnicode(0x10), ' ', 'column 1 is empty in A00');
    assert.equal(a00ToUnicode(0x85), ' ', 'column 8 is empty in A00');
  });
});

describe('Named glyphs', () => {
  it('has at most 8 glyphs, one per slot, with distinct 5-bit patterns and an empty cursor row', () => {
    assert.ok(GLYPH_LIST.length <= 8);
    assert.deepEqual(GLYPH_LIST.map((g) => g.slot).sort(), [...GLYPH_LIST.keys()]);
    const patterns = new Set(GLYPH_LIST.map((g) => g.bitmap.join(',')));
    assert.equal(patterns.size, GLYPH_LIST.length);
    for (const g of GLYPH_LIST) {
      assert.ok(g.bitmap.every((r) => Number.isInteger(r) && r >= 0 && r <= 0x1f), g.name);
      assert.equal(g.bitmap[7], 0, `${g.name} leaves the cursor row free`);
    }
  });

  it('has the required icons with the brief’s fallbacks', () => {
    assert.equal(GLYPHS.handset.fallback, '☎');
    assert.equal(GLYPHS.message.fallback, '✉');
    assert.equal(GLYPHS.dnd.fallback, '⊘');
    assert.equal(GLYPHS.hd.fallback, 'ℍ');
    assert.ok(['‖', '⏸'].includes(GLYPHS.hold.fallback));
    assert.ok(GLYPHS.mute.fallback.length === 1);
  });

  it('uses fallbacks that no ROM code renders as, so a rendered line is unambiguous', () => {
    const rom = new Set<string>();
    for (let code = 0x10; code <= 0xff; code++) rom.add(a00ToUnicode(code));
    for (const g of GLYPH_LIST) assert.ok(!rom.has(g.fallback), `${g.name} fallback ${g.fallback}`);
  });

  it('finds a glyph by its CGRAM bytes, ignoring the 3 unused high bits', () => {
    const stored = GLYPHS.dnd.bitmap.map((r) => r | 0xe0);
    assert.equal(glyphForBitmap(stored)?.name, 'dnd');
    assert.equal(glyphForBitmap([0, 0, 0, 0, 0, 0, 0, 1]), undefined);
    assert.equal(glyphChar('hold'), '\u0001');
  });
});

describe('LCD geometry and timing policy', () => {
  it('gives row start addresses 0x00 0x40 0x14 0x54 for 20x4 and 0x00 0x40 for 16x2', () => {
    assert.deepEqual([0, 1, 2, 3].map((r) => ddramRowStart({ columns: 20, rows: 4 }, r)), [0x00, 0x40, 0x14, 0x54]);
    assert.deepEqual([0, 1].map((r) => ddramRowStart({ columns: 16, rows: 2 }, r)), [0x00, 0x40]);
    assert.throws(() => checkGeometry({ columns: 41, rows: 2 }), RangeError);
  });

  it('scales Table 6 times (given at 270 kHz) to the slowest 190 kHz oscillator', () => {
    assert.equal(slowestClockUs(37), 53);
    assert.equal(slowestClockUs(1520), 2160);
  });
});
