/**
 * npm run deploy -- <user@host>: the steps, in order.
 *
 *  1. preflight      one ssh round trip: Node ≥ engines at /usr/bin/node, npm, sudo -n,
 *                    build tools, where config.txt is; stop here with every problem listed
 *  2. build          the release tarball (release-package.ts: tsc into a clean folder + tar)
 *  3. mkdir          /opt/deskphone/releases/<version>-<time>/, owned by the ssh user
 *  4. copy           scp the tarball into it; unpack it there
 *  5. npm ci         --omit=dev on the Pi, as the ssh user: onoff, i2c-bus and serialport
 *                    are built there against /usr/bin/node; then check they load
 *  6. seal           chown the release to root: the service user cannot change its code
 *  7. account        the deskphone user and groups, /etc/deskphone/phone.cfg if absent
 *  8. unit           /etc/systemd/system/deskphone.service from deploy/deskphone.service
 *  9. modules        /etc/modules-load.d/deskphone.conf (i2c-dev), loaded now too
 * 10. boot config    config.txt's marked block and cmdline.txt's serial console, written only
 *                    when they change (a copy of the old file is kept as *.deskphone-bak)
 * 11. switch         previous → what current was, current → the new release, each by
 *                    rename(2) of a fresh symlink (mv -T), so current is never missing;
 *                    releases that are neither are removed
 * 12. systemd        daemon-reload, enable, restart — unless the boot config changed, in
 *                    which case the phone cannot work until a reboot: reboot (--reboot) or
 *                    say so. Type=notify makes restart wait for READY=1, so a phone that
 *                    fails to start fails the deploy, with its last journal lines.
 */
import type { BoardDescription } from '../../boards/schema.js';
import { bootConfigBlock, modulesLoadLines, replaceMarkedBlock, withoutSerialConsole, BlockError } from './boot-config.js';
import type { CommandRunner } from './command-runner.js';
import { installLayout, releaseId, type InstallLayout } from './install-layout.js';
import { minimumNodeVersion, parsePreflight, preflightProblems, preflightScript, type NodeVersion, type PreflightReport } from './preflight.js';
import type { ReleaseArtifact } from './release-package.js';
import { accountScript, loadCheckScript, replaceFileScript, rollbackScript, sudoSh, switchReleaseScript } from './remote-scripts.js';
import { DeployError, Remote, shellQuote } from './ssh.js';
import { renderUnit } from './unit-template.js';

export interface DeployOptions {
  readonly target: string;
  /** Reboot the Pi when the boot configuration changed (else just say it is needed). */
  readonly reboot: boolean;
  /** When the deploy runs: names the release folder. */
  readonly now: Date;
}

export interface DeployContext {
  readonly runner: CommandRunner;
  readonly board: BoardDescription;
  readonly unitTemplate: string;
  /** package.json engines.node, e.g. ">=20.19". */
  readonly nodeEngines: string;
  /** Builds the release tarball (release-package.ts's buildRelease in real use). */
  readonly packageRelease: () => Promise<ReleaseArtifact>;
  /** One progress line. */
  readonly say: (line: string) => void;
}

export interface DeployResult {
  readonly releaseDir: string;
  readonly bootConfigChanged: boolean;
  readonly rebootNeeded: boolean;
  readonly rebooted: boolean;
  /** The service was restarted and said READY=1. */
  readonly started: boolean;
}

/** The packages npm ci must have built on the Pi for this board's buses. */
export function requiredNativePackages(board: BoardDescription): string[] {
  const usesGpio = board.parts.some((p) => p.driver === 'keypad-matrix' || p.driver === 'hook-switch' || p.driver === 'leds');
  const packages: string[] = [];
  if (usesGpio) packages.push('onoff');
  if (board.i2c.length > 0) packages.push('i2c-bus');
  if (board.serialConsole) packages.push('serialport');
  return packages;
}

async function preflight(remote: Remote, layout: InstallLayout, minimum: NodeVersion): Promise<PreflightReport> {
  const probe = await remote.run({ title: 'checking the Pi', command: preflightScript(layout.node) });
  const report = parsePreflight(probe.stdout);
  const problems = preflightProblems(report, remote.host, layout.node, minimum);
  if (problems.length > 0) throw new DeployError(`cannot deploy to ${remote.host}:\n  - ${problems.join('\n  - ')}`);
  return report;
}

/** Applies a pure text edit to a file on the Pi; true when the file changed. */
async function editRemoteFile(remote: Remote, path: string, what: string, edit: (text: string) => { text: string; changed: boolean }): Promise<boolean> {
  const read = await remote.run({ title: `reading ${path}`, command: `cat ${shellQuote(path)}` });
  let next;
  try {
    next = edit(read.stdout);
  } catch (e) {
    if (e instanceof BlockError) throw new DeployError(`${path} on ${remote.host}: ${e.message}`);
    throw e;
  }
  if (!next.changed) return false;
  await remote.run({ title: `writing ${what} into ${path}`, command: sudoSh(replaceFileScript(path)), input: next.text });
  return true;
}

