/**
 * Where the console listens, from `--console <spec>`:
 *   stdio | tcp:HOST:PORT | tcp:PORT | serial:PATH[@BAUD] | none
 */
export type ConsoleSpec =
  | { readonly kind: 'stdio' }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'serial'; readonly path: string; readonly baud: number }
  | { readonly kind: 'none' };

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const DEFAULT_BAUD = 115200;

export function parseConsoleSpec(text: string): ParseResult<ConsoleSpec> {
  const spec = text.trim();
  if (spec === 'stdio' || spec === 'none') return { ok: true, value: { kind: spec } };
  if (spec.startsWith('tcp:')) {
    const rest = spec.slice(4);
    const colon = rest.lastIndexOf(':');
    const host = colon >= 0 ? rest.slice(0, colon) : '127.0.0.1';
    const portText = colon >= 0 ? rest.slice(colon + 1) : rest;
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      return { ok: false, error: `--console ${spec}: "${portText}" is not a TCP port (0..65535)` };
    }
    return { ok: true, value: { kind: 'tcp', host: host.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1', port } };
  }
  if (spec.startsWith('serial:')) {
    const [path, baudText] = spec.slice(7).split('@');
    const baud = baudText === undefined ? DEFAULT_BAUD : Number(baudText);
    if (!path) return { ok: false, error: `--console ${spec}: no device path (e.g. serial:/dev/ttyS0)` };
    if (!Number.isInteger(baud) || baud <= 0) return { ok: false, error: `--console ${spec}: "${baudText}" is not a baud rate` };
    return { ok: true, value: { kind: 'serial', path, baud } };
  }
  return { ok: false, error: `--console ${spec}: expected stdio, tcp:HOST:PORT, serial:PATH[@BAUD] or none` };
}
