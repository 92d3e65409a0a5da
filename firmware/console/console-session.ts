import { runCommand, type ConsoleTarget } from './commands.js';

/** A line-oriented duplex the console speaks over: stdio, a TCP socket, a UART. */
export interface LineChannel {
  onLine(listener: (line: string) => void): void;
  onClose(listener: () => void): void;
  writeLine(line: string): void;
}

/**
 * One console conversation. Commands run strictly one after another, in the
 * order their lines arrived, so `hook off` then `keys 123` then `lcd` pasted
 * at once behave as if typed slowly.
 */
export class ConsoleSession {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly channel: LineChannel,
    private readonly target: ConsoleTarget,
    private readonly onQuit: () => void,
  ) {
    channel.onLine((line) => {
      if (line.trim() === '') return;
      this.queue = this.queue.then(() => this.handle(line));
    });
    channel.onClose(() => {
      // Commands already received still run; only their answers have nowhere to go.
      this.queue = this.queue.then(() => {
        this.closed = true;
      });
    });
  }

  /** Resolves when every command received so far has been answered. */
  drained(): Promise<void> {
    return this.queue;
  }

  private async handle(line: string): Promise<void> {
    if (this.closed) return;
    const result = await runCommand(line, this.target);
    if (this.closed) return;
    for (const out of result.output) this.channel.writeLine(out);
    this.channel.writeLine(result.error === undefined ? 'OK' : `ERR ${result.error}`);
    if (result.quit) this.onQuit();
  }
}
