/**
 * The web UI's backend on the running phone: settings through the live
 * configuration (stored durably, applied at once), status from the SIP
 * stack and the call manager, the call history and phonebook from their
 * stores in the data directory, logs from the in-memory ring, the SIP trace
 * file for download.
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import type { ConfigRuntime } from '../config/config-runtime.js';
import type { ResolvedConfig } from '../config/layers.js';
import type { SettingEntry } from '../config/setting-entry.js';
import type { CallSummary } from '../phone/calls/call-manager.js';
import type { CallHistory, ImportReport, Phonebook } from '../phone/directory/index.js';
import type { PhoneSip } from '../phone/phone-sip.js';
import { FIRMWARE_VERSION } from '../version.js';
import type {
  AccountStatus,
  CallRecord,
  CallStatus,
  Contact,
  PhonebookUpload,
  ProvisioningView,
  RegistrationStateName,
  StatusView,
  TraceState,
  WebBackend,
} from './backend.js';
import { callRecordOf, callStatusOf } from './call-views.js';

export interface PhoneBackendOptions {
  readonly config: ConfigRuntime;
  readonly sip?: PhoneSip;
  /** "udp 5060", "tcp 5060" … */
  readonly sipListeners: () => readonly string[];
  readonly logLines: () => readonly string[];
  /** The current or last SIP trace file, if tracing ever ran. */
  readonly traceFile: () => string | undefined;
  readonly traceRunning: () => boolean;
  readonly setTrace: (on: boolean) => Promise<unknown>;
  readonly startedAt: number;
  readonly now: () => number;
  readonly reboot: () => Promise<void>;
  readonly provisioning?: () => ProvisioningView;
  /** The call history store; absent: the history page is empty. */
  readonly history?: CallHistory;
  /** The phonebook store; absent: the phonebook is empty and an import is refused. */
  readonly phonebook?: Phonebook;
  /** The call manager's calls (CallManager.summary()); absent: no call is shown in progress. */
  readonly calls?: () => readonly CallSummary[];
}

function registrationState(state: string, registered: boolean): RegistrationStateName {
  if (registered) return 'registered';
  if (state === 'failed') return 'failed';
  if (state === 'registering' || state === 'retry-wait' || state === 'refreshing') return 'registering';
  return 'unregistered';
}

function addresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .map((a) => a.address);
}

export class PhoneBackend implements WebBackend {
  constructor(private readonly options: PhoneBackendOptions) {}

  config(): ResolvedConfig {
    return this.options.config.current();
  }

  applyLocalChanges(entries: readonly SettingEntry[]): Promise<void> {
    return this.options.config.applyLocal(entries);
  }

  status(): StatusView {
    const accounts: AccountStatus[] = (this.options.sip?.accounts() ?? []).map((a) => ({
      index: a.index,
      state: registrationState(a.state, a.registered),
      ...(a.lastFailure ? { detail: a.lastFailure.reason } : {}),
    }));
    return {
      version: FIRMWARE_VERSION,
      uptimeSeconds: Math.floor((this.options.now() - this.options.startedAt) / 1000),
      accounts,
      network: { addresses: addresses(), sipListeners: this.options.sipListeners() },
      calls: (this.options.calls?.() ?? []).map(callStatusOf).filter((c): c is CallStatus => c !== undefined),
      ...(this.options.provisioning ? { provisioning: this.options.provisioning() } : {}),
    };
  }

  logs(): readonly string[] {
    return this.options.logLines();
  }

  callHistory(): readonly CallRecord[] {
    return (this.options.history?.entries() ?? []).map(callRecordOf);
  }

  contacts(): readonly Contact[] {
    return this.options.phonebook?.contacts() ?? [];
  }

  /** Stored before the answer: a reboot right after the import keeps it. */
  async importContacts(upload: PhonebookUpload): Promise<ImportReport> {
    const phonebook = this.options.phonebook;
    if (phonebook === undefined) return { added: 0, skipped: [], error: 'this phone has no phonebook' };
    const options = { replace: true };
    const report = upload.format === 'csv' ? phonebook.importCsv(upload.text, options) : phonebook.importYealinkXml(upload.text, options);
    await phonebook.flush();
    return report;
  }

  trace(): TraceState {
    const running = this.options.traceRunning();
    const file = this.options.traceFile();
    if (file === undefined) return { supported: true, running };
    try {
      return { supported: true, running, file: { filename: 'sip-trace.pcap', contentType: 'application/vnd.tcpdump.pcap', body: readFileSync(file) } };
    } catch {
      return { supported: true, running };
    }
  }

  async setTrace(on: boolean): Promise<void> {
    await this.options.setTrace(on);
  }

  reboot(): Promise<void> {
    return this.options.reboot();
  }

  /** The call history and phonebook are the user's data too: they go, stored empty, with the local settings. */
  async factoryReset(): Promise<void> {
    const { history, phonebook } = this.options;
    history?.clear();
    if (phonebook !== undefined) for (const contact of phonebook.contacts()) phonebook.delete(contact.id);
    await Promise.all([history?.flush(), phonebook?.flush()]);
    await this.options.config.factoryReset();
  }
}
