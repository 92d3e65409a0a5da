/**
 * What the web admin UI needs from the rest of the phone, and nothing more.
 * The phone wires a real implementation; tests use an in-memory one. Every
 * view here is plain data the UI can show as JSON — with one rule: nothing
 * returned here may carry a secret the server would then have to remember to
 * strip. (Settings are the exception, and settings-view.ts masks them from
 * the schema's `secret` flag.)
 *
 * Pages whose features a phone may lack (packet traces) still have their
 * methods: an implementation returns an empty list or `supported: false`, and
 * the UI says so plainly.
 */
import type { ResolvedConfig } from '../config/layers.js';
import type { SettingEntry } from '../config/setting-entry.js';
import type { Contact, ImportReport } from '../phone/directory/index.js';

/** The phonebook's own contact (id, name, labelled numbers, ring tone): the web UI shows and exports it as it is stored. */
export type { Contact, ContactNumber, ImportReport, ImportSkip } from '../phone/directory/index.js';

/** Registration state of one account as the SIP stack sees it. */
export type RegistrationStateName = 'disabled' | 'unregistered' | 'registering' | 'registered' | 'failed';

export interface AccountStatus {
  /** N, as in account.N.*. */
  readonly index: number;
  readonly state: RegistrationStateName;
  /** Why, when failed ("403 Forbidden", "no answer from 192.0.2.1:5060"). */
  readonly detail?: string;
}

export interface CallStatus {
  /** The account the call is on. */
  readonly account: number;
  readonly direction: 'incoming' | 'outgoing';
  /** The other party, as the screen shows it. */
  readonly remote: string;
  /** "ringing", "connected", "held" … as the call manager names it. */
  readonly state: string;
  /** The audio codec ("PCMU", "opus"), once media is set up. */
  readonly codec?: string;
  /** The audio is SRTP-protected. */
  readonly secure: boolean;
  /** Seconds since the call was answered; absent while it has not been. */
  readonly durationSeconds?: number;
}

export interface NetworkStatus {
  /** The phone's addresses, "192.0.2.10" or "2001:db8::10". */
  readonly addresses: readonly string[];
  /** Where SIP listens, "udp 5060", "tls 5061". */
  readonly sipListeners: readonly string[];
}

/** The last provisioning attempt, as the status page shows it. */
export interface ProvisioningView {
  /** The server directory (no credentials), when one is configured. */
  readonly server?: string;
  /** ISO 8601 time of the last attempt. */
  readonly lastAttemptAt?: string;
  /** "updated", "unchanged", "failed" … */
  readonly result?: string;
  readonly message?: string;
  readonly lastSuccessAt?: string;
}

export interface StatusView {
  readonly version: string;
  /** Absent when the phone has no provisioning client. */
  readonly provisioning?: ProvisioningView;
  readonly uptimeSeconds: number;
  readonly accounts: readonly AccountStatus[];
  readonly network: NetworkStatus;
  readonly calls: readonly CallStatus[];
}

export interface CallRecord {
  /** ISO 8601 time the call started. */
  readonly startedAt: string;
  readonly direction: 'incoming' | 'outgoing' | 'missed';
  readonly remote: string;
  readonly account: number;
  readonly durationSeconds: number;
}

/** The two phonebook file kinds an import reads (firmware/phone/directory). */
export type PhonebookFormat = 'csv' | 'yealink-xml';

/** A phonebook file the admin uploaded, as text. */
export interface PhonebookUpload {
  readonly format: PhonebookFormat;
  readonly text: string;
}

export interface TraceFile {
  readonly filename: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/**
 * SIP/RTP trace capture. `supported: false` while the phone has no capture;
 * `file` when a capture is there to download.
 */
export interface TraceState {
  readonly supported: boolean;
  /** A capture is being written now. */
  readonly running?: boolean;
  readonly file?: TraceFile;
}

export interface WebBackend {
  /** The configuration in force, every layer resolved (defaults … local changes). */
  config(): ResolvedConfig;
  /**
   * Adds validated entries to the local-changes layer (a reset entry puts the
   * key back to its default there), stores them and applies them. Rejects
   * when they could not be stored; the UI reports it.
   */
  applyLocalChanges(entries: readonly SettingEntry[]): Promise<void>;
  status(): StatusView;
  /** The most recent log lines, oldest first. */
  logs(): readonly string[];
  /** Most recent first; empty when the phone keeps no history. */
  callHistory(): readonly CallRecord[];
  /** The phonebook in name order. */
  contacts(): readonly Contact[];
  /**
   * Puts the contacts of the file in place of the whole phonebook and stores
   * it. The report counts what was added and says, by line, what was skipped
   * and why; a report with `error` changed nothing.
   */
  importContacts(upload: PhonebookUpload): Promise<ImportReport>;
  trace(): TraceState;
  /** Starts or stops the capture (the console's `trace on|off`); absent when the phone cannot capture. */
  setTrace?(on: boolean): Promise<void>;
  /** Called after the answer has been sent. */
  reboot(): Promise<void>;
  /**
   * Drops local changes and stored data (and reboots if the phone needs to).
   * Called after the answer has been sent; the web server has already reset
   * its admin password and ended every session.
   */
  factoryReset(): Promise<void>;
}
