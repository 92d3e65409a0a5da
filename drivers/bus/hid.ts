/** A USB HID device (a handset or headset) at the report level. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly product: string;
  /** The device path, for messages. */
  readonly path: string;
}

export interface HidDevice {
  readonly info: HidDeviceInfo;
  /** The raw report descriptor; drivers parse it to find where usages live. */
  getReportDescriptor(): Promise<Uint8Array>;
  /** Input reports as sent by the device; byte 0 is the report ID when the device uses IDs. */
  onInputReport(listener: (report: Uint8Array) => void): () => void;
  /** Byte 0 is the report ID (0 when the device uses none). */
  sendOutputReport(report: Uint8Array): Promise<void>;
  sendFeatureReport(report: Uint8Array): Promise<void>;
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}