export async function deploy(options: DeployOptions, context: DeployContext): Promise<DeployResult> {
  const { board, say } = context;
  const remote = new Remote(options.target, context.runner);
  const layout = installLayout(board);
  const unit = renderUnit(context.unitTemplate, layout);

  say(`checking ${remote.host}`);
  const report = await preflight(remote, layout, minimumNodeVersion(context.nodeEngines));
  say(`  Node ${report.node ?? '?'}, npm ${report.npm ?? '?'}, ${report.arch ?? '?'}, boot config ${report.bootConfig ?? '?'}`);

  say('building the release');
  const release = await context.packageRelease();
  say(`  ${release.tarball} (sha256 ${release.sha256.slice(0, 16)}…)`);

  const id = releaseId(release.version, options.now);
  const releaseDir = `${layout.installDir}/releases/${id}`;
  const dir = shellQuote(releaseDir);
  const remoteTarball = `${releaseDir}/${release.name}.tar.gz`;

  say(`copying to ${remote.host}:${releaseDir}`);
  await remote.run({
    title: 'creating the release folder',
    command: `sudo install -d -m 0755 ${shellQuote(`${layout.installDir}/releases`)} && sudo install -d -m 0755 -o "$(id -un)" ${dir}`,
  });
  await remote.copy(release.tarball, remoteTarball);
  await remote.run({
    title: 'unpacking the release',
    command: `cd ${dir} && tar -xzf ${shellQuote(`${release.name}.tar.gz`)} --strip-components=1 && rm ${shellQuote(`${release.name}.tar.gz`)}`,
  });

  say('installing production dependencies on the Pi (npm ci --omit=dev; native modules build there, this takes minutes)');
  await remote.run({
    title: 'npm ci --omit=dev',
    command: `cd ${dir} && PATH=/usr/bin:/bin npm ci --omit=dev --no-audit --no-fund`,
    stream: true,
  });
  const natives = requiredNativePackages(board);
  if (natives.length > 0) {
    const check = await remote.runUnchecked({ title: 'loading the native modules', command: `cd ${dir} && ${loadCheckScript(layout.node, natives)}` });
    if (check.code !== 0) {
      throw new DeployError(
        `npm ci finished but these modules do not load on ${remote.host} (an optional dependency whose build failed):\n${check.stderr.trim()}\n` +
          'install the build tools and deploy again: sudo apt-get install -y build-essential python3',
      );
    }
  }
  await remote.run({ title: 'handing the release to root', command: `sudo chown -R root:root ${dir}` });

  say('installing the service');
  await remote.run({ title: 'creating the service user', command: sudoSh(accountScript(layout)) });
  await remote.run({ title: `installing ${layout.unitPath}`, command: `sudo tee ${shellQuote(layout.unitPath)} >/dev/null`, input: unit });
  const modules = modulesLoadLines(board);
  if (modules.length > 0) {
    await remote.run({
      title: `installing ${layout.modulesLoadPath}`,
      command: `sudo tee ${shellQuote(layout.modulesLoadPath)} >/dev/null && sudo modprobe i2c-dev`,
      input: `${modules.join('\n')}\n`,
    });
  }

  say('checking the boot configuration');
  const bootConfig = report.bootConfig ?? '/boot/firmware/config.txt';
  const block = bootConfigBlock(board);
  let bootConfigChanged = await editRemoteFile(remote, bootConfig, 'the deskphone block', (text) => replaceMarkedBlock(text, block));
  if (report.cmdline !== undefined && board.serialConsole?.path === '/dev/serial0') {
    const cmdlineChanged = await editRemoteFile(remote, report.cmdline, 'the kernel command line without a serial console', withoutSerialConsole);
    bootConfigChanged ||= cmdlineChanged;
  }
  if (bootConfigChanged) say(`  ${bootConfig} changed (the previous one is ${bootConfig}.deskphone-bak)`);

  say('switching to the new release');
  await remote.run({ title: 'switching current to the new release', command: sudoSh(switchReleaseScript(layout.installDir, id)) });

  await remote.run({ title: 'systemctl daemon-reload', command: 'sudo systemctl daemon-reload' });
  await remote.run({ title: `systemctl enable ${layout.unitName}`, command: `sudo systemctl enable ${shellQuote(layout.unitName)}` });

  if (bootConfigChanged) {
    if (options.reboot) {
      say(`rebooting ${remote.host}; the phone starts when it is back`);
      // The connection drops as the Pi goes down; that is the reboot working.
      await remote.runUnchecked({ title: 'reboot', command: 'sudo systemctl reboot' }).catch(() => undefined);
      return { releaseDir, bootConfigChanged, rebootNeeded: true, rebooted: true, started: false };
    }
    return { releaseDir, bootConfigChanged, rebootNeeded: true, rebooted: false, started: false };
  }

  say(`restarting ${layout.unitName} (waits for the phone's READY=1)`);
  const restart = await remote.runUnchecked({ title: `systemctl restart ${layout.unitName}`, command: `sudo systemctl restart ${shellQuote(layout.unitName)}` });
  if (restart.code !== 0) {
    const journal = await remote.runUnchecked({
      title: 'reading the journal',
      command: `sudo journalctl -u ${shellQuote(layout.unitName)} -n 30 --no-pager`,
    });
    throw new DeployError(
      `${layout.unitName} did not start on ${remote.host}. Its last log lines:\n${journal.stdout.trim()}\n` +
        `Go back to the previous release with: npm run deploy -- --rollback ${options.target}`,
    );
  }
  return { releaseDir, bootConfigChanged, rebootNeeded: false, rebooted: false, started: true };
}

/** npm run deploy -- --rollback <user@host>: swap current and previous, restart. */
export async function rollback(target: string, context: Pick<DeployContext, 'runner' | 'board' | 'say'>): Promise<void> {
  const remote = new Remote(target, context.runner);
  const layout = installLayout(context.board);
  const swap = await remote.runUnchecked({ title: 'switching back to the previous release', command: sudoSh(rollbackScript(layout.installDir)) });
  if (swap.code !== 0) throw new DeployError(`cannot roll back on ${remote.host}: ${swap.stderr.trim() || `exit code ${swap.code}`}`);
  context.say(`current is now ${swap.stdout.trim()}`);
  await remote.run({ title: `systemctl restart ${layout.unitName}`, command: `sudo systemctl restart ${shellQuote(layout.unitName)}` });
}
