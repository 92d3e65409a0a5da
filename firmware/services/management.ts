/**
 * What makes the phone manageable while it runs: the web admin UI,
 * auto-provisioning (at boot, periodically, and on a check-sync NOTIFY), and
 * the SIP trace. Each is optional: one that cannot start is logged and the
 * phone goes on without it.
 */
import path from 'node:path';
import type { Clock } from '../../drivers/bus/clock.js';
import type { ConfigRuntime } from '../config/config-runtime.js';
import { ProvisioningClient } from '../config/provisioning/provisioning-client.js';
import { provisioningSettings } from '../config/provisioning/settings.js';
import { readDhcpOption66 } from '../config/provisioning/dhcp-option66.js';
import type { Logger } from '../log/logger.js';
import type { PhoneSip } from '../phone/phone-sip.js';
import type { SipStack } from '../sip/sip-stack.js';
import { SipTracer } from '../trace/sip-tracer.js';
import { PhoneBackend } from '../web/phone-backend.js';
import { startWebUi, type RunningWebUi } from '../web/web-ui.js';
import { USER_AGENT } from '../version.js';

import type { CallHistory, Phonebook } from '../phone/directory/index.js';
import type { CallSummary } from '../phone/calls/call-manager.js';

export interface ManagementOptions {
  readonly config: ConfigRuntime;
  readonly clock: Clock;
  readonly dataDir: string;
  readonly platform: 'linux' | 'emulated';
  readonly sip?: SipStack;
  readonly phoneSip?: PhoneSip;
  readonly log: Logger;
  readonly logLines: () => readonly string[];
  readonly reboot: () => Promise<void>;
  readonly history?: CallHistory;
  readonly phonebook?: Phonebook;
  /** The phone's live calls, for the status page. */
  readonly calls?: () => readonly CallSummary[];
}

export class Management {
  readonly tracer = new SipTracer();
  private traceFile: string | undefined;
  private web: RunningWebUi | undefined;
  private provisioning: ProvisioningClient | undefined;

  constructor(private readonly options: ManagementOptions) {}

  async start(): Promise<void> {
    const { config, clock, log } = this.options;
    const store = config.store;
    this.provisioning = new ProvisioningClient({
      store,
      clock,
      mac: await store.macAddress(),
      settings: () => provisioningSettings(config.current()),
      onLayers: (layers) => config.setProvisioned(layers),
      log: log.child('provisioning'),
      userAgent: USER_AGENT,
      // On a real board the network may name the server (DHCP option 66); the simulated one has no DHCP of its own.
      ...(this.options.platform === 'linux' ? { dhcpOption66: () => readDhcpOption66() } : {}),
    });
    this.provisioning.start().catch((e: unknown) => log.error(`provisioning: ${e instanceof Error ? e.message : String(e)}`));
    this.listenForCheckSync();
    try {
      this.web = await startWebUi({
        backend: new PhoneBackend({
          config,
          sip: this.options.phoneSip,
          sipListeners: () => this.sipListeners(),
          logLines: this.options.logLines,
          traceFile: () => this.traceFile,
          traceRunning: () => this.tracer.active,
          setTrace: (on) => this.trace(on),
          provisioning: () => {
            const st = this.provisioning?.status();
            const last = st?.lastAttempt;
            return {
              ...(last?.server === undefined ? {} : { server: last.server }),
              ...(last ? { lastAttemptAt: last.finishedAt, result: last.result, message: last.message } : {}),
              ...(st?.lastSuccessAt === undefined ? {} : { lastSuccessAt: st.lastSuccessAt }),
            };
          },
          startedAt: clock.now(),
          now: () => clock.now(),
          reboot: this.options.reboot,
          ...(this.options.history ? { history: this.options.history } : {}),
          ...(this.options.phonebook ? { phonebook: this.options.phonebook } : {}),
          ...(this.options.calls ? { calls: this.options.calls } : {}),
        }),
        clock,
        dataDir: this.options.dataDir,
        platform: this.options.platform,
        // The simulated phone's admin pages stay on this machine unless configured otherwise.
        ...(this.options.platform === 'emulated' ? { host: '127.0.0.1' } : {}),
        log: (line) => log.info(line),
      });
    } catch (e) {
      log.error(`web UI not started: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Where the web UI listens, e.g. ["http://127.0.0.1:8080"]. */
  webAddresses(): string[] {
    return this.web?.server.listeners.map((l) => l.url) ?? [];
  }

  /** `trace on|off` (console and web UI): SIP to a size-capped, rotated pcap in the data directory. */
  async trace(on: boolean): Promise<string> {
    if (!on) {
      await this.tracer.stop();
      return this.traceFile ? `trace stopped: ${this.traceFile}` : 'trace was not running';
    }
    this.traceFile = path.join(this.options.dataDir, 'sip-trace.pcap');
    await this.tracer.start(this.traceFile, { maxBytes: 8 * 1024 * 1024, maxFiles: 4 });
    return `trace on: ${this.traceFile}`;
  }

  async stop(): Promise<void> {
    this.provisioning?.dispose();
    await this.tracer.stop();
    await this.web?.server.close();
  }

  /**
   * A NOTIFY with Event: check-sync (what PBXs send to make Yealink phones
   * re-provision) from one of our servers starts a provisioning check.
   */
  private listenForCheckSync(): void {
    const sip = this.options.sip;
    if (!sip) return;
    sip.core.onRequest('NOTIFY', (uas) => {
      const event = (uas.request.headers.get('Event') ?? '').split(';')[0]?.trim().toLowerCase();
      if (event !== 'check-sync') {
        uas.respond(489, { reason: 'Bad Event' });
        return;
      }
      if (!sip.isServerAddress(uas.source.host)) {
        uas.respond(403, { reason: 'check-sync only from our server' });
        return;
      }
      uas.respond(200);
      this.options.log.info(`check-sync from ${uas.source.host}: checking provisioning`);
      this.provisioning?.checkNow('check-sync').catch(() => undefined);
    });
  }

  private sipListeners(): string[] {
    const sip = this.options.sip;
    if (!sip) return [];
    return (['udp', 'tcp'] as const).map((p) => `${p} ${sip.transport.localEndpoint(p).port}`);
  }
}
