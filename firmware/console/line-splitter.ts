/**
 * Splits a byte stream into lines (LF or CRLF). A line longer than `maxLength`
 * is dropped and reported, so a stuck sender cannot grow memory.
 */
export class LineSplitter {
  private pending = '';
  private overflowing = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
    private readonly maxLength = 4096,
  ) {}

  push(chunk: Uint8Array | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl < 0) break;
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      if (this.overflowing) this.overflowing = false; // the tail of the over-long line
      else this.onLine(line);
    }
    if (this.pending.length > this.maxLength) {
      this.pending = '';
      if (!this.overflowing) this.onOverflow();
      this.overflowing = true;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (!this.overflowing && this.pending.trim() !== '') this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
