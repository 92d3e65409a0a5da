import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { VirtualClock } from '../../drivers/emulated/virtual-clock.js';
import { parseCfg } from '../../firmware/config/cfg-parser.js';
import { resolveConfig } from '../../firmware/config/layers.js';
import { Log } from '../../firmware/log/logger.js';
import { syslogSettings } from '../../firmware/log/syslog-settings.js';
import { SyslogSink } from '../../firmware/log/syslog-sink.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 0);

/** A syslog server on 127.0.0.1: collects datagrams as text. */
class Receiver {
  readonly socket: Socket = createSocket('udp4');
  readonly messages: string[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  async start(): Promise<number> {
    this.socket.on('message', (data) => {
      this.messages.push(data.toString('utf8'));
      this.waiters = this.waiters.filter((w) => {
        if (this.messages.length < w.count) return true;
        w.resolve();
        return false;
      });
    });
    this.socket.bind(0, '127.0.0.1');
    await once(this.socket, 'listening');
    return this.socket.address().port;
  }

  /** Resolves when `count` messages have arrived in all; fails after 2 s. */
  async waitFor(count: number): Promise<string[]> {
    if (this.messages.length < count) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${this.messages.length} of ${count} messages arrived`)), 2000);
        this.waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    return this.messages.slice(0, count);
  }

  close(): void {
    this.socket.close();
  }
}

function config(...lines: string[]): ReturnType<typeof resolveConfig> {
  const parsed = parseCfg(['#!version:1.0.0.1', ...lines].join('\n'), 'phone.cfg');
  assert.deepEqual(parsed.diagnostics, []);
  return resolveConfig({ file: parsed });
}

describe('SyslogSink over real UDP on 127.0.0.1', () => {
  const receiver = new Receiver();
  let port = 0;
  before(async () => {
    port = await receiver.start();
  });
  after(() => receiver.close());

  it('sends one RFC 5424 datagram per record at or above its level; facility and hostname as configured', async () => {
    const clock = new VirtualClock();
    const sink = new SyslogSink({ clock, hostname: 'desk-7', procId: '99' });
    sink.configure({ target: { host: '127.0.0.1', port }, level: 'warn', facility: 17 });
    const log = new Log({ now: () => T0 });
    log.addSink(sink);
    const l = log.logger('config.provisioning');
    l.info('not sent: below warn');
    l.warn('server unreachable', { url: 'http://prov/' });
    l.error('file refused', { line: 12 });
    try {
      const got = await receiver.waitFor(2);
      assert.deepEqual(got, [
        '<140>1 2024-05-01T12:00:00.000Z desk-7 deskphone 99 config.provisioning - server unreachable url=http://prov/',
        '<139>1 2024-05-01T12:00:00.000Z desk-7 deskphone 99 config.provisioning - file refused line=12',
      ]);
      assert.deepEqual(sink.stats, { sent: 2, dropped: 0, sendErrors: 0 });
    } finally {
      sink.close();
    }
  });

  it('a storm is cut to the burst, then the refill rate; the next message says how many were dropped', async () => {
    receiver.messages.length = 0;
    const clock = new VirtualClock();
    const sink = new SyslogSink({ clock, hostname: 'h', procId: '1', limits: { perSecond: 2, burst: 5 } });
    sink.configure({ target: { host: '127.0.0.1', port }, level: 'debug', facility: 16 });
    const log = new Log({ now: () => T0 });
    log.addSink(sink);
    const l = log.logger('sip.transport');
    try {
      for (let i = 0; i < 50; i++) l.warn(`malformed packet ${i}`);
      assert.deepEqual(sink.stats, { sent: 5, dropped: 45, sendErrors: 0 });
      clock.advance(500); // one token back at 2 per second
      l.warn('after the storm');
      const got = await receiver.waitFor(7);
      assert.deepEqual(
        got.map((m) => m.replace(/^.* - /, '')),
        [
          'malformed packet 0',
          'malformed packet 1',
          'malformed packet 2',
          'malformed packet 3',
          'malformed packet 4',
          'rate limit: 45 messages were not sent to syslog dropped=45',
          'after the storm',
        ],
      );
      assert.match(got[5] ?? '', /^<132>1 \S+ h deskphone 1 log - /);
    } finally {
      sink.close();
    }
  });

  it('disabled (no target): nothing is sent and no socket is opened', () => {
    const sink = new SyslogSink({ clock: new VirtualClock() });
    sink.configure({ level: 'debug', facility: 16 });
    sink.write({ time: T0, level: 'error', module: 'x', message: 'y', fields: {} });
    assert.deepEqual(sink.stats, { sent: 0, dropped: 0, sendErrors: 0 });
  });
});

describe('syslogSettings: Yealink static.syslog.* keys', () => {
  it('defaults: disabled, errors only, local0', () => {
    assert.deepEqual(syslogSettings(config()), { level: 'error', facility: 16 });
  });

  it('enabled with a server: target, level from the RFC 5424 severity, facility', () => {
    const c = config(
      'static.syslog.enable = 1',
      'static.syslog.server = 192.0.2.10',
      'static.syslog.server_port = 1514',
      'static.syslog.level = 6',
      'static.syslog.facility = 23',
    );
    assert.deepEqual(syslogSettings(c), { target: { host: '192.0.2.10', port: 1514 }, level: 'info', facility: 23 });
  });

  it('enabled without a server sends nothing, and the configuration says why', () => {
    const c = config('static.syslog.enable = 1');
    assert.equal(syslogSettings(c).target, undefined);
  });

  it('a level above 7 or a facility above 23 is refused with the line', () => {
    const parsed = parseCfg('#!version:1.0.0.1\nstatic.syslog.level = 8\nstatic.syslog.facility = 24\n', 'p.cfg');
    assert.deepEqual(
      parsed.diagnostics.map((d) => d.text),
      ['p.cfg:2: static.syslog.level = 8: must be an integer 0..7', 'p.cfg:3: static.syslog.facility = 24: must be an integer 0..23'],
    );
  });
});
