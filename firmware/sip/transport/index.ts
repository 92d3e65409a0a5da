/**
 * The SIP transport layer (RFC 3261 §18, RFC 3263, RFC 3581, RFC 5626
 * keep-alives, RFC 5922 TLS identities). The SIP core depends only on the
 * SipTransport interface (types.ts).
 *
 *   const transport = await SocketSipTransport.open({ udp: { port: 5060 }, tcp: { port: 5060 } });
 *   transport.onMessage((incoming) => core.receive(incoming));
 *   const hop = nextHopOfRequest(request, account.outboundProxy);
 *   const targets = await new SipServerLocator().resolve(hop.uri, { transport: hop.transport });
 *   await transport.send(request, targets[0]);        // TransportError → try targets[1] …
 *   const keepalive = new Keepalive({ clock, link: transport.keepaliveLink(targets[0]), onDead });
 *   keepalive.start();
 */
export * from './types.js';
export { SocketSipTransport } from './sip-transport.js';
export type { ListenAddress, SipTransportOptions } from './sip-transport.js';
export type { TlsClientOptions, TlsListenOptions } from './tls-transport.js';
export { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './stream-transport.js';
export { NO_TCP_MEMORY_MS, NoTcpMemo, UDP_SIZE_LIMIT, exceedsUdpSizeLimit, retriesOverUdp } from './size-rule.js';
export type { TransportLogger } from './logger.js';
export { consoleLogger } from './logger.js';
export type { NamedTarget } from './addresses.js';
export { defaultPort, isReliableProtocol } from './addresses.js';
export { SipServerLocator, srvName, systemDnsResolver, transportForAccountType } from './resolver.js';
export type { DnsResolver, ResolveOptions, ResolvedTarget } from './resolver.js';
export { orderSrvRecords } from './srv-order.js';
export { nextHop, nextHopOfRequest } from './next-hop.js';
export type { NextHop, OutboundProxy } from './next-hop.js';
export { DEFAULT_KEEPALIVE_INTERVAL_MS, Keepalive, PONG_TIMEOUT_MS, keepaliveDelay } from './keepalive.js';
export type { KeepaliveLink, KeepaliveOptions, KeepaliveState } from './keepalive.js';
export { sipIdentityMismatch } from './tls-identity.js';
