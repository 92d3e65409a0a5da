import { BusError } from '../bus/errors.js';
import type { DigitalIn, DigitalOut, Edge, EdgeEvent, Level } from '../bus/gpio.js';
import { errnoCode, loadOptionalPackage, moduleExport, nodeImport, unexpectedShape, type ModuleImporter } from './optional-package.js';
import { DEFAULT_SYSFS_GPIO_ROOT, headerPinName, resolveSysfsGpio, type HeaderPin } from './sysfs-gpio-number.js';

/**
 * DigitalIn / DigitalOut on the kernel's sysfs GPIO interface, through onoff 6.
 *
 * Pull-ups cannot be set through sysfs: the board enables them in
 * config.txt (`gpio=17=ip,pu`), which the board description documents.
 */

/** The part of onoff's Gpio this module uses (onoff.d.ts, v6). */
interface OnoffGpio {
  readSync(): number;
  writeSync(value: Level): void;
  watch(callback: (err: Error | null | undefined, value: number) => void): void;
  unwatchAll(): void;
  setDirection(direction: 'in' | 'out' | 'high' | 'low'): void;
  unexport(): void;
}

type OnoffEdge = 'none' | 'rising' | 'falling' | 'both';
type OnoffGpioConstructor = new (gpio: number, direction: 'in' | 'high' | 'low', edge?: OnoffEdge) => OnoffGpio;

export interface SysfsGpioOptions {
  /**
   * The sysfs GPIO class directory the chip bases are read from; tests pass a
   * fake tree. (onoff itself always exports through /sys/class/gpio.)
   */
  readonly sysfsRoot?: string;
  /** Edge timestamps; defaults to performance.now(), the origin SystemClock uses. */
  readonly now?: () => number;
  /** How to import onoff (tests substitute a fake module). */
  readonly importer?: ModuleImporter;
}

async function loadOnoff(importer: ModuleImporter): Promise<OnoffGpioConstructor> {
  const mod = await loadOptionalPackage('onoff', 'GPIO through sysfs', importer);
  const Gpio = moduleExport(mod, 'Gpio');
  if (typeof Gpio !== 'function') throw unexpectedShape('onoff', 'Gpio class');
  return Gpio as OnoffGpioConstructor;
}


/** Why writing a line number to <root>/export failed, in words a board bring-up needs. */
export function exportFailureHint(code: string | undefined, root: string): string {
  switch (code) {
    case 'ENOENT':
      return `${root}/export does not exist: kernel built without CONFIG_GPIO_SYSFS`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: add the user to the "gpio" group (sudo adduser $USER gpio) and log in again`;
    case 'EBUSY':
      return 'the line is already claimed (by a kernel driver from a dtoverlay such as i2c/spi/w1, or another process)';
    case 'EINVAL':
      return 'the kernel rejected the number (no such line; is the chip base right?)';
    default:
      return 'exporting the line failed';
  }
}

function exportError(pin: HeaderPin, sysfsNumber: number, e: unknown): BusError {
  const code = errnoCode(e);
  // onoff always writes /sys/class/gpio/export, whatever root resolved the number.
  const hint = exportFailureHint(code, DEFAULT_SYSFS_GPIO_ROOT);
  return new BusError(
    'not-found',
    headerPinName(pin),
    `cannot export sysfs GPIO ${sysfsNumber}: ${hint}${code ? ` (${code})` : ''}`,
    { cause: e },
  );
}

async function openLine(
  pin: HeaderPin,
  direction: 'in' | 'high' | 'low',
  edge: OnoffEdge,
  options: SysfsGpioOptions,
): Promise<OnoffGpio> {
  const root = options.sysfsRoot ?? DEFAULT_SYSFS_GPIO_ROOT;
  // Resolve first: a machine without sysfs GPIO gets the message about the
  // kernel, not one about a missing npm package it does not need yet.
  const sysfsNumber = await resolveSysfsGpio(pin, root);
  const Gpio = await loadOnoff(options.importer ?? nodeImport);
  try {
    return new Gpio(sysfsNumber, direction, edge);
  } catch (e) {
    throw exportError(pin, sysfsNumber, e);
  }
}

function edgeMatches(edge: Edge, level: Level): boolean {
  return edge === 'both' || (edge === 'rising' ? level === 1 : level === 0);
}

const toLevel = (value: number): Level => (value === 0 ? 0 : 1);

class SysfsDigitalIn implements DigitalIn {
  private readonly listeners = new Set<{ edge: Edge; listener: (event: EdgeEvent) => void }>();
  private watching = false;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly gpio: OnoffGpio,
    private readonly now: () => number,
  ) {}

  read(): Level {
    return toLevel(this.gpio.readSync());
  }

  watch(edge: Edge, listener: (event: EdgeEvent) => void): () => void {
    const entry = { edge, listener };
    this.listeners.add(entry);
    if (!this.watching && !this.closed) {
      // The line is exported with edge "both"; each subscriber filters by
      // level, so one epoll watch serves every kind of edge.
      this.gpio.watch(this.onInterrupt);
      this.watching = true;
    }
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size === 0 && this.watching) {
        this.gpio.unwatchAll();
        this.watching = false;
      }
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.watching) this.gpio.unwatchAll();
    this.watching = false;
    this.gpio.unexport();
  }

  private readonly onInterrupt = (err: Error | null | undefined, value: number): void => {
    // Stamp first: the time of the interrupt is what debouncing measures.
    const timestampMs = this.now();
    if (err) {
      console.warn(`${this.name}: reading the line after an edge failed: ${err.message}`);
      return;
    }
    const level = toLevel(value);
    for (const { edge, listener } of [...this.listeners]) {
      if (edgeMatches(edge, level)) listener({ level, timestampMs });
    }
  };
}

class SysfsDigitalOut implements DigitalOut {
  private level: Level;
  private floating = false;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly gpio: OnoffGpio,
    initial: Level,
  ) {
    this.level = initial;
  }

  write(level: Level): void {
    this.level = level;
    if (this.floating) {
      // "high"/"low" set the direction and the level in one write, so the
      // line never drives the stale level (sysfs-gpio ABI, "direction").
      this.gpio.setDirection(level === 1 ? 'high' : 'low');
      this.floating = false;
    } else {
      this.gpio.writeSync(level);
    }
  }

  read(): Level {
    return this.level;
  }

  float(): void {
    if (this.floating) return;
    this.gpio.setDirection('in');
    this.floating = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.gpio.unexport();
  }
}

/** An input line, exported with edge detection on both edges. */
export async function openSysfsDigitalIn(pin: HeaderPin, options: SysfsGpioOptions = {}): Promise<DigitalIn> {
  const gpio = await openLine(pin, 'in', 'both', options);
  return new SysfsDigitalIn(headerPinName(pin), gpio, options.now ?? (() => performance.now()));
}

/** An output line, driven to `initial` from the moment it is exported. */
export async function openSysfsDigitalOut(
  pin: HeaderPin,
  initial: Level,
  options: SysfsGpioOptions = {},
): Promise<DigitalOut> {
  const gpio = await openLine(pin, initial === 1 ? 'high' : 'low', 'none', options);
  return new SysfsDigitalOut(headerPinName(pin), gpio, initial);
}
