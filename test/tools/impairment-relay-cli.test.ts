import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCliArgs, parseEndpoint } from './impairment-relay/cli-args.js';
import { UdpPeer, rtpPacket } from './impairment-relay/udp-peer.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'impairment-relay', 'cli.ts');
const BASE = ['--listen-a', '127.0.0.1:0', '--listen-b', '127.0.0.1:0'];

describe('impairment relay command line', () => {
  it('reads endpoints, the impairment, seed, direction and duration', () => {
    const o = parseCliArgs([
      ...BASE,
      '--target-b',
      '[::1]:5062',
      '--model',
      'gaussian:mean=40,sd=10+gilbert:p=0.02,r=0.3',
      '--seed',
      '77',
      '--direction',
      'a-to-b',
      '--duration-s',
      '2.5',
    ]);
    assert.deepEqual(o.listenA, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(o.targetB, { host: '::1', port: 5062 });
    assert.equal(o.targetA, undefined);
    assert.equal(o.source.kind === 'model' ? o.source.spec.length : 0, 2);
    assert.deepEqual([o.seed, o.direction, o.durationS, o.spinMs, o.pacingPeriodMs], [77, 'a-to-b', 2.5, 2, 20]);
    assert.deepEqual(parseCliArgs([...BASE, '--trace', 'wifi.csv']).source, { kind: 'trace', path: 'wifi.csv' });
  });

  it('refuses a missing or doubled impairment, a bad direction, endpoint, seed or model', () => {
    assert.throws(() => parseCliArgs(BASE), /exactly one of --trace and --model/);
    assert.throws(() => parseCliArgs([...BASE, '--trace', 'x.csv', '--model', 'none']), /exactly one/);
    assert.throws(() => parseCliArgs([...BASE, '--model', 'none', '--direction', 'up']), /--direction/);
    assert.throws(() => parseCliArgs([...BASE, '--model', 'none', '--seed', '-1']), /--seed/);
    assert.throws(() => parseCliArgs([...BASE, '--model', 'jitter:ms=3']), /unknown model "jitter"/);
    assert.throws(() => parseCliArgs(['--listen-a', '127.0.0.1', '--listen-b', '127.0.0.1:0', '--model', 'none']), /not HOST:PORT/);
    assert.throws(() => parseEndpoint('127.0.0.1:70000', '--target-a'), /not HOST:PORT/);
  });

  it('relays, then prints its stats as JSON on SIGTERM', async () => {
    const peer = await UdpPeer.open();
    const phone = await UdpPeer.open();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...BASE, '--target-b', `127.0.0.1:${peer.address.port}`, '--model', 'delay:ms=5', '--seed', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      const listening = await new Promise<{ a: string; b: string }>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
          const line = stderr.split('\n').find((l) => l.startsWith('{"listening"'));
          if (line !== undefined) resolve((JSON.parse(line) as { listening: { a: string; b: string } }).listening);
        });
        child.on('close', () => reject(new Error(`relay exited before listening: ${stderr}`)));
      });
      const portA = Number(listening.a.split(':').pop());
      for (let seq = 0; seq < 5; seq++) await phone.send(rtpPacket(seq, 0xabc), { host: '127.0.0.1', port: portA });
      await peer.waitFor(5);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      const report = JSON.parse(stdout) as {
        stoppedBy: string;
        seed: number;
        impairment: { model: string };
        directions: Record<string, { received: number; forwarded: number; delayMs: { mean: number }; flows: Record<string, { packets: number; pacing: unknown }> }>;
      };
      assert.equal(report.stoppedBy, 'SIGTERM');
      assert.deepEqual([report.seed, report.impairment.model], [3, 'delay:ms=5']);
      const ab = report.directions['a-to-b'];
      assert.deepEqual([ab?.received, ab?.forwarded, ab?.delayMs.mean], [5, 5, 5]);
      assert.equal(ab?.flows['rtp:ssrc=0x00000abc']?.packets, 5);
      assert.notEqual(ab?.flows['rtp:ssrc=0x00000abc']?.pacing, null);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await Promise.all([peer.close(), phone.close()]);
    }
  });
});
