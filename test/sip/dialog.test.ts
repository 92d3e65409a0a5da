// Dialogs as RFC 3261 §12 defines them: creation as UAS (§12.1.1) and UAC
// (§12.1.2), early → confirmed (§13.2.2.4), target refresh (§12.2.1.2,
// §12.2.2), requests within a dialog (§12.2.1.1: loose and strict routing,
// CSeq), the remote CSeq check (§12.2.2) and matching by dialog ID.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dialog,
  DialogRegistry,
  addressRequest,
  asRequestUri,
  randomInitialSeq,
  remoteCSeqVerdict,
} from '../../firmware/sip/dialog/index.js';
import {
  NameAddr,
  createRequest,
  createResponse,
  formatUri,
  getCSeq,
  getContacts,
  getFrom,
  getNameAddrList,
  getTo,
  parseUri,
  sipUri,
} from '../../firmware/sip/message/index.js';
import type { SipRequest, SipResponse, Uri } from '../../firmware/sip/message/index.js';

const uri = (text: string): Uri => parseUri(text);
const uris = (list: readonly Uri[]): string[] => list.map(formatUri);

/** An INVITE from Alice (tag a-tag) to Bob, as it arrives at Bob or leaves Alice. */
function invite(init: { recordRoute?: string[]; contact?: string | null; requestUri?: string; cseq?: number } = {}): SipRequest {
  const headers: [string, string][] = [['Via', 'SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKabc']];
  for (const rr of init.recordRoute ?? []) headers.push(['Record-Route', rr]);
  return createRequest({
    method: 'INVITE',
    uri: uri(init.requestUri ?? 'sip:bob@192.0.2.10'),
    from: new NameAddr({ displayName: 'Alice', uri: sipUri({ user: 'alice', host: 'example.com' }) }).withTag('a-tag'),
    to: new NameAddr({ uri: sipUri({ user: 'bob', host: 'example.org' }) }),
    callId: 'dlg-1@192.0.2.20',
    cseq: init.cseq ?? 314,
    contact: init.contact === null ? [] : [new NameAddr({ uri: uri(init.contact ?? 'sip:alice@192.0.2.20:5060') })],
    headers,
  });
}

/** Bob's response with To tag b-tag, Record-Route copied or given, and Bob's Contact. */
function response(req: SipRequest, status: number, init: { recordRoute?: string[]; contact?: string | null } = {}): SipResponse {
  const headers: [string, string][] = [];
  for (const rr of init.recordRoute ?? []) headers.push(['Record-Route', rr]);
  if (init.contact !== null) headers.push(['Contact', `<${init.contact ?? 'sip:bob@192.0.2.10:5060'}>`]);
  return createResponse(req, status, undefined, { toTag: 'b-tag', copyRecordRoute: init.recordRoute === undefined, headers });
}

