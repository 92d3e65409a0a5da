/**
 * A HID report descriptor parser: Device Class Definition for HID 1.11,
 * §6.2.2 "Report Descriptor". It walks the short items (§6.2.2.2), keeps the
 * global state table with Push/Pop (§6.2.2.7), the local items of the next
 * Main item (§6.2.2.8), and turns each Input/Output/Feature item (§6.2.2.4,
 * flags §6.2.2.5) into a field: where its bits lie in which report, and which
 * usage each element carries. Pure: bytes in, fields out.
 */

export type ReportKind = 'input' | 'output' | 'feature';

/** Data bits of an Input/Output/Feature item (§6.2.2.5). */
export interface MainItemFlags {
  /** Bit 0: Constant (padding) rather than Data. */
  readonly constant: boolean;
  /** Bit 1: Variable (one value per usage) rather than Array (usage indices). */
  readonly variable: boolean;
  /** Bit 2: Relative (a change) rather than Absolute (a state). */
  readonly relative: boolean;
  readonly wrap: boolean;
  readonly nonLinear: boolean;
  /** Bit 5: No Preferred State (a control that stays where it was left). */
  readonly noPreferredState: boolean;
  readonly nullState: boolean;
  /** Bit 7: Volatile (Output/Feature only). */
  readonly volatile: boolean;
  readonly bufferedBytes: boolean;
}

/** One Input, Output or Feature item, located in its report. */
export interface ReportField {
  readonly kind: ReportKind;
  /** 0 when the descriptor declares no Report IDs. */
  readonly reportId: number;
  /** Bit position in the report's data, after the Report ID byte; LSB of byte 0 is bit 0 (§8.4). */
  readonly bitOffset: number;
  /** Report Size: bits per element. */
  readonly bitSize: number;
  /** Report Count: elements. */
  readonly count: number;
  readonly flags: MainItemFlags;
  readonly logicalMinimum: number;
  readonly logicalMaximum: number;
  /**
   * Extended usages (page × 0x10000 + id). Variable: element i carries
   * usages[i] (§6.2.2.8: the last usage also applies to further elements).
   * Array: a value v reports usages[v − logicalMinimum].
   */
  readonly usages: readonly number[];
  /** Extended usages of the enclosing collections, outermost first. */
  readonly collections: readonly number[];
}

export interface ReportDescriptor {
  readonly fields: readonly ReportField[];
  /** True when any Report ID item appears: every report then starts with its ID byte (§6.2.2.7). */
  readonly usesReportIds: boolean;
}

export class HidDescriptorError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`report descriptor byte ${offset}: ${message}`);
    this.name = 'HidDescriptorError';
  }
}

/** An extended usage from a page and an id. Multiplication, not <<, keeps pages ≥ 0x8000 positive. */
export function extendedUsage(page: number, id: number): number {
  return page * 0x10000 + id;
}

export function usagePageOf(usage: number): number {
  return Math.floor(usage / 0x10000);
}

export function usageIdOf(usage: number): number {
  return usage % 0x10000;
}

