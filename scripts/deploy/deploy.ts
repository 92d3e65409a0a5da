/**
 * npm run deploy -- [--reboot] <user@host>
 * npm run deploy -- --rollback <user@host>
 *
 * Builds the release, installs it on a Raspberry Pi as the deskphone systemd
 * service and sets up the board's boot configuration (deploy-plan.ts lists
 * the steps). Key-based ssh only: nothing ever waits for a password.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findBoard } from '../../boards/index.js';
import { spawnRunner } from './command-runner.js';
import { deploy, rollback } from './deploy-plan.js';
import { buildRelease } from './release-package.js';
import { DeployError, parseTarget } from './ssh.js';
import { TemplateError } from './unit-template.js';
import { ReleaseError } from './release-package.js';

const USAGE = `usage: npm run deploy -- [--reboot] <user@host>
       npm run deploy -- --rollback <user@host>

  --reboot     reboot the Pi when its boot configuration had to change
  --rollback   switch back to the previous release and restart the phone`;

const root = fileURLToPath(new URL('../../', import.meta.url));

async function nodeEngines(): Promise<string> {
  const pkg: unknown = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const engines = typeof pkg === 'object' && pkg !== null && 'engines' in pkg ? pkg.engines : undefined;
  const node = typeof engines === 'object' && engines !== null && 'node' in engines ? engines.node : undefined;
  if (typeof node !== 'string') throw new DeployError('package.json has no engines.node');
  return node;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { reboot: { type: 'boolean', default: false }, rollback: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`deploy: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = positionals[0];
  if (positionals.length !== 1 || target === undefined) {
    console.error(USAGE);
    return 2;
  }
  parseTarget(target);

  const known = findBoard('rpi-wm8960');
  if (!known) throw new DeployError('board rpi-wm8960 is not registered in boards/index.ts');
  const runner = spawnRunner();
  const say = (line: string): void => console.log(line);

  if (values.rollback) {
    await rollback(target, { runner, board: known.description, say });
    console.log('rolled back; follow the phone with: ssh ' + target + ' journalctl -u deskphone -f');
    return 0;
  }

  const work = await mkdtemp(join(tmpdir(), 'deskphone-deploy-'));
  try {
    const result = await deploy(
      { target, reboot: values.reboot, now: new Date() },
      {
        runner,
        board: known.description,
        unitTemplate: await readFile(join(root, 'deploy', 'deskphone.service'), 'utf8'),
        nodeEngines: await nodeEngines(),
        packageRelease: () => buildRelease({ root, outDir: work, runner }),
        say,
      },
    );
    console.log(`installed ${result.releaseDir}`);
    if (result.rebooted) console.log(`${target} is rebooting; the phone starts with it. Logs: ssh ${target} journalctl -u deskphone -f`);
    else if (result.rebootNeeded) {
      console.log(`REBOOT NEEDED: the boot configuration changed (I2C, the sound card overlay, the UART or the pulls).`);
      console.log(`  ssh ${target} sudo reboot     (or deploy again with --reboot); the phone starts after it.`);
    } else console.log(`the phone is running. Logs: ssh ${target} journalctl -u deskphone -f`);
    return 0;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  if (e instanceof DeployError || e instanceof ReleaseError || e instanceof TemplateError) {
    console.error(`deploy: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
