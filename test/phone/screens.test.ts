import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialingScreen, idleScreen, fit, softkeyRow } from '../../firmware/phone/screens.js';

const big = { columns: 20, rows: 4 };
const small = { columns: 16, rows: 2 };
// 22 Nov 2026 was a Sunday.
const sundayMorning = new Date(2026, 10, 22, 9, 5);

function assertShape(lines: string[], g: { columns: number; rows: number }): void {
  assert.equal(lines.length, g.rows);
  for (const l of lines) assert.equal(l.length, g.columns, JSON.stringify(l));
}

describe('screens', () => {
  it('idle shows time, date and service state on 20x4', () => {
    const lines = idleScreen({ now: sundayMorning, status: 'No service' }, big);
    assertShape(lines, big);
    assert.equal(lines[0], '09:05     Sun 22 Nov');
    assert.equal(lines[2]?.trim(), 'No service');
    assert.match(lines[3] ?? '', /^Hist/);
  });

  it('idle fits a 16x2', () => {
    const lines = idleScreen({ now: sundayMorning, status: 'No service' }, small);
    assertShape(lines, small);
    assert.equal(lines[0], '09:05 Sun 22 Nov');
    assert.equal(lines[1], '   No service   ');
  });

  it('dialing shows the digits and scrolls long numbers so the last digit shows', () => {
    const lines = dialingScreen({ digits: '123', offHook: true }, big);
    assertShape(lines, big);
    assert.equal(lines[0]?.trim(), 'Dial:');
    assert.equal(lines[1]?.trim(), '123');
    const long = dialingScreen({ digits: '00441234567890123', offHook: false }, small);
    assertShape(long, small);
    assert.equal(long[0]?.trim(), 'Pre-dial:');
    assert.equal(long[1], '0441234567890123');
  });

  it('fit pads and clips; softkeys sit in quarter slots', () => {
    assert.equal(fit('abc', 5), 'abc  ');
    assert.equal(fit('abcdef', 4), 'abcd');
    assert.equal(softkeyRow(['Send', 'Del', '', 'Cancel'], 20), 'Send Del       Canc ');
  });
});
