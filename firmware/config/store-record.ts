/**
 * The bytes of one stored file: the body, then a trailer line that says which
 * write it was and lets a reader prove the body is whole.
 *
 *   <body>
 *   #deskphone-store:1 generation=42 bytes=1234 sha256=<64 hex digits>
 *
 * The trailer is the last line and starts with "#", so a stored local.cfg is
 * still a Yealink .cfg file (the trailer reads as a comment) that a person can
 * `cat` or copy to another phone. The SHA-256 covers the body and the trailer
 * up to " sha256=", so a file cut short anywhere (torn write, a flash page
 * that never made it), a flipped byte, or a hand edit is detected when the
 * phone starts, and the store falls back to the previous good file.
 *
 * `generation` counts the writes of one file: of two good copies (the file and
 * its backup) the higher generation is the newer.
 */
import { createHash } from 'node:crypto';

const MAGIC = '#deskphone-store:1';
const TRAILER = /^#deskphone-store:1 generation=(\d{1,15}) bytes=(\d{1,15}) sha256=([0-9a-f]{64})$/;

export interface StoreRecord {
  readonly generation: number;
  readonly body: Uint8Array;
}

export type RecordDecode =
  | { readonly ok: true; readonly record: StoreRecord }
  | { readonly ok: false; readonly reason: string };

function digest(body: Uint8Array, prefix: string): string {
  return createHash('sha256').update(body).update(prefix, 'utf8').digest('hex');
}

function trailerPrefix(generation: number, bytes: number): string {
  return `${MAGIC} generation=${generation} bytes=${bytes}`;
}

export function encodeRecord(record: StoreRecord): Uint8Array {
  const { body, generation } = record;
  if (!Number.isSafeInteger(generation) || generation < 0) throw new RangeError(`bad generation ${generation}`);
  const prefix = trailerPrefix(generation, body.length);
  const needsBreak = body.length > 0 && body[body.length - 1] !== 0x0a;
  const trailer = `${needsBreak ? '\n' : ''}${prefix} sha256=${digest(body, prefix)}\n`;
  return Buffer.concat([body, Buffer.from(trailer, 'utf8')]);
}

/** Reads a stored file back; every way it can be damaged is a refusal with a reason. */
export function decodeRecord(file: Uint8Array): RecordDecode {
  const refuse = (reason: string): RecordDecode => ({ ok: false, reason });
  if (file.length === 0) return refuse('the file is empty (a write that never reached the disk)');
  if (file[file.length - 1] !== 0x0a) return refuse('the file does not end with its trailer line (cut short)');
  const lastBreak = file.lastIndexOf(0x0a, file.length - 2);
  const trailerStart = lastBreak + 1;
  const trailer = Buffer.from(file.subarray(trailerStart, file.length - 1)).toString('latin1');
  if (!trailer.startsWith(MAGIC)) return refuse('no store trailer on the last line (cut short, or not written by the store)');
  const m = TRAILER.exec(trailer);
  if (m === null) return refuse('the store trailer is malformed');
  const generation = Number(m[1]);
  const bytes = Number(m[2]);
  // The body is followed by the trailer directly, or by the line break encodeRecord added.
  const bodyEnd = bytes === trailerStart || bytes === trailerStart - 1 ? bytes : -1;
  if (bodyEnd < 0) return refuse(`the body is ${trailerStart} bytes, the trailer says ${bytes} (cut short or edited)`);
  const body = file.subarray(0, bodyEnd);
  if (bodyEnd === trailerStart - 1 && (bytes === 0 || body[bodyEnd - 1] === 0x0a)) {
    return refuse('unexpected line break before the trailer (edited)');
  }
  if (digest(body, trailerPrefix(generation, bytes)) !== m[3]) {
    return refuse('the checksum does not match the contents (a torn write, a corrupted medium, or a hand edit)');
  }
  return { ok: true, record: { generation, body } };
}
