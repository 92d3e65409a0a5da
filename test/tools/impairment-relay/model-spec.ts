/**
 * Named impairment models on the command line: `name:key=value,…` stages
 * joined with `+`, e.g. `gaussian:mean=40,sd=10+gilbert:p=0.02,r=0.3`.
 * Parsing checks every name, key and range up front so a typo fails at start
 * rather than silently running an unimpaired benchmark. README.md in this
 * folder documents each model.
 */
import type { Decision, Impairment, ImpairmentFactory } from './decision.js';
import {
  clockDrift,
  constantDelay,
  delaySpikes,
  fifoConstraint,
  gaussianDelay,
  paretoDelay,
  randomShift,
  reorder,
  stepShift,
  type DelayStage,
  type FifoConstraint,
} from './delay-models.js';
import { parseDecimal } from './decimal.js';
import { bernoulliLoss, gilbertElliott, type LossStage } from './loss-models.js';
import { mixSeed, mulberry32, type Random } from './prng.js';

interface ParamDef {
  /** Absent (and not optional): the parameter is required. */
  readonly default?: number;
  /** May be left out with no default (shift's two alternative forms). */
  readonly optional?: true;
  readonly min?: number;
  readonly max?: number;
  /** The lower bound itself is not allowed (e.g. a shape of 0). */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
}

const PROBABILITY: ParamDef = { min: 0, max: 1 };
const NON_NEGATIVE: ParamDef = { min: 0 };
const PERIOD: ParamDef = { default: 20, min: 0, minExclusive: true };

export const MODEL_PARAMS = {
  none: {},
  delay: { ms: NON_NEGATIVE },
  gaussian: { mean: NON_NEGATIVE, sd: NON_NEGATIVE },
  pareto: { scale: NON_NEGATIVE, shape: { min: 0, minExclusive: true }, max: { default: 1000, min: 0 } },
  spikes: { p: PROBABILITY, height: NON_NEGATIVE, period: PERIOD },
  // Either at+by or p+max; checked in validateShift.
  shift: {
    at: { optional: true, min: 0, integer: true },
    by: { optional: true },
    p: { optional: true, ...PROBABILITY },
    max: { optional: true, min: 0 },
  },
  drift: { ppm: {}, start: { default: 0, min: 0 }, period: PERIOD },
  reorder: { p: PROBABILITY, depth: { default: 1, min: 1, integer: true }, period: PERIOD },
  fifo: { period: PERIOD },
  loss: { p: PROBABILITY },
  gilbert: { p: PROBABILITY, r: PROBABILITY, h: { default: 0, ...PROBABILITY }, k: { default: 1, ...PROBABILITY } },
} as const satisfies Record<string, Record<string, ParamDef>>;

export type ModelName = keyof typeof MODEL_PARAMS;

export interface ModelStageSpec {
  readonly name: ModelName;
  readonly params: Readonly<Record<string, number>>;
}

export type ModelSpec = readonly ModelStageSpec[];

function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODEL_PARAMS, name);
}

function parseNumber(text: string, where: string): number {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`${where}: "${text}" is not a number`);
  return value;
}

function checkParam(def: ParamDef, value: number, where: string): void {
  if (def.integer === true && !Number.isInteger(value)) throw new Error(`${where} must be an integer`);
  if (def.min !== undefined && (def.minExclusive === true ? value <= def.min : value < def.min)) {
    throw new Error(`${where} must be ${def.minExclusive === true ? '>' : '≥'} ${def.min}`);
  }
  if (def.max !== undefined && value > def.max) throw new Error(`${where} must be ≤ ${def.max}`);
}

function validateShift(params: Readonly<Record<string, number>>): void {
  const has = (k: string): boolean => params[k] !== undefined;
  const step = has('at') || has('by');
  const random = has('p') || has('max');
  if (step === random) throw new Error('shift: give either at= and by= (a step) or p= and max= (random level changes)');
  if (step && !(has('at') && has('by'))) throw new Error('shift: a step needs both at= and by=');
  if (random && !(has('p') && has('max'))) throw new Error('shift: random level changes need both p= and max=');
}

