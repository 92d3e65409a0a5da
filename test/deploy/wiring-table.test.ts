import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { findBoard } from '../../boards/index.js';
import type { BoardDescription, PartDescription } from '../../boards/schema.js';
import { generatedFiles, replaceBetweenMarkers } from '../../scripts/deploy/generated-files.js';
import { WiringError, keymapMarkdown, wiringRows, wiringTableMarkdown } from '../../scripts/deploy/wiring-table.js';

function rpi(): BoardDescription {
  const known = findBoard('rpi-wm8960');
  assert.ok(known);
  return known.description;
}

describe('wiring table from boards/rpi-wm8960/board.ts', () => {
  it('lists every GPIO the board file names, with its header pin', () => {
    const rows = wiringRows(rpi());
    const byGpio = new Map(rows.map((r) => [r.gpio, r]));
    for (const part of rpi().parts) {
      const pins =
        part.driver === 'keypad-matrix' ? [...part.rows, ...part.columns]
        : part.driver === 'hook-switch' ? [part.pin]
        : part.driver === 'leds' ? Object.values(part.leds)
        : [];
      for (const pin of pins) {
        if (!pin) continue;
        const row = byGpio.get(pin.gpio);
        assert.ok(row, `GPIO${pin.gpio} missing`);
        assert.equal(`header pin ${row.headerPin}`, pin.header);
        assert.equal(row.part, part.id);
      }
    }
  });

  it('adds the buses the parts sit on: I2C1 for the LCD, the UART for the console', () => {
    const md = wiringTableMarkdown(rpi());
    assert.match(md, /^\| lcd \| I2C1 SDA \(PCF8574 backpack, 20x4 @ 0x27\) \| 2 \| 3 \|$/m);
    assert.match(md, /^\| lcd \| I2C1 SCL .* \| 3 \| 5 \|$/m);
    assert.match(md, /^\| console \| UART TXD .*115200 baud \| 14 \| 8 \|$/m);
    assert.match(md, /^\| keypad \| row 0 \(input, pull-up\) \| 5 \| 29 \|$/m);
    assert.match(md, /^\| hook \| switch \(input, pull-up, closes to GND\) \| 17 \| 11 \|$/m);
  });

  it('shows the key at each crossing of the matrix', () => {
    const md = keymapMarkdown(rpi());
    assert.match(md, /^\| row 3 \(GPIO26\) \| star \| 0 \| pound \| cancel \|/m);
  });

  it('refuses a board file whose header comment is wrong', () => {
    const wrong: BoardDescription = {
      ...rpi(),
      parts: rpi().parts.map((p): PartDescription => (p.driver === 'hook-switch' ? { ...p, pin: { gpio: 17, header: 'header pin 12', activeLow: true } } : p)),
    };
    assert.throws(() => wiringRows(wrong), (e: unknown) => e instanceof WiringError && /GPIO17 is on header pin 11/.test(e.message));
  });
});

describe('generated files committed in deploy/', () => {
  for (const file of generatedFiles(rpi())) {
    it(`${file.path} is what the board file generates (npx tsx scripts/deploy/update-generated.ts)`, async () => {
      const committed = await readFile(new URL(`../../${file.path}`, import.meta.url), 'utf8');
      assert.equal(committed, file.render(committed));
    });
  }

  it('README.md carries the wiring table and the config.txt block', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(wiringTableMarkdown(rpi())));
    assert.match(readme, /^ {4}gpio=5,6,13,26,17=ip,pu$/m);
  });

  it('replaces only what stands between the markers', () => {
    const text = 'a\n<!-- b -->\nold\n<!-- e -->\nz\n';
    assert.equal(replaceBetweenMarkers(text, '<!-- b -->', '<!-- e -->', 'new'), 'a\n<!-- b -->\nnew\n<!-- e -->\nz\n');
    assert.throws(() => replaceBetweenMarkers('no markers', '<!-- b -->', '<!-- e -->', 'x'));
  });
});
