/**
 * Remote syslog from the running phone (static.syslog.*): RFC 5424 over UDP
 * to a collector started here, as a desk phone sends to a syslog server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { accountsCfg, startPhoneUnderTest } from '../helpers/phone-under-test.js';

describe('remote syslog', () => {
  it('sends the phone’s log lines as RFC 5424 messages to the configured server', async (t) => {
    const collector = dgram.createSocket('udp4');
    const received: string[] = [];
    collector.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((r) => collector.bind(0, '127.0.0.1', r));
    t.after(() => collector.close());
    const port = collector.address().port;
    const phone = await startPhoneUnderTest(
      accountsCfg([], ['static.syslog.enable = 1', 'static.syslog.server = 127.0.0.1', `static.syslog.server_port = ${port}`, 'static.syslog.level = 6']),
    );
    t.after(() => phone.stop());
    for (let i = 0; i < 50 && !received.some((m) => m.includes('web UI on')); i++) await new Promise((r) => setTimeout(r, 100));
    const line = received.find((m) => m.includes('web UI on'));
    assert.ok(line, `a log line arrived: ${JSON.stringify(received)}`);
    // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID: local0 (16) × 8 + info (6) = 134.
    assert.match(line, /^<134>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \S+ deskphone \d+ phone /);
  });
});
