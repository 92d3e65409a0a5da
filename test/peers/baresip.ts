// A real peer phone for integration tests: one baresip 1.0 process with its
// own config dir (from baresip.conf.template + accounts.template), registered
// to the bench Kamailio, driven over ctrl_tcp (netstring-framed JSON:
// {"command":"dial","params":"sip:bob@…","token":"…"} → response + events),
// playing a WAV file as its microphone and recording every call with the
// sndfile module.
//
//   const bob = await startBaresip({ user: 'bob', password, pbx });
//   t.after(() => bob.stop());
//   await bob.waitForEvent('CALL_INCOMING');
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/ports.js';
import { ManagedProcess } from '../pbx/managed-process.js';
import { encodeNetstring, NetstringDecoder } from './netstring.js';
import { encodeWav, sineTone } from './wav.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONFIG_TEMPLATE = join(HERE, 'baresip.conf.template');
export const ACCOUNTS_TEMPLATE = join(HERE, 'accounts.template');
export const MODULE_PATH = '/usr/lib/baresip/modules';
const INSTALL_HINT = 'apt-get install baresip';

export interface BaresipOptions {
  readonly user: string;
  readonly password: string;
  /** The registrar/proxy (a started Kamailio satisfies this). */
  readonly pbx: { readonly host: string; readonly udpPort: number; readonly tcpPort: number; readonly realm: string };
  readonly transport?: 'udp' | 'tcp';
  /** auto: answer at once; manual: ring until `accept`. Default auto. */
  readonly answerMode?: 'auto' | 'manual' | 'early';
  /** Offered/accepted codecs, e.g. ['PCMU'] (default) or ['opus', 'G722']. */
  readonly codecs?: readonly string[];
  /** Microphone: a 16-bit PCM WAV file at 48 kHz mono, or a generated tone. */
  readonly source?: { readonly wav: string } | { readonly toneHz: number; readonly seconds?: number };
  /** SDES-SRTP (RFC 4568): 'srtp-mand' refuses plain RTP, 'srtp' offers both. */
  readonly mediaenc?: 'srtp' | 'srtp-mand';
  /** Register at start (default true); false sets regint=0. */
  readonly register?: boolean;
  /** Registration interval requested (default 600 s). */
  readonly regintSeconds?: number;
  /** How long start() waits for the registration (default 6000 ms). */
  readonly readyTimeoutMs?: number;
}

/** An event from ctrl_tcp, e.g. {event:true, class:'call', type:'CALL_ESTABLISHED', …}. */
export interface BaresipEvent {
  readonly type: string;
  readonly class?: string;
  readonly param?: string;
  readonly peeruri?: string;
  readonly accountaor?: string;
  readonly [key: string]: unknown;
}

export interface BaresipResponse {
  readonly ok: boolean;
  readonly data: string;
}

