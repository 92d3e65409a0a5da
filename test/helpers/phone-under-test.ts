/**
 * A phone process configured for the PBX bench: writes its .cfg, starts it
 * with a TCP console, and polls its `state` for what a test waits on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { ConsoleClient, spawnPhone, type PhoneEntry } from './phone-process.js';

export interface AccountSpec {
  readonly user: string;
  readonly password: string;
  readonly server: string;
  readonly port: number;
  /** 0 UDP, 1 TCP (account.N.sip_server.1.transport_type). */
  readonly transportType?: number;
  readonly expires?: number;
  readonly label?: string;
}

export interface PhoneState {
  readonly screen: string;
  readonly accounts: ReadonlyArray<{
    readonly registered: boolean;
    readonly uri: string;
    readonly state: string;
    readonly server: string | null;
    readonly expiresInS: number | null;
    readonly lastFailure: { readonly reason: string } | null;
  }>;
  readonly call: {
    readonly from: string;
    readonly fromName: string;
    readonly codec?: string;
    readonly secure?: boolean;
    readonly media?: { readonly packetsReceived: number; readonly packetsSent: number; readonly jitterMs: number; readonly bufferDelayMs: number; readonly concealedMs: number; readonly fecRecoveredMs: number };
  } | null;
}

export interface PhoneUnderTest {
  readonly console: ConsoleClient;
  readonly dataDir: string;
  /** The web UI's http:// address, when it started. */
  readonly webUrl: string | undefined;
  readonly child: ChildProcessWithoutNullStreams;
  stderr(): string;
  state(): Promise<PhoneState>;
  lcd(): Promise<string[]>;
  /** Polls `state` until `ok` holds; fails with the last state after `timeoutMs`. */
  waitFor(what: string, ok: (s: PhoneState) => boolean, timeoutMs?: number): Promise<PhoneState>;
  stop(): Promise<void>;
}

export function accountsCfg(accounts: readonly AccountSpec[], extra: readonly string[] = []): string {
  // Any free ports, and no HTTPS certificate to make: tests run several phones at once.
  const lines = ['#!version:1.0.0.1', 'sip.listen_port = 0', 'static.network.port.http = 0', 'static.wui.https_enable = 0'];
  accounts.forEach((a, i) => {
    const n = i + 1;
    lines.push(
      `account.${n}.enable = 1`,
      `account.${n}.label = ${a.label ?? a.user}`,
      `account.${n}.user_name = ${a.user}`,
      `account.${n}.password = ${a.password}`,
      `account.${n}.sip_server.1.address = ${a.server}`,
      `account.${n}.sip_server.1.port = ${a.port}`,
      `account.${n}.sip_server.1.transport_type = ${a.transportType ?? 0}`,
      `account.${n}.sip_server.1.expires = ${a.expires ?? 3600}`,
    );
  });
  return [...lines, ...extra, ''].join('\n');
}

/** Starts a phone on `cfg`; with `dataDir`, on that (kept) data directory, else a fresh one removed at stop. */
export async function startPhoneUnderTest(
  cfg: string,
  options: { readonly dataDir?: string; readonly extraArgs?: readonly string[]; readonly entry?: PhoneEntry } = {},
): Promise<PhoneUnderTest> {
  const dir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'deskphone-put-'));
  const cfgFile = path.join(dir, 'phone.cfg');
  writeFileSync(cfgFile, cfg);
  const child = spawnPhone(['--config', cfgFile, '--data-dir', dir, '--console', 'tcp:127.0.0.1:0', '--sip-address', '127.0.0.1', ...(options.extraArgs ?? [])], options.entry);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: string) => {
      stderr += d;
      const m = /console on tcp:127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`phone exited (${String(code)}): ${stderr}`)));
  });
  const client = await ConsoleClient.connect(port);
  const state = async (): Promise<PhoneState> => {
    const answer = await client.command('state');
    return JSON.parse(answer.lines[0] ?? '{}') as PhoneState;
  };
  return {
    console: client,
    dataDir: dir,
    webUrl: /web UI on (http:\/\/\S+)/.exec(stderr)?.[1],
    child,
    stderr: () => stderr,
    state,
    lcd: async () => (await client.command('lcd')).lines,
    async waitFor(what, ok, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last = await state();
      while (!ok(last)) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; state ${JSON.stringify(last)}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
        last = await state();
      }
      return last;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        await client.command('quit').catch(() => undefined);
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
      client.close();
      if (options.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
