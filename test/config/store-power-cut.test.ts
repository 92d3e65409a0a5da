/**
 * Power cuts at random moments: a child process saves local changes through
 * the store in a tight loop and is killed with SIGKILL at a random moment, over
 * and over in the same data directory (each child also starts by loading what
 * the previous one left, as a phone does after the power comes back). After
 * every kill the store must open without an error and hold a whole write: the
 * last one the child reported finished, or the one it was in the middle of —
 * never a mix of two writes, never a partly written value.
 *
 * SIGKILL leaves the kernel's page cache intact, so it exercises every
 * interleaving of the write/fsync/rename/rename steps; what a real power cut
 * adds (data lost from the cache) is what the trailer checksum catches, and
 * store.test.ts covers that with torn and corrupted files.
 *
 * The child runs as plain JavaScript (transpiled here with the TypeScript
 * compiler, file by file) because starting it through tsx would cost half a
 * second per kill.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ConfigStore } from '../../firmware/config/store.js';
import { KEYS, counterOf } from './store-power-cut-child.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./store-power-cut-child.ts', import.meta.url));
const KILLS = 50;
const SEED = 0x5eed1e55;

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Transpiles `entry` and every relative import it reaches into `outRoot`, keeping the layout. */
async function transpileGraph(entry: string, outRoot: string): Promise<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const output = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    const dest = join(outRoot, relative(REPO, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, output);
    for (const m of output.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      pending.push(resolve(dirname(file), `${m[1] ?? ''}.ts`));
    }
  }
  await writeFile(join(outRoot, 'package.json'), '{ "type": "module" }\n');
  return join(outRoot, relative(REPO, entry)).replace(/\.ts$/, '.js');
}

interface ChildRun {
  /** The highest n the child reported saved; undefined if none. */
  readonly lastSaved: number | undefined;
  readonly saves: number;
}

/**
 * Starts the writer, kills it `delayMs` after it has reported `afterSaves`
 * saves (0: after it is ready), and collects what it reported. Counting saves
 * rather than only waiting keeps the kills among the writes however slow a
 * loaded machine starts the child.
 */
function runAndKill(childJs: string, dataDir: string, afterSaves: number, delayMs: number): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childJs, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const saves = out.match(/^saved \d+$/gm)?.length ?? 0;
      if (timer === undefined && out.includes('ready\n') && saves >= afterSaves) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited on its own (code ${code}, signal ${signal}): ${err}`));
        return;
      }
      const saved = [...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1]));
      resolvePromise({ lastSaved: saved.at(-1), saves: saved.length });
    });
  });
}

describe('ConfigStore under power cuts (SIGKILL at random moments)', () => {
  let root = '';
  let childJs = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'deskphone-powercut-'));
    childJs = await transpileGraph(CHILD, join(root, 'js'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(`${KILLS} kills: the store always opens to a whole write, the last finished one or the one under way`, async (t) => {
    const random = seededRandom(SEED);
    const dataDir = join(root, 'data');
    let stored = 0;
    let totalSaves = 0;
    let minimumSaves = 0;
    let fallbacks = 0;
    let discardedTemps = 0;
    for (let i = 0; i < KILLS; i++) {
      const afterSaves = Math.floor(random() * 3);
      const run = await runAndKill(childJs, dataDir, afterSaves, random() * 8);
      minimumSaves += afterSaves;
      totalSaves += run.saves;
      const finished = run.lastSaved ?? stored;

      const store = await ConfigStore.open(dataDir);
      const values = new Map(store.localLayer().entries.map((e) => [e.key, e.value]));
      const counters = KEYS.map((key) => counterOf(values.get(key)));
      const n = counters[0];
      assert.ok(n !== undefined || finished === 0, `kill ${i}: no configuration after ${finished} saves`);
      const now = n ?? 0;
      assert.ok(
        counters.every((c) => c === n),
        `kill ${i}: values from different writes, or a partly written value: ${JSON.stringify(counters)}`,
      );
      assert.ok(now === finished || now === finished + 1, `kill ${i}: found write ${now}, the child had finished ${finished}`);
      assert.deepEqual(store.localDiagnostics(), [], `kill ${i}`);
      const notes = store.loadReport[0]?.notes ?? [];
      if (store.loadReport[0]?.source === 'backup') {
        fallbacks += 1;
        assert.ok(notes.some((line) => /; using local\.cfg\.bak, generation \d+$/.test(line)), notes.join('\n'));
      }
      if (notes.includes('local.cfg.tmp: an interrupted write was discarded')) discardedTemps += 1;
      stored = now;
    }
    assert.ok(totalSaves >= minimumSaves, `only ${totalSaves} saves in ${KILLS} runs`);
    assert.ok(stored > 0);
    t.diagnostic(`${totalSaves} saves; ${discardedTemps} kills mid-write (temporary file left); ${fallbacks} between the renames (backup used)`);
  });
});
