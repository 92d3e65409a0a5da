/**
 * Ghost-key detection for a matrix without diodes.
 *
 * A matrix state is one row bitmask per column (bit r of state[c] set when
 * the key at row r, column c reads pressed), as Zephyr's input_kbd_matrix
 * keeps it. With no diodes, three pressed corners of a rectangle connect the
 * fourth corner's row and column through the other three switches, so the
 * fourth reads pressed too — and from the rows alone nobody can tell which
 * of the four is not really pressed.
 */

/** Number of set bits. */
function bitCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

/**
 * True when some rectangle of keys (two rows x two columns) has three or four
 * corners pressed: two keys in one row and two in one column sharing a key.
 *
 * For each pair of columns: a shared row (both columns pressed there) plus
 * any other pressed row in either column makes three corners. Zephyr's
 * input_kbd_matrix_ghosting() looks for the four-corner block the electrical
 * ghost produces; checking three also catches a scan that saw the third
 * key before its phantom, and is the same on a consistent diode-less read.
 */
export function hasGhosting(state: readonly number[]): boolean {
  for (let c = 0; c < state.length; c++) {
    const a = state[c] ?? 0;
    if (a === 0) continue;
    for (let d = c + 1; d < state.length; d++) {
      const b = state[d] ?? 0;
      if ((a & b) !== 0 && bitCount(a | b) >= 2) return true;
    }
  }
  return false;
}
