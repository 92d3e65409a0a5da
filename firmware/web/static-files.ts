/**
 * The UI's pages, scripts and styles: plain files in ./static/, read into
 * memory at start and served from that table only, so no request path is
 * ever joined onto a directory (nothing to traverse out of).
 *
 * The folder is found next to this module — firmware/web/static/ when run
 * from sources with tsx. A compiled build (dist/firmware/web/) has no copy
 * unless the build puts one there, so the sources' folder is tried second.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Where to look, first found wins: beside this module, then the sources from dist/firmware/web/. */
export const STATIC_DIR_CANDIDATES: readonly string[] = [
  fileURLToPath(new URL('./static/', import.meta.url)),
  fileURLToPath(new URL('../../../firmware/web/static/', import.meta.url)),
];

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function findStaticDir(candidates: readonly string[] = STATIC_DIR_CANDIDATES): Promise<string> {
  for (const dir of candidates) if (await isDirectory(dir)) return dir;
  throw new Error(`the web UI's static files are missing (looked in ${candidates.join(', ')})`);
}

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

export class StaticFiles {
  private constructor(private readonly files: ReadonlyMap<string, StaticFile>) {}

  static async load(dir?: string): Promise<StaticFiles> {
    const root = dir ?? (await findStaticDir());
    const files = new Map<string, StaticFile>();
    for (const path of await listFiles(root)) {
      const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
      if (contentType === undefined) continue;
      const urlPath = `/${relative(root, path).split(sep).join('/')}`;
      files.set(urlPath, { body: await readFile(path), contentType });
    }
    if (!files.has('/index.html')) throw new Error(`${root} has no index.html`);
    return new StaticFiles(files);
  }

  /** The file for a URL path ("/" is index.html); undefined for anything else. */
  get(urlPath: string): StaticFile | undefined {
    return this.files.get(urlPath === '/' ? '/index.html' : urlPath);
  }
}
