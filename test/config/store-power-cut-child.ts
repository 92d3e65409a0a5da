/**
 * The writer the power-cut test (store-power-cut.test.ts) kills: it opens the
 * store in the directory given as its argument, prints "ready", then saves
 * local changes in a tight loop, printing "saved <n>" after each save has
 * resolved (stdout to a pipe is synchronous on Linux, so a printed line was
 * really printed before any later kill). Every save sets every key of KEYS to
 * a value tagged with the same counter n, one more than what it found.
 */
import { ConfigStore } from '../../firmware/config/store.js';

export const KEYS: readonly string[] = [1, 2, 3, 4, 5, 6].flatMap((N) => [
  `account.${N}.label`,
  `account.${N}.display_name`,
  `account.${N}.user_name`,
  `account.${N}.auth_name`,
]);

/** The counter a value carries: "n17-xxxx" → 17. */
export function counterOf(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^n(\d+)-x*$/.exec(value) : null;
  return m === null ? undefined : Number(m[1]);
}

async function main(dir: string): Promise<void> {
  const store = await ConfigStore.open(dir);
  let n = counterOf(store.localLayer().entries.find((e) => e.key === KEYS[0])?.value) ?? 0;
  process.stdout.write('ready\n');
  for (;;) {
    n += 1;
    // Sizes vary, so a cut lands at different offsets of differently sized files.
    const value = `n${n}-${'x'.repeat(40 + ((n * 37) % 200))}`;
    await store.changeLocal(KEYS.map((key) => ({ key, value })));
    process.stdout.write(`saved ${n}\n`);
  }
}

const dir = process.argv[2];
if (dir !== undefined && process.argv[1]?.endsWith('store-power-cut-child.js') === true) {
  main(dir).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
