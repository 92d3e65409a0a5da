import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { findBoard } from '../../boards/index.js';
import type { BoardDescription } from '../../boards/schema.js';
import { BLOCK_BEGIN, BLOCK_END } from '../../scripts/deploy/boot-config.js';
import type { CommandResult, CommandRunner, RunOptions } from '../../scripts/deploy/command-runner.js';
import { deploy, requiredNativePackages, rollback, type DeployContext } from '../../scripts/deploy/deploy-plan.js';
import type { ReleaseArtifact } from '../../scripts/deploy/release-package.js';
import { DeployError } from '../../scripts/deploy/ssh.js';

const template = await readFile(new URL('../../deploy/deskphone.service', import.meta.url), 'utf8');

function rpi(): BoardDescription {
  const known = findBoard('rpi-wm8960');
  assert.ok(known);
  return known.description;
}

const STOCK_CONFIG = 'dtparam=audio=on\ncamera_auto_detect=1\n\n[cm4]\notg_mode=1\n\n[all]\n';
const STOCK_CMDLINE = 'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 rootwait\n';

interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly input?: string;
}

/**
 * A Raspberry Pi behind a recording runner: answers the preflight, serves
 * and stores the boot files, and succeeds at everything else — unless told
 * to fail a command that matches.
 */
class FakePi {
  readonly calls: Call[] = [];
  readonly files = new Map<string, string>([
    ['/boot/firmware/config.txt', STOCK_CONFIG],
    ['/boot/firmware/cmdline.txt', STOCK_CMDLINE],
  ]);
  probe = 'node=v20.19.2\nnpm=10.8.2\nsudo=yes\nbootconfig=/boot/firmware/config.txt\ncmdline=/boot/firmware/cmdline.txt\narch=aarch64\n';
  failures: { match: RegExp; result: CommandResult }[] = [];

  readonly runner: CommandRunner = (command, args, options?: RunOptions) => {
    this.calls.push({ command, args, input: options?.input });
    return Promise.resolve(this.answer(command, args, options?.input));
  };

  private answer(command: string, args: readonly string[], input: string | undefined): CommandResult {
    const line = `${command} ${args.join(' ')}`;
    const failure = this.failures.find((f) => f.match.test(line));
    if (failure) return failure.result;
    const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
    if (command !== 'ssh') return ok();
    const remote = args.at(-1) ?? '';
    if (remote.includes('sudo -n true')) return ok(this.probe);
    const cat = /^cat (\S+)$/.exec(remote);
    if (cat?.[1] !== undefined) return ok(this.files.get(cat[1]) ?? '');
    const write = /cat > (\S+)\.deskphone-new/.exec(remote);
    if (write?.[1] !== undefined && input !== undefined) this.files.set(write[1], input);
    return ok();
  }

  /** One line per call: the remote command for ssh, the whole line otherwise. */
  get summary(): string[] {
    return this.calls.map((c) => (c.command === 'ssh' ? `ssh: ${c.args.at(-1) ?? ''}` : [c.command, ...c.args].join(' ')));
  }
}

const ARTIFACT: ReleaseArtifact = {
  version: '0.1.0',
  name: 'deskphone-0.1.0',
  tarball: '/tmp/work/deskphone-0.1.0.tar.gz',
  checksumFile: '/tmp/work/deskphone-0.1.0.tar.gz.sha256',
  sha256: 'ab'.repeat(32),
};

function context(pi: FakePi, lines: string[] = []): DeployContext {
  return {
    runner: pi.runner,
    board: rpi(),
    unitTemplate: template,
    nodeEngines: '>=20.19',
    packageRelease: () => {
      pi.calls.push({ command: 'build', args: [] });
      return Promise.resolve(ARTIFACT);
    },
    say: (line) => lines.push(line),
  };
}

const NOW = new Date(Date.UTC(2025, 5, 3, 14, 5, 9));
const RELEASE = '/opt/deskphone/releases/0.1.0-20250603T140509Z';

