import { BusError } from '../bus/errors.js';
import type { SerialLink } from '../bus/serial.js';
import { loadOptionalPackage, moduleExport, nodeImport, unexpectedShape, type ModuleImporter } from './optional-package.js';

/** SerialLink on a tty (the Pi's /dev/serial0, a USB adapter's /dev/ttyUSB0) through serialport 13. */

/** The part of serialport's SerialPort stream this module uses. */
interface SerialPortStream {
  open(callback: (err: Error | null) => void): void;
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean;
  drain(callback: (err: Error | null) => void): void;
  close(callback: (err: Error | null) => void): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  readonly isOpen: boolean;
}

export type SerialPortConstructor = new (options: {
  path: string;
  baudRate: number;
  autoOpen: false;
}) => SerialPortStream;

export interface LinuxSerialOptions {
  readonly importer?: ModuleImporter;
  /** Use this constructor instead of importing serialport (tests pass serialport's SerialPortMock). */
  readonly SerialPort?: SerialPortConstructor;
}

async function loadSerialPort(importer: ModuleImporter): Promise<SerialPortConstructor> {
  const mod = await loadOptionalPackage('serialport', 'a UART console', importer);
  const ctor = moduleExport(mod, 'SerialPort');
  if (typeof ctor !== 'function') throw unexpectedShape('serialport', 'SerialPort class');
  return ctor as SerialPortConstructor;
}

/**
 * serialport's native binding reports open failures as plain Errors whose
 * message carries strerror ("Error: No such file or directory, cannot open
 * /dev/ttyX"), without an errno code, so the text is what can be matched.
 */
export function serialOpenError(path: string, e: unknown): BusError {
  const text = e instanceof Error ? e.message : String(e);
  if (/No such file or directory|ENOENT/i.test(text)) {
    return new BusError(
      'not-found',
      path,
      `serial device not present (${text}). On a Raspberry Pi enable the UART with \`enable_uart=1\` in ` +
        `/boot/firmware/config.txt and free it from the login console (raspi-config → Interface Options → Serial Port); ` +
        `a USB adapter appears as /dev/ttyUSB0 or /dev/ttyACM0`,
      { cause: e },
    );
  }
  if (/Permission denied|EACCES/i.test(text)) {
    return new BusError('other', path, `permission denied: add the user to the "dialout" group (${text})`, { cause: e });
  }
  if (/busy|EBUSY|lock/i.test(text)) {
    return new BusError('bus', path, `in use by another process (${text})`, { cause: e });
  }
  return new BusError('other', path, `cannot open: ${text}`, { cause: e });
}

class LinuxSerialLink implements SerialLink {
  private readonly listeners = new Set<(data: Uint8Array) => void>();
  private closed = false;

  constructor(
    readonly name: string,
    private readonly port: SerialPortStream,
  ) {
    port.on('data', (chunk) => {
      const data = Uint8Array.from(chunk);
      for (const listener of [...this.listeners]) listener(data);
    });
    // A stream 'error' with no listener would throw out of the event loop.
    port.on('error', (err) => {
      console.warn(`${name}: ${err.message}`);
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new BusError('bus', this.name, 'link is closed'));
    return new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(data), (err) => {
        if (err) reject(new BusError('bus', this.name, `write failed: ${err.message}`, { cause: err }));
      });
      // drain resolves once the bytes have left for the kernel's tty buffer.
      this.port.drain((err) => {
        if (err) reject(new BusError('bus', this.name, `write failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  onData(listener: (data: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.listeners.clear();
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.port.close((err) => {
        if (err) reject(new BusError('bus', this.name, `close failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }
}

/** Opens `path` at `baudRate`, 8N1 (serialport's default framing). */
export async function openLinuxSerialLink(
  path: string,
  baudRate: number,
  options: LinuxSerialOptions = {},
): Promise<SerialLink> {
  const SerialPort = options.SerialPort ?? (await loadSerialPort(options.importer ?? nodeImport));
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => {
      if (err) reject(serialOpenError(path, err));
      else resolve();
    });
  });
  return new LinuxSerialLink(path, port);
}
