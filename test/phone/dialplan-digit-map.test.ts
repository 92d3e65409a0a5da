import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DialPlanSyntaxError,
  matchDigitMap,
  matchesExactly,
  parseDigitMap,
  parseRuleList,
  type DigitMapVerdict,
} from '../../firmware/phone/dialplan/index.js';

/** The verdict for each prefix of `keys`, so a test reads as the number is typed. */
function asTyped(map: string, keys: string): DigitMapVerdict[] {
  const parsed = parseDigitMap(map);
  return [...keys].map((_, i) => matchDigitMap(parsed, keys.slice(0, i + 1)));
}

function verdict(map: string, keys: string): DigitMapVerdict {
  return matchDigitMap(parseDigitMap(map), keys);
}

function syntaxError(parse: () => unknown): DialPlanSyntaxError {
  try {
    parse();
  } catch (e) {
    if (e instanceof DialPlanSyntaxError) return e;
    throw e;
  }
  assert.fail('expected a DialPlanSyntaxError');
}

describe('digit map elements (RFC 3435 §2.1.5)', () => {
  it('a literal rule is partial while typed, complete when whole, none when it strays', () => {
    assert.deepEqual(asTyped('911', '911'), ['partial', 'partial', 'complete']);
    assert.equal(verdict('911', '912'), 'none');
    assert.equal(verdict('911', '9111'), 'none');
  });

  it("x matches any digit, but not '*' or '#'", () => {
    assert.deepEqual(asTyped('1xx', '105'), ['partial', 'partial', 'complete']);
    assert.equal(verdict('1xx', '1*5'), 'none');
    assert.equal(verdict('1xx', '1#'), 'none');
    assert.equal(verdict('1XX', '199'), 'complete', 'letters are case-insensitive');
  });

  it('[ ] takes ranges and sets, including * and #', () => {
    assert.equal(verdict('[2-9]11', '211'), 'complete');
    assert.equal(verdict('[2-9]11', '911'), 'complete');
    assert.equal(verdict('[2-9]11', '111'), 'none');
    assert.equal(verdict('[2469*#]', '*'), 'complete');
    assert.equal(verdict('[2469*#]', '#'), 'complete');
    assert.equal(verdict('[2469*#]', '3'), 'none');
    assert.equal(verdict('[1-3 7]x', '72'), 'complete', 'whitespace inside [ ] is ignored');
  });

  it("'.' repeats the position before it zero or more times", () => {
    assert.equal(verdict('011x.', '011'), 'complete-but-more-possible', 'zero repetitions already match');
    assert.equal(verdict('011x.', '0114930'), 'complete-but-more-possible');
    assert.equal(verdict('011x.', '01'), 'partial');
    assert.equal(verdict('011x.', '011#'), 'none');
  });

  it("'+' after a position repeats it one or more times", () => {
    assert.deepEqual(asTyped('x+#', '12#'), ['partial', 'partial', 'complete']);
    assert.equal(verdict('x+#', '#'), 'none', 'at least one digit');
  });

  it("'+' that starts a rule is the literal plus of an E.164 number", () => {
    assert.equal(verdict('+x.T', '+'), 'complete-but-more-possible');
    assert.equal(verdict('+x.T', '+4930'), 'complete-but-more-possible');
    assert.equal(verdict('+x.T', '4930'), 'none');
  });

  it('T makes a complete rule wait for the timer even when no longer number could match', () => {
    assert.deepEqual(asTyped('xxxxT', '1234'), ['partial', 'partial', 'partial', 'complete-but-more-possible']);
    assert.equal(verdict('xxxx', '1234'), 'complete', 'the same rule without T dials at once');
    assert.equal(verdict('011x.T', '01144'), 'complete-but-more-possible');
  });

  it('whitespace between elements is ignored and the map may be wrapped in ( )', () => {
    const map = '( [2-9]xx xxxx | 911 )';
    assert.equal(verdict(map, '5551234'), 'complete');
    assert.equal(verdict(map, '911'), 'complete-but-more-possible', '911 is also the start of a seven-digit number');
    assert.equal(verdict(map, '5'), 'partial');
  });
});

