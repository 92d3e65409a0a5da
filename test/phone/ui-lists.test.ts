import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listWindowTop } from '../../firmware/phone/ui/list-window.js';
import { renderScreen } from '../../firmware/phone/ui/render.js';
import type { MenuView } from '../../firmware/phone/ui/views.js';

const settings: MenuView = {
  kind: 'menu',
  title: 'Settings',
  cursor: 0,
  items: [
    { label: 'Do not disturb', value: 'Off' },
    { label: 'Call forward', value: 'Always' },
    { label: 'Ring tone', value: 'Classic' },
    { label: 'Volume', value: '' },
    { label: 'Network', value: '' },
  ],
};

describe('list window', () => {
  it('shows the page the cursor is on; the last page is filled from the end', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((c) => listWindowTop(5, c, 2)), [0, 0, 2, 2, 3]);
    assert.deepEqual([0, 2, 3, 5, 6].map((c) => listWindowTop(7, c, 3)), [0, 0, 3, 3, 4]);
  });

  it('never scrolls a list that fits, and clamps a cursor outside the list', () => {
    assert.equal(listWindowTop(2, 1, 2), 0);
    assert.equal(listWindowTop(0, 0, 2), 0);
    assert.equal(listWindowTop(5, 99, 2), 3);
    assert.equal(listWindowTop(5, -3, 2), 0);
    assert.equal(listWindowTop(5, 3, 1), 3);
  });
});

describe('menu scrolling', () => {
  it('20x4: two entries at a time, the marker on the cursor, the position in the title', () => {
    const at = (cursor: number): string[] => renderScreen({ ...settings, cursor }, { columns: 20, rows: 4 });
    assert.deepEqual(at(0), ['Settings         1/5', '>Do not disturb  Off', ' Call forward Always', 'OK             Back ']);
    assert.deepEqual(at(1), ['Settings         2/5', ' Do not disturb  Off', '>Call forward Always', 'OK             Back ']);
    assert.deepEqual(at(2), ['Settings         3/5', '>Ring tone   Classic', ' Volume             ', 'OK             Back ']);
    assert.deepEqual(at(4), ['Settings         5/5', ' Volume             ', '>Network            ', 'OK             Back ']);
  });

  it('16x2: one entry at a time, so the cursor entry is the one shown', () => {
    const rows = [0, 1, 2, 3, 4].map((cursor) => renderScreen({ ...settings, cursor }, { columns: 16, rows: 2 }));
    // Values stay whole (right side); labels give way.
    assert.deepEqual(rows.map((r) => r[1]), [
      '>Do not dist Off',
      '>Call for Always',
      '>Ring to Classic',
      '>Volume         ',
      '>Network        ',
    ]);
    assert.equal(rows[2]?.[0], 'Settings     3/5');
  });
});
