/**
 * The phone's SIP stack, assembled: sockets (UDP, TCP, TLS) → transaction
 * layer → user-agent core (UAS) and registration clients, from the typed
 * configuration. The layers below know nothing of the phone; this file and
 * phone-adapter.ts are where the two meet.
 */
import type { Clock } from '../../drivers/bus/clock.js';
import type { PhoneConfig, SipServerConfig } from '../config/view.js';
import { Keepalive, SocketSipTransport, SipServerLocator, type DnsResolver, type TransportLogger } from './transport/index.js';
import { KeepaliveSupervisor } from './keepalive-supervisor.js';
import { TracingTransport, type SipTap } from './transport/tracing-transport.js';
import type { TransportProtocol, TransportTarget } from './transport/types.js';
import { TransactionLayer } from './transaction/index.js';
import { UserAgentCore } from './ua/user-agent-core.js';
import { RegistrationManager } from './registration/registration-manager.js';
import type { RegistrationHop } from './registration/registration-client.js';
import { NameAddr, Parameters, createCallId, createRequest, createTag, sipUri, type Uri } from './message/index.js';
import { accountOfRequest, callSettingsOf } from './account-call-settings.js';

export interface SipStackOptions {
  readonly config: PhoneConfig;
  readonly clock: Clock;
  /** User-Agent and Server header value: "deskphone/<version>". */
  readonly userAgent: string;
  /** Address to listen on; 0.0.0.0 by default (127.0.0.1 in tests). */
  readonly listenHost?: string;
  /** Host to put in Via and Contact; chosen from the interfaces when absent. */
  readonly advertisedHost?: string;
  readonly dns?: DnsResolver;
  readonly logger?: TransportLogger;
  /** Sees every SIP message sent and received while it returns a tap (the pcap trace). */
  readonly tap?: () => SipTap | undefined;
}

function protocolOf(transport: SipServerConfig['transport']): TransportProtocol | undefined {
  return transport === 'dns-naptr' ? undefined : transport;
}

/** An OPTIONS to the registrar as a UDP keep-alive: any response proves the flow (RFC 5626 §4.4.2 allows this for UDP). */
function optionsPing(layer: TransactionLayer, target: TransportTarget, user: string): Promise<boolean> {
  const uri = sipUri({ host: target.host, port: target.port });
  const request = createRequest({
    method: 'OPTIONS',
    uri,
    from: new NameAddr({ uri: sipUri({ user, host: target.host }), params: new Parameters().set('tag', createTag()) }),
    to: new NameAddr({ uri }),
    callId: createCallId(),
    cseq: 1,
  });
  return new Promise((resolve) => {
    layer.sendRequest(request, target, {
      onProvisional: () => undefined,
      onFinal: () => resolve(true),
      onFailure: () => resolve(false),
    });
  });
}

export class SipStack {
  private constructor(
    readonly transport: SocketSipTransport,
    readonly layer: TransactionLayer,
    readonly core: UserAgentCore,
    readonly registrations: RegistrationManager,
    readonly keepalives: KeepaliveSupervisor,
    private readonly serverAddresses: Set<string>,
    private readonly live: { config: PhoneConfig },
    /** The User-Agent header value of our requests. */
    readonly userAgent: string,
  ) {}

  /** The configuration in force. */
  get config(): PhoneConfig {
    return this.live.config;
  }

  /**
   * A new configuration, applied live: accounts whose registration changed
   * re-register (the manager compares), trust and direct-IP settings apply
   * to the next request, an account's 100rel and session-timer choices to
   * its next call (calls in progress keep theirs). Listen ports and TLS
   * trust ('restart-sip' in the schema) are read as the transports open, at
   * start: a change to them takes effect after a reboot.
   */
  applyConfig(next: PhoneConfig): void {
    this.live.config = next;
    this.registrations.configure(next.accounts);
  }

