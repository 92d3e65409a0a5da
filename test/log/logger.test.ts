import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { levelPasses, thresholdForSeverity } from '../../firmware/log/levels.js';
import { formatLine, type LogRecord } from '../../firmware/log/log-record.js';
import { Log, type LogSink } from '../../firmware/log/logger.js';
import { RingBufferSink } from '../../firmware/log/ring-buffer-sink.js';
import { StreamSink } from '../../firmware/log/stream-sink.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 7);

function record(message: string, fields: LogRecord['fields'] = {}): LogRecord {
  return { time: T0, level: 'warn', module: 'sip.transport', message, fields };
}

describe('levels', () => {
  it('a threshold passes its own level and everything more severe', () => {
    assert.deepEqual(
      (['error', 'warn', 'info', 'debug'] as const).map((l) => levelPasses(l, 'warn')),
      [true, true, false, false],
    );
  });

  it('a syslog severity limit maps to the least severe level it allows (RFC 5424 Table 2)', () => {
    assert.deepEqual(
      [0, 2, 3, 4, 5, 6, 7].map(thresholdForSeverity),
      [undefined, undefined, 'error', 'warn', 'warn', 'info', 'debug'],
    );
  });
});

describe('one line per event', () => {
  it('timestamp, level, module, message, then key=value fields', () => {
    assert.equal(
      formatLine(record('dropped a datagram', { from: '10.0.0.9:5060', reason: 'no Via header', size: 512, tls: false })),
      '2024-05-01T12:00:00.007Z WARN  sip.transport: dropped a datagram from=10.0.0.9:5060 reason="no Via header" size=512 tls=false',
    );
  });

  it('a line break in a message or a field cannot forge a second line', () => {
    const line = formatLine(record('bad\nFAKE 2024 ERROR x: y', { ua: 'evil"\r\nagent', empty: '', none: null, skipped: undefined }));
    assert.ok(!/[\r\n]/.test(line));
    assert.equal(
      line,
      '2024-05-01T12:00:00.007Z WARN  sip.transport: bad\\nFAKE 2024 ERROR x: y ua="evil\\"\\r\\nagent" empty="" none=-',
    );
  });
});

describe('Log: loggers per module over sinks with their own levels', () => {
  it('each sink gets what its level allows; the record carries the module and wall time', () => {
    const log = new Log({ now: () => T0 });
    const stderr: string[] = [];
    log.addSink(new StreamSink('warn', (line) => stderr.push(line)));
    const ring = new RingBufferSink(10, 'debug');
    log.addSink(ring);
    const sip = log.logger('sip');
    const transport = sip.child('transport');
    transport.debug('parsed', { bytes: 400 });
    transport.info('listening', { port: 5060 });
    sip.warn('registration failed', { status: 403 });
    sip.error('no account');
    assert.deepEqual(stderr, [
      '2024-05-01T12:00:00.007Z WARN  sip: registration failed status=403',
      '2024-05-01T12:00:00.007Z ERROR sip: no account',
    ]);
    assert.deepEqual(
      ring.records().map((r) => [r.level, r.module, r.message]),
      [
        ['debug', 'sip.transport', 'parsed'],
        ['info', 'sip.transport', 'listening'],
        ['warn', 'sip', 'registration failed'],
        ['error', 'sip', 'no account'],
      ],
    );
  });

  it('raising a sink\'s level at run time filters from the next record on; enabled() reflects the sinks', () => {
    const log = new Log({ now: () => T0 });
    const ring = new RingBufferSink(10, 'debug');
    log.addSink(ring);
    const l = log.logger('ui');
    assert.equal(l.enabled('debug'), true);
    ring.level = 'warn';
    assert.equal(l.enabled('debug'), false);
    l.info('hidden');
    l.warn('shown');
    assert.deepEqual(ring.records().map((r) => r.message), ['shown']);
  });

  it('a sink that throws does not reach the caller nor starve the other sinks; a removed sink gets nothing', () => {
    const log = new Log({ now: () => T0 });
    const broken: LogSink = {
      level: 'debug',
      write: () => {
        throw new Error('EPIPE');
      },
    };
    log.addSink(broken);
    const ring = new RingBufferSink(4);
    const remove = log.addSink(ring);
    assert.doesNotThrow(() => log.logger('x').error('still logged'));
    remove();
    log.logger('x').error('after removal');
    assert.deepEqual(ring.records().map((r) => r.message), ['still logged']);
  });
});

describe('RingBufferSink: the last N records for the web UI', () => {
  it('evicts the oldest once full and counts what it evicted', () => {
    const ring = new RingBufferSink(3);
    for (let i = 1; i <= 5; i++) ring.write(record(`event ${i}`));
    assert.deepEqual(ring.records().map((r) => r.message), ['event 3', 'event 4', 'event 5']);
    assert.equal(ring.evicted, 2);
    assert.equal(ring.lines()[0], '2024-05-01T12:00:00.007Z WARN  sip.transport: event 3');
    ring.clear();
    assert.deepEqual(ring.records(), []);
    ring.write(record('after clear'));
    assert.deepEqual(ring.records().map((r) => r.message), ['after clear']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new RingBufferSink(0), RangeError);
  });
});
