import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPhone, spawnPhone, ConsoleClient } from '../helpers/phone-process.js';

function answers(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('the phone on the simulated board, through the console', () => {
  it('shows the digits typed after going off-hook (stdio console)', async () => {
    const run = await runPhone(['--console', 'stdio'], 'lcd\nhook off\nkeys 123\nlcd\nstate\nleds\nquit\n');
    assert.equal(run.code, 0, run.stderr);
    const out = answers(run.stdout);
    // Idle first: the 20x4 display with the clock and "No service".
    assert.match(out[0] ?? '', /^\d\d:\d\d +\w{3} \d{1,2} \w{3}$/);
    assert.equal(out[1]?.trim(), 'No account');
    assert.equal(out[4], 'OK');
    assert.deepEqual(out.slice(5, 7), ['OK', 'OK']);
    assert.deepEqual(out.slice(7, 12), ['Dial:               ', '123                 ', '                    ', 'Send Del       Exit ', 'OK']);
    const state = JSON.parse(out[12] ?? '{}') as { screen?: string; hook?: string; digits?: string; leds?: Record<string, string> };
    assert.equal(state.screen, 'dialing');
    assert.equal(state.hook, 'off');
    assert.equal(state.digits, '123');
    assert.equal(state.leds?.line, 'on');
    assert.ok(out.includes('line on'));
    assert.equal(out.at(-1), 'OK');
  });

  it('answers ERR for call commands that have nothing to act on, and for bad input', async () => {
    const run = await runPhone(['--console', 'stdio'], 'dial 1002\nhangup\nanswer\nkey banana\nhook maybe\nquit\n');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(answers(run.stdout), [
      'ERR no account domain to dial 1002 at',
      'ERR no call',
      'ERR no call is ringing',
      'ERR unknown key "banana" (try help)',
      'ERR usage: hook off|on',
      'OK',
    ]);
  });

  it('serves the console over TCP, deletes a digit, and goes back to idle on hook', async (t) => {
    const child = spawnPhone(['--console', 'tcp:127.0.0.1:0']);
    t.after(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: string) => {
        stderr += d;
        const m = /console on tcp:127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`phone exited: ${stderr}`)));
    });
    const client = await ConsoleClient.connect(port);
    t.after(() => client.close());
    assert.equal((await client.command('keys 555')).status, 'OK');
    assert.equal((await client.command('lcd')).lines[0]?.trim(), 'Pre-dial:');
    assert.equal((await client.command('key soft2')).status, 'OK');
    assert.equal((await client.command('lcd')).lines[1]?.trim(), '55');
    // Exit leaves pre-dial (lifting the handset would dial what is typed, as desk phones do).
    assert.equal((await client.command('key soft4')).status, 'OK');
    assert.equal((await client.command('lcd')).lines[1]?.trim(), 'No account');
    assert.equal((await client.command('hook off')).status, 'OK');
    assert.equal((await client.command('lcd')).lines[0]?.trim(), 'Dial:');
    assert.equal((await client.command('hook on')).status, 'OK');
    const idle = await client.command('lcd');
    assert.equal(idle.lines[1]?.trim(), 'No account');
    assert.equal((await client.command('quit')).status, 'OK');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});

describe('starting with a bad configuration file', () => {
  it('names the file, line and key of each bad line and keeps running', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deskphone-cfg-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'phone.cfg');
    writeFileSync(file, '#!version:1.0.0.1\naccount.1.enable = 1\naccount.1.sip_server.1.port = 99999\nbogus.key = 1\n');
    const run = await runPhone(['--console', 'stdio', '--config', file], 'hook off\nkeys 7\nlcd\nquit\n');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: account\\.1\\.sip_server\\.1\\.port = 99999: must be an integer 0\\.\\.65535`));
    assert.match(run.stderr, /:4: unknown key bogus\.key/);
    assert.equal(answers(run.stdout)[3]?.trim(), '7');
  });

  it('runs on defaults when the file named cannot be read, and says so', async () => {
    const run = await runPhone(['--console', 'stdio', '--config', '/nonexistent/phone.cfg'], 'state\nquit\n');
    assert.equal(run.code, 0);
    assert.match(run.stderr, /\/nonexistent\/phone\.cfg: cannot read the configuration file: no such file; running on defaults/);
    assert.equal(answers(run.stdout).at(-1), 'OK');
  });
});

describe('starting on hardware that is not there', () => {
  it('exits non-zero with one readable line naming the board file, no stack trace', async () => {
    const run = await runPhone(['--board', 'rpi-wm8960', '--console', 'none'], '');
    assert.equal(run.code, 1);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', /^deskphone: board rpi-wm8960 \(boards\/rpi-wm8960\/board\.ts\): .*GPIO\d+ \(header pin \d+\)/);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  });

  it('names the known boards when asked for an unknown one, and refuses a bad console spec', async () => {
    const unknown = await runPhone(['--board', 'toaster'], '');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown board "toaster" \(known: sim, rpi-wm8960\)/);
    const bad = await runPhone(['--console', 'tcp:127.0.0.1:telnet'], '');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"telnet" is not a TCP port/);
  });
});
