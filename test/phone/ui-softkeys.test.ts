import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SOFTKEYS, softkeyProblems, softkeysFor, type SoftkeyAction } from '../../firmware/phone/ui/softkeys.js';
import { renderScreen } from '../../firmware/phone/ui/render.js';
import type { Party, ScreenView } from '../../firmware/phone/ui/views.js';

const alice: Party = { name: 'Alice', number: '2001' };

function actions(view: ScreenView): SoftkeyAction[] {
  return softkeysFor(view).map((k) => k.action);
}

describe('softkeys', () => {
  it('a call in progress: hold, transfer, conference, end', () => {
    const connected: ScreenView = { kind: 'connected', remote: alice, seconds: 1, codec: 'PCMU', wideband: false, muted: false, secure: false };
    assert.deepEqual(actions(connected), ['hold', 'transfer', 'conference', 'end']);
    assert.deepEqual(actions({ kind: 'two-calls', lines: [{ remote: alice, state: 'held', seconds: 0 }, { remote: alice, state: 'connected', seconds: 0 }], active: 1 }), [
      'swap', 'transfer', 'conference', 'end',
    ]);
  });

  it('held: resume when we hold it; when only the peer holds, there is nothing of ours to resume', () => {
    assert.deepEqual(actions({ kind: 'held', remote: alice, seconds: 0, heldBy: 'us' }), ['resume', 'transfer', 'new-call', 'end']);
    assert.deepEqual(actions({ kind: 'held', remote: alice, seconds: 0, heldBy: 'both' }), ['resume', 'transfer', 'new-call', 'end']);
    assert.deepEqual(actions({ kind: 'held', remote: alice, seconds: 0, heldBy: 'remote' }), ['hold', 'transfer', 'new-call', 'end']);
  });

  it('ringing: answer, forward, silence, reject; a waiting call has no ringer to silence', () => {
    assert.deepEqual(actions({ kind: 'ringing', caller: alice, line: '', waiting: false }), ['answer', 'forward', 'silence', 'reject']);
    assert.deepEqual(actions({ kind: 'ringing', caller: alice, line: '', waiting: true }), ['answer', 'forward', 'none', 'reject']);
  });

  it('transfer entry: Send is the blind transfer, Call consults first', () => {
    assert.deepEqual(softkeysFor({ kind: 'transfer-entry', remote: alice, target: '' }), [
      { label: 'Send', action: 'blind-transfer' },
      { label: 'Del', action: 'delete' },
      { label: 'Call', action: 'consult' },
      { label: 'Back', action: 'cancel' },
    ]);
    assert.equal(actions({ kind: 'consult', remote: alice, target: alice, targetState: 'connected', seconds: 3 })[0], 'complete-transfer');
  });

  it('a message keeps the softkeys of the screen beneath it', () => {
    const under: ScreenView = { kind: 'held', remote: alice, seconds: 0, heldBy: 'us' };
    assert.deepEqual(softkeysFor({ kind: 'message', text: 'Hold failed', under }), softkeysFor(under));
  });

  it('the bottom row of a 20x4 draws the labels; a 16x2 has no softkey row yet the keys still answer', () => {
    const view: ScreenView = { kind: 'ringing', caller: alice, line: '', waiting: false };
    assert.equal(renderScreen(view, { columns: 20, rows: 4 })[3], 'Ans  Fwd  Hush Rej  ');
    const small = renderScreen(view, { columns: 16, rows: 2 });
    assert.ok(small.every((row) => !row.includes('Ans')), JSON.stringify(small));
    assert.equal(softkeysFor(view).length, 4);
  });

  it('every shipped set fits four 5-cell slots and pairs labels with actions', () => {
    assert.deepEqual(softkeyProblems(SOFTKEYS), []);
    assert.deepEqual(
      softkeyProblems({
        x: [{ label: 'Resume', action: 'resume' }, { label: '', action: 'end' }, { label: 'Ä', action: 'end' }],
        y: [...Array<{ label: string; action: SoftkeyAction }>(5).fill({ label: 'End', action: 'end' })],
      }),
      [
        'x[0]: label "Resume" is longer than 4',
        'x[1]: label "" with action end',
        'x[2]: label "Ä" is not plain ASCII the LCD ROM draws',
        'y: 5 softkeys, the row has 4 slots',
      ],
    );
  });
});
