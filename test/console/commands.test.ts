import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand, CommandError, type ConsoleTarget, type CallCommandName } from '../../firmware/console/commands.js';
import { parseConsoleSpec } from '../../firmware/console/console-spec.js';
import { LineSplitter } from '../../firmware/console/line-splitter.js';

/** A target that records what the console asked of it. */
function recordingTarget(): ConsoleTarget & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    pressKey: (name) => {
      if (name === 'banana') return Promise.reject(new CommandError('unknown key "banana"'));
      calls.push(`key ${name}`);
      return Promise.resolve();
    },
    pressKeys: (seq) => {
      calls.push(`keys ${seq}`);
      return Promise.resolve();
    },
    setHook: (off) => {
      calls.push(`hook ${off ? 'off' : 'on'}`);
      return Promise.resolve();
    },
    lcdLines: () => Promise.resolve(['line one', 'line two']),
    ledLines: () => ['message off'],
    state: () => ({ screen: 'idle', digits: '' }),
    callCommand: (name: CallCommandName, arg: string) => {
      calls.push(`${name} ${arg}`.trim());
      return Promise.reject(new CommandError('not supported yet'));
    },
    trace: (on) => {
      calls.push(`trace ${on ? 'on' : 'off'}`);
      return Promise.resolve([`trace ${on ? 'on' : 'off'}`]);
    },
    quit: () => Promise.resolve(),
  };
}

describe('console commands', () => {
  it('passes keys, key sequences and hook changes to the phone', async () => {
    const t = recordingTarget();
    assert.deepEqual(await runCommand('hook off', t), { output: [] });
    assert.deepEqual(await runCommand('keys 123#', t), { output: [] });
    assert.deepEqual(await runCommand('  key   ok ', t), { output: [] });
    assert.deepEqual(t.calls, ['hook off', 'keys 123#', 'key ok']);
  });

  it('prints the lcd one line per row and state as one JSON line', async () => {
    const t = recordingTarget();
    assert.deepEqual((await runCommand('lcd', t)).output, ['line one', 'line two']);
    const state = await runCommand('state', t);
    assert.equal(state.output.length, 1);
    assert.deepEqual(JSON.parse(state.output[0] ?? ''), { screen: 'idle', digits: '' });
  });

  it('answers ERR with a reason for bad input', async () => {
    const t = recordingTarget();
    assert.equal((await runCommand('hook sideways', t)).error, 'usage: hook off|on');
    assert.equal((await runCommand('key', t)).error, 'usage: key <name>');
    assert.equal((await runCommand('key banana', t)).error, 'unknown key "banana"');
    assert.equal((await runCommand('frobnicate', t)).error, 'unknown command "frobnicate" (try help)');
    assert.equal((await runCommand('dial', t)).error, 'usage: dial <number-or-uri>');
    assert.deepEqual(t.calls, []);
  });

  it('routes call commands to the phone', async () => {
    const t = recordingTarget();
    assert.equal((await runCommand('dial 1002', t)).error, 'not supported yet');
    assert.equal((await runCommand('hangup', t)).error, 'not supported yet');
    assert.deepEqual(t.calls, ['dial 1002', 'hangup']);
  });

  it('reports an unexpected failure as internal instead of throwing', async () => {
    const t = recordingTarget();
    t.lcdLines = () => Promise.reject(new TypeError('display gone'));
    assert.equal((await runCommand('lcd', t)).error, 'internal: display gone');
  });

  it('marks quit', async () => {
    assert.equal((await runCommand('quit', recordingTarget())).quit, true);
  });
});

describe('console spec', () => {
  it('parses the transports', () => {
    assert.deepEqual(parseConsoleSpec('stdio'), { ok: true, value: { kind: 'stdio' } });
    assert.deepEqual(parseConsoleSpec('tcp:127.0.0.1:5060'), { ok: true, value: { kind: 'tcp', host: '127.0.0.1', port: 5060 } });
    assert.deepEqual(parseConsoleSpec('tcp:[::1]:7000'), { ok: true, value: { kind: 'tcp', host: '::1', port: 7000 } });
    assert.deepEqual(parseConsoleSpec('serial:/dev/ttyS0'), { ok: true, value: { kind: 'serial', path: '/dev/ttyS0', baud: 115200 } });
    assert.deepEqual(parseConsoleSpec('serial:/dev/ttyAMA0@9600'), { ok: true, value: { kind: 'serial', path: '/dev/ttyAMA0', baud: 9600 } });
  });

  it('refuses malformed specs with a message naming them', () => {
    const bad = parseConsoleSpec('tcp:127.0.0.1:http');
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /"http" is not a TCP port/);
    assert.equal(parseConsoleSpec('carrier-pigeon').ok, false);
  });
});

describe('line splitter', () => {
  it('splits LF and CRLF lines across chunks and keeps a last unterminated line', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), () => lines.push('<overflow>'));
    s.push('hook of');
    s.push('f\r\nkeys 1');
    s.push('23\nlcd');
    s.end();
    assert.deepEqual(lines, ['hook off', 'keys 123', 'lcd']);
  });

  it('drops an over-long line once and recovers at the next newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), () => lines.push('<overflow>'), 8);
    s.push('0123456789');
    s.push('abcdef\nlcd\n');
    assert.deepEqual(lines, ['<overflow>', 'lcd']);
  });
});
