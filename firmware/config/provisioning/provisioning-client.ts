/**
 * Auto-provisioning: at start (static.auto_provision.power_on), every
 * repeat.minutes (repeat.enable), and on demand — a SIP NOTIFY with
 * "Event: check-sync" calls checkNow('check-sync') — the phone downloads
 * y000000000000.cfg, then <mac>.cfg, from the provisioning server
 * (server-url.ts), and what it downloads becomes the provisioned layers of the
 * configuration (layers.ts: above the --config file, below local changes),
 * common file first so the MAC file wins.
 *
 * The last good downloads are kept in the store (store.ts: provisioned.json),
 * so after a reboot with the server down the phone still has them; start()
 * hands them to `onLayers` before anything is fetched. Whatever goes wrong
 * with a download — the server down, a 404, a 401, a file that does not parse
 * (download-policy.ts) — that file's last good copy stays in effect and the
 * status (status.ts) says what happened, for the web UI's status page.
 *
 * Only a change reaches `onLayers`: a 304 Not Modified (ETag) or a download
 * with the same SHA-256 as the copy in effect is not applied again, so a
 * periodic check never re-registers the accounts for nothing.
 *
 * States (one attempt at a time; a check-sync that arrives during an attempt
 * runs one more attempt after it, since the server may have changed after
 * this one fetched):
 *
 *   stopped  → idle      start()
 *   idle     → fetching  an attempt begins
 *   fetching → idle      it ends
 *   stopped | idle | fetching → disposed   dispose()
 */
import type { Clock, TimerHandle } from '../../../drivers/bus/clock.js';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { parseCfg } from '../cfg-parser.js';
import type { ConfigLayer } from '../layers.js';
import { formatMac } from '../mac-address.js';
import type { CachedDownload, ConfigStore } from '../store.js';
import { contentHash, judgeDownload } from './download-policy.js';
import { ProvisioningFetcher, type FetchResult } from './fetch-file.js';
import type { HttpCredentials } from './http-auth.js';
import type { HttpGet } from './http-get.js';
import { chooseServer, COMMON_FILE, fileUrl, macFileName } from './server-url.js';
import type { ProvisioningSettings } from './settings.js';
import {
  attemptResult,
  type FileOutcome,
  type ProvisioningAttempt,
  type ProvisioningStatus,
  type ProvisioningTrigger,
} from './status.js';

export type ProvisioningState = 'stopped' | 'idle' | 'fetching' | 'disposed';

const ALLOWED: Readonly<Record<ProvisioningState, readonly ProvisioningState[]>> = {
  stopped: ['idle', 'disposed'],
  idle: ['fetching', 'disposed'],
  fetching: ['idle', 'disposed'],
  disposed: [],
};

export interface ProvisioningClientOptions {
  readonly store: ConfigStore;
  readonly clock: Clock;
  /** Twelve lowercase hex digits (mac-address.ts). */
  readonly mac: string;
  /** The current settings; read at every attempt. */
  readonly settings: () => ProvisioningSettings;
  /** Receives the provisioned layers, lowest precedence first, whenever they change (and at start). */
  readonly onLayers: (layers: readonly ConfigLayer[]) => void;
  /** DHCP option 66 (TFTP server name) from the network, when the board's network has DHCP. */
  readonly dhcpOption66?: () => Promise<string | undefined>;
  readonly http?: HttpGet;
  /** Wall clock for the status page's times. */
  readonly wallClock?: () => Date;
  readonly log?: Logger;
  readonly userAgent?: string;
  readonly timeoutMs?: number;
}

/** The provisioned layers for a set of cached downloads: each parsed, named by its URL. */
export function layersOf(files: readonly CachedDownload[]): ConfigLayer[] {
  return files.map((f) => parseCfg(f.text, f.url));
}

export class ProvisioningClient {
  private stateValue: ProvisioningState = 'stopped';
  private current: Promise<ProvisioningAttempt> | undefined;
  private followUp: Promise<ProvisioningAttempt> | undefined;
  private timer: TimerHandle | undefined;
  private nextDue: number | undefined;
  private last: ProvisioningAttempt | undefined;
  private lastSuccess: string | undefined;
  private readonly fetcher: ProvisioningFetcher;
  private readonly wallClock: () => Date;
  private readonly log: Logger;

