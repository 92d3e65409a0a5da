/** The relay's command line, parsed without side effects so it can be tested. */
import { parseArgs } from 'node:util';
import { parseModelSpec, type ModelSpec } from './model-spec.js';
import type { DirectionSetting, Endpoint } from './relay.js';

export const USAGE = `usage: tsx test/tools/impairment-relay/cli.ts
  --listen-a HOST:PORT --listen-b HOST:PORT      sockets for side A and side B (port 0: any free)
  [--target-a HOST:PORT] [--target-b HOST:PORT]  where to send each side's packets (default: its first sender)
  (--trace FILE.csv | --model SPEC)              e.g. --model 'gaussian:mean=40,sd=10+gilbert:p=0.02,r=0.3'
  [--seed N] [--direction both|a-to-b|b-to-a] [--duration-s S]
  [--arrivals-out FILE.csv] [--spin-ms MS] [--pacing-period-ms MS]
Stats go to stdout as JSON on exit (SIGINT, SIGTERM or --duration-s); the bound
addresses go to stderr as one JSON line when listening.`;

export type ImpairmentSource =
  | { readonly kind: 'trace'; readonly path: string }
  | { readonly kind: 'model'; readonly text: string; readonly spec: ModelSpec };

export interface CliOptions {
  readonly listenA: Endpoint;
  readonly listenB: Endpoint;
  readonly targetA?: Endpoint;
  readonly targetB?: Endpoint;
  readonly source: ImpairmentSource;
  readonly seed: number;
  readonly direction: DirectionSetting;
  readonly durationS?: number;
  readonly arrivalsOut?: string;
  readonly spinMs: number;
  readonly pacingPeriodMs: number;
}

/** `host:port` or `[v6]:port`. */
export function parseEndpoint(text: string, option: string): Endpoint {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  const host = m?.[1] ?? m?.[2];
  if (host === undefined || !(port >= 0 && port <= 65535)) throw new Error(`${option}: "${text}" is not HOST:PORT`);
  return { host, port };
}

function parseNumberOption(text: string | undefined, option: string, check: (n: number) => boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`${option}: "${text}" is out of range`);
  return n;
}

const DIRECTION_SETTINGS: readonly DirectionSetting[] = ['both', 'a-to-b', 'b-to-a'];

function isDirectionSetting(text: string): text is DirectionSetting {
  return (DIRECTION_SETTINGS as readonly string[]).includes(text);
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'listen-a': { type: 'string' },
      'listen-b': { type: 'string' },
      'target-a': { type: 'string' },
      'target-b': { type: 'string' },
      trace: { type: 'string' },
      model: { type: 'string' },
      seed: { type: 'string' },
      direction: { type: 'string' },
      'duration-s': { type: 'string' },
      'arrivals-out': { type: 'string' },
      'spin-ms': { type: 'string' },
      'pacing-period-ms': { type: 'string' },
    },
  });
  const listenA = values['listen-a'];
  const listenB = values['listen-b'];
  if (listenA === undefined || listenB === undefined) throw new Error('--listen-a and --listen-b are required');
  if ((values.trace === undefined) === (values.model === undefined)) throw new Error('give exactly one of --trace and --model');
  const direction = values.direction ?? 'both';
  if (!isDirectionSetting(direction)) throw new Error(`--direction: "${direction}" is not one of ${DIRECTION_SETTINGS.join(', ')}`);
  const source: ImpairmentSource =
    values.trace !== undefined
      ? { kind: 'trace', path: values.trace }
      : { kind: 'model', text: values.model ?? '', spec: parseModelSpec(values.model ?? '') };
  const durationS = parseNumberOption(values['duration-s'], '--duration-s', (n) => n > 0);
  const arrivalsOut = values['arrivals-out'];
  const targetA = values['target-a'];
  const targetB = values['target-b'];
  return {
    listenA: parseEndpoint(listenA, '--listen-a'),
    listenB: parseEndpoint(listenB, '--listen-b'),
    ...(targetA !== undefined ? { targetA: parseEndpoint(targetA, '--target-a') } : {}),
    ...(targetB !== undefined ? { targetB: parseEndpoint(targetB, '--target-b') } : {}),
    source,
    seed: parseNumberOption(values.seed, '--seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff) ?? 1,
    direction,
    ...(durationS !== undefined ? { durationS } : {}),
    ...(arrivalsOut !== undefined ? { arrivalsOut } : {}),
    spinMs: parseNumberOption(values['spin-ms'], '--spin-ms', (n) => n >= 0) ?? 2,
    pacingPeriodMs: parseNumberOption(values['pacing-period-ms'], '--pacing-period-ms', (n) => n > 0) ?? 20,
  };
}
