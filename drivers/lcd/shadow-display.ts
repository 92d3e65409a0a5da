import type { CursorStyle, GlyphBitmap, TextDisplay } from './text-display.js';
import { glyphForBitmap } from './glyphs.js';

/**
 * Passes everything to a real display and keeps a copy of what it was told
 * to show, for boards where the display cannot be read back (an HD44780
 * behind a write-only backpack): the console's `lcd` reads this copy.
 */
export class ShadowDisplay implements TextDisplay {
  readonly columns: number;
  readonly rows: number;
  private cells: string[][];
  private col = 0;
  private row = 0;
  private readonly glyphs = new Map<number, string>();

  constructor(private readonly inner: TextDisplay) {
    this.columns = inner.columns;
    this.rows = inner.rows;
    this.cells = this.blank();
  }

  /** What the display shows, one string per row; custom glyphs as their Unicode stand-ins. */
  lines(): string[] {
    return this.cells.map((r) => r.join(''));
  }

  async init(): Promise<void> {
    await this.inner.init();
    this.cells = this.blank();
    this.col = 0;
    this.row = 0;
  }

  async clear(): Promise<void> {
    await this.inner.clear();
    this.cells = this.blank();
    this.col = 0;
    this.row = 0;
  }

  async setCursor(col: number, row: number): Promise<void> {
    await this.inner.setCursor(col, row);
    this.col = col;
    this.row = row;
  }

  async write(text: string): Promise<void> {
    await this.inner.write(text);
    const line = this.cells[this.row];
    for (const ch of text) {
      if (line && this.col < this.columns) {
        const code = ch.codePointAt(0) ?? 0x3f;
        line[this.col] = code < 8 ? (this.glyphs.get(code) ?? '▯') : ch;
      }
      this.col++;
    }
  }

  setCursorStyle(style: CursorStyle): Promise<void> {
    return this.inner.setCursorStyle(style);
  }

  setDisplayOn(on: boolean): Promise<void> {
    return this.inner.setDisplayOn(on);
  }

  setBacklight(on: boolean): Promise<void> {
    return this.inner.setBacklight(on);
  }

  async defineGlyph(slot: number, bitmap: GlyphBitmap): Promise<void> {
    await this.inner.defineGlyph(slot, bitmap);
    this.glyphs.set(slot, glyphForBitmap(bitmap)?.fallback ?? '▯');
  }

  private blank(): string[][] {
    return Array.from({ length: this.rows }, () => Array<string>(this.columns).fill(' '));
  }
}
