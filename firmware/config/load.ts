/**
 * Reading a configuration file from disk. Whatever goes wrong, the error
 * names the file and says what happened in words (not just ENOENT), because
 * it is usually the first thing a user sees when `--config` is mistyped.
 * Contents are decoded as strict UTF-8; a byte order mark and CRLF line ends
 * are fine (cfg-parser drops them), as Windows editors write both.
 */
import { readFile } from 'node:fs/promises';
import { parseCfg, type ParsedCfg } from './cfg-parser.js';

export type ConfigFileProblem = 'missing' | 'not-a-file' | 'permission' | 'encoding' | 'unreadable';

export class ConfigFileError extends Error {
  readonly path: string;
  readonly problem: ConfigFileProblem;

  constructor(path: string, problem: ConfigFileProblem, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'ConfigFileError';
    this.path = path;
    this.problem = problem;
  }
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

function readFailure(path: string, e: unknown): ConfigFileError {
  const code = errorCode(e);
  switch (code) {
    case 'ENOENT':
      return new ConfigFileError(path, 'missing', 'cannot read the configuration file: no such file', { cause: e });
    case 'EISDIR':
      return new ConfigFileError(path, 'not-a-file', 'cannot read the configuration file: it is a directory', { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new ConfigFileError(path, 'permission', 'cannot read the configuration file: permission denied', { cause: e });
    default: {
      const why = e instanceof Error ? e.message : String(e);
      return new ConfigFileError(path, 'unreadable', `cannot read the configuration file: ${why}`, { cause: e });
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strictly; on a bad sequence, names the line it is on. */
export function decodeConfigBytes(path: string, bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          utf8.decode(bytes.subarray(start, i));
        } catch {
          break;
        }
        line++;
        start = i + 1;
      }
    }
    throw new ConfigFileError(path, 'encoding', `line ${line} is not valid UTF-8 text`, { cause: e });
  }
}

/** The file's text, BOM and line ends left for the parser. Rejects with ConfigFileError. */
export async function readConfigText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw readFailure(path, e);
  }
  return decodeConfigBytes(path, bytes);
}

/** Reads and parses a file; diagnostics name it as `path`. */
export async function loadConfigFile(path: string): Promise<ParsedCfg> {
  return parseCfg(await readConfigText(path), path);
}
