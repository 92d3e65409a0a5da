/**
 * The `a=fmtp` parameter string (RFC 4566 §6: format-specific parameters,
 * conventionally `name=value` pairs separated by `;`, RFC 4855 §3 / RFC 7587
 * §7). Names compare without case; a pair without `=` is a flag with value ''.
 */
export function parseFmtp(fmtp: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  if (fmtp === undefined) return params;
  for (const part of fmtp.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (name !== '') params.set(name, value);
  }
  return params;
}

/** An integer parameter, or undefined when absent or not a whole number. */
export function fmtpInteger(params: ReadonlyMap<string, string>, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** A 0/1 flag parameter (RFC 7587 style), or undefined when absent or neither. */
export function fmtpFlag(params: ReadonlyMap<string, string>, name: string): boolean | undefined {
  const v = params.get(name);
  return v === '1' ? true : v === '0' ? false : undefined;
}
