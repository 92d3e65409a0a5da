/**
 * The dial plan as one value: the digit map, the dial-now rules and the
 * replace rules, built from the calls.dialPlan part of the typed config
 * (dialplan.digitmap.string when dialplan.digitmap.enable, dialplan.dialnow.rules,
 * dialplan.replace.rules). A setting that does not parse is left out and
 * reported, so one typo does not stop the phone from dialing at all.
 */
import { EMPTY_DIGIT_MAP, parseDigitMap, parseRuleList, type DigitMap } from './digit-map.js';
import { DialPlanSyntaxError } from './pattern-syntax.js';
import { parseReplaceRules, type ReplaceRule } from './replace-rules.js';

export interface DialPlan {
  /** Undefined: no digit map, every number waits for the long timer or a send key. */
  readonly digitMap?: DigitMap;
  /** Numbers dialed the moment they are typed (Yealink "dial-now"). */
  readonly dialNow: DigitMap;
  readonly replace: readonly ReplaceRule[];
}

export const NO_DIAL_PLAN: DialPlan = { dialNow: EMPTY_DIGIT_MAP, replace: [] };

export interface DialPlanSettings {
  readonly digitMap: string | undefined;
  readonly replaceRules: string;
  readonly dialNowRules: string;
}

/** Parses `parse(text)`, or records its syntax error under `key` and answers undefined. */
function parseSetting<T>(key: string, text: string, parse: (text: string) => T, problems: string[]): T | undefined {
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof DialPlanSyntaxError)) throw e;
    problems.push(`${key}: ${e.reason} at position ${e.position}; ignored`);
    return undefined;
  }
}

export function dialPlanFromSettings(settings: DialPlanSettings): { plan: DialPlan; problems: string[] } {
  const problems: string[] = [];
  const digitMap =
    settings.digitMap === undefined ? undefined : parseSetting('dialplan.digitmap.string', settings.digitMap, (t) => parseDigitMap(t), problems);
  const dialNow = parseSetting('dialplan.dialnow.rules', settings.dialNowRules, (t) => parseRuleList(t, 'dial-now rule'), problems);
  const replace = parseSetting('dialplan.replace.rules', settings.replaceRules, parseReplaceRules, problems);
  return {
    plan: { ...(digitMap ? { digitMap } : {}), dialNow: dialNow ?? EMPTY_DIGIT_MAP, replace: replace ?? [] },
    problems,
  };
}