  static async start(options: SipStackOptions): Promise<SipStack> {
    const { clock } = options;
    // Read through `live` by every closure below, so applyConfig() takes effect at once.
    const live = { config: options.config };
    const config = options.config;
    const host = options.listenHost ?? '0.0.0.0';
    const port = config.sip.listenPort;
    const transport = await SocketSipTransport.open({
      udp: { host, port },
      tcp: { host, port },
      tls: { allowSelfSigned: !config.security.onlyTrustedCertificates },
      advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' ? undefined : host),
      clock,
      logger: options.logger,
    });
    const layer = new TransactionLayer(options.tap ? new TracingTransport(transport, options.tap) : transport, clock, { logger: options.logger });
    const locator = new SipServerLocator(options.dns);
    // The addresses our registrars and proxies resolved to: sip.trust_ctrl
    // accepts requests from these only, and direct IP calls are those from elsewhere.
    const serverAddresses = new Set<string>();
    const resolveTargets = async (hop: RegistrationHop): Promise<readonly TransportTarget[]> => {
      const protocol = protocolOf(hop.transport);
      const uri = sipUri({ host: hop.address, ...(hop.port > 0 ? { port: hop.port } : {}) });
      const targets = await locator.resolve(uri, protocol ? { transport: protocol } : {});
      for (const t of targets) serverAddresses.add(t.host);
      return targets;
    };
    // The Contact of a call or request names the user of the account it belongs to (`user`:
    // callSettingsOf, the MWI subscription); one that belongs to no account keeps account 1's.
    const contact = (protocol: TransportProtocol, accountUser?: string): Uri => {
      const local = transport.localEndpoint(protocol);
      const user = accountUser ?? live.config.accounts[0]?.userName;
      return sipUri({
        ...(user ? { user } : {}),
        host: local.host,
        port: local.port,
        ...(protocol === 'udp' ? {} : { params: [['transport', protocol] as const] }),
      });
    };
    const core = new UserAgentCore({
      layer,
      clock,
      contact,
      sources: {
        trustedSource: (source) => serverAddresses.has(source.host),
        trustCtrl: () => live.config.sip.trustCtrl,
        allowDirectIp: () => live.config.features.directIpCall,
      },
      logger: { warn: (line) => console.error(`sip: ${line}`) },
      // One core serves every account: an incoming call gets the 100rel and session-timer choices and
      // the Contact user of the account it is for, in the configuration in force as its INVITE arrives
      // (an outgoing call those of the account placing it: phone-adapter.ts). The core's defaults stay
      // for no account.
      incomingCallSettings: (invite) => {
        const account = accountOfRequest(invite, live.config.accounts);
        return account === undefined ? undefined : callSettingsOf(account);
      },
    });
    const registrations = new RegistrationManager({
      layer,
      clock,
      localEndpoint: (protocol) => transport.localEndpoint(protocol),
      resolveTargets,
      userAgent: options.userAgent,
    });
    const keepalives = new KeepaliveSupervisor((target, account, onDead) => {
      const keepalive = new Keepalive({
        clock,
        link: transport.keepaliveLink(target),
        intervalMs: account.natKeepAlive.intervalSeconds * 1000,
        onDead,
        ...(account.natKeepAlive.kind === 'options' ? { sendOptions: () => optionsPing(layer, target, account.userName) } : {}),
      });
      keepalive.start();
      return keepalive;
    });
    registrations.onChange(() => {
      keepalives.update(
        live.config.accounts.flatMap((account) => {
          const client = registrations.client(account.index);
          return client ? [{ account, bindingTarget: client.bindingTarget, flowFailed: (r: string) => client.flowFailed(r) }] : [];
        }),
      );
    });
    registrations.configure(config.accounts);
    registrations.start();
    return new SipStack(transport, layer, core, registrations, keepalives, serverAddresses, live, options.userAgent);
  }

  /** Whether `host` is one of our servers' addresses (as resolved so far). */
  isServerAddress(host: string): boolean {
    return this.serverAddresses.has(host);
  }

  /** Unregisters every account (bounded), then closes the sockets. */
  async stop(): Promise<void> {
    this.keepalives.dispose();
    await this.registrations.stop();
    this.registrations.dispose();
    this.core.dispose();
    this.layer.dispose();
    await this.transport.close();
  }
}
