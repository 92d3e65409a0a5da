import { BusError } from '../bus/errors.js';
import type { HidDevice } from '../bus/hid.js';
import {
  buildReport,
  decodeReport,
  extendedUsage,
  parseReportDescriptor,
  reportIds,
  usagePageOf,
  type ReportDescriptor,
  type ReportField,
} from './report-descriptor.js';

/**
 * A USB telephony handset or headset, driven by what its report descriptor
 * declares: controls from the Telephony Device page (HID Usage Tables 1.12,
 * §14, page 0x0B) and indicators from the LED page (§11, page 0x08).
 */
export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;

/** Telephony page usages this driver decodes (HUT 1.12 Table 14.1). */
export const TelephonyUsage = {
  /** 0x20 Hook Switch, OOC. */
  hookSwitch: extendedUsage(TELEPHONY_PAGE, 0x20),
  /** 0x21 Flash, MC. */
  flash: extendedUsage(TELEPHONY_PAGE, 0x21),
  /** 0x2F Phone Mute, OOC. */
  phoneMute: extendedUsage(TELEPHONY_PAGE, 0x2f),
  /** 0xB0–0xB9 Phone Key 0–9, 0xBA Phone Key Star, 0xBB Phone Key Pound (Sel). */
  phoneKey0: extendedUsage(TELEPHONY_PAGE, 0xb0),
} as const;

export type PhoneKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';
const PHONE_KEYS: readonly PhoneKey[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];

/** LED page usages this driver drives (HUT 1.12 Table 11.1). */
export const LedUsage = {
  mute: extendedUsage(LED_PAGE, 0x09),
  offHook: extendedUsage(LED_PAGE, 0x17),
  ring: extendedUsage(LED_PAGE, 0x18),
  hold: extendedUsage(LED_PAGE, 0x20),
  microphone: extendedUsage(LED_PAGE, 0x21),
} as const;

export type HandsetLed = keyof typeof LedUsage;
const HANDSET_LEDS = Object.keys(LedUsage) as HandsetLed[];

/**
 * What the handset reports. The Hook Switch and Phone Mute are On/Off Controls
 * (HUT §3.4.1.2), which a device may implement as a state in an Absolute
 * field or as a toggle button in a Relative field; the two arrive as different
 * events so the phone does not have to know which this device chose.
 */
export type HandsetEvent =
  /** An Absolute Hook Switch changed: the handset was lifted or put down. */
  | { readonly type: 'hook'; readonly offHook: boolean }
  /** A Relative Hook Switch reported +1: the call button was pressed (answer / hang up). */
  | { readonly type: 'hook-toggle' }
  /**
   * The Phone Mute button was pressed: a Relative +1, or an Absolute 0 → 1.
   * Headsets keep no mute state of their own; they follow the Mute LED.
   */
  | { readonly type: 'mute-toggle' }
  /** Flash (a momentary control) was pressed. */
  | { readonly type: 'flash' }
  | { readonly type: 'key'; readonly key: PhoneKey; readonly pressed: boolean };

interface InputControl {
  readonly relative: boolean;
}

function controlsOf(descriptor: ReportDescriptor): Map<number, InputControl> {
  const controls = new Map<number, InputControl>();
  for (const field of descriptor.fields) {
    if (field.kind !== 'input' || field.flags.constant) continue;
    for (const usage of field.usages) {
      if (usagePageOf(usage) === TELEPHONY_PAGE && !controls.has(usage)) {
        controls.set(usage, { relative: field.flags.relative });
      }
    }
  }
  return controls;
}

function ledFieldsOf(descriptor: ReportDescriptor): ReportField[] {
  return descriptor.fields.filter(
    (f) => f.kind === 'output' && !f.flags.constant && f.usages.some((u) => usagePageOf(u) === LED_PAGE),
  );
}

function phoneKeyFor(usage: number): PhoneKey | undefined {
  return PHONE_KEYS[usage - TelephonyUsage.phoneKey0];
}

