/**
 * Reading requests and writing answers, with the limits a small device needs:
 * a body larger than the route allows is refused (413) before it is buffered
 * whole, and a body that is not the declared kind is refused (415).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown by handlers; the app turns it into a JSON error answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Extra fields of the JSON answer (validation errors per key …). */
    readonly body: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const JSON_BODY_LIMIT = 64 * 1024;
/** A .cfg or phonebook file, wrapped in JSON. */
export const FILE_BODY_LIMIT = 1024 * 1024;

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new HttpError(413, `the request body is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `the request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'the request body is not UTF-8 text'));
      }
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

/**
 * A JSON object body. Requiring `application/json` also keeps cross-site
 * HTML forms out: a form can only send urlencoded, multipart or text/plain
 * bodies, and a script on another origin cannot send this type without a
 * CORS preflight this server never grants.
 */
export async function readJsonObject(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'the request body must be application/json');
  const text = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string') throw new HttpError(400, `"${name}" must be a string`);
  return v;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** A file the browser saves rather than shows. */
export function sendDownload(res: ServerResponse, filename: string, contentType: string, body: string | Uint8Array): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': bytes.byteLength,
    // RFC 6266 §4.1; filenames here are ASCII built by this code.
    'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  });
  res.end(bytes);
}