  constructor(private readonly options: ProvisioningClientOptions) {
    this.fetcher = new ProvisioningFetcher({
      userAgent: options.userAgent ?? `deskphone (${formatMac(options.mac)})`,
      ...(options.http === undefined ? {} : { http: options.http }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.wallClock = options.wallClock ?? (() => new Date());
    this.log = options.log ?? silentLogger;
  }

  get state(): ProvisioningState {
    return this.stateValue;
  }

  private transition(to: ProvisioningState): void {
    if (!ALLOWED[this.stateValue].includes(to)) {
      throw new Error(`provisioning: illegal transition ${this.stateValue} → ${to}`);
    }
    this.stateValue = to;
  }

  /**
   * Puts the cached downloads in effect, then runs the power-on attempt when
   * enabled (resolving with it) or schedules the periodic one.
   */
  async start(): Promise<ProvisioningAttempt | undefined> {
    this.transition('idle');
    const cached = this.options.store.provisionedCache();
    if (cached.length > 0) this.options.onLayers(layersOf(cached));
    if (this.options.settings().onPowerOn) return this.checkNow('boot');
    this.schedule();
    return undefined;
  }

  /**
   * Runs an attempt now (or right after the one under way). Never rejects
   * for a network or server problem: the outcome is in the attempt.
   */
  checkNow(trigger: ProvisioningTrigger = 'manual'): Promise<ProvisioningAttempt> {
    if (this.stateValue === 'stopped' || this.stateValue === 'disposed') {
      return Promise.reject(new Error(`provisioning: checkNow() while ${this.stateValue}`));
    }
    if (this.current !== undefined) {
      this.followUp ??= this.current.then(() => {
        this.followUp = undefined;
        return this.begin(trigger);
      });
      return this.followUp;
    }
    return this.begin(trigger);
  }

  /** Resolves when no attempt is running or queued (for shutdown, and for tests on a virtual clock). */
  async whenIdle(): Promise<void> {
    while (this.current !== undefined || this.followUp !== undefined) {
      await (this.followUp ?? this.current)?.catch(() => undefined);
    }
  }

  /** Settings changed (repeat interval): reschedules the periodic attempt from now. */
  reschedule(): void {
    if (this.stateValue === 'idle') this.schedule();
  }

  status(): ProvisioningStatus {
    return {
      state: this.stateValue,
      ...(this.last === undefined ? {} : { lastAttempt: this.last }),
      ...(this.lastSuccess === undefined ? {} : { lastSuccessAt: this.lastSuccess }),
      ...(this.nextDue === undefined ? {} : { nextAttemptInMs: Math.max(0, this.nextDue - this.options.clock.now()) }),
      inEffect: this.options.store.provisionedCache().map(({ name, url, sha256, etag, fetchedAt }) => ({
        name,
        url,
        sha256,
        fetchedAt,
        ...(etag === undefined ? {} : { etag }),
      })),
    };
  }

  dispose(): void {
    if (this.stateValue === 'disposed') return;
    this.transition('disposed');
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.nextDue = undefined;
  }

  private begin(trigger: ProvisioningTrigger): Promise<ProvisioningAttempt> {
    if (this.stateValue === 'disposed') return Promise.reject(new Error('provisioning: disposed'));
    this.transition('fetching');
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.nextDue = undefined;
    const run = this.attempt(trigger).finally(() => {
      this.current = undefined;
      if (this.stateValue === 'fetching') {
        this.transition('idle');
        this.schedule();
      }
    });
    this.current = run;
    return run;
  }

  private schedule(): void {
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.nextDue = undefined;
    const minutes = this.options.settings().repeatMinutes;
    if (minutes === undefined) return;
    const ms = minutes * 60_000;
    this.nextDue = this.options.clock.now() + ms;
    this.timer = this.options.clock.setTimer(ms, () => {
      this.timer = undefined;
      if (this.stateValue === 'idle') void this.checkNow('periodic');
    });
  }

  private async attempt(trigger: ProvisioningTrigger): Promise<ProvisioningAttempt> {
    const startedAt = this.wallClock().toISOString();
    const settings = this.options.settings();
    const finish = (attempt: Omit<ProvisioningAttempt, 'trigger' | 'startedAt' | 'finishedAt'>): ProvisioningAttempt => {
      const done: ProvisioningAttempt = { trigger, startedAt, finishedAt: this.wallClock().toISOString(), ...attempt };
      this.last = done;
      if (done.result === 'updated' || done.result === 'unchanged') this.lastSuccess = done.finishedAt;
      this.report(done);
      return done;
    };

    let dhcp: string | undefined;
    if (settings.useDhcpOption && this.options.dhcpOption66 !== undefined) {
      dhcp = await this.options.dhcpOption66().catch(() => undefined);
    }
    const choice = chooseServer({ configured: settings.serverUrl, dhcpOption66: dhcp, useDhcp: settings.useDhcpOption });
    if (choice === undefined) {
      return finish({ result: 'no-server', message: 'no provisioning server: set static.auto_provision.server.url', files: [] });
    }
    if (!choice.ok) return finish({ result: 'failed', message: choice.reason, files: [] });
    const { server } = choice;
    if (choice.note !== undefined) this.log.warn(choice.note);
    const credentials: HttpCredentials | undefined =
      server.credentials ?? (settings.userName === '' ? undefined : { username: settings.userName, password: settings.password });

    const names = [COMMON_FILE, macFileName(this.options.mac)];
    const before = new Map(this.options.store.provisionedCache().map((f) => [f.name, f]));
    const after = new Map(before);
    const files: FileOutcome[] = [];
    let changed = false;
    let cacheDirty = false;
    let serverDown = false;

    for (const name of names) {
      const url = fileUrl(server, name);
      if (serverDown) {
        files.push({ name, url: url.href, outcome: 'skipped', message: 'not tried: the server is unreachable', diagnostics: [] });
        continue;
      }
      const cached = before.get(name);
      const sameSource = cached !== undefined && cached.url === url.href;
      const result = await this.fetcher.fetch(url, {
        ...(sameSource && cached.etag !== undefined ? { etag: cached.etag } : {}),
        ...(credentials === undefined ? {} : { credentials }),
        rejectUnauthorized: settings.onlyTrustedCertificates,
      });
      const fetchedAt = this.wallClock().toISOString();
      if (result.kind === 'unreachable' || result.kind === 'timeout') serverDown = true;
      if (result.kind !== 'ok') {
        files.push(this.outcomeOf(name, url.href, result, cached !== undefined));
        continue;
      }
      const sha256 = contentHash(result.body);
      if (cached !== undefined && cached.sha256 === sha256) {
        if (cached.etag !== result.etag || cached.url !== url.href) {
          const { etag: _stale, ...rest } = cached;
          after.set(name, { ...rest, url: url.href, fetchedAt, ...(result.etag === undefined ? {} : { etag: result.etag }) });
          cacheDirty = true;
        }
        files.push({ name, url: url.href, outcome: 'unchanged', httpStatus: 200, message: 'same contents as the copy in effect', diagnostics: [] });
        continue;
      }
      const verdict = judgeDownload(result.body, url.href);
      if (!verdict.accept) {
        files.push({ name, url: url.href, outcome: 'refused', httpStatus: 200, message: verdict.reason, diagnostics: verdict.diagnostics });
        continue;
      }
      after.set(name, {
        name,
        url: url.href,
        ...(result.etag === undefined ? {} : { etag: result.etag }),
        sha256,
        fetchedAt,
        text: verdict.text,
      });
      changed = true;
      const warnings = verdict.parsed.diagnostics.length;
      files.push({
        name,
        url: url.href,
        outcome: 'applied',
        httpStatus: 200,
        message: `${verdict.parsed.entries.length} settings${warnings > 0 ? `, ${warnings} warnings` : ''}`,
        diagnostics: verdict.parsed.diagnostics,
      });
    }

    const { result, message } = attemptResult(files);
    let note = '';
    if (changed || cacheDirty) {
      const ordered = [...names.flatMap((n) => after.get(n) ?? []), ...[...after.values()].filter((f) => !names.includes(f.name))];
      try {
        await this.options.store.saveProvisionedCache(ordered);
      } catch (e) {
        note = `; could not save the downloads (${e instanceof Error ? e.message : String(e)}): they are lost at the next reboot`;
      }
      if (changed) this.options.onLayers(layersOf(ordered));
    }
    return finish({ server: server.base.href, serverSource: server.source, result, message: message + note, files });
  }

  private outcomeOf(name: string, url: string, result: Exclude<FetchResult, { kind: 'ok' }>, haveCopy: boolean): FileOutcome {
    const kept = haveCopy ? '; the copy in effect is kept' : '';
    switch (result.kind) {
      case 'not-modified':
        return { name, url, outcome: 'not-modified', httpStatus: 304, message: 'not modified (ETag)', diagnostics: [] };
      case 'not-found':
        return {
          name,
          url,
          outcome: 'not-found',
          httpStatus: result.status,
          message: name === COMMON_FILE ? `not on the server${kept}` : `no file for this phone (the common file alone applies)${kept}`,
          diagnostics: [],
        };
      case 'auth-failed':
      case 'http-error':
        return { name, url, outcome: result.kind, httpStatus: result.status, message: result.message + kept, diagnostics: [] };
      case 'unreachable':
      case 'timeout':
        return { name, url, outcome: result.kind, message: `server unreachable: ${result.message}${kept}`, diagnostics: [] };
      case 'too-large':
        return { name, url, outcome: 'too-large', message: result.message + kept, diagnostics: [] };
    }
  }

  private report(attempt: ProvisioningAttempt): void {
    const fields = { trigger: attempt.trigger, server: attempt.server, result: attempt.result };
    if (attempt.result === 'failed' || attempt.result === 'partial') this.log.warn(attempt.message, fields);
    else this.log.info(attempt.message, fields);
    for (const f of attempt.files) {
      for (const d of f.diagnostics) {
        if (f.outcome === 'refused' || d.severity === 'error') this.log.warn(d.text, { file: f.name });
      }
    }
  }
}