export class TelephonyHandset {
  /** LEDs the device declares as outputs. */
  readonly supportedLeds: readonly HandsetLed[];
  private readonly controls: Map<number, InputControl>;
  private readonly previous = new Map<number, number>();
  private readonly listeners = new Set<(event: HandsetEvent) => void>();
  private readonly leds = new Map<HandsetLed, boolean>();
  private readonly unsubscribe: () => void;
  private closed = false;

  private constructor(
    private readonly device: HidDevice,
    readonly descriptor: ReportDescriptor,
  ) {
    this.controls = controlsOf(descriptor);
    const ledUsages = new Set(ledFieldsOf(descriptor).flatMap((f) => f.usages));
    this.supportedLeds = HANDSET_LEDS.filter((led) => ledUsages.has(LedUsage[led]));
    this.unsubscribe = device.onInputReport((report) => this.onReport(report));
  }

  /** Reads and parses the device's report descriptor; fails if it declares nothing telephony. */
  static async open(device: HidDevice): Promise<TelephonyHandset> {
    const descriptor = parseReportDescriptor(await device.getReportDescriptor());
    const handset = new TelephonyHandset(device, descriptor);
    if (handset.controls.size === 0 && handset.supportedLeds.length === 0) {
      handset.unsubscribe();
      throw new BusError(
        'not-found',
        device.info.path,
        `"${device.info.product}" declares no Telephony (page 0x0B) inputs and no LED (page 0x08) outputs`,
      );
    }
    return handset;
  }

  /** Telephony usages the device reports (extended usages). */
  get inputUsages(): readonly number[] {
    return [...this.controls.keys()];
  }

  on(listener: (event: HandsetEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Sets some LEDs, keeps the rest as last set, and sends every output report
   * that carries one of the LEDs being set. LEDs the device lacks are ignored.
   */
  async setLeds(changes: Partial<Record<HandsetLed, boolean>>): Promise<void> {
    if (this.closed) throw new BusError('bus', this.device.info.path, 'handset is closed');
    const touched = new Set<number>();
    for (const led of HANDSET_LEDS) {
      const on = changes[led];
      if (on === undefined) continue;
      this.leds.set(led, on);
      touched.add(LedUsage[led]);
    }
    for (const report of this.ledReports(touched)) await this.device.sendOutputReport(report);
  }

  /** The LED output reports for the current LED state; with `only`, just those carrying one of its usages. */
  ledReports(only?: ReadonlySet<number>): Uint8Array[] {
    const values = new Map<number, number>();
    for (const led of HANDSET_LEDS) values.set(LedUsage[led], this.leds.get(led) === true ? 1 : 0);
    const fields = ledFieldsOf(this.descriptor);
    return reportIds(this.descriptor, 'output')
      .filter((id) =>
        fields.some((f) => f.reportId === id && f.usages.some((u) => (only ? only.has(u) : values.has(u)))),
      )
      .map((id) => buildReport(this.descriptor, 'output', id, values));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.listeners.clear();
    await this.device.close();
  }

  private onReport(report: Uint8Array): void {
    const decoded = decodeReport(this.descriptor, 'input', report);
    if (!decoded) return;
    for (const [usage, value] of decoded.values) {
      const control = this.controls.get(usage);
      if (!control) continue;
      const before = this.previous.get(usage) ?? 0;
      this.previous.set(usage, value);
      const event = this.eventFor(usage, control, before, value);
      if (event) this.emit(event);
    }
  }

  private eventFor(usage: number, control: InputControl, before: number, value: number): HandsetEvent | undefined {
    const pressed = control.relative ? value !== 0 : before === 0 && value !== 0;
    switch (usage) {
      case TelephonyUsage.hookSwitch:
        if (control.relative) return value !== 0 ? { type: 'hook-toggle' } : undefined;
        return (before !== 0) !== (value !== 0) ? { type: 'hook', offHook: value !== 0 } : undefined;
      case TelephonyUsage.phoneMute:
        return pressed ? { type: 'mute-toggle' } : undefined;
      case TelephonyUsage.flash:
        return pressed ? { type: 'flash' } : undefined;
      default: {
        const key = phoneKeyFor(usage);
        if (key === undefined || (before !== 0) === (value !== 0)) return undefined;
        return { type: 'key', key, pressed: value !== 0 };
      }
    }
  }

  private emit(event: HandsetEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
