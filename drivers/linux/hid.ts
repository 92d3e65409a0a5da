import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BusError } from '../bus/errors.js';
import type { HidDevice, HidDeviceInfo } from '../bus/hid.js';
import { loadOptionalPackage, moduleExport, nodeImport, unexpectedShape, type ModuleImporter } from './optional-package.js';

/** HidDevice through node-hid 3's HIDAsync (hidapi on hidraw). */

/** HID Usage Tables 1.12, §3 "Usage Pages": Telephony Device page. */
export const TELEPHONY_USAGE_PAGE = 0x0b;

/** An entry of node-hid's devicesAsync(): one per top-level collection on the hidraw back end. */
export interface NodeHidDeviceEntry {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly product?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
  readonly interface?: number | undefined;
}

/** The part of node-hid's HIDAsync this module uses (nodehid.d.ts, v3). */
interface NodeHidAsync {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'data', listener: (data: Buffer) => void): unknown;
  write(values: Buffer): Promise<number>;
  sendFeatureReport(data: Buffer): Promise<number>;
  getFeatureReport(reportId: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
  /** Newer node-hid versions expose hidapi's hid_get_report_descriptor; 3.4 does not. */
  getReportDescriptor?: () => Promise<Buffer | number[]>;
}

export interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDeviceEntry[]>;
  openPath(path: string): Promise<NodeHidAsync>;
}

export type HidSelector =
  | { readonly path: string }
  | { readonly vendorId: number; readonly productId: number }
  | { readonly usagePage: number };

export interface LinuxHidOptions {
  readonly importer?: ModuleImporter;
  /** Use this instead of importing node-hid (tests pass a fake). */
  readonly nodeHid?: NodeHidModule;
  /** Root of sysfs, for reading the report descriptor from hidraw; tests pass a fake tree. */
  readonly sysfsRoot?: string;
}

async function loadNodeHid(importer: ModuleImporter): Promise<NodeHidModule> {
  const mod = await loadOptionalPackage('node-hid', 'USB HID handsets', importer);
  const devicesAsync = moduleExport(mod, 'devicesAsync');
  const HIDAsync = moduleExport(mod, 'HIDAsync');
  if (typeof devicesAsync !== 'function') throw unexpectedShape('node-hid', 'devicesAsync()');
  const open = typeof HIDAsync === 'function' ? (HIDAsync as unknown as { open?: unknown }).open : undefined;
  if (typeof open !== 'function') throw unexpectedShape('node-hid', 'HIDAsync.open()');
  const openPath = (path: string): Promise<unknown> =>
    (open as (path: string) => Promise<unknown>).call(HIDAsync, path);
  return {
    devicesAsync: () => (devicesAsync as () => Promise<NodeHidDeviceEntry[]>)(),
    openPath: async (path) => (await openPath(path)) as NodeHidAsync,
  };
}

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

function describeSelector(selector: HidSelector): string {
  if ('path' in selector) return `the HID device at ${selector.path}`;
  if ('vendorId' in selector) return `a HID device with vendor ${hex4(selector.vendorId)} product ${hex4(selector.productId)}`;
  return `a HID device with usage page ${hex4(selector.usagePage)}${selector.usagePage === TELEPHONY_USAGE_PAGE ? ' (Telephony)' : ''}`;
}

function describeEntry(d: NodeHidDeviceEntry): string {
  const page = d.usagePage === undefined ? '' : ` usage page ${hex4(d.usagePage)}`;
  return `${hex4(d.vendorId)}:${hex4(d.productId)} "${d.product ?? '?'}"${page} at ${d.path ?? '?'}`;
}

/**
 * Picks the device entry `selector` asks for. By ids, the entry carrying the
 * Telephony collection is preferred: a headset enumerates one entry per
 * top-level collection (consumer keys, telephony, vendor), all with the same
 * ids. Pure, so the choice is testable without devices.
 */
export function selectHidDevice(
  devices: readonly NodeHidDeviceEntry[],
  selector: HidSelector,
): NodeHidDeviceEntry | undefined {
  const withPath = devices.filter((d) => d.path !== undefined);
  if ('path' in selector) return withPath.find((d) => d.path === selector.path);
  if ('vendorId' in selector) {
    const matching = withPath.filter((d) => d.vendorId === selector.vendorId && d.productId === selector.productId);
    return matching.find((d) => d.usagePage === TELEPHONY_USAGE_PAGE) ?? matching[0];
  }
  return withPath.find((d) => d.usagePage === selector.usagePage);
}

