/**
 * The phone's calls as the web UI shows them: entries of the call history
 * (phone/directory/call-history.ts) as CallRecords, and the call manager's
 * live calls (phone/calls/call-manager.ts) as CallStatus rows. Pure
 * functions, so the mapping is tested alone.
 */
import type { CallSummary } from '../phone/calls/call-manager.js';
import type { CallDirection, CallHistoryEntry } from '../phone/directory/index.js';
import { numberOfUri } from '../phone/directory/index.js';
import type { CallRecord, CallStatus } from './backend.js';

/** The history's three lists, in the words of the web page. */
const RECORD_DIRECTION: Readonly<Record<CallDirection, CallRecord['direction']>> = {
  dialed: 'outgoing',
  received: 'incoming',
  missed: 'missed',
};

/** The other party as a person reads it: the name when there is one, else the number, else the bare URI. */
function partyText(name: string, number: string, uri: string): string {
  return name.trim() || number || uri;
}

export function callRecordOf(entry: CallHistoryEntry): CallRecord {
  return {
    startedAt: new Date(Date.parse(entry.startedAt)).toISOString(),
    direction: RECORD_DIRECTION[entry.direction],
    remote: partyText(entry.remoteName, entry.number, entry.remoteUri),
    account: entry.line,
    durationSeconds: entry.durationS,
  };
}

/** A live call; undefined for one that has ended and waits only to be dropped from the list. */
export function callStatusOf(call: CallSummary): CallStatus | undefined {
  if (call.state === 'ended') return undefined;
  return {
    account: call.line,
    direction: call.direction,
    remote: partyText(call.remoteName, numberOfUri(call.remote), call.remote),
    state: call.state,
    ...(call.codec === null ? {} : { codec: call.codec }),
    secure: call.secure,
    ...(call.durationS === null ? {} : { durationSeconds: call.durationS }),
  };
}