describe('Dialog as UAS (§12.1.1)', () => {
  it('from the request and a 180 with a To tag: early, IDs, CSeqs, URIs, target and route set in order', () => {
    const req = invite({ recordRoute: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
    const d = Dialog.asUas(req, response(req, 180));
    assert.equal(d.role, 'uas');
    assert.equal(d.state, 'early');
    assert.deepEqual(d.id, { callId: 'dlg-1@192.0.2.20', localTag: 'b-tag', remoteTag: 'a-tag' });
    assert.equal(d.remoteSeq, 314);
    assert.equal(d.localSeq, undefined, '"The local sequence number MUST be empty"');
    assert.equal(formatUri(d.localUri), 'sip:bob@example.org');
    assert.equal(formatUri(d.remoteUri), 'sip:alice@example.com');
    assert.equal(formatUri(d.remoteTarget), 'sip:alice@192.0.2.20:5060');
    assert.equal(d.localTarget === undefined ? '' : formatUri(d.localTarget), 'sip:bob@192.0.2.10:5060');
    assert.deepEqual(uris(d.routeSet), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    assert.equal(d.secure, false);
  });

  it('from a 2xx: confirmed; "secure" only for a SIPS Request-URI over TLS', () => {
    const req = invite({ requestUri: 'sips:bob@example.org' });
    assert.equal(Dialog.asUas(req, response(req, 200)).state, 'confirmed');
    assert.equal(Dialog.asUas(req, response(req, 200), { transport: 'tls' }).secure, true);
    assert.equal(Dialog.asUas(invite(), response(invite(), 200), { transport: 'tls' }).secure, false);
  });

  it('an RFC 2543 request without Contact or From tag: remote target = From URI, remote tag null', () => {
    const req = invite({ contact: null });
    req.headers.set('From', '<sip:alice@example.com>');
    const d = Dialog.asUas(req, response(req, 180));
    assert.equal(d.id.remoteTag, undefined);
    assert.equal(formatUri(d.remoteTarget), 'sip:alice@example.com');
  });

  it('only 101-199 with a To tag and 2xx establish a dialog (§12.1)', () => {
    const req = invite();
    assert.throws(() => Dialog.asUas(req, createResponse(req, 180)), /To tag/);
    assert.throws(() => Dialog.asUas(req, response(req, 100)), /establishes no dialog/);
    assert.throws(() => Dialog.asUas(req, response(req, 486)), /establishes no dialog/);
  });

  it('the first request from a UAS picks an initial CSeq, the next ones count up by one (§12.2.1.1)', () => {
    const req = invite();
    const d = Dialog.asUas(req, response(req, 200), { initialSeq: () => 4711 });
    assert.equal(getCSeq(d.createRequest('INFO'))?.seq, 4711);
    assert.equal(getCSeq(d.createRequest('BYE'))?.seq, 4712);
    assert.equal(d.localSeq, 4712);
  });
});

describe('Dialog as UAC (§12.1.2)', () => {
  it('from a 2xx: route set is the Record-Route reversed, local CSeq = the INVITE\'s, remote CSeq empty', () => {
    const req = invite();
    const ok = response(req, 200, { recordRoute: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
    const d = Dialog.asUac(req, ok);
    assert.equal(d.role, 'uac');
    assert.equal(d.state, 'confirmed');
    assert.deepEqual(d.id, { callId: 'dlg-1@192.0.2.20', localTag: 'a-tag', remoteTag: 'b-tag' });
    assert.deepEqual(uris(d.routeSet), ['sip:p2.example.com;lr', 'sip:p1.example.com;lr']);
    assert.equal(d.localSeq, 314);
    assert.equal(d.remoteSeq, undefined);
    assert.equal(formatUri(d.localUri), 'sip:alice@example.com');
    assert.equal(formatUri(d.remoteUri), 'sip:bob@example.org');
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.10:5060');
    // The BYE: Request-URI = remote target (loose routing), Route = route set, CSeq = local + 1.
    const bye = d.createRequest('BYE');
    assert.equal(formatUri(bye.uri), 'sip:bob@192.0.2.10:5060');
    assert.deepEqual(uris(getNameAddrList(bye, 'Route').map((na) => na.uri)), ['sip:p2.example.com;lr', 'sip:p1.example.com;lr']);
    assert.deepEqual(getCSeq(bye), { seq: 315, method: 'BYE' });
    assert.equal(getFrom(bye)?.tag, 'a-tag');
    assert.equal(getTo(bye)?.tag, 'b-tag');
    assert.equal(bye.headers.get('Call-ID'), 'dlg-1@192.0.2.20');
    assert.equal(bye.headers.has('Contact'), false, 'a BYE carries no Contact');
  });

  it('from a 1xx with a To tag: early; the 2xx confirms it and the route set and target are recomputed (§13.2.2.4)', () => {
    const req = invite();
    const ringing = response(req, 180, { recordRoute: ['<sip:early.example.com;lr>'], contact: null });
    const d = Dialog.asUac(req, ringing);
    const changes: string[] = [];
    d.onStateChange((state, previous) => changes.push(`${previous}→${state}`));
    assert.equal(d.state, 'early');
    assert.deepEqual(uris(d.routeSet), ['sip:early.example.com;lr']);
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.10', 'no Contact in the 1xx: the Request-URI');
    d.confirm(response(req, 200, { recordRoute: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], contact: 'sip:bob@198.51.100.7:5070' }));
    assert.equal(d.state, 'confirmed');
    assert.deepEqual(uris(d.routeSet), ['sip:p2.example.com;lr', 'sip:p1.example.com;lr']);
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@198.51.100.7:5070');
    assert.deepEqual(changes, ['early→confirmed']);
    assert.throws(() => d.confirm(), /illegal transition confirmed → confirmed/);
  });

  it('ACK for the 2xx carries the INVITE\'s CSeq number and does not advance the local CSeq; CANCEL is refused', () => {
    const req = invite();
    const d = Dialog.asUac(req, response(req, 200));
    const ack = d.createRequest('ACK', { cseq: 314 });
    assert.deepEqual(getCSeq(ack), { seq: 314, method: 'ACK' });
    assert.equal(d.localSeq, 314);
    assert.throws(() => d.createRequest('ACK'), /CSeq number of its INVITE/);
    assert.throws(() => d.createRequest('CANCEL'), /createCancel/);
    const reinvite = d.createRequest('INVITE');
    assert.equal(getCSeq(reinvite)?.seq, 315);
    const contacts = getContacts(reinvite);
    assert.ok(contacts !== '*' && contacts[0] !== undefined && formatUri(contacts[0].uri) === 'sip:alice@192.0.2.20:5060', 'a re-INVITE carries our Contact');
  });
});

describe('target refresh (§12.2)', () => {
  it('UAC: a 2xx to a re-INVITE or UPDATE replaces the remote target; other responses do not', () => {
    const req = invite();
    const d = Dialog.asUac(req, response(req, 200));
    const info = d.createRequest('INFO');
    d.refreshFromResponse(response(info, 200, { contact: 'sip:bob@203.0.113.1' }));
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.10:5060', 'INFO is no target refresh');
    const reinvite = d.createRequest('INVITE');
    d.refreshFromResponse(response(reinvite, 488, { contact: 'sip:bob@203.0.113.1' }));
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@192.0.2.10:5060', 'a failed refresh changes nothing');
    d.refreshFromResponse(response(reinvite, 200, { contact: 'sip:bob@203.0.113.1' }));
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@203.0.113.1');
    const update = d.createRequest('UPDATE');
    d.refreshFromResponse(response(update, 200, { contact: 'sip:bob@203.0.113.2' }));
    assert.equal(formatUri(d.remoteTarget), 'sip:bob@203.0.113.2');
  });

  it('UAS: a re-INVITE\'s Contact replaces the remote target; a NOTIFY\'s does not', () => {
    const req = invite();
    const d = Dialog.asUas(req, response(req, 200));
    const notify = invite({ contact: 'sip:alice@203.0.113.5', cseq: 315 });
    notify.method = 'NOTIFY';
    d.refreshFromRequest(notify);
    assert.equal(formatUri(d.remoteTarget), 'sip:alice@192.0.2.20:5060');
    d.refreshFromRequest(invite({ contact: 'sip:alice@203.0.113.5', cseq: 316 }));
    assert.equal(formatUri(d.remoteTarget), 'sip:alice@203.0.113.5');
    d.refreshFromRequest(invite({ contact: null, cseq: 317 }));
    assert.equal(formatUri(d.remoteTarget), 'sip:alice@203.0.113.5', 'no Contact: the target stays');
  });
});

describe('addressing requests within a dialog (§12.2.1.1)', () => {
  it('empty route set: Request-URI = remote target, no Route', () => {
    const a = addressRequest(uri('sip:bob@192.0.2.10'), []);
    assert.equal(formatUri(a.requestUri), 'sip:bob@192.0.2.10');
    assert.deepEqual(a.route, []);
  });

  it('strict router first: Request-URI = that router without the parameters a Request-URI may not have, target last in Route', () => {
    const routeSet = [uri('sip:strict.example.com;method=INVITE;maddr=192.0.2.99'), uri('sip:loose.example.com;lr')];
    const a = addressRequest(uri('sip:bob@192.0.2.10'), routeSet);
    assert.equal(formatUri(a.requestUri), 'sip:strict.example.com;maddr=192.0.2.99');
    assert.deepEqual(uris(a.route), ['sip:loose.example.com;lr', 'sip:bob@192.0.2.10']);
  });

  it('a UAS dialog whose Record-Route starts with a strict router builds its BYE the strict way', () => {
    const req = invite({ recordRoute: ['<sip:192.0.2.1>', '<sip:p2.example.com;lr>'] });
    const d = Dialog.asUas(req, response(req, 200), { initialSeq: () => 1 });
    const bye = d.createRequest('BYE');
    assert.equal(formatUri(bye.uri), 'sip:192.0.2.1');
    assert.deepEqual(uris(getNameAddrList(bye, 'Route').map((na) => na.uri)), ['sip:p2.example.com;lr', 'sip:alice@192.0.2.20:5060']);
  });

  it('asRequestUri drops URI headers and the method parameter and keeps the rest', () => {
    assert.equal(formatUri(asRequestUri(uri('sip:r.example.com;lr;method=BYE?Subject=x'))), 'sip:r.example.com;lr');
    const plain = uri('sip:r.example.com;lr');
    assert.equal(asRequestUri(plain), plain);
  });
});

describe('remote CSeq (§12.2.2)', () => {
  it('lower is out of order and changes nothing; equal or higher (by more than one) is in order', () => {
    const req = invite({ cseq: 10 });
    const d = Dialog.asUas(req, response(req, 200));
    const withSeq = (seq: number, method = 'INFO'): SipRequest => {
      const r = invite({ cseq: seq });
      r.method = method;
      r.headers.set('CSeq', `${seq} ${method}`);
      return r;
    };
    assert.equal(d.receiveRequest(withSeq(9)), 'out-of-order');
    assert.equal(d.remoteSeq, 10);
    assert.equal(d.receiveRequest(withSeq(10)), 'in-order');
    assert.equal(d.receiveRequest(withSeq(15)), 'in-order');
    assert.equal(d.remoteSeq, 15);
    // ACK and CANCEL carry the number of what they acknowledge or cancel: never judged.
    assert.equal(d.receiveRequest(withSeq(3, 'ACK')), 'in-order');
    assert.equal(d.remoteSeq, 15);
  });

  it('the pure rules', () => {
    assert.equal(remoteCSeqVerdict(undefined, 1), 'in-order');
    assert.equal(remoteCSeqVerdict(5, 4), 'out-of-order');
    assert.equal(remoteCSeqVerdict(5, 5), 'in-order');
    assert.equal(randomInitialSeq(() => 0), 1);
    const top = randomInitialSeq(() => 0.999999999);
    assert.ok(top < 2 ** 31 && top > 2 ** 29);
  });
});

describe('terminated dialogs', () => {
  it('terminate() is idempotent; no request can be built afterwards', () => {
    const req = invite();
    const d = Dialog.asUas(req, response(req, 180));
    const changes: string[] = [];
    d.onStateChange((s) => changes.push(s));
    d.terminate();
    d.terminate();
    assert.deepEqual(changes, ['terminated']);
    assert.throws(() => d.createRequest('BYE'), /terminated/);
    assert.throws(() => d.confirm(), /illegal transition terminated → confirmed/);
  });
});

describe('DialogRegistry: matching requests by dialog ID (§12.2.2)', () => {
  it('no To tag: outside; To tag = local and From tag = remote: matched; otherwise no-dialog (→ 481)', () => {
    const registry = new DialogRegistry<string>();
    const req = invite();
    const d = Dialog.asUas(req, response(req, 200));
    registry.add(d, 'the call');
    assert.equal(registry.size, 1);

    assert.deepEqual(registry.matchRequest(invite()), { kind: 'outside' });
    const bye = invite();
    bye.headers.set('To', '<sip:bob@example.org>;tag=b-tag');
    const m = registry.matchRequest(bye);
    assert.equal(m.kind, 'matched');
    assert.equal(m.kind === 'matched' ? m.owner : '', 'the call');
    bye.headers.set('From', '<sip:alice@example.com>;tag=other');
    assert.equal(registry.matchRequest(bye).kind, 'no-dialog');
    bye.headers.set('From', '<sip:alice@example.com>;tag=a-tag');
    bye.headers.set('Call-ID', 'another-call');
    assert.equal(registry.matchRequest(bye).kind, 'no-dialog');

    assert.throws(() => registry.add(d, 'again'), /exists/);
    d.terminate();
    assert.equal(registry.size, 0, 'a terminated dialog leaves the registry');
    bye.headers.set('Call-ID', 'dlg-1@192.0.2.20');
    assert.equal(registry.matchRequest(bye).kind, 'no-dialog');
  });

  it('a UAC dialog is found from responses (From tag = local, To tag = remote)', () => {
    const registry = new DialogRegistry<number>();
    const req = invite();
    const ok = response(req, 200);
    registry.add(Dialog.asUac(req, ok), 7);
    assert.equal(registry.matchResponse(ok)?.owner, 7);
    assert.equal(registry.matchResponse(createResponse(req, 200, undefined, { toTag: 'fork-2' })), undefined);
  });
});