/** Each pattern matches a later call than the one before. */
function assertInOrder(summary: readonly string[], patterns: readonly RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const index = summary.findIndex((line, i) => i >= from && pattern.test(line));
    assert.ok(index >= 0, `no call matching ${pattern} after call ${from}:\n${summary.join('\n')}`);
    from = index + 1;
  }
}

describe('npm run deploy on a fresh Pi', async () => {
  const pi = new FakePi();
  const result = await deploy({ target: 'pi@deskphone.local', reboot: false, now: NOW }, context(pi));

  it('runs the steps in order: check, build, mkdir, copy, npm ci, unit, boot config, switch, systemd', () => {
    assertInOrder(pi.summary, [
      /^ssh: [^]*sudo -n true/,
      /^build$/,
      /^ssh: sudo install -d .*-o "\$\(id -un\)" \/opt\/deskphone\/releases\/0\.1\.0-20250603T140509Z$/,
      /^scp -q .* \/tmp\/work\/deskphone-0\.1\.0\.tar\.gz pi@deskphone\.local:\/opt\/deskphone\/releases\/0\.1\.0-20250603T140509Z\/deskphone-0\.1\.0\.tar\.gz$/,
      /^ssh: cd \S+ && tar -xzf deskphone-0\.1\.0\.tar\.gz --strip-components=1/,
      /^ssh: cd \/opt\/deskphone\/releases\/0\.1\.0-20250603T140509Z && PATH=\/usr\/bin:\/bin npm ci --omit=dev/,
      /^ssh: cd \S+ && \/usr\/bin\/node -e .* onoff i2c-bus serialport$/,
      /^ssh: sudo chown -R root:root \S+$/,
      /^ssh: sudo sh -c [^]*useradd --system/,
      /^ssh: sudo tee \/etc\/systemd\/system\/deskphone\.service/,
      /^ssh: sudo tee \/etc\/modules-load\.d\/deskphone\.conf .*modprobe i2c-dev/,
      /^ssh: cat \/boot\/firmware\/config\.txt$/,
      /^ssh: sudo sh -c 'cat > \/boot\/firmware\/config\.txt\.deskphone-new/,
      /^ssh: cat \/boot\/firmware\/cmdline\.txt$/,
      /^ssh: sudo sh -c 'cat > \/boot\/firmware\/cmdline\.txt\.deskphone-new/,
      /^ssh: sudo sh -c [^]*mv -T current\.new current/,
      /^ssh: sudo systemctl daemon-reload$/,
      /^ssh: sudo systemctl enable deskphone\.service$/,
    ]);
  });

  it('never lets ssh or scp prompt', () => {
    for (const call of pi.calls.filter((c) => c.command === 'ssh' || c.command === 'scp')) {
      assert.ok(call.args.join(' ').includes('-o BatchMode=yes'), call.args.join(' '));
    }
  });

  it('installs the rendered unit', () => {
    const unit = pi.calls.find((c) => c.args.at(-1)?.startsWith('sudo tee /etc/systemd/system/'))?.input ?? '';
    assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/deskphone\/current\/bin\/deskphone\.js --board rpi-wm8960 /m);
    assert.match(unit, /^WatchdogSec=30$/m);
  });

  it('adds the board block to config.txt and keeps the stock lines', () => {
    const config = pi.files.get('/boot/firmware/config.txt') ?? '';
    assert.ok(config.startsWith(STOCK_CONFIG));
    assert.match(config, new RegExp(`${BLOCK_BEGIN}\\n[^]*\\ngpio=5,6,13,26,17=ip,pu\\n${BLOCK_END}\\n$`));
    assert.equal(pi.files.get('/boot/firmware/cmdline.txt'), 'console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 rootwait\n');
  });

  it('keeps the previous release and switches current by renaming a new symlink', () => {
    const swap = pi.summary.find((l) => l.includes('current.new')) ?? '';
    assert.match(swap, /ln -sfn "\$\(readlink current\)" previous\.new && mv -T previous\.new previous/);
    assert.match(swap, /ln -sfn releases\/0\.1\.0-20250603T140509Z current\.new && mv -T current\.new current/);
  });

  it('asks for a reboot instead of starting a phone whose boot config is not live yet', () => {
    assert.deepEqual(result, { releaseDir: RELEASE, bootConfigChanged: true, rebootNeeded: true, rebooted: false, started: false });
    assert.ok(!pi.summary.some((l) => /systemctl (restart|reboot)/.test(l)));
  });
});

