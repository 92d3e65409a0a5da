import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rotatedPath } from '../../firmware/trace/pcap-writer.js';
import { SipTracer } from '../../firmware/trace/sip-tracer.js';
import { readPcap, udpPayload } from './pcap-reader.js';

const run = promisify(execFile);
const PHONE = { host: '192.0.2.10', port: 5060 };
const PBX = { host: '192.0.2.1', port: 5060 };
const T0 = 1714564800000;

function message(startLine: string, cseq: string, transport = 'UDP', extra = ''): Buffer {
  return Buffer.from(
    [
      startLine,
      `Via: SIP/2.0/${transport} 192.0.2.10:5060;branch=z9hG4bK${cseq.replace(/\W/g, '')}`,
      'From: <sip:alice@example.test>;tag=a1',
      'To: <sip:bob@example.test>',
      'Call-ID: trace-test@192.0.2.10',
      `CSeq: ${cseq}`,
      'Max-Forwards: 70',
      ...(extra === '' ? [] : [extra]),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** tshark's fields for the SIP packets of a file, one array per packet. */
async function tsharkFields(file: string, ...fields: string[]): Promise<string[][]> {
  const args = ['-r', file, '-Y', 'sip', '-T', 'fields', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
  for (const f of fields) args.push('-e', f);
  let stdout: string;
  try {
    ({ stdout } = await run('tshark', args, { timeout: 20_000 }));
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    if (code === 'ENOENT') assert.fail('tshark is not installed (apt-get install tshark): the pcap must be checked by a real reader');
    throw e;
  }
  return stdout
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

describe('SipTracer: a pcap that tshark reads', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-trace-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records a call\'s messages both ways; tshark sees the methods and status codes, valid checksums, wall-clock times', async () => {
    const path = join(dir, 'call.pcap');
    const tracer = new SipTracer();
    let t = T0;
    await tracer.start(path, { now: () => (t += 10.5) });
    assert.equal(tracer.active, true);
    tracer.record('out', PHONE, PBX, 'udp', message('INVITE sip:bob@example.test SIP/2.0', '1 INVITE'));
    tracer.record('in', PHONE, PBX, 'udp', message('SIP/2.0 100 Trying', '1 INVITE'));
    tracer.record('in', PHONE, PBX, 'udp', message('SIP/2.0 180 Ringing', '1 INVITE'));
    tracer.record('in', PHONE, PBX, 'udp', message('SIP/2.0 200 OK', '1 INVITE'));
    tracer.record('out', PHONE, PBX, 'udp', message('ACK sip:bob@example.test SIP/2.0', '1 ACK'));
    // Over TLS, on 5061, and over IPv6: written as UDP datagrams between the same ports.
    tracer.record('out', { host: '192.0.2.10', port: 40123 }, { host: '192.0.2.1', port: 5061 }, 'tls', message('BYE sip:bob@example.test SIP/2.0', '2 BYE', 'TLS'));
    tracer.record('in', { host: '2001:db8::10', port: 5060 }, { host: '2001:db8::1', port: 5060 }, 'udp', message('SIP/2.0 486 Busy Here', '3 INVITE'));
    await tracer.stop();
    assert.equal(tracer.active, false);
    assert.deepEqual(tracer.stats, { packets: 7, dropped: 0, rotations: 0, truncated: 0, unresolved: 0 });

    const rows = await tsharkFields(path, 'sip.Method', 'sip.Status-Code', 'ip.src', 'ipv6.src', 'udp.dstport', 'udp.checksum.status', 'frame.time_epoch');
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2] === '' ? r[3] : r[2], r[4]]),
      [
        ['INVITE', '', '192.0.2.10', '5060'],
        ['', '100', '192.0.2.1', '5060'],
        ['', '180', '192.0.2.1', '5060'],
        ['', '200', '192.0.2.1', '5060'],
        ['ACK', '', '192.0.2.10', '5060'],
        ['BYE', '', '192.0.2.10', '5061'],
        ['', '486', '2001:db8::1', '5060'],
      ],
    );
    // Wireshark's checksum status: 1 is "Good".
    assert.deepEqual(rows.map((r) => r[5]), ['1', '1', '1', '1', '1', '1', '1']);
    assert.equal(Number(rows[0]?.[6]).toFixed(4), ((T0 + 10.5) / 1000).toFixed(4));
    const ipRows = await tsharkFields(path, 'ip.checksum.status', 'ip.len');
    assert.ok(ipRows.slice(0, 6).every((r) => r[0] === '1'), JSON.stringify(ipRows));
  });

  it('rotates at the size cap: file.pcap, file.1.pcap, file.2.pcap, each a complete pcap, the oldest dropped', async () => {
    const path = join(dir, 'rot.pcap');
    const tracer = new SipTracer();
    await tracer.start(path, { maxBytes: 2048, maxFiles: 3, now: () => T0 });
    const total = 30;
    for (let i = 1; i <= total; i++) tracer.record('out', PHONE, PBX, 'udp', message('OPTIONS sip:pbx@example.test SIP/2.0', `${i} OPTIONS`));
    await tracer.stop();
    const stats = tracer.stats;
    assert.ok(stats !== undefined && stats.rotations > 2, JSON.stringify(stats));

    const names = (await readdir(dir)).filter((f) => f.startsWith('rot')).sort();
    assert.deepEqual(names, ['rot.1.pcap', 'rot.2.pcap', 'rot.pcap']);
    const cseqs: number[] = [];
    for (const i of [2, 1, 0]) {
      const file = rotatedPath(path, i);
      assert.ok((await stat(file)).size <= 2048, file);
      const pcap = readPcap(await readFile(file));
      assert.ok(pcap.packets.length > 0, file);
      for (const p of pcap.packets) cseqs.push(Number(/CSeq: (\d+)/.exec(udpPayload(p.frame).toString('latin1'))?.[1]));
    }
    // Oldest file first: the newest messages, consecutive, ending with the last one.
    assert.equal(cseqs.at(-1), total);
    assert.deepEqual(cseqs, cseqs.map((_, k) => total - cseqs.length + 1 + k));
    assert.ok(cseqs.length < total);
    // Each rotated file opens on its own.
    const rotated = await tsharkFields(rotatedPath(path, 1), 'sip.Method', 'sip.CSeq.seq');
    assert.ok(rotated.length > 0 && rotated.every((r) => r[0] === 'OPTIONS'));
  });

  it('start() replaces an earlier trace and its rotations; record() while stopped does nothing', async () => {
    const path = join(dir, 'again.pcap');
    const tracer = new SipTracer();
    await tracer.start(path, { maxBytes: 1024, maxFiles: 3 });
    for (let i = 0; i < 10; i++) tracer.record('out', PHONE, PBX, 'udp', message('OPTIONS sip:x SIP/2.0', `${i} OPTIONS`));
    await tracer.stop();
    tracer.record('out', PHONE, PBX, 'udp', message('OPTIONS sip:x SIP/2.0', '99 OPTIONS'));
    await tracer.start(path, { maxBytes: 1024, maxFiles: 3 });
    tracer.record('out', PHONE, PBX, 'udp', message('REGISTER sip:example.test SIP/2.0', '1 REGISTER'));
    await tracer.stop();
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('again')), ['again.pcap']);
    assert.equal(readPcap(await readFile(path)).packets.length, 1);
  });
});
