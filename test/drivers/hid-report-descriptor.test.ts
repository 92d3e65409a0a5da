import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HidDescriptorError,
  buildReport,
  decodeReport,
  extendedUsage,
  parseReportDescriptor,
  readBits,
  reportDataLength,
  reportIds,
  writeBits,
  type ReportField,
} from '../../drivers/hid/report-descriptor.js';

/**
 * The C-Media HS-100B USB headset chip's report descriptor, as the Linux
 * kernel ships it (drivers/hid/hid-cmedia.c, `hs100b_rdesc_fixed`, added by
 * "HID: cmedia: add support for HS-100B mute button", Thomas Weißschuh, 2021):
 * the device's own 60-byte descriptor with bit 3 (Phone Mute) mapped. It has
 * no Report IDs, mixes the Consumer and Telephony pages in one report, and
 * declares the Hook Switch Relative.
 */
const HS100B = [
  0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x25, 0x01, 0x09, 0xe9, 0x09, 0xea, 0x75, 0x01, 0x95, 0x02, 0x81,
  0x02, 0x09, 0xe2, 0x95, 0x01, 0x81, 0x06, 0x05, 0x0b, 0x09, 0x2f, 0x81, 0x02, 0x09, 0x20, 0x81, 0x06, 0x05, 0x0c,
  0x09, 0x00, 0x95, 0x03, 0x81, 0x02, 0x26, 0xff, 0x00, 0x09, 0x00, 0x75, 0x08, 0x95, 0x03, 0x81, 0x02, 0x09, 0x00,
  0x95, 0x04, 0x91, 0x02, 0xc0,
];

const CONSUMER = 0x0c;
const TELEPHONY = 0x0b;
const LED = 0x08;

function field(fields: readonly ReportField[], usage: number): ReportField {
  const found = fields.find((f) => f.usages.includes(usage));
  assert.ok(found, `no field carries usage 0x${usage.toString(16)}`);
  return found;
}

describe('parseReportDescriptor (HID 1.11 §6.2.2) on the HS-100B descriptor', () => {
  const d = parseReportDescriptor(Uint8Array.from(HS100B));

  it('finds no Report IDs, so reports carry no ID byte', () => {
    assert.equal(d.usesReportIds, false);
    assert.deepEqual(reportIds(d, 'input'), [0]);
  });

  it('places each control at its bit: volume 0–1, consumer mute 2, phone mute 3, hook 4', () => {
    assert.equal(field(d.fields, extendedUsage(CONSUMER, 0xe9)).bitOffset, 0);
    const volume = field(d.fields, extendedUsage(CONSUMER, 0xea));
    assert.deepEqual(volume.usages, [extendedUsage(CONSUMER, 0xe9), extendedUsage(CONSUMER, 0xea)]);
    assert.equal(volume.count, 2);
    assert.equal(field(d.fields, extendedUsage(CONSUMER, 0xe2)).bitOffset, 2);
    const phoneMute = field(d.fields, extendedUsage(TELEPHONY, 0x2f));
    assert.equal(phoneMute.bitOffset, 3);
    assert.equal(phoneMute.flags.relative, false);
    const hook = field(d.fields, extendedUsage(TELEPHONY, 0x20));
    assert.equal(hook.bitOffset, 4);
    assert.equal(hook.flags.relative, true);
    assert.equal(hook.flags.variable, true);
  });

  it('keeps global state across Main items: the page changes back to Consumer, sizes carry on', () => {
    const wide = d.fields.filter((f) => f.kind === 'input' && f.bitSize === 8);
    assert.equal(wide.length, 1);
    assert.equal(wide[0]?.bitOffset, 8);
    assert.equal(wide[0]?.logicalMaximum, 255, '0x26 0xFF 0x00 is 255');
    assert.deepEqual(wide[0]?.usages, [extendedUsage(CONSUMER, 0)]);
  });

  it('sizes the reports: 4 bytes in, 4 bytes out', () => {
    assert.equal(reportDataLength(d, 'input', 0), 4);
    assert.equal(reportDataLength(d, 'output', 0), 4);
  });

  it('records the enclosing application collection', () => {
    for (const f of d.fields) assert.deepEqual(f.collections, [extendedUsage(CONSUMER, 0x01)]);
  });

  it('decodes a report with bits 3 and 4 set as phone mute and hook switch, nothing else', () => {
    const decoded = decodeReport(d, 'input', Uint8Array.from([0x18, 0x00, 0x00, 0x00]));
    assert.ok(decoded);
    assert.equal(decoded.values.get(extendedUsage(TELEPHONY, 0x2f)), 1);
    assert.equal(decoded.values.get(extendedUsage(TELEPHONY, 0x20)), 1);
    assert.equal(decoded.values.get(extendedUsage(CONSUMER, 0xe9)), 0);
    assert.equal(decoded.values.get(extendedUsage(CONSUMER, 0xe2)), 0);
  });

  it('builds its output report with a 0 Report ID byte in front (hidapi convention)', () => {
    const report = buildReport(d, 'output', 0, new Map([[extendedUsage(CONSUMER, 0), 0x5a]]));
    assert.deepEqual([...report], [0x00, 0x5a, 0x00, 0x00, 0x00]);
  });
});

