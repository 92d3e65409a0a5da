import type { TextDisplay } from '../../drivers/lcd/text-display.js';

/**
 * Puts frames on a TextDisplay, rewriting only the rows that changed (each
 * character is four I2C bytes on a PCF8574 backpack), one frame at a time.
 * A frame asked for while another is being written replaces any frame still
 * waiting: the display catches up to the latest state, never replays history.
 */
export class DisplayWriter {
  private shown: string[] = [];
  private wanted: string[] | undefined;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  /** The last display error, for the status page; the phone keeps running. */
  lastError: string | undefined;

  constructor(private readonly display: TextDisplay) {}

  show(lines: readonly string[]): void {
    this.wanted = [...lines];
    if (!this.busy) this.writing = this.drain();
  }

  settled(): Promise<void> {
    return this.writing;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.wanted) {
        const frame = this.wanted;
        this.wanted = undefined;
        for (const [row, text] of frame.entries()) {
          if (this.shown[row] === text) continue;
          await this.display.setCursor(0, row);
          await this.display.write(text);
          this.shown[row] = text;
        }
      }
      this.lastError = undefined;
    } catch (e) {
      // Forget what is shown: after a bus error the next frame rewrites every row.
      this.shown = [];
      this.lastError = e instanceof Error ? e.message : String(e);
      console.error(`display: ${this.lastError}`);
    } finally {
      this.busy = false;
    }
  }
}
