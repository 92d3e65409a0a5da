// DTMF over SIP INFO (application/dtmf-relay) between the two user agents:
// keys leave one INFO at a time, in order, and the receiving side hands
// each key up once, answering 200 (400 for a body without a key).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfInfoSender, firstHandler, receiveDtmfInfo } from '../../firmware/sip/ua/transfer/index.js';
import type { DtmfRelay } from '../../firmware/sip/ua/transfer/index.js';
import { connectedCall } from './transfer-harness.js';
import { cseqOf, text } from './uac-harness.js';

describe('DTMF over SIP INFO', () => {
  it('sends keys in order, each INFO after the previous one’s 200; the peer hears each key once', async () => {
    const c = await connectedCall({ proxy: true });
    const heard: DtmfRelay[] = [];
    c.onPeer((request) => receiveDtmfInfo(request, (d) => heard.push(d)));
    const sender = new DtmfInfoSender(c.phoneCtx, c.phoneDialog);
    const outcomes = [sender.send('1'), sender.send('#', 250), sender.send('9')];
    await c.rig.run(200);
    const results = await Promise.all(outcomes);
    assert.deepEqual(results.map((o) => (o.kind === 'response' ? o.response.status : o.kind)), [200, 200, 200]);
    assert.deepEqual(heard, [
      { signal: '1', durationMs: 160 },
      { signal: '#', durationMs: 250 },
      { signal: '9', durationMs: 160 },
    ]);

    const infos = c.rig.requests(c.rig.phone, 'INFO');
    assert.deepEqual(infos.map((p) => text(p.message.body)), ['Signal=1\r\nDuration=160\r\n', 'Signal=#\r\nDuration=250\r\n', 'Signal=9\r\nDuration=160\r\n']);
    const seqs = infos.map((p) => cseqOf(p.message).seq);
    assert.deepEqual(seqs, [seqs[0] ?? 0, (seqs[0] ?? 0) + 1, (seqs[0] ?? 0) + 2]);
    // Each INFO left after the 200 to the one before it reached the phone.
    const answers = c.rig.net.packets.filter((p) => p.to.host === '192.0.2.10' && p.message.kind === 'response' && p.message.headers.get('CSeq')?.endsWith('INFO') === true);
    for (let i = 1; i < infos.length; i++) assert.ok((infos[i]?.seq ?? 0) > (answers[i - 1]?.seq ?? Infinity), `INFO ${i + 1} after the 200 to INFO ${i}`);
    assert.throws(() => sender.send('X'), RangeError);
    c.rig.dispose();
  });

  it('a dtmf-relay INFO without a key gets 400; an INFO without a body is not DTMF (the core’s 501)', async () => {
    const c = await connectedCall();
    const heard: DtmfRelay[] = [];
    c.onPeer(firstHandler((request) => receiveDtmfInfo(request, (d) => heard.push(d))));
    const statuses: number[] = [];
    const target = { protocol: 'udp', host: '192.0.2.30', port: 5060 } as const;
    const noKey = c.phoneDialog.createRequest('INFO', { body: { contentType: 'application/dtmf-relay', bytes: new TextEncoder().encode('Duration=160\r\n') } });
    c.rig.phone.layer.sendRequest(noKey, target, { onFinal: (r) => statuses.push(r.status) });
    await c.rig.run(100);
    const empty = c.phoneDialog.createRequest('INFO');
    c.rig.phone.layer.sendRequest(empty, target, { onFinal: (r) => statuses.push(r.status) });
    await c.rig.run(100);
    assert.deepEqual(statuses, [400, 501]);
    assert.deepEqual(heard, []);
    c.rig.dispose();
  });
});
