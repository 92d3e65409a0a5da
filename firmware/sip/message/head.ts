/**
 * Splits the header section of a message into its start line and header
 * fields, working on bytes so the limits are exact and the body is never
 * decoded. RFC 3261 §7: lines end in CRLF, an empty line ends the headers,
 * and "header fields can be extended over multiple lines by preceding each
 * extra line with at least one SP or horizontal tab" (§7.3.1) — such folding
 * is replaced by a single SP. Header names may be followed by whitespace
 * before the colon (HCOLON = *( SP / HTAB ) ":" SWS).
 */
import type { HeaderField } from './headers.js';
import { isToken } from './grammar.js';
import type { MessageLimits } from './limits.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;

export interface RawHead {
  readonly startLine: string;
  readonly fields: HeaderField[];
  /** Offset of the first body byte, just after the empty line. */
  readonly bodyStart: number;
}

export type HeadResult = { ok: true; head: RawHead } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8');

/** Skips the CRLFs that may precede a start line (§7.5). */
export function skipLeadingCrlf(bytes: Uint8Array, start = 0): number {
  let i = start;
  while (bytes[i] === CR && bytes[i + 1] === LF) i += 2;
  return i;
}

/** Physical lines [start, end) up to and excluding the empty line. */
function splitLines(
  bytes: Uint8Array,
  start: number,
): { lines: Array<[number, number]>; bodyStart: number | undefined; bareLf: boolean } {
  const lines: Array<[number, number]> = [];
  let lineStart = start;
  for (let i = start; i < bytes.length; i++) {
    if (bytes[i] !== LF) continue;
    if (i === start || bytes[i - 1] !== CR) return { lines, bodyStart: undefined, bareLf: true };
    const end = i - 1;
    if (end === lineStart) return { lines, bodyStart: i + 1, bareLf: false };
    lines.push([lineStart, end]);
    lineStart = i + 1;
  }
  return { lines, bodyStart: undefined, bareLf: false };
}

function isFoldLine(bytes: Uint8Array, line: [number, number]): boolean {
  const b = bytes[line[0]];
  return b === SP || b === HT;
}

function decodeLine(bytes: Uint8Array, [s, e]: [number, number]): string {
  return decoder.decode(bytes.subarray(s, e));
}

/**
 * Reads the start line and header fields beginning at `start` (after any
 * leading CRLFs). Strict: the first fault is reported with a reason fit for
 * a 400 reason phrase. The caller checks the total message size.
 */
export function readHead(bytes: Uint8Array, start: number, limits: MessageLimits): HeadResult {
  const { lines, bodyStart, bareLf } = splitLines(bytes, start);
  if (bareLf) return { ok: false, reason: 'Bare LF in header section' };
  if (bodyStart === undefined) return { ok: false, reason: 'Missing empty line after headers' };
  const first = lines[0];
  if (first === undefined) return { ok: false, reason: 'Empty message' };
  if (first[1] - first[0] > limits.maxLineBytes) return { ok: false, reason: `Start line too long (over ${limits.maxLineBytes} bytes)` };

  const fields: HeaderField[] = [];
  for (let i = 1; i < lines.length; ) {
    const line = lines[i];
    if (isFoldLine(bytes, line)) return { ok: false, reason: 'Malformed header line (folded start line)' };
    // Gather the continuation lines of this logical header line.
    let j = i + 1;
    let logicalBytes = line[1] - line[0];
    while (j < lines.length && isFoldLine(bytes, lines[j])) {
      const cont = lines[j];
      logicalBytes += 2 + cont[1] - cont[0];
      j++;
    }
    if (logicalBytes > limits.maxLineBytes) return { ok: false, reason: `Header line too long (over ${limits.maxLineBytes} bytes)` };
    if (fields.length >= limits.maxHeaders) return { ok: false, reason: `Too many headers (over ${limits.maxHeaders})` };
    let text = decodeLine(bytes, line);
    for (let k = i + 1; k < j; k++) text += ' ' + decodeLine(bytes, lines[k]).replace(/^[ \t]+/, '');
    i = j;
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).replace(/[ \t]+$/, '');
    if (!isToken(name)) return { ok: false, reason: 'Malformed header line' };
    const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (/[\r\n]/.test(value)) return { ok: false, reason: 'Bare CR in header section' };
    fields.push({ name, value });
  }
  return { ok: true, head: { startLine: decodeLine(bytes, first), fields, bodyStart } };
}

/**
 * Best-effort reading for building a 400 after a failure: skips lines that
 * are malformed or too long, ignores the header count limit up to four
 * times over, and accepts a missing empty line. Never fails.
 */
export function readHeadLeniently(bytes: Uint8Array, start: number, limits: MessageLimits): RawHead | undefined {
  const end = Math.min(bytes.length, start + limits.maxMessageBytes);
  const lines: Array<[number, number]> = [];
  let lineStart = start;
  let bodyStart = end;
  for (let i = start; i < end; i++) {
    if (bytes[i] !== LF) continue;
    const lineEnd = i > lineStart && bytes[i - 1] === CR ? i - 1 : i;
    if (lineEnd === lineStart) {
      bodyStart = i + 1;
      break;
    }
    lines.push([lineStart, lineEnd]);
    lineStart = i + 1;
  }
  const first = lines[0];
  if (first === undefined || first[1] - first[0] > limits.maxLineBytes) return undefined;
  const fields: HeaderField[] = [];
  for (let i = 1; i < lines.length && fields.length < 4 * limits.maxHeaders; i++) {
    const line = lines[i];
    if (isFoldLine(bytes, line) || line[1] - line[0] > limits.maxLineBytes) continue;
    let text = decodeLine(bytes, line);
    while (i + 1 < lines.length && isFoldLine(bytes, lines[i + 1])) {
      i++;
      const cont = lines[i];
      if (cont[1] - cont[0] <= limits.maxLineBytes) text += ' ' + decodeLine(bytes, cont).replace(/^[ \t]+/, '');
    }
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).replace(/[ \t]+$/, '');
    const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (isToken(name) && !/[\r\n]/.test(value)) fields.push({ name, value });
  }
  return { startLine: decodeLine(bytes, first), fields, bodyStart };
}
