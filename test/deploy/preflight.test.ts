import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  atLeast,
  minimumNodeVersion,
  parseNodeVersion,
  parsePreflight,
  preflightProblems,
  preflightScript,
} from '../../scripts/deploy/preflight.js';
import { explainSshFailure, parseTarget, shellQuote } from '../../scripts/deploy/ssh.js';

const MIN = minimumNodeVersion('>=20.19');
const GOOD = 'node=v20.19.2\nnpm=10.8.2\nsudo=yes\nbootconfig=/boot/firmware/config.txt\ncmdline=/boot/firmware/cmdline.txt\narch=aarch64\n';

const problems = (stdout: string): string[] => preflightProblems(parsePreflight(stdout), 'pi5.local', '/usr/bin/node', MIN);

describe('what the Pi must have', () => {
  it('reads engines.node as the lowest acceptable Node', () => {
    assert.deepEqual(MIN, { major: 20, minor: 19, patch: 0 });
    assert.deepEqual(minimumNodeVersion('>= 22'), { major: 22, minor: 0, patch: 0 });
    assert.throws(() => minimumNodeVersion('^20 || ^22'));
  });

  it('compares versions part by part', () => {
    const v = (s: string) => parseNodeVersion(s) ?? assert.fail(s);
    assert.equal(atLeast(v('v20.19.0'), MIN), true);
    assert.equal(atLeast(v('v22.1.0'), MIN), true);
    assert.equal(atLeast(v('v20.18.3'), MIN), false);
    assert.equal(atLeast(v('v18.19.0'), MIN), false);
    assert.equal(parseNodeVersion(''), undefined);
  });

  it('asks the service\'s node, npm on the system PATH, sudo -n, and both config.txt places', () => {
    const script = preflightScript('/usr/bin/node');
    assert.match(script, /\/usr\/bin\/node --version/);
    assert.match(script, /PATH=\/usr\/bin:\/bin npm --version/);
    assert.match(script, /sudo -n true/);
    assert.ok(script.indexOf('/boot/firmware/config.txt') < script.indexOf('/boot/config.txt'), 'Bookworm place first');
  });

  it('lets a Pi with everything through', () => {
    assert.deepEqual(problems(GOOD), []);
    assert.equal(parsePreflight(GOOD).bootConfig, '/boot/firmware/config.txt');
  });

  it('falls back to /boot/config.txt on an older OS', () => {
    const report = parsePreflight(GOOD.replace('bootconfig=/boot/firmware/config.txt', 'bootconfig=/boot/config.txt'));
    assert.equal(report.bootConfig, '/boot/config.txt');
  });

  it('says clearly that Node is missing, and where to get Node 20', () => {
    const [p, ...rest] = problems(GOOD.replace('node=v20.19.2', 'node=').replace('npm=10.8.2', 'npm='));
    assert.deepEqual(rest, []);
    assert.match(p ?? '', /pi5\.local has no Node\.js at \/usr\/bin\/node/);
    assert.match(p ?? '', /deb\.nodesource\.com\/setup_20\.x/);
  });

  it('names an old Node and the version needed', () => {
    assert.match(problems(GOOD.replace('v20.19.2', 'v18.19.0')).join('\n'), /has Node\.js 18\.19\.0 at \/usr\/bin\/node; deskphone needs Node\.js 20\.19\.0 or newer/);
  });

  it('names missing sudo, npm and build tools, all at once', () => {
    const found = problems(GOOD.replace('sudo=yes', 'sudo=no').replace('npm=10.8.2', 'npm=') + 'missing=g++\nmissing=make\n');
    assert.equal(found.length, 3);
    assert.match(found.join('\n'), /cannot sudo without a password/);
    assert.match(found.join('\n'), /no npm/);
    assert.match(found.join('\n'), /lacks g\+\+, make, which npm ci needs .*build-essential/);
  });

  it('notices a machine that is not Raspberry Pi OS', () => {
    assert.match(problems(GOOD.replace(/bootconfig=.*\n/, '')).join('\n'), /neither \/boot\/firmware\/config\.txt nor \/boot\/config\.txt/);
  });
});

describe('ssh', () => {
  it('takes user@host or a host alias, never something ssh would read as an option', () => {
    assert.deepEqual(parseTarget('pi@deskphone.local'), { user: 'pi', host: 'deskphone.local' });
    assert.deepEqual(parseTarget('bench-pi'), { host: 'bench-pi' });
    assert.deepEqual(parseTarget('pi@192.168.1.20'), { user: 'pi', host: '192.168.1.20' });
    for (const bad of ['-oProxyCommand=x', 'pi@-x', 'pi@host;rm', 'pi@', '']) assert.throws(() => parseTarget(bad), bad);
  });

  it('quotes for a POSIX shell', () => {
    assert.equal(shellQuote('/opt/deskphone'), '/opt/deskphone');
    assert.equal(shellQuote("it's a $x"), `'it'\\''s a $x'`);
  });

  it('turns ssh\'s messages into what to do', () => {
    const explain = (stderr: string) => explainSshFailure('pi@pi5.local', 'pi5.local', stderr) ?? '';
    assert.match(explain('ssh: Could not resolve hostname pi5.local: Name or service not known'), /cannot resolve pi5\.local/);
    assert.match(explain('ssh: connect to host pi5.local port 22: Connection timed out'), /unreachable/);
    assert.match(explain('ssh: connect to host pi5.local port 22: No route to host'), /unreachable/);
    assert.match(explain('ssh: connect to host pi5.local port 22: Connection refused'), /enable SSH/);
    assert.match(explain('pi@pi5.local: Permission denied (publickey,password).'), /ssh-copy-id pi@pi5\.local/);
    assert.match(explain('Host key verification failed.'), /ssh-keygen -R pi5\.local/);
    assert.equal(explainSshFailure('pi@x', 'x', 'bash: line 1: foo: command not found'), undefined);
  });
});
