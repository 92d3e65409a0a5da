import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boardProblems, validateBoard, BoardError } from '../../boards/validate.js';
import { findBoard, boardNames } from '../../boards/index.js';
import type { BoardDescription, PartDescription } from '../../boards/schema.js';
import { isKeyName } from '../../drivers/keypad/key-names.js';

function rpi(): BoardDescription {
  const known = findBoard('rpi-wm8960');
  assert.ok(known);
  return known.description;
}

function withParts(board: BoardDescription, parts: readonly PartDescription[]): BoardDescription {
  return { ...board, parts };
}

describe('board validation', () => {
  it('accepts every board this firmware ships', () => {
    for (const name of boardNames()) {
      const known = findBoard(name);
      assert.ok(known);
      assert.deepEqual(boardProblems(known.description, isKeyName), [], name);
    }
  });

  it('names a pin used twice and both of its users', () => {
    const board = rpi();
    const parts = board.parts.map((p) =>
      p.driver === 'hook-switch' ? { ...p, pin: { gpio: 5, header: 'header pin 29', activeLow: true } } : p,
    );
    const problems = boardProblems(withParts(board, parts), isKeyName);
    assert.ok(problems.some((p) => /GPIO5 \(header pin 29\) is used twice: by keypad row 0 and by hook/.test(p)), problems.join('\n'));
  });

  it('refuses a pin the HAT reserves', () => {
    const board = rpi();
    const parts = board.parts.map((p) => (p.driver === 'hook-switch' ? { ...p, pin: { gpio: 18, header: 'header pin 12' } } : p));
    const problems = boardProblems(withParts(board, parts), isKeyName);
    assert.ok(problems.some((p) => p.includes('reserved for I2S BCLK')));
  });

  it('reports a missing part, an unknown driver and an undeclared bus in one error naming the file', () => {
    const board = rpi();
    const parts: PartDescription[] = board.parts
      .filter((p) => p.driver !== 'hook-switch')
      .map((p) => (p.driver === 'hd44780-pcf8574' ? { ...p, bus: 'i2c7' } : p));
    const bogus = { id: 'buzzer', driver: 'piezo' } as unknown as PartDescription;
    try {
      validateBoard(withParts(board, [...parts, bogus]), 'boards/broken/board.ts', isKeyName);
      assert.fail('validateBoard accepted a broken board');
    } catch (e) {
      assert.ok(e instanceof BoardError);
      assert.match(e.message, /^board boards\/broken\/board\.ts:/);
      assert.match(e.message, /missing part: a phone needs a "hook-switch"/);
      assert.match(e.message, /buzzer: unknown driver "piezo"/);
      assert.match(e.message, /lcd: I2C bus "i2c7" is not declared/);
    }
  });

  it('checks the keymap against the row and column pins and the key names', () => {
    const board = rpi();
    const parts = board.parts.map((p) =>
      p.driver === 'keypad-matrix' ? { ...p, keymap: [...p.keymap.slice(0, 3), ['star', '0', 'pound', 'cancel', 'soft4', 'mute', 'vol_down', 'banana']] } : p,
    ) as PartDescription[];
    const problems = boardProblems(withParts(board, parts), isKeyName);
    assert.deepEqual(problems, ['keypad: keymap row 3: unknown key "banana"']);
  });

  it('refuses two parts at one I2C address on one bus', () => {
    const board = rpi();
    const parts = board.parts.map((p) => (p.driver === 'wm8960' ? { ...p, address: 0x27 } : p));
    const problems = boardProblems(withParts(board, parts), isKeyName);
    assert.ok(problems.some((p) => p.includes('0x27 on i2c1 is already used by lcd')));
  });
});