describe('report IDs, arrays and pages', () => {
  // Built from HUT 1.12 usages: report 1 = consumer volume; report 2 = a
  // telephony keypad array (Phone Key 0..#, logical 1..12, 4 bits × 2) and
  // LEDs (Off-Hook, Ring) as outputs in the same report ID.
  const desc = Uint8Array.from([
    0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, // Usage Page (Consumer), Usage (Consumer Control), Collection (Application)
    0x85, 0x01, 0x15, 0x00, 0x25, 0x01, 0x09, 0xe9, 0x09, 0xea, // Report ID 1, 0..1, Vol+, Vol−
    0x75, 0x01, 0x95, 0x02, 0x81, 0x02, 0x95, 0x06, 0x81, 0x01, // 2 × 1 bit Input (Var), 6 bits padding
    0xc0,
    0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01, // Usage Page (Telephony), Usage (Phone), Collection (Application)
    0x85, 0x02, 0x19, 0xb0, 0x29, 0xbb, 0x15, 0x01, 0x25, 0x0c, // Report ID 2, Phone Key 0..Pound, logical 1..12
    0x75, 0x04, 0x95, 0x02, 0x81, 0x00, // 2 × 4 bits Input (Data, Array)
    0x05, 0x08, 0x09, 0x17, 0x09, 0x18, 0x15, 0x00, 0x25, 0x01, // Usage Page (LED), Off-Hook, Ring, 0..1
    0x75, 0x01, 0x95, 0x02, 0x91, 0x02, 0x95, 0x06, 0x91, 0x01, // 2 × 1 bit Output (Var), 6 bits padding
    0xc0,
  ]);
  const d = parseReportDescriptor(desc);

  it('counts bit offsets per report ID and per kind', () => {
    assert.equal(d.usesReportIds, true);
    assert.deepEqual(reportIds(d, 'input'), [1, 2]);
    assert.deepEqual(reportIds(d, 'output'), [2]);
    assert.equal(field(d.fields, extendedUsage(TELEPHONY, 0xb0)).bitOffset, 0, 'report 2 input starts at bit 0');
    assert.equal(field(d.fields, extendedUsage(LED, 0x17)).bitOffset, 0, 'report 2 output starts at bit 0');
    assert.equal(reportDataLength(d, 'input', 1), 1);
    assert.equal(reportDataLength(d, 'input', 2), 1);
  });

  it('expands Usage Minimum..Maximum into twelve phone keys', () => {
    const keys = field(d.fields, extendedUsage(TELEPHONY, 0xbb));
    assert.equal(keys.usages.length, 12);
    assert.equal(keys.usages[0], extendedUsage(TELEPHONY, 0xb0));
    assert.equal(keys.flags.variable, false);
  });

  it('decodes array indices: 2 = Phone Key 1, 12 = Pound, 0 = nothing; unreported keys read 0', () => {
    const decoded = decodeReport(d, 'input', Uint8Array.from([0x02, 0xc2]));
    assert.ok(decoded);
    assert.equal(decoded.reportId, 2);
    assert.equal(decoded.values.get(extendedUsage(TELEPHONY, 0xb1)), 1);
    assert.equal(decoded.values.get(extendedUsage(TELEPHONY, 0xbb)), 1);
    assert.equal(decoded.values.get(extendedUsage(TELEPHONY, 0xb0)), 0);
    const none = decodeReport(d, 'input', Uint8Array.from([0x02, 0x00]));
    assert.ok(none);
    assert.equal([...none.values.values()].filter((v) => v !== 0).length, 0);
  });

  it('returns undefined for a report ID the descriptor does not declare', () => {
    assert.equal(decodeReport(d, 'input', Uint8Array.from([0x07, 0xff])), undefined);
  });

  it('builds output report 2 with Ring set: 02 02', () => {
    const report = buildReport(d, 'output', 2, new Map([[extendedUsage(LED, 0x18), 1]]));
    assert.deepEqual([...report], [0x02, 0x02]);
  });

  it('builds an array output report from the asserted usages', () => {
    const arrayOut = parseReportDescriptor(
      Uint8Array.from([0x05, 0x0b, 0x19, 0xb0, 0x29, 0xbb, 0x15, 0x01, 0x25, 0x0c, 0x75, 0x04, 0x95, 0x02, 0x91, 0x00]),
    );
    const report = buildReport(arrayOut, 'output', 0, new Map([[extendedUsage(TELEPHONY, 0xb3), 1]]));
    assert.deepEqual([...report], [0x00, 0x04], 'Phone Key 3 is index 4 with logical minimum 1');
  });
});

