/**
 * Per-key debouncing by stability time: a key's reported (stable) state
 * follows its raw state only once the raw state has stayed the same for
 * `debounceMs`. Every raw change restarts that wait, so a contact that
 * bounces for a few milliseconds yields one change, reported `debounceMs`
 * after the last bounce (as Zephyr's input_kbd_matrix debounce-down-ms /
 * debounce-up-ms, with one time for both directions).
 */
export interface KeyDebounce {
  /** The state last reported. */
  readonly stable: boolean;
  /** The state last scanned. */
  readonly raw: boolean;
  /** When `raw` last changed (the scan that first saw it). */
  readonly rawSinceMs: number;
}

export const RELEASED: KeyDebounce = { stable: false, raw: false, rawSinceMs: Number.NEGATIVE_INFINITY };

/** The key's next debounce state after one scan that read `rawDown` at `nowMs`. */
export function debounceKey(previous: KeyDebounce, rawDown: boolean, nowMs: number, debounceMs: number): KeyDebounce {
  const rawSinceMs = rawDown === previous.raw ? previous.rawSinceMs : nowMs;
  const settled = nowMs - rawSinceMs >= debounceMs;
  const stable = settled ? rawDown : previous.stable;
  if (stable === previous.stable && rawDown === previous.raw && rawSinceMs === previous.rawSinceMs) return previous;
  return { stable, raw: rawDown, rawSinceMs };
}

/** True while a key is between a raw change and its report. */
export function isUnsettled(key: KeyDebounce): boolean {
  return key.raw !== key.stable;
}
