import { BusError } from '../bus/errors.js';
import type { HidDevice, HidDeviceInfo } from '../bus/hid.js';

/**
 * A HidDevice that replays a given report descriptor and input reports and
 * records what the host sends, so a HID driver is tested against the bytes a
 * real device would exchange (recorded from one, or taken from its
 * documentation) without the device.
 */
export interface EmulatedHidDeviceOptions {
  readonly info?: Partial<HidDeviceInfo>;
  readonly descriptor: Uint8Array | readonly number[];
  /** Answers to getFeatureReport, by Report ID. */
  readonly featureReports?: ReadonlyMap<number, Uint8Array | readonly number[]>;
}

export class EmulatedHidDevice implements HidDevice {
  readonly info: HidDeviceInfo;
  /** Output reports the host sent, in order (byte 0 is the Report ID, 0 without IDs). */
  readonly outputReports: Uint8Array[] = [];
  /** Feature reports the host sent, in order. */
  readonly sentFeatureReports: Uint8Array[] = [];
  private readonly descriptor: Uint8Array;
  private readonly featureReports: Map<number, Uint8Array>;
  private readonly listeners = new Set<(report: Uint8Array) => void>();
  private closed = false;

  constructor(options: EmulatedHidDeviceOptions) {
    this.info = {
      vendorId: options.info?.vendorId ?? 0,
      productId: options.info?.productId ?? 0,
      product: options.info?.product ?? 'emulated HID device',
      path: options.info?.path ?? 'emulated-hid',
    };
    this.descriptor = Uint8Array.from(options.descriptor);
    this.featureReports = new Map(
      [...(options.featureReports ?? new Map<number, readonly number[]>())].map(([id, bytes]) => [
        id,
        Uint8Array.from(bytes),
      ]),
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Delivers one input report to the listeners, as the device's interrupt IN endpoint would. */
  sendInputReport(report: Uint8Array | readonly number[]): void {
    if (this.closed) return;
    const bytes = Uint8Array.from(report);
    for (const listener of [...this.listeners]) listener(Uint8Array.from(bytes));
  }

  /** Delivers several input reports in order. */
  replay(reports: readonly (Uint8Array | readonly number[])[]): void {
    for (const report of reports) this.sendInputReport(report);
  }

  getReportDescriptor(): Promise<Uint8Array> {
    return this.guard(() => Uint8Array.from(this.descriptor));
  }

  onInputReport(listener: (report: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  sendOutputReport(report: Uint8Array): Promise<void> {
    return this.guard(() => {
      this.outputReports.push(Uint8Array.from(report));
    });
  }

  sendFeatureReport(report: Uint8Array): Promise<void> {
    return this.guard(() => {
      const copy = Uint8Array.from(report);
      this.sentFeatureReports.push(copy);
      this.featureReports.set(copy[0] ?? 0, copy);
    });
  }

  getFeatureReport(reportId: number, length: number): Promise<Uint8Array> {
    return this.guard(() => {
      const stored = this.featureReports.get(reportId);
      if (!stored) throw new BusError('other', this.info.path, `no feature report ${reportId}`);
      const answer = new Uint8Array(length);
      answer.set(stored.subarray(0, length));
      return answer;
    });
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  private guard<T>(action: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new BusError('bus', this.info.path, 'device is closed'));
    try {
      return Promise.resolve(action());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