export interface Baresip {
  /** sip:user@realm */
  readonly aor: string;
  /** The baresip process, for the bench's CPU and memory figures. */
  readonly pid: number;
  readonly ctrlPort: number;
  readonly configDir: string;
  readonly recordDir: string;
  /** Runs a baresip command (as typed after '/' in its console). */
  command(command: string, params?: string): Promise<BaresipResponse>;
  /** Events received so far, oldest first. */
  events(): readonly BaresipEvent[];
  /**
   * The first event at index ≥ fromIndex (default 0: also past ones) that
   * matches a type name or predicate; rejects after timeoutMs.
   */
  waitForEvent(match: string | ((event: BaresipEvent) => boolean), timeoutMs?: number, fromIndex?: number): Promise<BaresipEvent>;
  dial(uri: string): Promise<void>;
  accept(): Promise<void>;
  hangup(): Promise<void>;
  /** Whether baresip reports its account registered (reginfo). */
  registered(): Promise<boolean>;
  /** WAV files the sndfile module wrote: what calls sent and heard. */
  recordings(): { readonly sent: string[]; readonly heard: string[] };
  log(): string;
  /** Quits baresip (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Replaces every ${NAME} in a template; throws on a name without a value so
 * a template change cannot silently produce a broken config.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template field \${${name}} has no value`);
    return String(value);
  });
}

export interface PeerConfigInput {
  readonly options: BaresipOptions;
  readonly ctrlPort: number;
  readonly recordDir: string;
  readonly sourceWav: string;
  readonly bridgeDevice: string;
}

/** The two files of a baresip config dir: config and accounts. */
export function renderPeerConfig(
  input: PeerConfigInput,
  templates = { config: readFileSync(CONFIG_TEMPLATE, 'utf8'), accounts: readFileSync(ACCOUNTS_TEMPLATE, 'utf8') },
): { config: string; accounts: string } {
  const o = input.options;
  const transport = o.transport ?? 'udp';
  const config = renderTemplate(templates.config, {
    BRIDGE_DEVICE: input.bridgeDevice,
    SOURCE_WAV: input.sourceWav,
    MODULE_PATH,
    CTRL_PORT: input.ctrlPort,
    RECORD_DIR: input.recordDir,
  });
  const accounts = renderTemplate(templates.accounts, {
    USER: o.user,
    DOMAIN: o.pbx.realm,
    TRANSPORT: transport,
    PASSWORD: o.password,
    PROXY_HOST: o.pbx.host,
    PROXY_PORT: transport === 'tcp' ? o.pbx.tcpPort : o.pbx.udpPort,
    ANSWER_MODE: o.answerMode ?? 'auto',
    AUDIO_CODECS: (o.codecs ?? ['PCMU']).join(','),
    REGINT: o.register === false ? 0 : (o.regintSeconds ?? 600),
    ACCOUNT_EXTRA: o.mediaenc === undefined ? '' : `;mediaenc=${o.mediaenc}`,
  });
  return { config, accounts };
}

/** reginfo output says the account is registered ("… OK …" on its line). */
export function reginfoShowsRegistered(data: string, aor: string): boolean {
  // eslint-disable-next-line no-control-regex -- reginfo colours "OK" with ANSI escapes
  const plain = data.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').some((line) => line.includes(aor) && /\bOK\b/.test(line));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function connectWithRetry(port: number, deadline: number, alive: () => boolean): Promise<Socket> {
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (err) {
      if (!alive() || Date.now() > deadline) throw err;
      await delay(100);
    }
  }
}

/** Writes config, accounts, the tone and the recordings dir into workDir. */
async function preparePeerDir(
  options: BaresipOptions,
  workDir: string,
): Promise<{ ctrlPort: number; recordDir: string; configDir: string }> {
  const configDir = join(workDir, 'config');
  const recordDir = join(workDir, 'recordings');
  mkdirSync(configDir);
  mkdirSync(recordDir);

  let sourceWav: string;
  const source = options.source ?? { toneHz: 440 };
  if ('wav' in source) {
    sourceWav = source.wav;
  } else {
    sourceWav = join(workDir, `tone-${source.toneHz}.wav`);
    writeFileSync(sourceWav, encodeWav(sineTone(source.toneHz, source.seconds ?? 20)));
  }

  const ctrlPort = await freePort('tcp');
  const files = renderPeerConfig({
    options,
    ctrlPort,
    recordDir,
    sourceWav,
    bridgeDevice: `sink-${ctrlPort}`,
  });
  writeFileSync(join(configDir, 'config'), files.config);
  writeFileSync(join(configDir, 'accounts'), files.accounts);
  writeFileSync(join(configDir, 'contacts'), '');
  return { ctrlPort, recordDir, configDir };
}

