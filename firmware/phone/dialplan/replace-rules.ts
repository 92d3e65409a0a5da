/**
 * Replace rules: the dialplan.replace.rules setting, Yealink's
 * dialplan.replace.prefix.N / dialplan.replace.replace.N pairs written as one
 * comma-separated list of `prefix=replacement`:
 *
 *   0=+49               "0301234567" → "+49301234567"
 *   00=+                "0044207…"   → "+44207…"
 *   9=                  strips an outside-line 9
 *   001(xxx)45(xx)=9001$145$2   "0012354599" → "90012354599" (Yealink's own example)
 *
 * The prefix uses the digit-map positions of pattern-syntax.ts (keys, x,
 * [ ], '.', '+') plus ( ) groups; no T. It is matched against the start of
 * the number, and the part it matched is replaced: the rest of the number is
 * kept, which is what makes "0=+49" a prefix rule.
 * The replacement is literal text (any character but ',' and whitespace)
 * where `$1`..`$9` stand for what the groups matched; `$` takes one digit, so
 * "$145" is group 1 then "45", as on Yealink phones.
 *
 * When several prefixes match, the longest match wins (ties: the first
 * written), so "0=+49,00=+" turns "0044…" into "+44…", not "+49044…".
 * Only one rule is applied: a replacement is never replaced again.
 */
import { DialPlanSyntaxError, parsePattern, splitSpan, trimSpan, type Pattern } from './pattern-syntax.js';

const WHAT = 'replace rule';

/** Literal text, or the number of a group. */
type ReplacementPart = string | number;

export interface ReplaceRule {
  readonly prefix: Pattern;
  readonly replacement: readonly ReplacementPart[];
  /** The rule as written. */
  readonly text: string;
  readonly matcher: RegExp;
}

function escapeClass(keys: string): string {
  return keys.replace(/[\\\]^-]/g, '\\$&');
}

/** The prefix as an anchored RegExp; built from parsed positions, never from raw text. */
function toRegExp(prefix: Pattern): RegExp {
  let source = '^';
  for (const item of prefix.items) {
    if (item.kind === 'position') source += `[${escapeClass(item.keys)}]${item.repeat ? '*' : ''}`;
    else source += item.kind === 'open' ? '(' : ')';
  }
  return new RegExp(source);
}

function parseReplacement(text: string, start: number, end: number, groups: number): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  for (let i = start; i < end; i++) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) throw new DialPlanSyntaxError(WHAT, 'space in replacement', i + 1);
    if (c !== '$') {
      const tail = parts[parts.length - 1];
      if (typeof tail === 'string') parts[parts.length - 1] = tail + c;
      else parts.push(c);
      continue;
    }
    const n = Number(text[i + 1] ?? 'NaN');
    if (!(n >= 1 && n <= 9)) throw new DialPlanSyntaxError(WHAT, "'$' must be followed by a group number 1-9", i + 1);
    if (n > groups) throw new DialPlanSyntaxError(WHAT, `$${n} refers to a group the prefix does not have`, i + 1);
    parts.push(n);
    i++;
  }
  return parts;
}

/** Parses the comma-separated list; an empty text is no rules. Throws DialPlanSyntaxError. */
export function parseReplaceRules(text: string): ReplaceRule[] {
  const all = trimSpan(text, { start: 0, end: text.length });
  if (all.start === all.end) return [];
  return splitSpan(text, all, ',', WHAT).map((entry) => {
    const eq = text.indexOf('=', entry.start);
    if (eq < 0 || eq >= entry.end) throw new DialPlanSyntaxError(WHAT, "expected prefix=replacement, no '='", entry.start + 1);
    const prefixSpan = trimSpan(text, { start: entry.start, end: eq });
    if (prefixSpan.start === prefixSpan.end) throw new DialPlanSyntaxError(WHAT, "empty prefix before '='", eq + 1);
    const prefix = parsePattern(text, prefixSpan, { what: WHAT, allowGroups: true, allowTimer: false });
    const value = trimSpan(text, { start: eq + 1, end: entry.end });
    return {
      prefix,
      replacement: parseReplacement(text, value.start, value.end, prefix.groups),
      text: text.slice(entry.start, entry.end),
      matcher: toRegExp(prefix),
    };
  });
}

/** The number with the best-matching rule applied, or unchanged when none matches. */
export function applyReplaceRules(rules: readonly ReplaceRule[], number: string): string {
  let best: { rule: ReplaceRule; match: RegExpExecArray } | undefined;
  for (const rule of rules) {
    const match = rule.matcher.exec(number);
    // A prefix made only of repeatable positions can match nothing; that is no match.
    if (!match || match[0].length === 0) continue;
    if (!best || match[0].length > best.match[0].length) best = { rule, match };
  }
  if (!best) return number;
  const { rule, match } = best;
  const replaced = rule.replacement.map((part) => (typeof part === 'number' ? (match[part] ?? '') : part)).join('');
  return replaced + number.slice(match[0].length);
}