describe('item grammar details', () => {
  it('gives a Usage declared before a Usage Page the later page, as Linux does', () => {
    // Usage (7) while the page is Telephony, then Usage Page (Button), Input:
    // firmware that writes this means Button 7.
    const d = parseReportDescriptor(
      Uint8Array.from([0x05, 0x0b, 0x09, 0x07, 0x05, 0x09, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02]),
    );
    assert.deepEqual(d.fields[0]?.usages, [extendedUsage(0x09, 0x07)]);
  });

  it('keeps the page of usages declared before an earlier page was used', () => {
    const d = parseReportDescriptor(
      Uint8Array.from([
        0x05, 0x0b, 0x09, 0x20, 0x05, 0x08, 0x09, 0x17, // Telephony Hook, LED Off-Hook
        0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02,
      ]),
    );
    assert.deepEqual(d.fields[0]?.usages, [extendedUsage(TELEPHONY, 0x20), extendedUsage(LED, 0x17)]);
  });

  it('reads a 4-byte Usage as page and id together', () => {
    const d = parseReportDescriptor(
      Uint8Array.from([0x05, 0x0c, 0x0b, 0x20, 0x00, 0x0b, 0x00, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02]),
    );
    assert.deepEqual(d.fields[0]?.usages, [extendedUsage(TELEPHONY, 0x20)]);
  });

  it('restores global state with Pop', () => {
    const d = parseReportDescriptor(
      Uint8Array.from([
        0x75, 0x08, 0x95, 0x01, 0xa4, 0x75, 0x01, 0x95, 0x03, 0x81, 0x01, // Push, 3 × 1 bit
        0xb4, 0x81, 0x01, // Pop: back to 1 × 8 bits
      ]),
    );
    assert.deepEqual(
      d.fields.map((f) => [f.bitOffset, f.bitSize, f.count]),
      [
        [0, 1, 3],
        [3, 8, 1],
      ],
    );
  });

  it('reads a negative logical minimum and sign-extends the field', () => {
    const d = parseReportDescriptor(
      Uint8Array.from([0x05, 0x01, 0x09, 0x38, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x01, 0x81, 0x06]),
    );
    assert.equal(d.fields[0]?.logicalMinimum, -127);
    assert.equal(decodeReport(d, 'input', Uint8Array.from([0xfe]))?.values.get(extendedUsage(0x01, 0x38)), -2);
  });

  it('skips long items', () => {
    const d = parseReportDescriptor(
      Uint8Array.from([0xfe, 0x02, 0xf0, 0xaa, 0xbb, 0x05, 0x0b, 0x09, 0x20, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02]),
    );
    assert.deepEqual(d.fields[0]?.usages, [extendedUsage(TELEPHONY, 0x20)]);
  });

  it('rejects a truncated item, Report ID 0, an unmatched End Collection and Pop without Push', () => {
    const cases: number[][] = [[0x05], [0x85, 0x00], [0xc0], [0xb4]];
    for (const bytes of cases) {
      assert.throws(() => parseReportDescriptor(Uint8Array.from(bytes)), HidDescriptorError, `bytes ${bytes.join(' ')}`);
    }
  });
});

describe('bit access (HID 1.11 §8.4: least significant bit first)', () => {
  it('reads fields that straddle bytes', () => {
    assert.equal(readBits(Uint8Array.from([0b1100_0000, 0b0000_0010]), 6, 4), 0b1011);
  });

  it('writes and reads back, leaving neighbours alone', () => {
    const data = Uint8Array.from([0xff, 0x00]);
    writeBits(data, 6, 4, 0b0101);
    assert.deepEqual([...data], [0b0111_1111, 0b0000_0001]);
    assert.equal(readBits(data, 6, 4), 0b0101);
  });

  it('writes negative values as two’s complement', () => {
    const data = new Uint8Array(1);
    writeBits(data, 0, 8, -2);
    assert.equal(data[0], 0xfe);
  });
});
