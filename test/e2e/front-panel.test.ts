import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { REPO_ROOT } from '../helpers/phone-process.js';
import { decodeTerminalInput } from '../../boards/sim/terminal-keys.js';
import { renderPanel } from '../../boards/sim/front-panel.js';

/** The text of the last full frame the panel drew (escape sequences removed). */
function lastFrame(screen: string): string {
  const frames = screen.split('\x1b[H');
  // eslint-disable-next-line no-control-regex -- stripping terminal escape sequences
  return (frames.at(-1) ?? '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('terminal front panel', () => {
  it('decodes keyboard input into phone keys', () => {
    assert.deepEqual(decodeTerminalInput('12#\r\x1b[A\x1bOP\x1b[15~h\x03'), [
      { kind: 'key', key: '1' },
      { kind: 'key', key: '2' },
      { kind: 'key', key: 'pound' },
      { kind: 'key', key: 'ok' },
      { kind: 'key', key: 'up' },
      { kind: 'key', key: 'soft1' },
      { kind: 'key', key: 'hold' },
      { kind: 'hook' },
      { kind: 'quit' },
    ]);
    // An unknown sequence is skipped whole, not read as letters; a lone Esc is Cancel.
    assert.deepEqual(decodeTerminalInput('\x1b[99~5\x1b'), [
      { kind: 'key', key: '5' },
      { kind: 'key', key: 'cancel' },
    ]);
  });

  it('frames the display and shows LEDs and the handset', () => {
    const panel = renderPanel(['ab', 'cd'], [['line', 'on'], ['message', 'messageWaiting']], 'off-hook', '');
    assert.equal(panel[0], '┌────┐');
    assert.equal(panel[1], '│ ab │');
    assert.equal(panel[3], '└────┘');
    assert.match(panel[4] ?? '', /● line {3}◐ message \(messageWaiting\) +handset: lifted/);
  });

  it('runs in a terminal: keys typed on the keyboard reach the LCD, Ctrl-C quits cleanly', async (t) => {
    // `script` gives the phone a pseudo-terminal, as `npm start` in a terminal has.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'deskphone-panel-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const command = `${process.execPath} --import tsx ${path.join(REPO_ROOT, 'firmware', 'main.ts')} --data-dir ${dataDir}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, TERM: 'xterm' } });
    t.after(() => child.kill('SIGKILL'));
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !ok(); i++) await wait(100);
      assert.ok(ok(), `${what}; last frame:\n${lastFrame(screen)}`);
    };
    await until('idle screen drawn', () => lastFrame(screen).includes('No account'));
    assert.match(lastFrame(screen), /handset: on hook/);
    child.stdin.write('h');
    await until('handset lifted', () => /handset: lifted/.test(lastFrame(screen)) && lastFrame(screen).includes('Dial:'));
    child.stdin.write('4');
    await wait(150);
    child.stdin.write('2');
    await until('digits shown', () => lastFrame(screen).includes('│ 42 '));
    assert.match(lastFrame(screen), /● line/);
    child.stdin.write('\x03');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    assert.ok(screen.includes('\x1b[?1049l'), 'the terminal is restored');
  });
});
