import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { internetChecksum } from '../../firmware/trace/internet-checksum.js';
import { parseIp } from '../../firmware/trace/ip-address.js';
import { pcapGlobalHeader, pcapRecord } from '../../firmware/trace/pcap-format.js';
import { buildUdpFrame, LOCAL_MAC, REMOTE_MAC, type UdpEndpoint } from '../../firmware/trace/udp-frame.js';
import { readPcap, udpPayload } from './pcap-reader.js';

function endpoint(host: string, port: number): UdpEndpoint {
  const ip = parseIp(host);
  assert.ok(ip, host);
  return { ip, port };
}

const SIP = Buffer.from('OPTIONS sip:x@192.0.2.2 SIP/2.0\r\nContent-Length: 0\r\n\r\n');

describe('Internet checksum (RFC 1071)', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
    assert.equal(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7)), 0x220d);
  });

  it('summing in odd-length parts equals summing the whole', () => {
    const data = Uint8Array.from({ length: 101 }, (_, i) => (i * 37) & 0xff);
    assert.equal(internetChecksum(data.subarray(0, 3), data.subarray(3, 50), data.subarray(50)), internetChecksum(data));
  });
});

describe('synthetic Ethernet/IPv4/UDP frame', () => {
  const { frame } = buildUdpFrame({
    source: endpoint('192.0.2.1', 5060),
    destination: endpoint('192.0.2.2', 5070),
    sourceMac: LOCAL_MAC,
    destinationMac: REMOTE_MAC,
    payload: SIP,
    identification: 0x1234,
  });
  const ip = frame.subarray(14, 34);

  it('Ethernet type 0x0800, IPv4 header with correct lengths and a valid checksum (sums to zero)', () => {
    assert.equal(frame.readUInt16BE(12), 0x0800);
    assert.equal(ip[0], 0x45);
    assert.equal(ip.readUInt16BE(2), 20 + 8 + SIP.length);
    assert.equal(ip.readUInt16BE(4), 0x1234);
    assert.equal(ip[9], 17);
    assert.deepEqual([...ip.subarray(12, 20)], [192, 0, 2, 1, 192, 0, 2, 2]);
    assert.equal(internetChecksum(ip), 0, 'a header with its checksum sums to 0xffff, complemented 0');
    assert.equal(frame.length, 14 + 20 + 8 + SIP.length);
  });

  it('UDP ports, length, and a checksum that verifies over the pseudo-header', () => {
    const udp = frame.subarray(34, 42);
    assert.deepEqual([udp.readUInt16BE(0), udp.readUInt16BE(2), udp.readUInt16BE(4)], [5060, 5070, 8 + SIP.length]);
    const pseudo = Buffer.alloc(12);
    ip.copy(pseudo, 0, 12, 20);
    pseudo[9] = 17;
    pseudo.writeUInt16BE(8 + SIP.length, 10);
    assert.equal(internetChecksum(pseudo, frame.subarray(34)), 0);
    assert.deepEqual(udpPayload(frame), SIP);
  });

  it('IPv6 (and an IPv4 peer with it, mapped): type 0x86DD, payload length, verifying UDP checksum', () => {
    const v6 = buildUdpFrame({
      source: endpoint('[2001:db8::1]', 5060),
      destination: endpoint('192.0.2.9', 5060),
      sourceMac: LOCAL_MAC,
      destinationMac: REMOTE_MAC,
      payload: SIP,
      identification: 0,
    }).frame;
    assert.equal(v6.readUInt16BE(12), 0x86dd);
    const hdr = v6.subarray(14, 54);
    assert.equal(hdr[0] >> 4, 6);
    assert.equal(hdr.readUInt16BE(4), 8 + SIP.length);
    assert.equal(hdr.subarray(24, 40).toString('hex'), '00000000000000000000ffffc0000209');
    const pseudo = Buffer.alloc(40);
    hdr.copy(pseudo, 0, 8, 40);
    pseudo.writeUInt32BE(8 + SIP.length, 32);
    pseudo[39] = 17;
    assert.equal(internetChecksum(pseudo, v6.subarray(54)), 0);
  });

  it('an IPv4-mapped IPv6 address is written as IPv4; a zone is dropped; names are not addresses', () => {
    assert.deepEqual(parseIp('::ffff:192.0.2.7'), { family: 4, bytes: Uint8Array.of(192, 0, 2, 7) });
    assert.equal(parseIp('fe80::1%eth0')?.family, 6);
    assert.equal(parseIp('sip.example.com'), undefined);
  });

  it('a payload over 65507 bytes is cut to fit IPv4\'s 16-bit total length', () => {
    const { frame: big, truncated } = buildUdpFrame({
      source: endpoint('192.0.2.1', 1),
      destination: endpoint('192.0.2.2', 2),
      sourceMac: LOCAL_MAC,
      destinationMac: REMOTE_MAC,
      payload: new Uint8Array(70000),
      identification: 0,
    });
    assert.equal(truncated, true);
    assert.equal(big.readUInt16BE(16), 0xffff);
  });
});

describe('pcap headers', () => {
  it('global header: magic a1b2c3d4, version 2.4, snaplen, LINKTYPE_ETHERNET', () => {
    const file = readPcap(pcapGlobalHeader());
    assert.deepEqual([file.versionMajor, file.versionMinor, file.snapLength, file.linkType], [2, 4, 262144, 1]);
    assert.deepEqual([...pcapGlobalHeader().subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it('record header: seconds and microseconds of the wall clock, included and original lengths', () => {
    const file = readPcap(Buffer.concat([pcapGlobalHeader(), pcapRecord(Buffer.alloc(100, 1), 1714564800123.456)]));
    const p = file.packets[0];
    assert.deepEqual([p?.seconds, p?.micros, p?.included, p?.original], [1714564800, 123456, 100, 100]);
  });
});
