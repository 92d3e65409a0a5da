import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderScreen } from '../../firmware/phone/ui/render.js';
import type { Party, ScreenView } from '../../firmware/phone/ui/views.js';

const big = { columns: 20, rows: 4 };
const small = { columns: 16, rows: 2 };
// 22 Nov 2026 is a Sunday.
const now = new Date(2026, 10, 22, 9, 5);
const alice: Party = { name: 'Alice Smith', number: '2001' };
const bob: Party = { name: '', number: '2002' };
const longName: Party = { name: 'Bartholomew Featherstonehaugh-Smythe', number: '+441234567890' };

function frames(view: ScreenView): { big: string[]; small: string[] } {
  return { big: renderScreen(view, big), small: renderScreen(view, small) };
}

describe('renderScreen: call screens at 20x4 and 16x2', () => {
  it('idle: clock and date, account, missed calls, voicemail and the DND icon', () => {
    const view: ScreenView = {
      kind: 'idle', now, account: 'Alice', accountState: 'registered',
      missedCalls: 3, newVoicemail: 1, dnd: true, forward: false, mute: false,
    };
    assert.deepEqual(frames(view), {
      big: ['09:05     Sun 22 Nov', 'Alice            DND', '3 missed       1 msg', 'Hist DND  Fwd  Menu '],
      small: ['09:05 Sun 22 Nov', 'Alice     3! DND'],
    });
  });

  it('idle: no service and nothing to report leaves the badges out', () => {
    const view: ScreenView = {
      kind: 'idle', now, account: 'Alice', accountState: 'failed',
      missedCalls: 0, newVoicemail: 0, dnd: false, forward: true, mute: true,
    };
    assert.deepEqual(frames(view), {
      big: ['09:05     Sun 22 Nov', 'No service  FWD MUTE', '                    ', 'Hist DND  Fwd  Menu '],
      small: ['09:05 Sun 22 Nov', 'No serv FWD MUTE'],
    });
  });

  it('dialing: long numbers keep the last digit typed in view; the match shows beside', () => {
    const view: ScreenView = { kind: 'dialing', digits: '00441234567890123', offHook: true, match: 'Bob' };
    assert.deepEqual(frames(view), {
      big: ['Dial:               ', '00441234567890123   ', 'Bob                 ', 'Send Del       Exit '],
      small: ['Dial:        Bob', '0441234567890123'],
    });
    assert.equal(renderScreen({ kind: 'dialing', digits: '12', offHook: false, match: '' }, small)[0], 'Pre-dial:       ');
  });

  it('calling: progress and who', () => {
    assert.deepEqual(frames({ kind: 'calling', remote: alice, progress: 'ringing' }), {
      big: ['Ringing...          ', 'Alice Smith         ', '2001                ', '               End  '],
      small: ['Alice Smith     ', 'Ringing...      '],
    });
    assert.equal(renderScreen({ kind: 'calling', remote: bob, progress: 'trying' }, small)[1], 'Calling...      ');
  });

  it('ringing: accents mapped to the ASCII the LCD ROM draws, the line label at the right', () => {
    const view: ScreenView = { kind: 'ringing', caller: { name: 'José Müller', number: '2003' }, line: 'Alice', waiting: false };
    assert.deepEqual(frames(view), {
      big: ['Incoming call  Alice', 'Jose Muller         ', '2003                ', 'Ans  Fwd  Hush Rej  '],
      small: ['Incoming call   ', 'Jose Muller     '],
    });
  });

  it('ringing: call waiting, a caller with only a number', () => {
    assert.deepEqual(frames({ kind: 'ringing', caller: bob, line: '', waiting: true }), {
      big: ['Call waiting        ', '2002                ', '                    ', 'Ans  Fwd       Rej  '],
      small: ['Call waiting    ', '2002            '],
    });
  });

  it('connected: a long name gives way to a timer past one hour; HD, muted, secure', () => {
    const view: ScreenView = {
      kind: 'connected', remote: longName, seconds: 3725, codec: 'G722', wideband: true, muted: true, secure: true,
    };
    assert.deepEqual(frames(view), {
      big: ['Bartholomew  1:02:05', '+441234567890       ', 'G722 HD Muted Secure', 'Hold Xfer Conf End  '],
      small: ['Bartholo 1:02:05', 'G72 Muted Secure'],
    });
  });

  it('connected: narrowband, under a minute', () => {
    const view: ScreenView = { kind: 'connected', remote: bob, seconds: 7, codec: 'PCMU', wideband: false, muted: false, secure: false };
    assert.deepEqual(frames(view), {
      big: ['2002           00:07', '                    ', 'PCMU                ', 'Hold Xfer Conf End  '],
      small: ['2002       00:07', 'PCMU            '],
    });
  });

  it('held: by us, by the remote, by both', () => {
    assert.deepEqual(frames({ kind: 'held', remote: alice, seconds: 65, heldBy: 'us' }), {
      big: ['Alice Smith    01:05', '2001                ', 'Held                ', 'Resm Xfer New  End  '],
      small: ['Alice Smit 01:05', 'Held            '],
    });
    assert.equal(renderScreen({ kind: 'held', remote: alice, seconds: 65, heldBy: 'remote' }, small)[1], 'Held by remote  ');
    assert.equal(renderScreen({ kind: 'held', remote: alice, seconds: 65, heldBy: 'both' }, big)[2], 'Held both ends      ');
  });

  it('message: a transient line over the screen beneath, which keeps its other rows', () => {
    const under: ScreenView = { kind: 'held', remote: alice, seconds: 65, heldBy: 'us' };
    assert.deepEqual(frames({ kind: 'message', text: 'Transfer failed', under }), {
      big: ['Alice Smith    01:05', '2001                ', '  Transfer failed   ', 'Resm Xfer New  End  '],
      small: ['Alice Smit 01:05', 'Transfer failed '],
    });
    assert.deepEqual(renderScreen({ kind: 'message', text: 'Busy', under: { kind: 'calling', remote: bob, progress: 'trying' } }, small), [
      '2002            ',
      '      Busy      ',
    ]);
  });

  it('two calls: each line with its state, the active one marked', () => {
    const view: ScreenView = {
      kind: 'two-calls',
      lines: [{ remote: alice, state: 'held', seconds: 100 }, { remote: bob, state: 'connected', seconds: 42 }],
      active: 1,
    };
    assert.deepEqual(frames(view), {
      big: [' 1 Alice Smith  Held', '>2 2002        00:42', '                    ', 'Swap Xfer Conf End  '],
      small: [' 1 Alice Sm Held', '>2 2002    00:42'],
    });
  });

  it('transfer: entering the target, transferring, consulting', () => {
    assert.deepEqual(frames({ kind: 'transfer-entry', remote: alice, target: '2002' }), {
      big: ['Transfer Alice Smith', 'to:                 ', '2002                ', 'Send Del  Call Back '],
      small: ['Transfer to:    ', '2002            '],
    });
    assert.deepEqual(frames({ kind: 'transferring', remote: alice, target: 'Bob Jones' }), {
      big: ['Alice Smith         ', 'Transferring to     ', 'Bob Jones...        ', '               End  '],
      small: ['Transferring to ', 'Bob Jones...    '],
    });
    assert.deepEqual(frames({ kind: 'consult', remote: alice, target: bob, targetState: 'connected', seconds: 12 }), {
      big: ['Xfer Alice Smit Held', 'to 2002        00:12', '                    ', 'Xfer Conf      Back '],
      small: ['Xfer Alice  Held', 'to 2002    00:12'],
    });
  });

  it('conference: both parties and the timer', () => {
    assert.deepEqual(frames({ kind: 'conference', parties: [alice, bob], seconds: 3600 }), {
      big: ['Conference   1:00:00', 'Alice Smith         ', '2002                ', 'Hold Splt      End  '],
      small: ['Conf     1:00:00', 'Alice Smith + 20'],
    });
  });
});

