import type { SerialLink } from '../../drivers/bus/serial.js';
import type { LineChannel } from './console-session.js';
import { LineSplitter } from './line-splitter.js';

interface ByteSource {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
}
interface ByteSink {
  readonly writable: boolean;
  write(text: string): unknown;
}

/** A LineChannel over Node streams: stdin/stdout, or one TCP socket. */
export function streamChannel(input: ByteSource, output: ByteSink): LineChannel {
  const lineListeners: Array<(line: string) => void> = [];
  const closeListeners: Array<() => void> = [];
  let closed = false;
  // The input ending (a script piped into stdin) does not stop the answers.
  const writeLine = (line: string): void => {
    if (output.writable) output.write(`${line}\n`);
  };
  const splitter = new LineSplitter(
    (line) => lineListeners.forEach((l) => l(line)),
    () => writeLine('ERR line too long'),
  );
  const close = (): void => {
    if (closed) return;
    splitter.end();
    closed = true;
    closeListeners.forEach((l) => l());
  };
  input.on('data', (chunk) => splitter.push(typeof chunk === 'string' ? chunk : new Uint8Array(chunk)));
  input.on('end', close);
  input.on('close', close);
  return {
    onLine: (l) => lineListeners.push(l),
    onClose: (l) => closeListeners.push(l),
    writeLine,
  };
}

/** A LineChannel over a UART: terminals on the other end expect CRLF. */
export function serialChannel(link: SerialLink): LineChannel {
  const lineListeners: Array<(line: string) => void> = [];
  const encoder = new TextEncoder();
  const writeLine = (line: string): void => {
    link.write(encoder.encode(`${line}\r\n`)).catch((e: unknown) => {
      console.error(`console: write to ${link.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  };
  const splitter = new LineSplitter(
    (line) => lineListeners.forEach((l) => l(line)),
    () => writeLine('ERR line too long'),
  );
  // A serial terminal may send CR alone on Enter: treat it as an end of line.
  link.onData((data) => splitter.push(new TextDecoder().decode(data).replace(/\r(?!\n)/g, '\n')));
  return {
    onLine: (l) => lineListeners.push(l),
    onClose: () => undefined, // a UART never closes by itself
    writeLine,
  };
}
