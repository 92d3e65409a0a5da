/**
 * Builds one real release into a temporary folder (tsc over the whole build,
 * about 10–20 s on a shared two-core machine) and checks what is in it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnRunner, type CommandRunner } from '../../scripts/deploy/command-runner.js';
import { buildRelease, packageVersion, ReleaseError, type ReleaseArtifact } from '../../scripts/deploy/release-package.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = spawnRunner();

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

describe('npm run release', () => {
  let work = '';
  let release: ReleaseArtifact;
  let entries: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'deskphone-release-test-'));
    release = await buildRelease({ root, outDir: join(work, 'release'), runner: run });
    const listed = await run('tar', ['-tzf', release.tarball]);
    assert.equal(listed.code, 0, listed.stderr);
    entries = listed.stdout.split('\n').filter((e) => e !== '');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('is named after package.json\'s version', async () => {
    const version = await packageVersion(root);
    assert.equal(release.name, `deskphone-${version}`);
    assert.equal(release.tarball, join(work, 'release', `deskphone-${version}.tar.gz`));
  });

  it('holds the compiled firmware, the command, the package files and the deploy files', () => {
    for (const wanted of [
      'dist/firmware/main.js',
      'dist/firmware/watchdog.js',
      'dist/boards/rpi-wm8960/board.js',
      'dist/drivers/linux/gpio.js',
      'bin/deskphone.js',
      'package.json',
      'package-lock.json',
      'deploy/deskphone.service',
      'deploy/boot-config.txt',
      'deploy/modules-load.conf',
      'README.md',
    ]) {
      assert.ok(entries.includes(`${release.name}/${wanted}`), `${wanted} missing`);
    }
  });

  it('holds every web UI static file', async () => {
    const statics = await filesUnder(join(root, 'firmware', 'web', 'static'));
    assert.ok(statics.includes('firmware/web/static/index.html'));
    for (const file of statics) assert.ok(entries.includes(`${release.name}/${file}`), `${file} missing`);
  });

  it('leaves out the tests, the TypeScript sources and node_modules', () => {
    const inside = entries.map((e) => e.slice(release.name.length + 1));
    assert.deepEqual(inside.filter((e) => e.startsWith('test/') || e.includes('node_modules/') || e.startsWith('dist/test/')), []);
    assert.deepEqual(inside.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts')), []);
  });

  it('has a sha256sum-style checksum file beside it that matches', async () => {
    const hash = createHash('sha256').update(await readFile(release.tarball)).digest('hex');
    assert.equal(release.sha256, hash);
    assert.equal(release.checksumFile, `${release.tarball}.sha256`);
    assert.equal(await readFile(release.checksumFile, 'utf8'), `${hash}  ${release.name}.tar.gz\n`);
  });

  it('unpacked, lets the compiled web server find its static files', async () => {
    const unpacked = join(work, 'unpacked');
    const made = await run('sh', ['-c', `mkdir -p "$0" && tar -xzf "$1" -C "$0" --strip-components=1`, unpacked, release.tarball]);
    assert.equal(made.code, 0, made.stderr);
    const module: unknown = await import(pathToFileURL(join(unpacked, 'dist', 'firmware', 'web', 'static-files.js')).href);
    assert.ok(typeof module === 'object' && module !== null && 'findStaticDir' in module && typeof module.findStaticDir === 'function');
    const found: unknown = await (module.findStaticDir as () => Promise<unknown>)();
    assert.equal(found, join(unpacked, 'firmware', 'web', 'static') + sep);
  });
});

describe('a release that cannot be built', () => {
  it('stops with the compiler\'s complaint and leaves no archive', async () => {
    const work = await mkdtemp(join(tmpdir(), 'deskphone-release-fail-'));
    try {
      const failingTsc: CommandRunner = (command) =>
        Promise.resolve(
          command === process.execPath
            ? { code: 2, stdout: "firmware/main.ts(1,1): error TS1005: ';' expected.\n", stderr: '' }
            : { code: 0, stdout: '', stderr: '' },
        );
      await assert.rejects(
        buildRelease({ root, outDir: join(work, 'release'), runner: failingTsc }),
        (e: unknown) => e instanceof ReleaseError && /the build failed[^]*TS1005/.test(e.message),
      );
      assert.deepEqual(await readdir(work), []);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
