import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRunner } from '../../scripts/deploy/command-runner.js';
import { parsePreflight, preflightScript } from '../../scripts/deploy/preflight.js';
import { loadCheckScript, replaceFileScript, rollbackScript, switchReleaseScript } from '../../scripts/deploy/remote-scripts.js';

/** The scripts run here with a real sh, as they would on the Pi (without sudo). */
const run = spawnRunner();
const sh = (script: string, input?: string) => run('sh', ['-c', script], { input });
const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('the release switch and rollback, run by sh in a temporary /opt/deskphone', () => {
  let base = '';
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'deskphone-switch-'));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const release = (id: string) => mkdir(join(base, 'releases', id), { recursive: true });
  const link = (name: string) => readlink(join(base, name)).catch(() => undefined);

  it('points current at the first release, with no previous yet', async () => {
    await release('a');
    const r = await sh(switchReleaseScript(base, 'a'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await link('current'), 'releases/a');
    assert.equal(await link('previous'), undefined);
  });

  it('keeps the old current as previous and removes releases neither points at', async () => {
    await release('b');
    await release('half-deployed');
    assert.equal((await sh(switchReleaseScript(base, 'b'))).code, 0);
    assert.equal(await link('current'), 'releases/b');
    assert.equal(await link('previous'), 'releases/a');
    await release('c');
    assert.equal((await sh(switchReleaseScript(base, 'c'))).code, 0);
    assert.equal(await link('current'), 'releases/c');
    assert.equal(await link('previous'), 'releases/b');
    assert.deepEqual((await readdir(join(base, 'releases'))).sort(), ['b', 'c']);
    assert.deepEqual((await readdir(base)).sort(), ['current', 'previous', 'releases'], 'no *.new links left');
  });

  it('rolls back by swapping current and previous, and forward again', async () => {
    const back = await sh(rollbackScript(base));
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout.trim(), 'releases/b');
    assert.equal(await link('current'), 'releases/b');
    assert.equal(await link('previous'), 'releases/c');
    assert.equal((await sh(rollbackScript(base))).code, 0);
    assert.equal(await link('current'), 'releases/c');
  });

  it('refuses to roll back without a previous release', async () => {
    const empty = join(base, 'empty');
    await mkdir(empty);
    const r = await sh(rollbackScript(empty));
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no previous release/);
  });
});

describe('other Pi-side scripts, run by sh here', () => {
  it('replaces a file from stdin and keeps the old one as .deskphone-bak', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-replace-'));
    try {
      const file = join(dir, 'config.txt');
      await writeFile(file, 'old\n');
      const r = await sh(replaceFileScript(file), 'new\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await readFile(file, 'utf8'), 'new\n');
      assert.equal(await readFile(`${file}.deskphone-bak`, 'utf8'), 'old\n');
      assert.deepEqual((await readdir(dir)).sort(), ['config.txt', 'config.txt.deskphone-bak']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checks that packages load, naming the ones that do not', async () => {
    const good = await run('sh', ['-c', `cd ${repo} && ${loadCheckScript(process.execPath, ['sdp-transform'])}`]);
    assert.equal(good.code, 0, good.stderr);
    const bad = await run('sh', ['-c', `cd ${repo} && ${loadCheckScript(process.execPath, ['sdp-transform', 'no-such-package-here'])}`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^no-such-package-here: Cannot find module/m);
    assert.doesNotMatch(bad.stderr, /sdp-transform/);
  });

  it('runs the preflight probe and reads its answers', async () => {
    const r = await sh(preflightScript(process.execPath));
    assert.equal(r.code, 0, r.stderr);
    const report = parsePreflight(r.stdout);
    assert.equal(report.node, process.version);
    assert.ok(report.arch);
    assert.ok(!report.missingTools.includes('tar'));
  });
});
