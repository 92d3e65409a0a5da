/**
 * Whether the phone can read a request body (RFC 3261 §8.2.3): its media
 * type against the Accept list, and for multipart/mixed (RFC 2046 §5.1.3)
 * whether one of the parts is the SDP the phone needs.
 */
import { mediaTypeName, parseMediaType } from '../message/index.js';
import type { MediaType } from '../message/index.js';

const dec = new TextDecoder('latin1');

/**
 * The Content-Type of each part of a multipart body (RFC 2046 §5.1.1): parts
 * are delimited by lines "--boundary", the last by "--boundary--"; each part
 * starts with header lines up to an empty line. Bare LF is tolerated (RFC
 * 4475 §3.1.1.11 mpart01 carries one). A part without a Content-Type is
 * text/plain (RFC 2046 §5.1). Unreadable types are left out.
 */
export function multipartPartTypes(body: Uint8Array, boundary: string): MediaType[] {
  const delimiter = `--${boundary}`;
  const partHeaders: string[][] = [];
  let current: string[] | undefined;
  let inHeaders = false;
  for (const line of dec.decode(body).split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current !== undefined) partHeaders.push(current);
      if (trimmed !== delimiter) return partHeaders.flatMap(partType);
      current = [];
      inHeaders = true;
    } else if (current !== undefined && inHeaders) {
      if (trimmed === '') inHeaders = false;
      else current.push(line);
    }
  }
  if (current !== undefined) partHeaders.push(current);
  return partHeaders.flatMap(partType);
}

function partType(headers: readonly string[]): MediaType[] {
  for (const line of headers) {
    const m = /^content-type[ \t]*:(.*)$/i.exec(line);
    if (m?.[1] === undefined) continue;
    try {
      return [parseMediaType(m[1])];
    } catch {
      return [];
    }
  }
  return [parseMediaType('text/plain')];
}

/**
 * The body is one the phone understands: its type is in `accept` and, for
 * multipart/mixed, one part is application/sdp.
 */
export function bodyIsUnderstood(type: MediaType, body: Uint8Array, accept: readonly string[]): boolean {
  const name = mediaTypeName(type);
  if (!accept.includes(name)) return false;
  if (name !== 'multipart/mixed') return true;
  const boundary = type.params.get('boundary');
  if (boundary === undefined || boundary === null || boundary === '') return false;
  return multipartPartTypes(body, boundary).some((part) => mediaTypeName(part) === 'application/sdp');
}
