/**
 * The dial plan: when a typed number is complete, what it becomes, and the
 * SIP URI it is called at. Pure functions and one state machine; no I/O.
 */
export { DialPlanSyntaxError } from './pattern-syntax.js';
export { EMPTY_DIGIT_MAP, matchDigitMap, matchesExactly, parseDigitMap, parseRuleList } from './digit-map.js';
export type { DigitMap, DigitMapRule, DigitMapVerdict } from './digit-map.js';
export { applyReplaceRules, parseReplaceRules } from './replace-rules.js';
export type { ReplaceRule } from './replace-rules.js';
export { NO_DIAL_PLAN, dialPlanFromSettings } from './dial-plan.js';
export type { DialPlan, DialPlanSettings } from './dial-plan.js';
export { collectStep } from './collect-policy.js';
export type { CollectStep, NoMatchAction } from './collect-policy.js';
export { NumberCollector } from './number-collector.js';
export type { CollectorState, CollectorView, NumberCollectorOptions, SendKey } from './number-collector.js';
export { starIpAddress, starIpVerdict } from './star-ip.js';
export { dialTarget } from './dial-target.js';
export type { DialTarget, DialTargetOptions } from './dial-target.js';