describe('npm run deploy again', () => {
  it('leaves the boot files alone and restarts the service', async () => {
    const pi = new FakePi();
    await deploy({ target: 'pi@deskphone.local', reboot: false, now: NOW }, context(pi));
    const second = new FakePi();
    for (const [path, text] of pi.files) second.files.set(path, text);
    const result = await deploy({ target: 'pi@deskphone.local', reboot: false, now: new Date(NOW.getTime() + 60_000) }, context(second));
    assert.equal(result.bootConfigChanged, false);
    assert.equal(result.started, true);
    assert.ok(!second.summary.some((l) => l.includes('.deskphone-new')), 'no boot file written');
    assertInOrder(second.summary, [/sudo systemctl daemon-reload$/, /sudo systemctl enable deskphone\.service$/, /sudo systemctl restart deskphone\.service$/]);
  });

  it('reboots the Pi when asked to and the boot config changed', async () => {
    const pi = new FakePi();
    pi.failures.push({ match: /systemctl reboot/, result: { code: 255, stdout: '', stderr: 'Connection to deskphone.local closed by remote host.' } });
    const result = await deploy({ target: 'pi@deskphone.local', reboot: true, now: NOW }, context(pi));
    assert.equal(result.rebooted, true);
    assert.match(pi.summary.at(-1) ?? '', /^ssh: sudo systemctl reboot$/);
  });

  it('replaces an older deskphone block on /boot/config.txt of an older OS', async () => {
    const pi = new FakePi();
    pi.files.clear();
    pi.files.set('/boot/config.txt', `dtparam=audio=on\n${BLOCK_BEGIN}\ndtparam=i2c_arm=on\n${BLOCK_END}\n# mine\n`);
    pi.probe = pi.probe.replace('/boot/firmware/config.txt', '/boot/config.txt').replace(/cmdline=.*\n/, '');
    await deploy({ target: 'pi@oldpi', reboot: false, now: NOW }, context(pi));
    const config = pi.files.get('/boot/config.txt') ?? '';
    assert.match(config, /^dtparam=audio=on\n# deskphone begin\n/);
    assert.match(config, /\ngpio=5,6,13,26,17=ip,pu\n# deskphone end\n# mine\n$/);
  });
});

describe('npm run deploy stops with a clear error', () => {
  const run = async (pi: FakePi): Promise<string> => {
    const error = await deploy({ target: 'pi@deskphone.local', reboot: false, now: NOW }, context(pi)).then(
      () => assert.fail('deploy succeeded'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DeployError, String(error));
    return error.message;
  };

  it('when the host is unreachable, before building anything', async () => {
    const pi = new FakePi();
    pi.failures.push({ match: /^ssh /, result: { code: 255, stdout: '', stderr: 'ssh: connect to host deskphone.local port 22: No route to host\r\n' } });
    assert.match(await run(pi), /deskphone\.local is unreachable/);
    assert.deepEqual(pi.summary.length, 1);
  });

  it('when Node 20 is missing, and when sudo asks for a password, both at once', async () => {
    const pi = new FakePi();
    pi.probe = pi.probe.replace('node=v20.19.2', 'node=v18.19.0').replace('sudo=yes', 'sudo=no');
    const message = await run(pi);
    assert.match(message, /Node\.js 18\.19\.0 at \/usr\/bin\/node; deskphone needs Node\.js 20\.19\.0 or newer/);
    assert.match(message, /cannot sudo without a password/);
    assert.ok(!pi.summary.includes('build'));
  });

  it('when the native modules did not build', async () => {
    const pi = new FakePi();
    pi.failures.push({ match: /node -e/, result: { code: 1, stdout: '', stderr: "onoff: Cannot find module 'onoff'\n" } });
    assert.match(await run(pi), /do not load on deskphone\.local[^]*onoff: Cannot find module[^]*build-essential/);
    assert.ok(!pi.summary.some((l) => l.includes('current.new')), 'current still points at the old release');
  });

  it('when npm ci fails, with its output', async () => {
    const pi = new FakePi();
    pi.failures.push({ match: /npm ci/, result: { code: 1, stdout: '', stderr: 'npm ERR! code EINTEGRITY\n' } });
    assert.match(await run(pi), /npm ci --omit=dev failed on deskphone\.local \(exit code 1\):\nnpm ERR! code EINTEGRITY/);
  });

  it('when the phone does not start, with its journal and the way back', async () => {
    const pi = new FakePi();
    pi.files.set('/boot/firmware/config.txt', `${STOCK_CONFIG}${(await deployedBlock()).join('\n')}\n`);
    pi.files.set('/boot/firmware/cmdline.txt', 'console=tty1 rootwait\n');
    pi.failures.push({ match: /systemctl restart/, result: { code: 1, stdout: '', stderr: 'Job for deskphone.service failed.' } });
    pi.failures.push({ match: /journalctl/, result: { code: 0, stdout: 'deskphone: board rpi-wm8960: /dev/i2c-1 missing\n', stderr: '' } });
    const message = await run(pi);
    assert.match(message, /did not start[^]*\/dev\/i2c-1 missing[^]*--rollback pi@deskphone\.local/);
  });

  it('when a hand-edited block lost its end marker', async () => {
    const pi = new FakePi();
    pi.files.set('/boot/firmware/config.txt', `${BLOCK_BEGIN}\ndtparam=i2c_arm=on\n`);
    assert.match(await run(pi), /\/boot\/firmware\/config\.txt on deskphone\.local: "# deskphone begin" on line 1 has no "# deskphone end"/);
  });
});

/** The block a first deploy writes (taken from a deploy, not restated here). */
async function deployedBlock(): Promise<string[]> {
  const pi = new FakePi();
  await deploy({ target: 'pi@x', reboot: false, now: NOW }, context(pi));
  const lines = (pi.files.get('/boot/firmware/config.txt') ?? '').split('\n');
  return lines.slice(lines.indexOf(BLOCK_BEGIN), lines.indexOf(BLOCK_END) + 1);
}

describe('npm run deploy -- --rollback', () => {
  it('swaps current and previous and restarts', async () => {
    const pi = new FakePi();
    await rollback('pi@deskphone.local', { runner: pi.runner, board: rpi(), say: () => undefined });
    assert.equal(pi.summary.length, 2);
    assert.match(pi.summary[0] ?? '', /^ssh: sudo sh -c '[^]*ln -sfn "\$p" current\.new && mv -T current\.new current\nln -sfn "\$c" previous\.new/);
    assert.equal(pi.summary[1], 'ssh: sudo systemctl restart deskphone.service');
  });

  it('says so when there is nothing to roll back to', async () => {
    const pi = new FakePi();
    pi.failures.push({ match: /readlink previous/, result: { code: 3, stdout: '', stderr: 'no previous release in /opt/deskphone\n' } });
    await assert.rejects(rollback('pi@deskphone.local', { runner: pi.runner, board: rpi(), say: () => undefined }), /cannot roll back on deskphone\.local: no previous release/);
  });
});

describe('native modules the Pi must build', () => {
  it('follow the buses the board uses', () => {
    assert.deepEqual(requiredNativePackages(rpi()), ['onoff', 'i2c-bus', 'serialport']);
    assert.deepEqual(requiredNativePackages({ ...rpi(), serialConsole: undefined, i2c: [] }), ['onoff']);
  });
});
