/**
 * Digit maps (RFC 3435 §2.1.5): which typed numbers are complete.
 *
 *   DigitMap = DigitString / "(" DigitStringList ")"
 *   DigitStringList = DigitString 0*( "|" DigitString )
 *
 * e.g. `[2-9]xxxxxxxxx|1[2-9]xxxxxxxxx|011x.T|*xx|911|x+#` (element syntax in
 * pattern-syntax.ts). RFC 3435 has the gateway "accumulate digits until either
 * a match is found or no match is possible"; a phone adds the two waits desk
 * phones use (Cisco SPA's interdigit long and short timers, Yealink's
 * dialplan.digitmap.interdigit_long_timer / _short_timer):
 *
 *   'complete'                    a rule matches and no rule can take another key: dial now
 *   'complete-but-more-possible'  a rule matches (or reached its T) but a longer number may
 *                                 still be coming: dial when the short timer runs out
 *   'partial'                     no rule matches yet, more keys could: the long timer
 *   'none'                        no rule can ever match this number
 *
 * A rule ending in T is complete only when the timer runs out, so reaching
 * its end answers 'complete-but-more-possible' even when no longer number
 * could match ("T" is timed with the short timer, as Yealink does).
 */
import { DialPlanSyntaxError, keyPositions, parsePattern, splitSpan, trimSpan, type KeyPosition, type Span } from './pattern-syntax.js';

export type DigitMapVerdict = 'complete' | 'complete-but-more-possible' | 'partial' | 'none';

export interface DigitMapRule {
  readonly positions: readonly KeyPosition[];
  readonly timer: boolean;
  /** The rule as written. */
  readonly text: string;
}

export interface DigitMap {
  readonly rules: readonly DigitMapRule[];
}

/** A map that matches nothing: no dial-now rules configured. */
export const EMPTY_DIGIT_MAP: DigitMap = { rules: [] };

function parseRules(text: string, span: Span, separators: string, what: string): DigitMapRule[] {
  return splitSpan(text, span, separators, what).map((piece) => {
    const pattern = parsePattern(text, piece, { what, allowGroups: false, allowTimer: true });
    return { positions: keyPositions(pattern), timer: pattern.timer, text: pattern.text };
  });
}

/** Parses a digit map; throws DialPlanSyntaxError naming the position of the fault. */
export function parseDigitMap(text: string, what = 'digit map'): DigitMap {
  let span = trimSpan(text, { start: 0, end: text.length });
  if (span.start === span.end) throw new DialPlanSyntaxError(what, 'empty digit map', 1);
  if (text[span.start] === '(') {
    // The RFC's "(" DigitStringList ")" form: the parentheses wrap the whole map.
    if (text[span.end - 1] !== ')') throw new DialPlanSyntaxError(what, "unclosed '('", span.start + 1);
    span = { start: span.start + 1, end: span.end - 1 };
    if (trimSpan(text, span).start === span.end) throw new DialPlanSyntaxError(what, 'empty digit map', span.start + 1);
  }
  return { rules: parseRules(text, span, '|', what) };
}

/**
 * Parses a list of digit-map rules separated by ',' or '|' (the form of the
 * dialplan.dialnow.rules setting, "911,1xx"); an empty text is an empty list.
 */
export function parseRuleList(text: string, what: string): DigitMap {
  const span = trimSpan(text, { start: 0, end: text.length });
  if (span.start === span.end) return EMPTY_DIGIT_MAP;
  return { rules: parseRules(text, span, ',|', what) };
}

/** Where a rule can be after the keys typed: an NFA over the positions (index = next position). */
function reachable(positions: readonly KeyPosition[], keys: string): Set<number> {
  // A repeatable position may match nothing, so the position after it is reachable too.
  const close = (states: Set<number>): Set<number> => {
    for (const s of [...states]) {
      for (let i = s; i < positions.length && positions[i]?.repeat; i++) states.add(i + 1);
    }
    return states;
  };
  let states = close(new Set([0]));
  for (const key of keys) {
    const next = new Set<number>();
    for (const s of states) {
      const p = positions[s];
      if (p?.keys.includes(key)) next.add(p.repeat ? s : s + 1);
    }
    states = close(next);
    if (states.size === 0) break;
  }
  return states;
}

interface RuleMatch {
  /** Every position is satisfied (up to the T, if the rule has one). */
  readonly atEnd: boolean;
  /** Another key could still be accepted. */
  readonly canExtend: boolean;
}

function matchRule(rule: DigitMapRule, keys: string): RuleMatch {
  const states = reachable(rule.positions, keys);
  const end = rule.positions.length;
  return { atEnd: states.has(end), canExtend: [...states].some((s) => s < end) };
}

/** How far `keys` has got against `map`. */
export function matchDigitMap(map: DigitMap, keys: string): DigitMapVerdict {
  let complete = false;
  let waitForTimer = false;
  let more = false;
  for (const rule of map.rules) {
    const m = matchRule(rule, keys);
    if (m.atEnd) {
      complete = true;
      if (rule.timer) waitForTimer = true;
    }
    if (m.canExtend) more = true;
  }
  if (complete) return more || waitForTimer ? 'complete-but-more-possible' : 'complete';
  return more ? 'partial' : 'none';
}

/** True when some rule matches `keys` exactly (its T, if any, is not waited for): the dial-now test. */
export function matchesExactly(map: DigitMap, keys: string): boolean {
  return map.rules.some((rule) => matchRule(rule, keys).atEnd);
}
