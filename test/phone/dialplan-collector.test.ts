import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import {
  NumberCollector,
  dialPlanFromSettings,
  type CollectorView,
  type DialPlanSettings,
  type NumberCollectorOptions,
} from '../../firmware/phone/dialplan/index.js';

interface Rig {
  readonly clock: VirtualClock;
  readonly collector: NumberCollector;
  readonly dialed: string[];
  readonly views: CollectorView[];
  type(keys: string): void;
}

function rig(settings: Partial<DialPlanSettings> = {}, options: Partial<NumberCollectorOptions> = {}): Rig {
  const clock = new VirtualClock();
  const dialed: string[] = [];
  const views: CollectorView[] = [];
  const { plan, problems } = dialPlanFromSettings({ digitMap: undefined, dialNowRules: '', replaceRules: '', ...settings });
  assert.deepEqual(problems, []);
  const collector = new NumberCollector({
    clock,
    plan,
    dial: (n) => dialed.push(n),
    onChange: (v) => views.push(v),
    ...options,
  });
  return { clock, collector, dialed, views, type: (keys) => [...keys].forEach((k) => collector.press(k)) };
}

describe('NumberCollector: the inter-digit timers', () => {
  it('without a digit map, dials after the long timer (4 s by default) from the last key', () => {
    const r = rig();
    r.type('12');
    r.clock.advance(3000);
    r.type('3');
    r.clock.advance(3999);
    assert.deepEqual(r.dialed, [], 'each key restarts the timer');
    assert.equal(r.collector.view().waiting, 'long');
    r.clock.advance(1);
    assert.deepEqual(r.dialed, ['123']);
    assert.equal(r.collector.view().state, 'dialed');
    assert.equal(r.clock.pendingCount, 0);
  });

  it('the timer lengths are parameters', () => {
    const r = rig({}, { longTimerMs: 7000 });
    r.type('5');
    r.clock.advance(6999);
    assert.deepEqual(r.dialed, []);
    r.clock.advance(1);
    assert.deepEqual(r.dialed, ['5']);
  });

  it('a complete digit map dials at once', () => {
    const r = rig({ digitMap: '911|*xx' });
    r.type('91');
    assert.deepEqual(r.dialed, []);
    r.type('1');
    assert.deepEqual(r.dialed, ['911']);
    assert.equal(r.clock.pendingCount, 0);
  });

  it('complete-but-more-possible waits the short timer (1 s by default), partial the long one', () => {
    const r = rig({ digitMap: '[2-9]xx|[2-9]xxxxxx' });
    r.type('55');
    assert.equal(r.collector.view().verdict, 'partial');
    assert.equal(r.collector.view().waiting, 'long');
    r.type('5');
    assert.equal(r.collector.view().verdict, 'complete-but-more-possible');
    assert.equal(r.collector.view().waiting, 'short');
    r.clock.advance(999);
    assert.deepEqual(r.dialed, []);
    r.clock.advance(1);
    assert.deepEqual(r.dialed, ['555']);
  });

  it('typing on within the short timer goes back to the long one', () => {
    const r = rig({ digitMap: '[2-9]xx|[2-9]xxxxxx' }, { shortTimerMs: 1500 });
    r.type('555');
    r.clock.advance(1400);
    r.type('1');
    assert.equal(r.collector.view().waiting, 'long');
    r.clock.advance(3999);
    assert.deepEqual(r.dialed, []);
    r.type('234');
    assert.deepEqual(r.dialed, ['5551234'], 'the seven-digit rule completes');
  });

  it('a rule ending in T dials on the short timer', () => {
    const r = rig({ digitMap: '011x.T' });
    r.type('01149');
    r.clock.advance(1000);
    assert.deepEqual(r.dialed, ['01149']);
  });

  it('a long timer of 0 never dials a partial number by itself', () => {
    const r = rig({ digitMap: '[2-9]xxxxxx' }, { longTimerMs: 0 });
    r.type('555');
    r.clock.advance(60_000);
    assert.deepEqual(r.dialed, []);
    assert.equal(r.clock.pendingCount, 0);
    r.collector.send();
    assert.deepEqual(r.dialed, ['555']);
  });
});

describe('NumberCollector: dial-now and replace rules', () => {
  it('a dial-now rule dials the moment it matches, before the digit map is complete', () => {
    const r = rig({ dialNowRules: '1xx', digitMap: '1xxx' });
    r.type('112');
    assert.deepEqual(r.dialed, ['112']);
  });

  it('a dial-now rule of one key dials on the first key', () => {
    const r = rig({ dialNowRules: '0' });
    r.type('0');
    assert.deepEqual(r.dialed, ['0']);
    assert.equal(r.collector.view().number, '0');
  });

  it('dials the number after the replace rules, and shows both', () => {
    const r = rig({ replaceRules: '0=+49,00=+' });
    r.type('0301234');
    r.collector.send();
    assert.deepEqual(r.dialed, ['+49301234']);
    const view = r.collector.view();
    assert.equal(view.digits, '0301234');
    assert.equal(view.number, '+49301234');
  });
});

