import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DialPlanSyntaxError,
  applyReplaceRules,
  collectStep,
  dialPlanFromSettings,
  matchDigitMap,
  matchesExactly,
  parseReplaceRules,
} from '../../firmware/phone/dialplan/index.js';

function replace(rules: string, number: string): string {
  return applyReplaceRules(parseReplaceRules(rules), number);
}

describe('replace rules (dialplan.replace.rules)', () => {
  it('a literal prefix is replaced and the rest of the number kept', () => {
    assert.equal(replace('0=+49', '0301234567'), '+49301234567');
    assert.equal(replace('0=+49', '4930'), '4930', 'no match: unchanged');
  });

  it('the longest matching prefix wins, whatever the order', () => {
    assert.equal(replace('0=+49,00=+', '0044207946'), '+44207946');
    assert.equal(replace('00=+,0=+49', '0044207946'), '+44207946');
    assert.equal(replace('0=+49,00=+', '030123'), '+4930123');
  });

  it('on a tie the rule written first wins', () => {
    assert.equal(replace('1=A,1=B', '123'), 'A23');
    assert.equal(replace('1x=B,1=A', '123'), 'B3', 'the longer match still wins');
  });

  it('an empty replacement strips the prefix (an outside-line 9)', () => {
    assert.equal(replace('9=', '95551234'), '5551234');
  });

  it('x, [ ] and . work as in the digit map', () => {
    assert.equal(replace('1xx=77', '1234'), '774');
    assert.equal(replace('[2-4]=8', '3000'), '8000');
    assert.equal(replace('[2-4]=8', '5000'), '5000');
  });

  it("$n puts back what a group matched; '$' takes a single digit (Yealink's example)", () => {
    assert.equal(replace('001(xxx)45(xx)=9001$145$2', '0012354599'), '90012354599');
    assert.equal(replace('9([5-7])(x.)=5$2', '96123'), '5123');
    assert.equal(replace('(1)(2)(3)=$3$2$1', '1234'), '3214');
  });

  it('a rule is applied once: its output is not replaced again', () => {
    assert.equal(replace('1=12', '1'), '12');
  });

  it('a prefix that matches nothing at all is no match', () => {
    assert.equal(replace('x.=99', '1234'), '99', 'x. matches the whole number');
    assert.equal(replace('x.=99', '*72'), '*72', 'an empty match is no match');
  });

  it('an empty setting is no rules', () => {
    assert.deepEqual(parseReplaceRules('  '), []);
    assert.equal(replace('', '0301'), '0301');
  });

  const errors: Array<[rules: string, position: number, reason: RegExp]> = [
    ['0+49', 1, /no '='/],
    ['=+49', 1, /empty prefix/],
    ['0=+49,(1=2', 7, /unclosed '\('/],
    ['1)=2', 2, /'\)' without '\('/],
    ['0=$1', 3, /\$1 refers to a group/],
    ['0(x)=$', 6, /'\$' must be followed by a group number/],
    ['1=2,,3=4', 5, /empty rule/],
    ['0=+4 9', 5, /space in replacement/],
    ['1T=2', 2, /unexpected 'T'/],
  ];
  for (const [rules, position, reason] of errors) {
    it(`refuses ${JSON.stringify(rules)} at position ${position}`, () => {
      assert.throws(
        () => parseReplaceRules(rules),
        (e: unknown) => e instanceof DialPlanSyntaxError && e.position === position && reason.test(e.reason) && e.message.startsWith('replace rule: '),
      );
    });
  }
});

describe('dialPlanFromSettings', () => {
  it('builds the digit map, dial-now rules and replace rules from the typed config', () => {
    const { plan, problems } = dialPlanFromSettings({ digitMap: '911|[2-9]xxxxxx', dialNowRules: '112', replaceRules: '0=+49' });
    assert.deepEqual(problems, []);
    assert.ok(plan.digitMap);
    assert.equal(matchDigitMap(plan.digitMap, '5551234'), 'complete');
    assert.equal(matchesExactly(plan.dialNow, '112'), true);
    assert.equal(applyReplaceRules(plan.replace, '030'), '+4930');
  });

  it('no digit map when it is disabled (undefined)', () => {
    const { plan } = dialPlanFromSettings({ digitMap: undefined, dialNowRules: '', replaceRules: '' });
    assert.equal(plan.digitMap, undefined);
    assert.equal(plan.dialNow.rules.length, 0);
  });

  it('leaves out a setting that does not parse and says which and where', () => {
    const { plan, problems } = dialPlanFromSettings({ digitMap: '9a1', dialNowRules: '112,', replaceRules: '0=+49' });
    assert.equal(plan.digitMap, undefined);
    assert.equal(plan.dialNow.rules.length, 0);
    assert.equal(applyReplaceRules(plan.replace, '030'), '+4930', 'the good setting still applies');
    assert.deepEqual(problems, [
      "dialplan.digitmap.string: unexpected 'a' at position 2; ignored",
      'dialplan.dialnow.rules: empty rule at position 4; ignored',
    ]);
  });
});

describe('collectStep (what the dialing screen does with a verdict)', () => {
  it('dials a complete number, waits short or long otherwise', () => {
    assert.equal(collectStep('complete', 'refuse', true), 'dial');
    assert.equal(collectStep('complete-but-more-possible', 'refuse', true), 'wait-short');
    assert.equal(collectStep('partial', 'refuse', true), 'wait-long');
  });

  it('handles an impossible number as no_match_action says', () => {
    assert.equal(collectStep('none', 'refuse', true), 'refuse');
    assert.equal(collectStep('none', 'refuse', false), 'refuse');
    assert.equal(collectStep('none', 'dial-on-timeout', true), 'wait-long');
    assert.equal(collectStep('none', 'ignore-key', true), 'drop-key');
    assert.equal(collectStep('none', 'ignore-key', false), 'wait-long', 'only a key just typed can be dropped');
  });
});
