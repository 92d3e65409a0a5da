/**
 * Text helpers the screen layouts (ui/) share: pad or clip to a width, the
 * softkey row, the clock and the call timer. The screens themselves are data
 * (ui/layouts.ts) drawn by ui/render.ts.
 */
export interface DisplayGeometry {
  readonly columns: number;
  readonly rows: number;
}

/** Pads or clips to the width; a row never wraps into the next. */
export function fit(text: string, columns: number): string {
  return text.length >= columns ? text.slice(0, columns) : text.padEnd(columns, ' ');
}

/** Softkey labels spread over the bottom row, one slot per softkey. */
export function softkeyRow(labels: readonly string[], columns: number): string {
  const slot = Math.floor(columns / 4);
  return fit(labels.map((l) => fit(l, slot - 1) + ' ').join(''), columns);
}

export function formatClock(now: Date): string {
  return `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}