describe('NumberCollector: send keys (features.key_as_send) and OK', () => {
  it("'#' sends by default and is not part of the number", () => {
    const r = rig();
    r.type('123#');
    assert.deepEqual(r.dialed, ['123']);
    assert.equal(r.clock.pendingCount, 0);
  });

  it("with key_as_send 'none', '#' is a key like any other", () => {
    const r = rig({ digitMap: 'x+#' }, { keyAsSend: 'none' });
    r.type('12#');
    assert.deepEqual(r.dialed, ['12#'], 'the map completes on the #');
  });

  it("with key_as_send 'star', '*' sends and '#' is typed", () => {
    const r = rig({}, { keyAsSend: 'star' });
    r.type('1#*');
    assert.deepEqual(r.dialed, ['1#']);
  });

  it('a send key with nothing typed does nothing', () => {
    const r = rig();
    r.type('#');
    r.collector.send();
    assert.deepEqual(r.dialed, []);
    assert.equal(r.collector.view().state, 'empty');
  });

  it('OK sends whatever is there, at once', () => {
    const r = rig({ digitMap: '[2-9]xxxxxxxxx' });
    r.type('555');
    r.collector.send();
    assert.deepEqual(r.dialed, ['555']);
  });

  it('dials exactly once: later keys, sends and timers do nothing', () => {
    const r = rig();
    r.type('12');
    r.collector.send();
    r.type('34#');
    r.collector.send();
    r.collector.backspace();
    r.collector.offHook();
    r.clock.advance(10_000);
    assert.deepEqual(r.dialed, ['12']);
    assert.equal(r.collector.view().digits, '12');
  });
});

describe('NumberCollector: editing', () => {
  it('backspace deletes the last key and restarts the timer', () => {
    const r = rig();
    r.type('123');
    r.clock.advance(3000);
    r.collector.backspace();
    assert.equal(r.collector.view().digits, '12');
    r.clock.advance(3999);
    assert.deepEqual(r.dialed, []);
    r.clock.advance(1);
    assert.deepEqual(r.dialed, ['12']);
  });

  it('deleting every key leaves nothing to time', () => {
    const r = rig();
    r.type('1');
    r.collector.backspace();
    assert.equal(r.collector.view().state, 'empty');
    assert.equal(r.clock.pendingCount, 0);
    r.collector.backspace();
    assert.equal(r.collector.view().digits, '');
    r.type('42');
    r.collector.clear();
    assert.equal(r.collector.view().state, 'empty');
    assert.equal(r.clock.pendingCount, 0);
  });

  it('keys past maxDigits are ignored', () => {
    const r = rig({}, { maxDigits: 3 });
    r.type('12345');
    assert.equal(r.collector.view().digits, '123');
  });

  it('only dial keys are keys', () => {
    const r = rig();
    assert.throws(() => r.collector.press('a'), RangeError);
    assert.throws(() => r.collector.press('12'), RangeError);
  });

  it('reports every change of its view, including the one a timer makes', () => {
    const r = rig({ digitMap: '[2-9]xx|[2-9]xxxx' });
    r.type('55');
    r.collector.backspace();
    r.type('55');
    r.clock.advance(1000);
    assert.deepEqual(
      r.views.map((v) => [v.state, v.digits, v.waiting ?? '-']),
      [
        ['collecting', '5', 'long'],
        ['collecting', '55', 'long'],
        ['collecting', '5', 'long'],
        ['collecting', '55', 'long'],
        ['collecting', '555', 'short'],
        ['dialed', '555', '-'],
      ],
    );
  });
});