export async function startBaresip(options: BaresipOptions): Promise<Baresip> {
  const workDir = mkdtempSync(join(tmpdir(), `deskphone-baresip-${options.user}-`));
  const aor = `sip:${options.user}@${options.pbx.realm}`;
  let ctrlPort: number;
  let recordDir: string;
  let configDir: string;
  let proc: ManagedProcess;
  try {
    ({ ctrlPort, recordDir, configDir } = await preparePeerDir(options, workDir));
    proc = await ManagedProcess.start('baresip', ['-f', configDir], {
      cwd: workDir,
      logFile: join(workDir, 'baresip.log'),
      name: 'baresip',
      installHint: INSTALL_HINT,
    });
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }

  const received: BaresipEvent[] = [];
  const pending = new Map<string, (response: BaresipResponse) => void>();
  const listeners = new Set<() => void>();
  let nextToken = 1;
  let socket: Socket | undefined;

  const fail = async (why: string): Promise<never> => {
    socket?.destroy();
    await proc.stop(1000);
    const log = proc.logTail(40);
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`baresip ${options.user}: ${why}\ncommand: ${proc.commandLine}\n--- baresip log ---\n${log}`);
  };

  const timeoutMs = options.readyTimeoutMs ?? 6000;
  const deadline = Date.now() + timeoutMs;
  try {
    socket = await connectWithRetry(ctrlPort, deadline, () => proc.exit === undefined);
  } catch (err) {
    return fail(`ctrl_tcp on port ${ctrlPort} unreachable (${(err as Error).message})`);
  }
  const decoder = new NetstringDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const text of decoder.push(chunk)) {
      const message = JSON.parse(text) as Record<string, unknown>;
      if (message['response'] === true && typeof message['token'] === 'string') {
        const data = typeof message['data'] === 'string' ? message['data'] : '';
        pending.get(message['token'])?.({ ok: message['ok'] === true, data });
        pending.delete(message['token']);
      } else if (message['event'] === true && typeof message['type'] === 'string') {
        received.push(message as BaresipEvent);
        for (const listener of listeners) listener();
      }
    }
  });
  socket.on('error', () => undefined); // a dying baresip resets the socket; stop() handles it

  const command = (name: string, params?: string): Promise<BaresipResponse> => {
    const token = `t${nextToken++}`;
    const activeSocket = socket;
    if (activeSocket === undefined || activeSocket.destroyed) {
      return Promise.reject(new Error(`baresip ${options.user}: control connection closed`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(token);
        reject(new Error(`baresip ${options.user}: no response to '${name}'`));
      }, 5000);
      pending.set(token, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      const body: Record<string, string> = { command: name, token };
      if (params !== undefined) body['params'] = params;
      activeSocket.write(encodeNetstring(JSON.stringify(body)));
    });
  };

  const mustSucceed = async (name: string, params?: string): Promise<void> => {
    const response = await command(name, params);
    if (!response.ok) throw new Error(`baresip ${options.user}: ${name} failed: ${response.data}`);
  };

  const registered = async (): Promise<boolean> =>
    reginfoShowsRegistered((await command('reginfo')).data, aor);

  if (options.register !== false) {
    let ok = false;
    while (!ok && Date.now() < deadline && proc.exit === undefined) {
      ok = await registered();
      if (!ok) await delay(150);
    }
    if (!ok) return fail(`not registered at ${options.pbx.host}:${options.pbx.udpPort} within ${timeoutMs} ms`);
  }

  const waitForEvent = (
    match: string | ((event: BaresipEvent) => boolean),
    waitMs = 8000,
    fromIndex = 0,
  ): Promise<BaresipEvent> => {
    const test = typeof match === 'string' ? (e: BaresipEvent) => e.type === match : match;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = received.slice(fromIndex).find(test);
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = received.slice(fromIndex).map((e) => e.type).join(', ');
        reject(new Error(`baresip ${options.user}: no event ${String(match)} within ${waitMs} ms (saw: ${seen})`));
      }, waitMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = (): void => void check();
      listeners.add(listener);
      check();
    });
  };

  const listRecordings = (suffix: string): string[] =>
    readdirSync(recordDir)
      .filter((name) => name.endsWith(suffix))
      .sort()
      .map((name) => join(recordDir, name));

  let stopped = false;
  return {
    aor,
    get pid() {
      return proc.pid;
    },
    ctrlPort,
    configDir,
    recordDir,
    command,
    events: () => received,
    waitForEvent,
    dial: (uri) => mustSucceed('dial', uri),
    accept: () => mustSucceed('accept'),
    hangup: () => mustSucceed('hangup'),
    registered,
    recordings: () => ({ sent: listRecordings('-enc.wav'), heard: listRecordings('-dec.wav') }),
    log: () => proc.log(),
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      socket?.destroy();
      await proc.stop(3000);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
