/**
 * The pattern language the digit map, the dial-now rules and the replace
 * rules share: the DigitString of RFC 3435 §2.1.5 (and its Appendix A ABNF),
 * with two small additions desk phones use.
 *
 *   0-9 * #     the key itself
 *   x           any digit 0-9 (RFC 3435: "x" matches any digit)
 *   [2-9] [2469*#]  one key of a set; ranges are digit-digit (RFC 3435 DigitMapRange)
 *   .           after a position: that position zero or more times (RFC 3435)
 *   +           after a position: that position one or more times (addition; "x+#");
 *               at the start of a rule it is the literal '+' of an E.164 number
 *               (addition; Yealink's default map has "+x.T")
 *   T           the timer: only as the last element of a digit-map rule (RFC 3435)
 *   ( )         groups, only in replace-rule prefixes, referred to as $1..$9
 *   whitespace  ignored anywhere (the ABNF allows LWSP; Yealink maps contain spaces)
 *
 * The letters are case-insensitive, as ABNF literal strings are (RFC 5234 §2.3).
 * Errors name the 1-based position in the whole text the caller parsed, so a
 * problem in the fourth comma-separated rule of a setting still points at
 * the right character.
 */
import { isDigit, isWsp } from '../../sip/message/grammar.js';

export class DialPlanSyntaxError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
    /** 1-based index into the text that was parsed. */
    readonly position: number,
  ) {
    super(`${what}: ${reason} at position ${position}`);
    this.name = 'DialPlanSyntaxError';
  }
}

export const DIGITS = '0123456789';

/** One key position: the keys it accepts, and whether it may repeat (RFC 3435 "."). */
export interface KeyPosition {
  readonly kind: 'position';
  readonly keys: string;
  readonly repeat: boolean;
}

export interface GroupMark {
  readonly kind: 'open' | 'close';
}

export type PatternItem = KeyPosition | GroupMark;

export interface Pattern {
  readonly items: readonly PatternItem[];
  /** The rule ends in T: it is complete only when the inter-digit timer runs out. */
  readonly timer: boolean;
  /** Number of ( ) groups. */
  readonly groups: number;
  /** The rule as written (whitespace trimmed). */
  readonly text: string;
}

export interface PatternOptions {
  /** Names the setting in error messages ("digit map", "replace rule"). */
  readonly what: string;
  readonly allowGroups: boolean;
  readonly allowTimer: boolean;
}

/** A half-open [start, end) range of the text: one alternative or one list entry. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

function isSpace(c: string): boolean {
  return isWsp(c) || c === '\r' || c === '\n';
}

/** The span without its leading and trailing whitespace. */
export function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && isSpace(text[start] ?? '')) start++;
  while (end > start && isSpace(text[end - 1] ?? '')) end--;
  return { start, end };
}

/** Splits `span` of `text` at any of `separators`; every piece must hold something. */
export function splitSpan(text: string, span: Span, separators: string, what: string): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  for (let i = span.start; i <= span.end; i++) {
    if (i < span.end && !separators.includes(text[i] ?? '')) continue;
    const piece = trimSpan(text, { start, end: i });
    if (piece.start === piece.end) throw new DialPlanSyntaxError(what, 'empty rule', Math.min(i, span.end - 1) + 1);
    pieces.push(piece);
    start = i + 1;
  }
  return pieces;
}

/** The keys inside [ ]: digits, '*', '#', and digit ranges. `open` is the index of '['. */
function parseKeySet(text: string, open: number, end: number, what: string): { keys: string; close: number } {
  let keys = '';
  let i = open + 1;
  for (; i < end; i++) {
    const c = text[i] ?? '';
    if (c === ']') break;
    if (isSpace(c)) continue;
    if (isDigit(c) && text[i + 1] === '-') {
      const high = text[i + 2] ?? '';
      if (!isDigit(high)) throw new DialPlanSyntaxError(what, "a range needs a digit after '-'", i + 3);
      if (high < c) throw new DialPlanSyntaxError(what, `range ${c}-${high} runs backwards`, i + 1);
      for (let d = Number(c); d <= Number(high); d++) keys += String(d);
      i += 2;
    } else if (isDigit(c) || c === '*' || c === '#') {
      keys += c;
    } else {
      throw new DialPlanSyntaxError(what, `unexpected '${c}' in [ ]`, i + 1);
    }
  }
  if (i >= end) throw new DialPlanSyntaxError(what, "unterminated '['", open + 1);
  if (keys === '') throw new DialPlanSyntaxError(what, 'empty [ ]', open + 1);
  return { keys: [...new Set(keys)].join(''), close: i };
}

/** Parses one rule, the `span` of `text`. */
export function parsePattern(text: string, span: Span, options: PatternOptions): Pattern {
  const { what } = options;
  const items: PatternItem[] = [];
  const openAt: number[] = [];
  let groups = 0;
  let timer = false;
  const last = (): PatternItem | undefined => items[items.length - 1];
  for (let i = span.start; i < span.end; i++) {
    const c = text[i] ?? '';
    const at = i + 1;
    if (isSpace(c)) continue;
    if (timer) throw new DialPlanSyntaxError(what, "nothing may follow 'T'", at);
    const previous = last();
    const repeatable = previous?.kind === 'position' && !previous.repeat ? previous : undefined;
    if (isDigit(c) || c === '*' || c === '#') {
      items.push({ kind: 'position', keys: c, repeat: false });
    } else if (c === 'x' || c === 'X') {
      items.push({ kind: 'position', keys: DIGITS, repeat: false });
    } else if (c === '[') {
      const set = parseKeySet(text, i, span.end, what);
      items.push({ kind: 'position', keys: set.keys, repeat: false });
      i = set.close;
    } else if (c === '.') {
      if (!repeatable) throw new DialPlanSyntaxError(what, "'.' must follow a key position", at);
      items[items.length - 1] = { ...repeatable, repeat: true };
    } else if (c === '+') {
      if (items.length === 0) items.push({ kind: 'position', keys: '+', repeat: false });
      else if (!repeatable) throw new DialPlanSyntaxError(what, "'+' must follow a key position", at);
      else items.push({ ...repeatable, repeat: true });
    } else if ((c === 'T' || c === 't') && options.allowTimer) {
      if (!items.some((item) => item.kind === 'position')) throw new DialPlanSyntaxError(what, "'T' needs keys before it", at);
      timer = true;
    } else if (c === '(' && options.allowGroups) {
      items.push({ kind: 'open' });
      openAt.push(at);
      groups++;
    } else if (c === ')' && options.allowGroups) {
      if (openAt.pop() === undefined) throw new DialPlanSyntaxError(what, "')' without '('", at);
      items.push({ kind: 'close' });
    } else {
      throw new DialPlanSyntaxError(what, `unexpected '${c}'`, at);
    }
  }
  const unclosed = openAt.pop();
  if (unclosed !== undefined) throw new DialPlanSyntaxError(what, "unclosed '('", unclosed);
  if (!items.some((item) => item.kind === 'position')) throw new DialPlanSyntaxError(what, 'rule has no keys', span.start + 1);
  return { items, timer, groups, text: text.slice(span.start, span.end) };
}

/** The key positions of a rule without groups (digit-map and dial-now rules). */
export function keyPositions(pattern: Pattern): KeyPosition[] {
  return pattern.items.filter((item): item is KeyPosition => item.kind === 'position');
}
