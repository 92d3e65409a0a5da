/**
 * The two phones the system benchmarks compare, started the same way: the
 * deskphone as `npm start` runs it (auto-answer on, account.1.auto_answer)
 * and baresip 1.0 (answermode=auto), each registered to the same Kamailio
 * under its own account, ready to take a call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kamailio } from '../../test/pbx/kamailio.js';
import { startBaresip } from '../../test/peers/baresip.js';
import { accountsCfg, startPhoneUnderTest } from '../../test/helpers/phone-under-test.js';
import { busyMainThreadNodeOptions, withNodeOptions, type BusyLoad } from './busy-main-thread.js';

export type CalleeKind = 'deskphone' | 'baresip';
export const CALLEE_KINDS: readonly CalleeKind[] = ['deskphone', 'baresip'];

export interface CalleeOptions {
  /** baresip's audio_codecs (the phone answers with whatever it is offered from its own list). */
  readonly codecs?: readonly string[];
  /** The phone only: its main thread is kept busy this way (busy-main-thread.ts). */
  readonly busy?: BusyLoad;
  /** Where the callee's heard audio goes: the phone's --audio-out (baresip records into its own folder). */
  readonly recordTo?: boolean;
  /**
   * baresip only: how long its microphone (a 440 Hz tone, 48 kHz WAV) lasts.
   * baresip 1.0's aufile hangs the call up when the file ends, and holds the
   * whole file in memory (96 KB per second), so it is sized to the longest
   * call a benchmark places. The phone's microphone is silence.
   */
  readonly micSeconds?: number;
}

export interface Callee {
  readonly kind: CalleeKind;
  readonly user: string;
  readonly pid: number;
  /** The WAV the phone plays into, or the folder baresip's sndfile writes each call's dump-…-dec.wav into. */
  readonly heard: { readonly file: string } | { readonly folder: string } | undefined;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls Kamailio until `user` has a binding; resolves with the ms since `since` (performance.now()). */
export async function registeredIn(pbx: Kamailio, user: string, since: number, timeoutMs = 20_000): Promise<number> {
  for (;;) {
    if ((await pbx.contacts(user)).length > 0) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`${user} did not register within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Waits until Kamailio has forgotten `user` (a phone unregisters on quit), so the next run starts clean. */
export async function unregistered(pbx: Kamailio, user: string): Promise<void> {
  for (let i = 0; i < 100 && (await pbx.contacts(user)).length > 0; i++) await sleep(20);
}

async function startDeskphone(pbx: Kamailio, user: string, options: CalleeOptions): Promise<Callee> {
  const password = pbx.users.get(user) ?? '';
  const cfg = accountsCfg([{ user, password, server: pbx.host, port: pbx.udpPort }], ['account.1.auto_answer = 1']);
  const outDir = options.recordTo ? mkdtempSync(join(tmpdir(), 'deskphone-bench-heard-')) : undefined;
  const file = outDir === undefined ? undefined : join(outDir, 'heard.wav');
  const start = (): ReturnType<typeof startPhoneUnderTest> =>
    startPhoneUnderTest(cfg, { extraArgs: file === undefined ? [] : ['--audio-out', file] });
  const t0 = performance.now();
  const phone = await (options.busy ? withNodeOptions(busyMainThreadNodeOptions(options.busy), start) : start());
  try {
    await registeredIn(pbx, user, t0);
  } catch (e) {
    await phone.stop();
    throw e;
  }
  return {
    kind: 'deskphone',
    user,
    pid: phone.child.pid ?? 0,
    heard: file === undefined ? undefined : { file },
    async stop() {
      await phone.stop();
      await unregistered(pbx, user);
      if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
    },
  };
}

async function startBaresipCallee(pbx: Kamailio, user: string, options: CalleeOptions): Promise<Callee> {
  const peer = await startBaresip({
    user,
    password: pbx.users.get(user) ?? '',
    pbx,
    answerMode: 'auto',
    source: { toneHz: 440, seconds: options.micSeconds ?? 20 },
    ...(options.codecs ? { codecs: options.codecs } : {}),
  });
  return {
    kind: 'baresip',
    user,
    pid: peer.pid,
    heard: options.recordTo ? { folder: peer.recordDir } : undefined,
    async stop() {
      await peer.stop();
      await unregistered(pbx, user);
    },
  };
}

/** A registered callee that answers by itself. */
export function startCallee(kind: CalleeKind, pbx: Kamailio, user: string, options: CalleeOptions = {}): Promise<Callee> {
  return kind === 'deskphone' ? startDeskphone(pbx, user, options) : startBaresipCallee(pbx, user, options);
}
