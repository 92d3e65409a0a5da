/**
 * The release: release/deskphone-<version>.tar.gz and a .sha256 beside it.
 *
 *   deskphone-<version>/
 *     dist/                  the compiled firmware, drivers and boards (tsconfig.build.json)
 *     bin/deskphone.js       the command; it runs dist/firmware/main.js when present
 *     firmware/web/static/   the web UI's plain files: dist/firmware/web/static-files.js
 *                            looks beside itself, then in ../../../firmware/web/static/,
 *                            which from dist/firmware/web/ is exactly this folder
 *     deploy/                the systemd unit template, boot-config snippets
 *     package.json, package-lock.json    for npm ci --omit=dev on the Pi; README.md with the first-flash procedure
 *
 * The build goes into a fresh staging folder (tsc --outDir), never into the
 * working tree's dist/, so files left there by sources since deleted cannot
 * ship. The archive is written by the system tar rather than a tar writer of
 * our own: it is on every machine that builds (and on the Pi, which unpacks
 * with the same tool), keeps file modes, and handles names longer than
 * ustar's 100-byte field (with the top folder, dist/ paths reach 87 today).
 * tsc and tar run through the injected CommandRunner.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { lastLines, type CommandRunner } from './command-runner.js';

export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

/** Copied from the repository as they are (besides the compiled dist/). */
export const RELEASE_FILES: readonly string[] = ['package.json', 'package-lock.json', 'README.md', 'bin/deskphone.js', 'firmware/web/static', 'deploy'];

/** Must be in every release, or the Pi cannot run it. */
export const RELEASE_REQUIRED_ENTRIES: readonly string[] = [
  'dist/firmware/main.js',
  'dist/firmware/web/static-files.js',
  'bin/deskphone.js',
  'firmware/web/static/index.html',
  'deploy/deskphone.service',
  'package.json',
  'package-lock.json',
];

export interface ReleaseArtifact {
  readonly version: string;
  /** "deskphone-0.1.0": the archive's top folder and file name stem. */
  readonly name: string;
  readonly tarball: string;
  readonly checksumFile: string;
  readonly sha256: string;
}

export interface ReleaseOptions {
  /** The repository. */
  readonly root: string;
  /** Where the .tar.gz and .sha256 go (created). */
  readonly outDir: string;
  readonly runner: CommandRunner;
}

export async function packageVersion(root: string): Promise<string> {
  const pkg: unknown = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(version)) {
    throw new ReleaseError(`package.json has no usable version (got ${JSON.stringify(version)})`);
  }
  return version;
}

/** `sha256sum` output format, so `sha256sum -c deskphone-x.tar.gz.sha256` checks it. */
export function checksumLine(sha256: string, fileName: string): string {
  return `${sha256}  ${fileName}\n`;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function buildRelease(options: ReleaseOptions): Promise<ReleaseArtifact> {
  const { root, outDir, runner } = options;
  const version = await packageVersion(root);
  const name = `deskphone-${version}`;
  const staging = await mkdtemp(join(tmpdir(), 'deskphone-release-'));
  try {
    const top = join(staging, name);
    await mkdir(top);

    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) throw new ReleaseError(`${tsc} is missing: run npm ci first`);
    const build = await runner(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(top, 'dist')], { cwd: root });
    if (build.code !== 0) throw new ReleaseError(`the build failed (tsc -p tsconfig.build.json):\n${lastLines(`${build.stdout}\n${build.stderr}`, 25)}`);

    for (const entry of RELEASE_FILES) {
      const from = join(root, entry);
      if (!existsSync(from)) throw new ReleaseError(`${entry} is missing from the repository`);
      await cp(from, join(top, entry), { recursive: true });
    }
    for (const entry of RELEASE_REQUIRED_ENTRIES) {
      if (!existsSync(join(top, entry))) throw new ReleaseError(`the release would lack ${entry}`);
    }

    await mkdir(outDir, { recursive: true });
    const tarball = join(outDir, `${name}.tar.gz`);
    // COPYFILE_DISABLE keeps macOS's tar from adding ._* resource-fork files.
    const tar = await runner('tar', ['-czf', tarball, '-C', staging, name], { env: { COPYFILE_DISABLE: '1' } });
    if (tar.code !== 0) throw new ReleaseError(`tar failed: ${lastLines(tar.stderr, 5)}`);

    const sha256 = await sha256Of(tarball);
    const checksumFile = `${tarball}.sha256`;
    await writeFile(checksumFile, checksumLine(sha256, basename(tarball)));
    return { version, name, tarball, checksumFile, sha256 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
