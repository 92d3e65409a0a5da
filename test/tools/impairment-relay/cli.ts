/**
 * Command-line entry of the impairment relay:
 *   tsx test/tools/impairment-relay/cli.ts --listen-a 127.0.0.1:PORT --listen-b 127.0.0.1:PORT \
 *     (--trace file.csv | --model spec) [--seed N] [--direction both|a-to-b|b-to-a] [--duration-s S]
 * See cli-args.ts for every option and README.md for the models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCliArgs, USAGE, type CliOptions } from './cli-args.js';
import type { ImpairmentFactory } from './decision.js';
import { modelImpairment } from './model-spec.js';
import { DIRECTIONS, endpointText, ImpairmentRelay } from './relay.js';
import { parseTrace, traceImpairment } from './trace.js';

function impairmentOf(options: CliOptions): ImpairmentFactory {
  return options.source.kind === 'trace'
    ? traceImpairment(parseTrace(readFileSync(options.source.path, 'utf8')))
    : modelImpairment(options.source.spec);
}

/** `direction,flow,seq,arrival_ns` for a pacing analysis outside this tool. */
function arrivalsCsv(relay: ImpairmentRelay): string {
  const lines = ['direction,flow,seq,arrival_ns'];
  for (const direction of DIRECTIONS) {
    for (const [flow, entries] of relay.arrivals(direction)) {
      for (const e of entries) lines.push(`${direction},${flow},${e.seq ?? ''},${e.arrivalNs}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let options: CliOptions;
  let impairment: ImpairmentFactory;
  try {
    options = parseCliArgs(process.argv.slice(2));
    impairment = impairmentOf(options);
  } catch (error) {
    console.error(`impairment-relay: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const relay = await ImpairmentRelay.start({
    listenA: options.listenA,
    listenB: options.listenB,
    ...(options.targetA !== undefined ? { targetA: options.targetA } : {}),
    ...(options.targetB !== undefined ? { targetB: options.targetB } : {}),
    impairment,
    seed: options.seed,
    direction: options.direction,
    spinMs: options.spinMs,
    pacingPeriodMs: options.pacingPeriodMs,
  });
  const startedNs = process.hrtime.bigint();
  console.error(JSON.stringify({ listening: { a: endpointText(relay.addressA), b: endpointText(relay.addressB) } }));

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
    await relay.close();
    if (options.arrivalsOut !== undefined) writeFileSync(options.arrivalsOut, arrivalsCsv(relay));
    const report = {
      stoppedBy: reason,
      runS: Number(process.hrtime.bigint() - startedNs) / 1e9,
      impairment: options.source.kind === 'trace' ? { trace: options.source.path } : { model: options.source.text },
      seed: options.seed,
      direction: options.direction,
      ...relay.stats(),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  };
  function requestStop(reason: string): void {
    stop(reason).catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  if (options.durationS !== undefined) timer = setTimeout(() => requestStop('duration'), options.durationS * 1000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