describe('NumberCollector: numbers the digit map can never match (no_match_action)', () => {
  it("'refuse' refuses at once and dials nothing, not even on OK", () => {
    const r = rig({ digitMap: '911|[2-9]xxxxxx' }, { noMatch: 'refuse' });
    r.type('1');
    assert.equal(r.collector.view().state, 'refused');
    assert.equal(r.collector.view().verdict, 'none');
    assert.equal(r.clock.pendingCount, 0);
    r.type('2');
    r.collector.send();
    r.clock.advance(10_000);
    assert.deepEqual(r.dialed, []);
    assert.equal(r.collector.view().digits, '1', 'keys are not taken while refused');
  });

  it("after a refusal, backspace lets the number be fixed", () => {
    const r = rig({ digitMap: '911|[2-9]xxxxxx' }, { noMatch: 'refuse' });
    r.type('91');
    r.type('4');
    r.type('4');
    assert.equal(r.collector.view().state, 'collecting', '914 can still be a seven-digit number');
    const strict = rig({ digitMap: '911' }, { noMatch: 'refuse' });
    strict.type('95');
    assert.equal(strict.collector.view().state, 'refused');
    strict.collector.backspace();
    assert.equal(strict.collector.view().state, 'collecting');
    strict.type('11');
    assert.deepEqual(strict.dialed, ['911']);
  });

  it("'ignore-key' does not take a key that makes the number impossible", () => {
    const r = rig({ digitMap: '911' }, { noMatch: 'ignore-key' });
    r.type('5');
    assert.equal(r.collector.view().state, 'empty');
    r.type('95');
    assert.equal(r.collector.view().digits, '9');
    r.type('11');
    assert.deepEqual(r.dialed, ['911']);
  });

  it("'dial-on-timeout' keeps collecting and dials on the long timer", () => {
    const r = rig({ digitMap: '911' }, { noMatch: 'dial-on-timeout' });
    r.type('5');
    assert.equal(r.collector.view().verdict, 'none');
    assert.equal(r.collector.view().waiting, 'long');
    r.clock.advance(4000);
    assert.deepEqual(r.dialed, ['5']);
  });
});

describe('NumberCollector: pre-dial (typing on-hook)', () => {
  it('collects but never dials by itself: no timer, no dial-now, no digit map', () => {
    const r = rig({ digitMap: '911', dialNowRules: '911' }, { preDial: true, noMatch: 'refuse' });
    r.type('9115');
    r.clock.advance(60_000);
    assert.deepEqual(r.dialed, []);
    assert.equal(r.clock.pendingCount, 0);
    const view = r.collector.view();
    assert.equal(view.state, 'collecting');
    assert.equal(view.preDial, true);
    assert.equal(view.verdict, undefined);
  });

  it('lifting the handset dials what was pre-dialed, after the replace rules', () => {
    const r = rig({ replaceRules: '0=+49' }, { preDial: true });
    r.type('030');
    r.collector.offHook();
    assert.deepEqual(r.dialed, ['+4930']);
  });

  it('OK or the send key dials a pre-dialed number', () => {
    const r = rig({}, { preDial: true });
    r.type('42#');
    assert.deepEqual(r.dialed, ['42']);
  });

  it('lifting the handset with nothing typed starts normal dialing', () => {
    const r = rig({ digitMap: '911' }, { preDial: true });
    r.collector.offHook();
    assert.equal(r.collector.view().preDial, false);
    assert.equal(r.views.at(-1)?.preDial, false, 'the screen hears of it');
    r.type('911');
    assert.deepEqual(r.dialed, ['911']);
  });
});

describe('NumberCollector: IP addresses typed with stars', () => {
  it('times a starred address as an address and leaves it out of the replace rules', () => {
    // The map lets "192" through as the start of 1xxx; from the first '*' only the address rule can match.
    const r = rig({ digitMap: '911|1xxx', replaceRules: '1=+1' }, { noMatch: 'refuse' });
    r.type('192*168*1*2');
    assert.equal(r.collector.view().state, 'collecting', 'not refused although the map cannot match');
    assert.equal(r.collector.view().verdict, 'complete-but-more-possible');
    assert.equal(r.collector.view().waiting, 'short');
    r.type('0');
    r.clock.advance(1000);
    assert.deepEqual(r.dialed, ['192*168*1*20']);
  });

  it('waits for the rest of an address while its groups are missing', () => {
    const r = rig({ digitMap: '911|1xxx' }, { noMatch: 'refuse' });
    r.type('192*168*');
    assert.equal(r.collector.view().verdict, 'partial');
    assert.equal(r.collector.view().waiting, 'long');
  });

  it('is refused like any other number when direct IP calls are off', () => {
    const r = rig({ digitMap: '911|1xxx' }, { noMatch: 'refuse', directIpAllowed: false });
    r.type('192*');
    assert.equal(r.collector.view().state, 'refused');
  });
});

describe('NumberCollector: dispose', () => {
  it('clears its timer and takes no more keys', () => {
    const r = rig();
    r.type('12');
    assert.equal(r.clock.pendingCount, 1);
    r.collector.dispose();
    assert.equal(r.clock.pendingCount, 0);
    r.type('3');
    r.collector.send();
    r.clock.advance(10_000);
    assert.deepEqual(r.dialed, []);
    assert.equal(r.collector.view().state, 'disposed');
  });
});