interface GlobalState {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

/** A usage as declared: 1–2 byte ids get their page at the Main item (see resolvePages). */
interface LocalUsage {
  id: number;
  page: number;
  extended: boolean;
}

interface LocalState {
  usages: LocalUsage[];
  usageMinimum: LocalUsage | undefined;
}

/** Ranges bigger than this are refused rather than expanded (a malformed or hostile descriptor). */
const MAX_USAGE_RANGE = 0x10000;

const MAIN_INPUT = 0x8;
const MAIN_OUTPUT = 0x9;
const MAIN_COLLECTION = 0xa;
const MAIN_FEATURE = 0xb;
const MAIN_END_COLLECTION = 0xc;

function readUnsigned(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

function toSigned(value: number, size: number): number {
  if (size === 0) return 0;
  const bits = size * 8;
  const half = 2 ** (bits - 1);
  return value >= half ? value - 2 ** bits : value;
}

function decodeFlags(data: number): MainItemFlags {
  const bit = (n: number): boolean => Math.floor(data / 2 ** n) % 2 === 1;
  return {
    constant: bit(0),
    variable: bit(1),
    relative: bit(2),
    wrap: bit(3),
    nonLinear: bit(4),
    noPreferredState: bit(5),
    nullState: bit(6),
    volatile: bit(7),
    bufferedBytes: bit(8),
  };
}

/**
 * Gives 1–2 byte usages their page. §6.2.2.8 combines them with "the current
 * Usage Page"; descriptors in the field put a Usage before a Usage Page that
 * is meant for it (Usage (7), Usage Page (Button), Input), so, as Linux does
 * (hid-core.c, hid_concatenate_last_usage_page), usages declared after the
 * last use of a page take the page in force at the Main item.
 */
function resolvePages(local: LocalState, currentPage: number): number[] {
  for (let i = local.usages.length - 1; i >= 0; i--) {
    const usage = local.usages[i];
    if (!usage || usage.extended) continue;
    if (usage.page === currentPage) break;
    usage.page = currentPage;
  }
  return local.usages.map((u) => (u.extended ? u.id : extendedUsage(u.page, u.id)));
}

function emptyLocal(): LocalState {
  return { usages: [], usageMinimum: undefined };
}

export function parseReportDescriptor(bytes: Uint8Array): ReportDescriptor {
  let global: GlobalState = {
    usagePage: 0,
    logicalMinimum: 0,
    logicalMaximum: 0,
    reportSize: 0,
    reportId: 0,
    reportCount: 0,
  };
  const globalStack: GlobalState[] = [];
  let local = emptyLocal();
  const collections: number[] = [];
  const fields: ReportField[] = [];
  const nextBit = new Map<string, number>();
  let usesReportIds = false;

  let offset = 0;
  while (offset < bytes.length) {
    const prefix = bytes[offset] ?? 0;
    if (prefix === 0xfe) {
      // Long item (§6.2.2.3): bDataSize, bLongItemTag, data. None is defined; skip it.
      const size = bytes[offset + 1];
      if (size === undefined || offset + 3 + size > bytes.length) throw new HidDescriptorError(offset, 'truncated long item');
      offset += 3 + size;
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (offset + 1 + size > bytes.length) throw new HidDescriptorError(offset, 'item runs past the end');
    const data = readUnsigned(bytes, offset + 1, size);
    const signed = toSigned(data, size);

    if (type === 0) {
      // Main items (§6.2.2.4).
      if (tag === MAIN_INPUT || tag === MAIN_OUTPUT || tag === MAIN_FEATURE) {
        const kind: ReportKind = tag === MAIN_INPUT ? 'input' : tag === MAIN_OUTPUT ? 'output' : 'feature';
        const key = `${kind}:${global.reportId}`;
        const bitOffset = nextBit.get(key) ?? 0;
        const bits = global.reportSize * global.reportCount;
        if (bits > 0) {
          fields.push({
            kind,
            reportId: global.reportId,
            bitOffset,
            bitSize: global.reportSize,
            count: global.reportCount,
            flags: decodeFlags(data),
            logicalMinimum: global.logicalMinimum,
            logicalMaximum: global.logicalMaximum,
            usages: resolvePages(local, global.usagePage),
            collections: [...collections],
          });
          nextBit.set(key, bitOffset + bits);
        }
      } else if (tag === MAIN_COLLECTION) {
        collections.push(resolvePages(local, global.usagePage)[0] ?? 0);
      } else if (tag === MAIN_END_COLLECTION) {
        if (collections.length === 0) throw new HidDescriptorError(offset, 'End Collection without a Collection');
        collections.pop();
      } else {
        throw new HidDescriptorError(offset, `unknown Main item tag 0x${tag.toString(16)}`);
      }
      local = emptyLocal();
    } else if (type === 1) {
      // Global items (§6.2.2.7).
      switch (tag) {
        case 0x0:
          global.usagePage = data;
          break;
        case 0x1:
          global.logicalMinimum = signed;
          break;
        case 0x2:
          // Linux reads the maximum as unsigned unless the minimum is negative,
          // since descriptors write 255 as 0x25 0xFF meaning 255, not −1.
          global.logicalMaximum = global.logicalMinimum < 0 ? signed : data;
          break;
        case 0x7:
          global.reportSize = data;
          break;
        case 0x8:
          if (data === 0) throw new HidDescriptorError(offset, 'Report ID 0 is reserved');
          global.reportId = data;
          usesReportIds = true;
          break;
        case 0x9:
          global.reportCount = data;
          break;
        case 0xa:
          globalStack.push({ ...global });
          break;
        case 0xb: {
          const popped = globalStack.pop();
          if (!popped) throw new HidDescriptorError(offset, 'Pop without Push');
          global = popped;
          break;
        }
        default:
          // Physical extent, unit and exponent do not affect where bits lie.
          break;
      }
    } else if (type === 2) {
      // Local items (§6.2.2.8).
      const extended = size === 4;
      switch (tag) {
        case 0x0:
          local.usages.push({ id: data, page: global.usagePage, extended });
          break;
        case 0x1:
          local.usageMinimum = { id: data, page: global.usagePage, extended };
          break;
        case 0x2: {
          const min = local.usageMinimum;
          if (!min) throw new HidDescriptorError(offset, 'Usage Maximum without Usage Minimum');
          const from = min.extended ? usageIdOf(min.id) : min.id;
          const to = extended ? usageIdOf(data) : data;
          if (to < from || to - from >= MAX_USAGE_RANGE) throw new HidDescriptorError(offset, 'bad usage range');
          const page = min.extended ? usagePageOf(min.id) : global.usagePage;
          for (let id = from; id <= to; id++) {
            local.usages.push(
              min.extended ? { id: extendedUsage(page, id), page, extended: true } : { id, page, extended: false },
            );
          }
          local.usageMinimum = undefined;
          break;
        }
        default:
          // Designators, strings and delimiters name things; they place no bits.
          break;
      }
    } else {
      throw new HidDescriptorError(offset, 'reserved item type');
    }
    offset += 1 + size;
  }
  return { fields, usesReportIds };
}

/** The data bytes of report `reportId` of `kind`, not counting the Report ID byte. */
export function reportDataLength(descriptor: ReportDescriptor, kind: ReportKind, reportId: number): number {
  let bits = 0;
  for (const f of descriptor.fields) {
    if (f.kind === kind && f.reportId === reportId) bits = Math.max(bits, f.bitOffset + f.bitSize * f.count);
  }
  return Math.ceil(bits / 8);
}

/** The Report IDs that have fields of `kind`, ascending (just 0 without IDs). */
export function reportIds(descriptor: ReportDescriptor, kind: ReportKind): number[] {
  return [...new Set(descriptor.fields.filter((f) => f.kind === kind).map((f) => f.reportId))].sort((a, b) => a - b);
}

/** Reads `size` bits at `bitOffset`, LSB first (§8.4), as an unsigned number. */
export function readBits(data: Uint8Array, bitOffset: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) {
    const bit = bitOffset + i;
    const byte = data[bit >> 3] ?? 0;
    value = value * 2 + ((byte >> (bit & 7)) & 1);
  }
  return value;
}

/** Writes the low `size` bits of `value` (two's complement if negative) at `bitOffset`, LSB first. */
export function writeBits(data: Uint8Array, bitOffset: number, size: number, value: number): void {
  let v = value < 0 ? 2 ** size + value : value;
  for (let i = 0; i < size; i++) {
    const bit = bitOffset + i;
    const index = bit >> 3;
    if (index >= data.length) return;
    const mask = 1 << (bit & 7);
    data[index] = v % 2 === 1 ? (data[index] ?? 0) | mask : (data[index] ?? 0) & ~mask;
    v = Math.floor(v / 2);
  }
}

function elementValue(field: ReportField, data: Uint8Array, index: number): number {
  const raw = readBits(data, field.bitOffset + index * field.bitSize, field.bitSize);
  if (field.logicalMinimum >= 0) return raw;
  const half = 2 ** (field.bitSize - 1);
  return raw >= half ? raw - 2 ** field.bitSize : raw;
}

export interface DecodedReport {
  readonly kind: ReportKind;
  readonly reportId: number;
  /**
   * Each usage the report carries and its value. Variable fields give their
   * element's value; an array field gives 1 to each usage it reports and 0 to
   * every other usage it could have reported, so a release shows as 0.
   */
  readonly values: ReadonlyMap<number, number>;
  /** The fields the values came from, for callers that care about flags (relative, …). */
  readonly fields: readonly ReportField[];
}

/**
 * Decodes a report as it came from the device (byte 0 is the Report ID when
 * the descriptor uses IDs). Undefined for a report the descriptor does not
 * declare. Constant fields are skipped.
 */
export function decodeReport(
  descriptor: ReportDescriptor,
  kind: ReportKind,
  report: Uint8Array,
): DecodedReport | undefined {
  const reportId = descriptor.usesReportIds ? (report[0] ?? 0) : 0;
  const data = descriptor.usesReportIds ? report.subarray(1) : report;
  const fields = descriptor.fields.filter((f) => f.kind === kind && f.reportId === reportId && !f.flags.constant);
  if (fields.length === 0) return undefined;
  const values = new Map<number, number>();
  for (const field of fields) {
    if (field.flags.variable) {
      const elements = Math.min(field.count, field.usages.length);
      for (let i = 0; i < elements; i++) {
        const usage = field.usages[i];
        if (usage !== undefined) values.set(usage, elementValue(field, data, i));
      }
    } else {
      for (const usage of field.usages) if (!values.has(usage)) values.set(usage, 0);
      for (let i = 0; i < field.count; i++) {
        const v = elementValue(field, data, i);
        if (v < field.logicalMinimum || v > field.logicalMaximum) continue; // "no control asserted"
        const usage = field.usages[v - field.logicalMinimum];
        if (usage !== undefined) values.set(usage, 1);
      }
    }
  }
  return { kind, reportId, values, fields };
}

/**
 * Builds an Output or Feature report as HidDevice.sendOutputReport takes it:
 * byte 0 is the Report ID, 0 when the descriptor uses none (hidapi's
 * convention), then the data with `values` written into the elements that
 * carry those usages; every other bit is 0. Values are clamped to the
 * field's logical range.
 */
export function buildReport(
  descriptor: ReportDescriptor,
  kind: 'output' | 'feature',
  reportId: number,
  values: ReadonlyMap<number, number>,
): Uint8Array {
  const report = new Uint8Array(1 + reportDataLength(descriptor, kind, reportId));
  report[0] = reportId;
  const data = report.subarray(1);
  for (const field of descriptor.fields) {
    if (field.kind !== kind || field.reportId !== reportId || field.flags.constant) continue;
    const clamp = (v: number): number => Math.min(field.logicalMaximum, Math.max(field.logicalMinimum, v));
    if (field.flags.variable) {
      const elements = Math.min(field.count, field.usages.length);
      for (let i = 0; i < elements; i++) {
        const usage = field.usages[i];
        const value = usage === undefined ? undefined : values.get(usage);
        if (value !== undefined) writeBits(data, field.bitOffset + i * field.bitSize, field.bitSize, clamp(value));
      }
    } else {
      // Array: the indices of the asserted usages, one per element.
      let element = 0;
      field.usages.forEach((usage, index) => {
        if (element < field.count && (values.get(usage) ?? 0) !== 0) {
          writeBits(data, field.bitOffset + element * field.bitSize, field.bitSize, field.logicalMinimum + index);
          element++;
        }
      });
    }
  }
  return report;
}
