/**
 * A WebBackend held in memory: settings as a local-changes layer over the
 * defaults (and an optional file layer), with every applied batch recorded
 * so tests can see exactly what the UI asked the phone to change. A
 * phonebook import is recorded and answered with `importReport`; the real
 * import is PhoneBackend's over the directory (phone-backend.test.ts).
 */
import { resolveConfig, type ConfigLayer, type ResolvedConfig } from '../../firmware/config/layers.js';
import type { SettingEntry } from '../../firmware/config/setting-entry.js';
import type {
  AccountStatus,
  CallRecord,
  CallStatus,
  Contact,
  ImportReport,
  PhonebookUpload,
  StatusView,
  TraceState,
  WebBackend,
  ProvisioningView,
} from '../../firmware/web/backend.js';

export class MemoryBackend implements WebBackend {
  readonly local = new Map<string, SettingEntry>();
  /** Each applyLocalChanges call's entries, in order. */
  readonly applied: SettingEntry[][] = [];
  readonly registration = new Map<number, AccountStatus>();
  calls: CallStatus[] = [];
  history: CallRecord[] = [];
  logLines: string[] = [];
  contactList: Contact[] = [];
  readonly uploads: PhonebookUpload[] = [];
  importReport: ImportReport = { added: 0, skipped: [] };
  traceState: TraceState = { supported: false };
  provisioning: ProvisioningView | undefined;
  reboots = 0;
  factoryResets = 0;
  /** Set to make applyLocalChanges reject, as a full disk would. */
  failApply: Error | undefined;

  constructor(private readonly file?: ConfigLayer) {}

  config(): ResolvedConfig {
    return resolveConfig({ ...(this.file === undefined ? {} : { file: this.file }), local: { name: 'local changes', entries: [...this.local.values()] } });
  }

  applyLocalChanges(entries: readonly SettingEntry[]): Promise<void> {
    if (this.failApply !== undefined) return Promise.reject(this.failApply);
    this.applied.push([...entries]);
    for (const e of entries) this.local.set(e.key, e);
    return Promise.resolve();
  }

  status(): StatusView {
    return {
      version: '0.1.0-test',
      uptimeSeconds: 3723,
      accounts: this.config().view.accounts.map((a) => this.registration.get(a.index) ?? { index: a.index, state: 'registering' }),
      network: { addresses: ['192.0.2.10'], sipListeners: ['udp 5060', 'tcp 5060'] },
      calls: this.calls,
      ...(this.provisioning ? { provisioning: this.provisioning } : {}),
    };
  }

  logs(): readonly string[] {
    return this.logLines;
  }

  callHistory(): readonly CallRecord[] {
    return this.history;
  }

  contacts(): readonly Contact[] {
    return this.contactList;
  }

  importContacts(upload: PhonebookUpload): Promise<ImportReport> {
    this.uploads.push(upload);
    return Promise.resolve(this.importReport);
  }

  trace(): TraceState {
    return this.traceState;
  }

  reboot(): Promise<void> {
    this.reboots++;
    return Promise.resolve();
  }

  factoryReset(): Promise<void> {
    this.factoryResets++;
    this.local.clear();
    return Promise.resolve();
  }
}
