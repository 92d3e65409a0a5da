/**
 * Where the transport reports what it drops or distrusts. Injected so the
 * phone can route it to its log and tests can assert on it; the default
 * writes one line per event to console.warn.
 */
export interface TransportLogger {
  warn(line: string): void;
}

export const consoleLogger: TransportLogger = {
  warn: (line) => console.warn(line),
};

const MAX_SUMMARY = 72;

/**
 * The first line of a datagram or frame, printable and short, so a log line
 * says what was dropped without dumping (possibly binary) bytes.
 */
export function firstLineSummary(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && end < MAX_SUMMARY && bytes[end] !== 0x0d && bytes[end] !== 0x0a) end++;
  let out = '';
  for (let i = 0; i < end; i++) {
    const b = bytes[i] ?? 0;
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return end < bytes.length && end === MAX_SUMMARY ? `${out}…` : out;
}
