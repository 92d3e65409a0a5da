import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallSummary } from '../../firmware/phone/calls/call-manager.js';
import type { CallHistoryEntry } from '../../firmware/phone/directory/index.js';
import { callRecordOf, callStatusOf } from '../../firmware/web/call-views.js';

const entry = (over: Partial<CallHistoryEntry>): CallHistoryEntry => ({
  direction: 'dialed',
  remoteUri: 'sip:2001@pbx.example.com',
  remoteName: 'Alice',
  number: '2001',
  startedAt: '2025-03-04T05:06:07.000Z',
  durationS: 42,
  line: 2,
  ...over,
});

const summary = (over: Partial<CallSummary>): CallSummary => ({
  id: 'c1',
  line: 1,
  direction: 'incoming',
  state: 'connected',
  remote: 'sip:+442079460000@pbx.example.com;user=phone',
  remoteName: '',
  codec: 'PCMA',
  localDirection: 'sendrecv',
  secure: false,
  conference: false,
  notice: null,
  durationS: 75,
  ...over,
});

describe('call history on the web page', () => {
  it('dialed, received and missed become outgoing, incoming and missed', () => {
    assert.equal(callRecordOf(entry({ direction: 'dialed' })).direction, 'outgoing');
    assert.equal(callRecordOf(entry({ direction: 'received' })).direction, 'incoming');
    assert.equal(callRecordOf(entry({ direction: 'missed', durationS: 0 })).direction, 'missed');
  });

  it('carries the account, the connected seconds and the start as ISO 8601', () => {
    assert.deepEqual(callRecordOf(entry({ startedAt: '2025-03-04T06:06:07+01:00' })), {
      startedAt: '2025-03-04T05:06:07.000Z',
      direction: 'outgoing',
      remote: 'Alice',
      account: 2,
      durationSeconds: 42,
    });
  });

  it('names the other party by name, else by number, else by the bare URI', () => {
    assert.equal(callRecordOf(entry({ remoteName: '  ' })).remote, '2001');
    assert.equal(callRecordOf(entry({ remoteName: '', number: '', remoteUri: 'sip:pbx.example.com' })).remote, 'sip:pbx.example.com');
  });
});

describe('calls in progress on the status page', () => {
  it('shows the account, state, codec, SRTP and how long the call has been connected', () => {
    assert.deepEqual(callStatusOf(summary({ secure: true, remoteName: 'Bob' })), {
      account: 1,
      direction: 'incoming',
      remote: 'Bob',
      state: 'connected',
      codec: 'PCMA',
      secure: true,
      durationSeconds: 75,
    });
  });

  it('a nameless caller shows as the number of its URI; no codec or duration before answer', () => {
    const ringing = callStatusOf(summary({ state: 'ringing', codec: null, durationS: null }));
    assert.deepEqual(ringing, { account: 1, direction: 'incoming', remote: '+442079460000', state: 'ringing', secure: false });
  });

  it('leaves out a call that has ended', () => {
    assert.equal(callStatusOf(summary({ state: 'ended' })), undefined);
  });
});