function notFound(selector: HidSelector, devices: readonly NodeHidDeviceEntry[]): BusError {
  const seen =
    devices.length === 0
      ? 'no HID devices are visible (is the handset plugged in, and may this user open /dev/hidraw*? A udev rule ' +
        'granting the "plugdev" group or uaccess is usually needed)'
      : `visible: ${devices.map(describeEntry).join('; ')}`;
  return new BusError('not-found', 'usb hid', `looked for ${describeSelector(selector)}; found none — ${seen}`);
}

class LinuxHidDevice implements HidDevice {
  private readonly listeners = new Set<(report: Uint8Array) => void>();
  private subscribed = false;
  private closed = false;

  constructor(
    readonly info: HidDeviceInfo,
    private readonly device: NodeHidAsync,
    private readonly sysfsRoot: string,
  ) {
    device.on('error', (err) => {
      console.warn(`${info.path}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async getReportDescriptor(): Promise<Uint8Array> {
    if (typeof this.device.getReportDescriptor === 'function') {
      return Uint8Array.from(await this.device.getReportDescriptor());
    }
    // node-hid 3.4 has no descriptor call; the hidraw driver publishes the
    // descriptor in sysfs (Documentation/hid/hidraw.rst; the "report_descriptor"
    // attribute of the HID device under /sys/class/hidraw/hidrawN/device/).
    const file = join(this.sysfsRoot, 'class', 'hidraw', basename(this.info.path), 'device', 'report_descriptor');
    try {
      return Uint8Array.from(await readFile(file));
    } catch (e) {
      throw new BusError('other', this.info.path, `cannot read the report descriptor from ${file}`, { cause: e });
    }
  }

  onInputReport(listener: (report: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscribed && !this.closed) {
      // Adding the first 'data' listener starts node-hid's read thread.
      this.device.on('data', this.onData);
      this.subscribed = true;
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.subscribed) {
        this.device.removeListener('data', this.onData);
        this.subscribed = false;
      }
    };
  }

  sendOutputReport(report: Uint8Array): Promise<void> {
    return this.guard('output report', async () => {
      await this.device.write(Buffer.from(report));
    });
  }

  sendFeatureReport(report: Uint8Array): Promise<void> {
    return this.guard('feature report', async () => {
      await this.device.sendFeatureReport(Buffer.from(report));
    });
  }

  getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    return this.guard('feature report read', async () =>
      Uint8Array.from(await this.device.getFeatureReport(reportId, length)),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.subscribed) this.device.removeListener('data', this.onData);
    this.subscribed = false;
    await this.device.close();
  }

  private readonly onData = (data: Buffer): void => {
    const report = Uint8Array.from(data);
    for (const listener of [...this.listeners]) listener(report);
  };

  private async guard<T>(what: string, action: () => Promise<T>): Promise<T> {
    if (this.closed) throw new BusError('bus', this.info.path, `${what}: device is closed`);
    try {
      return await action();
    } catch (e) {
      throw new BusError('bus', this.info.path, `${what} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
  }
}

/**
 * Opens the HID device `selector` names; by default the first device with a
 * Telephony collection (usage page 0x0B), which is what a USB handset or
 * headset exposes for its hook switch, keys and LEDs.
 */
export async function openLinuxHidDevice(
  selector: HidSelector = { usagePage: TELEPHONY_USAGE_PAGE },
  options: LinuxHidOptions = {},
): Promise<HidDevice> {
  const hid = options.nodeHid ?? (await loadNodeHid(options.importer ?? nodeImport));
  let devices: NodeHidDeviceEntry[];
  try {
    devices = await hid.devicesAsync();
  } catch (e) {
    throw new BusError('other', 'usb hid', `listing HID devices failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const entry = selectHidDevice(devices, selector);
  if (!entry?.path) throw notFound(selector, devices);
  const path = entry.path;
  let device: NodeHidAsync;
  try {
    device = await hid.openPath(path);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new BusError('other', path, `cannot open (${text}); check the udev rule that lets this user open hidraw`, {
      cause: e,
    });
  }
  const info: HidDeviceInfo = {
    vendorId: entry.vendorId,
    productId: entry.productId,
    product: entry.product ?? '',
    path,
  };
  return new LinuxHidDevice(info, device, options.sysfsRoot ?? '/sys');
}
