/**
 * SIP over real TLS sockets on 127.0.0.1 with throw-away self-signed
 * certificates made by openssl: chain trust (configured CA), the RFC 5922
 * name check, and the bench-only allowSelfSigned setting.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResponse, parseMessage } from '../../firmware/sip/message/index.js';
import type { SipRequest } from '../../firmware/sip/message/index.js';
import type { NamedTarget } from '../../firmware/sip/transport/addresses.js';
import { SocketSipTransport } from '../../firmware/sip/transport/sip-transport.js';
import type { TlsClientOptions } from '../../firmware/sip/transport/tls-transport.js';
import { TransportError } from '../../firmware/sip/transport/types.js';
import { enc, nextMessage, rawRequest, recordingLogger } from './transport-fixtures.js';

interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

let dir = '';
let ipCert: KeyPair;
let domainCert: KeyPair;

function makeCert(name: string, subject: string, san: string): KeyPair {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', subject, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
  ipCert = makeCert('ip', '/CN=127.0.0.1', 'IP:127.0.0.1');
  domainCert = makeCert('domain', '/CN=pbx.example.test', 'URI:sip:pbx.example.test,DNS:pbx.example.test');
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openServer(pair: KeyPair): Promise<SocketSipTransport> {
  return SocketSipTransport.open({
    udp: false,
    tcp: false,
    tls: { listen: { host: '127.0.0.1', port: 0, ...pair } },
    logger: recordingLogger(),
  });
}

function openClient(tls: TlsClientOptions, logger = recordingLogger()): Promise<SocketSipTransport> {
  return SocketSipTransport.open({ udp: false, tcp: false, tls, logger });
}

function request(callId: string): SipRequest {
  const parsed = parseMessage(enc.encode(rawRequest({ via: 'SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK' + callId, callId })), { transport: 'stream' });
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('fixture did not parse');
  return parsed.message;
}

function tlsTarget(server: SocketSipTransport, serverName?: string): NamedTarget {
  return { protocol: 'tls', host: '127.0.0.1', port: server.ports.tls ?? 0, serverName };
}

describe('TLS transport', () => {
  it('refuses a server whose certificate no trusted CA signed', async () => {
    const server = await openServer(ipCert);
    const client = await openClient({});
    try {
      await assert.rejects(client.send(request('untrusted'), tlsTarget(server)), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.match(e.message, /self[- ]signed/i);
        return true;
      });
      assert.equal(client.connectionCount('tls'), 0);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });

  it('accepts the server when its certificate is given as CA, and carries SIP both ways', async () => {
    const server = await openServer(ipCert);
    const client = await openClient({ ca: [ipCert.cert] });
    try {
      const arriving = nextMessage(server);
      await client.send(request('trusted'), tlsTarget(server));
      const incoming = await arriving;
      assert.equal(incoming.message.headers.get('call-id'), 'trusted');
      assert.equal(incoming.source.protocol, 'tls');
      const back = nextMessage(client);
      await server.sendResponse(createResponse(incoming.message, 200, 'OK', { toTag: 's' }), incoming);
      const answer = await back;
      assert.equal(answer.message.kind === 'response' ? answer.message.status : 0, 200);
      assert.equal(client.connectionCount('tls'), 1);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });

  it('checks the SIP domain of the target against the certificate (RFC 5922)', async () => {
    const server = await openServer(domainCert);
    const client = await openClient({ ca: [domainCert.cert] });
    try {
      const arriving = nextMessage(server);
      await client.send(request('right-domain'), tlsTarget(server, 'pbx.example.test'));
      assert.equal((await arriving).message.headers.get('call-id'), 'right-domain');
      await assert.rejects(client.send(request('wrong-domain'), tlsTarget(server, 'other.example.test')), (e: unknown) => {
        assert.ok(e instanceof TransportError);
        assert.match(e.message, /not for SIP domain other\.example\.test/);
        return true;
      });
      // Given by address only, the IP is checked, and this certificate names none.
      await assert.rejects(client.send(request('by-ip'), tlsTarget(server)), TransportError);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });

  it('accepts a self-signed certificate with allowSelfSigned, logging warnings', async () => {
    const server = await openServer(ipCert);
    const logger = recordingLogger();
    const client = await openClient({ allowSelfSigned: true }, logger);
    try {
      assert.match(logger.lines[0] ?? '', /allowSelfSigned is set/);
      const arriving = nextMessage(server);
      await client.send(request('bench'), tlsTarget(server));
      assert.equal((await arriving).message.headers.get('call-id'), 'bench');
      assert.match(logger.lines.join('\n'), /accepted an untrusted certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });

  it('with allowSelfSigned still refuses a certificate for another name', async () => {
    const server = await openServer(domainCert);
    const client = await openClient({ allowSelfSigned: true });
    try {
      await assert.rejects(client.send(request('mismatch'), tlsTarget(server, 'other.example.test')), TransportError);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });
});