/** One `name:key=value,…` stage, defaults filled in and ranges checked. */
function parseStage(part: string): ModelStageSpec {
  const colon = part.indexOf(':');
  const name = (colon < 0 ? part : part.slice(0, colon)).trim();
  if (!isModelName(name)) {
    throw new Error(`unknown model "${name}" (known: ${Object.keys(MODEL_PARAMS).join(', ')})`);
  }
  const defs: Readonly<Record<string, ParamDef>> = MODEL_PARAMS[name];
  const params: Record<string, number> = {};
  const body = colon < 0 ? '' : part.slice(colon + 1).trim();
  for (const pair of body === '' ? [] : body.split(',')) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const def = defs[key];
    if (def === undefined) {
      throw new Error(`${name}: unknown parameter "${key}" (known: ${Object.keys(defs).join(', ') || 'none'})`);
    }
    if (eq < 0) throw new Error(`${name}: parameter "${key}" has no value`);
    if (Object.hasOwn(params, key)) throw new Error(`${name}: parameter "${key}" given twice`);
    params[key] = parseNumber(pair.slice(eq + 1).trim(), `${name}.${key}`);
  }
  for (const [key, def] of Object.entries(defs)) {
    const value = params[key] ?? def.default;
    if (value === undefined) {
      if (def.optional === true) continue;
      throw new Error(`${name}: parameter "${key}" is required`);
    }
    checkParam(def, value, `${name}.${key}`);
    params[key] = value;
  }
  if (name === 'shift') validateShift(params);
  return { name, params };
}

/** Parses `name:key=value,…+name…`; throws with the offending part named. */
export function parseModelSpec(text: string): ModelSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('empty model spec (use "none" for no impairment)');
  return trimmed.split('+').map(parseStage);
}

type Stage =
  | { readonly kind: 'delay'; readonly stage: DelayStage }
  | { readonly kind: 'reorder'; readonly stage: DelayStage }
  | { readonly kind: 'loss'; readonly stage: LossStage }
  | { readonly kind: 'fifo'; readonly stage: FifoConstraint }
  | { readonly kind: 'none' };

function param(spec: ModelStageSpec, key: string): number {
  const value = spec.params[key];
  if (value === undefined) throw new Error(`${spec.name}: parameter "${key}" missing (spec not from parseModelSpec?)`);
  return value;
}

function buildStage(spec: ModelStageSpec, random: Random): Stage {
  const p = (key: string): number => param(spec, key);
  switch (spec.name) {
    case 'none':
      return { kind: 'none' };
    case 'delay':
      return { kind: 'delay', stage: constantDelay(p('ms')) };
    case 'gaussian':
      return { kind: 'delay', stage: gaussianDelay(p('mean'), p('sd'), random) };
    case 'pareto':
      return { kind: 'delay', stage: paretoDelay(p('scale'), p('shape'), p('max'), random) };
    case 'spikes':
      return { kind: 'delay', stage: delaySpikes(p('p'), p('height'), p('period'), random) };
    case 'shift':
      return spec.params['at'] === undefined
        ? { kind: 'delay', stage: randomShift(p('p'), p('max'), random) }
        : { kind: 'delay', stage: stepShift(p('at'), p('by')) };
    case 'drift':
      return { kind: 'delay', stage: clockDrift(p('ppm'), p('start'), p('period')) };
    case 'reorder':
      return { kind: 'reorder', stage: reorder(p('p'), p('depth'), p('period'), random) };
    case 'fifo':
      return { kind: 'fifo', stage: fifoConstraint(p('period')) };
    case 'loss':
      return { kind: 'loss', stage: bernoulliLoss(p('p'), random) };
    case 'gilbert':
      return { kind: 'loss', stage: gilbertElliott({ p: p('p'), r: p('r'), h: p('h'), k: p('k') }, random) };
  }
}

/**
 * The impairment of a combined model for one flow. Every stage is asked for
 * every packet (its own stream advances the same whatever the others decide);
 * delays add; any loss stage drops; `fifo` orders the summed delays before the
 * `reorder` hold-back is added.
 */
function combine(stages: readonly Stage[]): Impairment {
  return {
    next: (): Decision => {
      let drop = false;
      let delayMs = 0;
      let heldMs = 0;
      for (const s of stages) {
        if (s.kind === 'loss') drop = s.stage.next() || drop;
        else if (s.kind === 'delay') delayMs += s.stage.next();
        else if (s.kind === 'reorder') heldMs += s.stage.next();
      }
      for (const s of stages) if (s.kind === 'fifo') delayMs = s.stage.apply(delayMs, !drop);
      return drop ? { drop, delayMs: 0 } : { drop, delayMs: delayMs + heldMs };
    },
  };
}

/** A factory of per-flow impairments; stage i of a flow draws from mixSeed(flowSeed, i). */
export function modelImpairment(spec: ModelSpec): ImpairmentFactory {
  return (flowSeed) => combine(spec.map((s, i) => buildStage(s, mulberry32(mixSeed(flowSeed, i)))));
}