describe('digit map alternatives', () => {
  const nanp = '[2-9]xxxxxxxxx|1[2-9]xxxxxxxxx|011x.T|*xx|911|x+#';

  it('a rule that matches while another could still grow waits (complete-but-more-possible)', () => {
    // 911 is complete, but [2-9]xxxxxxxxx and x+# can still take keys.
    assert.equal(verdict(nanp, '911'), 'complete-but-more-possible');
    assert.equal(verdict(nanp, '2125551234'), 'complete-but-more-possible', 'x+# could still take more digits');
  });

  it('a rule that matches when no rule can grow is complete', () => {
    assert.equal(verdict(nanp, '*72'), 'complete');
    assert.equal(verdict(nanp, '12#'), 'complete');
    assert.equal(verdict('911|*xx', '911'), 'complete');
  });

  it('partial while some rule can still match, none when no rule can', () => {
    assert.equal(verdict(nanp, '1'), 'partial');
    assert.equal(verdict(nanp, '*7'), 'partial');
    assert.equal(verdict(nanp, '*7#'), 'none');
    assert.equal(verdict(nanp, '#'), 'none');
    assert.equal(verdict(nanp, '11'), 'partial', 'x+# still takes it');
    assert.equal(verdict('[2-9]xxxxxxxxx|911', '11'), 'none');
  });
});

describe('rule lists (dialplan.dialnow.rules)', () => {
  it("splits on ',' as well as '|', and an empty setting has no rules", () => {
    const list = parseRuleList(' 911, 1xx |*7x ', 'dial-now rule');
    assert.deepEqual(list.rules.map((r) => r.text), ['911', '1xx', '*7x']);
    assert.equal(parseRuleList('  ', 'dial-now rule').rules.length, 0);
  });

  it('matchesExactly answers whether some rule is matched in full', () => {
    const list = parseRuleList('911,1xx', 'dial-now rule');
    assert.equal(matchesExactly(list, '911'), true);
    assert.equal(matchesExactly(list, '123'), true);
    assert.equal(matchesExactly(list, '12'), false);
    assert.equal(matchesExactly(list, '1234'), false);
    assert.equal(matchesExactly(parseRuleList('', 'dial-now rule'), '911'), false);
  });
});

describe('digit map errors name the position', () => {
  const cases: Array<[map: string, position: number, reason: RegExp]> = [
    ['', 1, /empty digit map/],
    ['9a1', 2, /unexpected 'a'/],
    ['91[23', 3, /unterminated '\['/],
    ['[]1', 1, /empty \[ \]/],
    ['1[9-2]', 3, /runs backwards/],
    ['1[2-]', 5, /digit after '-'/],
    ['1[2x]', 4, /unexpected 'x' in \[ \]/],
    ['.1', 1, /'\.' must follow a key position/],
    ['1..', 3, /'\.' must follow a key position/],
    ['x++', 3, /'\+' must follow a key position/],
    ['1T2', 3, /nothing may follow 'T'/],
    ['T', 1, /'T' needs keys before it/],
    ['911||411', 5, /empty rule/],
    ['911|', 4, /empty rule/],
    ['(911|411', 1, /unclosed '\('/],
    ['9(1)1', 2, /unexpected '\('/],
  ];
  for (const [map, position, reason] of cases) {
    it(`${JSON.stringify(map)}: ${String(reason)} at ${position}`, () => {
      const e = syntaxError(() => parseDigitMap(map));
      assert.equal(e.position, position, e.message);
      assert.match(e.reason, reason);
      assert.match(e.message, new RegExp(`^digit map: .* at position ${position}$`));
    });
  }

  it('positions in a rule list count from the start of the whole setting', () => {
    const e = syntaxError(() => parseRuleList('911, 1xx, 4z1', 'dial-now rule'));
    assert.equal(e.position, 12);
    assert.match(e.message, /^dial-now rule: unexpected 'z'/);
  });
});