describe('renderScreen: lists and settings at 20x4 and 16x2', () => {
  it('history: direction icon, who, today by time and older calls by date', () => {
    const view: ScreenView = {
      kind: 'history', title: 'History', now, cursor: 0,
      entries: [
        { direction: 'missed', party: alice, at: new Date(2026, 10, 22, 8, 30) },
        { direction: 'dialed', party: bob, at: new Date(2026, 10, 20, 17, 2) },
        { direction: 'received', party: bob, at: new Date(2026, 9, 1, 12, 0) },
      ],
    };
    assert.deepEqual(frames(view), {
      big: ['History          1/3', '>! Alice Smith 08:30', ' ^ 2002       20 Nov', 'Dial Del       Back '],
      small: ['History      1/3', '>! Alice S 08:30'],
    });
    assert.equal(renderScreen({ ...view, cursor: 2 }, big)[2], '>v 2002        1 Oct');
  });

  it('phonebook: the name stays whole, a number that does not fit is left out; a search shows in the title', () => {
    const view: ScreenView = { kind: 'phonebook', search: '', contacts: [longName, alice, bob], cursor: 1 };
    assert.deepEqual(frames(view), {
      big: ['Phonebook        2/3', ' Bartholomew Feather', '>Alice Smith    2001', 'Dial           Back '],
      small: ['Phonebook    2/3', '>Alice Smith    '],
    });
    assert.equal(renderScreen({ kind: 'phonebook', search: 'ali', contacts: [alice], cursor: 0 }, small)[0], 'Find: ali    1/1');
  });

  it('an empty list says so', () => {
    assert.deepEqual(frames({ kind: 'history', title: 'Missed calls', now, cursor: 0, entries: [] }), {
      big: ['Missed calls        ', '      No calls      ', '                    ', 'Dial Del       Back '],
      small: ['Missed calls    ', '    No calls    '],
    });
  });

  it('DND and call forward editors', () => {
    assert.deepEqual(frames({ kind: 'dnd-setting', on: true }), {
      big: ['Do not disturb      ', 'Status:           On', '                    ', 'Save On   Off  Back '],
      small: ['Do not disturb  ', 'Status:       On'],
    });
    assert.deepEqual(frames({ kind: 'forward-setting', mode: 'no-answer', target: '2009', editing: 'target' }), {
      big: ['Call forward        ', ' Mode      No answer', '>To             2009', 'Save Mode Del  Back '],
      small: [' Fwd   No answer', '>To         2009'],
    });
  });

  it('ring tone choice marks the tone in use', () => {
    assert.deepEqual(frames({ kind: 'ring-tone-setting', tones: ['Classic', 'Digital', 'Soft'], cursor: 1, current: 0 }), {
      big: ['Ring tone        2/3', ' Classic           *', '>Digital            ', 'Save Play      Back '],
      small: ['Ring tone    2/3', '>Digital        '],
    });
  });

  it('volume: a bar as wide as the display allows, and the level', () => {
    assert.deepEqual(frames({ kind: 'volume-setting', control: 'ring', level: 5, max: 8 }), {
      big: ['Ring volume         ', '##########------   5', '                    ', 'Save -    +    Back '],
      small: ['Ring volume    5', '########----    '],
    });
    assert.equal(renderScreen({ kind: 'volume-setting', control: 'handset', level: 0, max: 8 }, big)[1], '----------------   0');
  });

  it('network info and account status', () => {
    assert.deepEqual(frames({ kind: 'network-info', firmware: '0.1.0', dhcp: true, address: '192.168.100.200', gateway: '192.168.100.1' }), {
      big: ['FW 0.1.0        DHCP', 'IP 192.168.100.200  ', 'GW 192.168.100.1    ', '               Back '],
      small: ['FW 0.1.0    DHCP', '192.168.100.200 '],
    });
    // The simulated board knows neither how it got its address nor a gateway: those parts stay blank.
    assert.deepEqual(frames({ kind: 'network-info', firmware: '0.1.0', dhcp: undefined, address: '127.0.0.1', gateway: '' }).big.slice(0, 3), [
      'FW 0.1.0            ',
      'IP 127.0.0.1        ',
      '                    ',
    ]);
    const account: ScreenView = {
      kind: 'account-status', label: 'Alice', uri: 'sip:alice@pbx.example.com', state: 'failed', detail: '403 Forbidden',
    };
    assert.deepEqual(frames(account), {
      big: ['Alice               ', 'alice@pbx.example.co', 'Failed: 403 Forbidde', 'Reg            Back '],
      small: ['Alice     Failed', 'alice@pbx.exampl'],
    });
    assert.equal(renderScreen({ ...account, state: 'registered', detail: '' }, big)[2], 'Registered          ');
  });
});

