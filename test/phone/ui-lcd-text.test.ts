import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isLcdText, toLcdText } from '../../firmware/phone/ui/lcd-text.js';

describe('LCD text (HD44780 ROM A00 draws ASCII 0x20..0x7D but 0x5C)', () => {
  it('keeps plain ASCII as it is', () => {
    const ascii = 'Alice <2001> "quoted" sip:bob@pbx.example.com;transport=tcp #*!?';
    assert.equal(toLcdText(ascii), ascii);
    assert.ok(isLcdText(ascii));
  });

  it('drops accents, precomposed or combining', () => {
    assert.equal(toLcdText('José Müller, Zoë, Ångström, Čapek, Łódź'), 'Jose Muller, Zoe, Angstrom, Capek, Lodz');
    assert.equal(toLcdText('Jose\u0301 Mu\u0308ller'), 'Jose Muller');
  });

  it('spells letters and punctuation that have no decomposition', () => {
    assert.equal(toLcdText('Straße, Æsir, Søren, Œuvre, Þór'), 'Strasse, AEsir, Soren, OEuvre, Thor');
    assert.equal(toLcdText('Wait…  “Hi” – it’s'), 'Wait...  "Hi" - it\'s');
  });

  it('replaces the two ASCII codes A00 draws as other glyphs, and controls that would move the cursor', () => {
    assert.equal(toLcdText('a\\b~c'), 'a/b-c');
    assert.equal(toLcdText('a\tb\nc\u0007'), 'a b c ');
    assert.ok(!isLcdText('~') && !isLcdText('\\') && !isLcdText('\u0001'));
  });

  it('shows anything else as one ? per character, so widths stay true', () => {
    assert.equal(toLcdText('北京 😀 ☎ Ωmega'), '?? ? ? ?mega');
  });
});