describe('renderScreen: what reaches the LCD', () => {
  it('is printable ASCII without the two codes A00 draws otherwise, whatever the names hold', () => {
    const caller: Party = { name: 'Zoë 北京 ☎ Œuvre ß \\~\t…', number: '😀1' };
    const views: ScreenView[] = [
      { kind: 'ringing', caller, line: 'Ürsula', waiting: false },
      { kind: 'connected', remote: caller, seconds: 1, codec: 'opus', wideband: true, muted: false, secure: false },
      { kind: 'message', text: 'Échec', under: { kind: 'calling', remote: caller, progress: 'early-media' } },
      { kind: 'menu', title: 'Réglages', items: [{ label: 'Sprache', value: 'Français' }], cursor: 0 },
    ];
    for (const view of views) {
      for (const line of [...renderScreen(view, big), ...renderScreen(view, small)]) {
        assert.match(line, /^[\x20-\x5b\x5d-\x7d]*$/, JSON.stringify(line));
      }
    }
    assert.equal(renderScreen(views[0], big)[1], 'Zoe ?? ? OEuvre ss /');
    assert.equal(renderScreen(views[0], big)[0], 'Incoming call Ursula');
    assert.equal(renderScreen(views[2], small)[1], '     Echec      ');
  });

  it('falls back to the nearest layout at the display\'s own size', () => {
    const view: ScreenView = { kind: 'connected', remote: alice, seconds: 5, codec: 'PCMU', wideband: false, muted: false, secure: false };
    // 24x4 uses the 20x4 layout stretched; 40x2 the 16x2 one; 8x1 keeps the first row.
    assert.deepEqual(renderScreen(view, { columns: 24, rows: 4 }), [
      'Alice Smith        00:05', '2001                    ', 'PCMU                    ', 'Hold  Xfer  Conf  End   ',
    ]);
    assert.deepEqual(renderScreen(view, { columns: 40, rows: 2 }), [`Alice Smith${' '.repeat(24)}00:05`, `PCMU${' '.repeat(36)}`]);
    assert.deepEqual(renderScreen(view, { columns: 8, rows: 1 }), ['Al 00:05']);
    // 20x3 is one row short of 20x4: the softkey row is the one that goes.
    assert.deepEqual(renderScreen(view, { columns: 20, rows: 3 }), ['Alice Smith    00:05', '2001                ', 'PCMU                ']);
  });

  it('refuses a display size that is not a positive whole number of cells', () => {
    const view: ScreenView = { kind: 'dnd-setting', on: false };
    assert.throws(() => renderScreen(view, { columns: 0, rows: 2 }), RangeError);
    assert.throws(() => renderScreen(view, { columns: 16, rows: 1.5 }), RangeError);
  });
});
