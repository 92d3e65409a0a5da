/**
 * npm run release: release/deskphone-<version>.tar.gz and its .sha256, the
 * compiled firmware ready for npm ci --omit=dev on a Pi (layout in
 * scripts/deploy/release-package.ts). npm run deploy builds the same archive.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRunner } from './deploy/command-runner.js';
import { buildRelease, ReleaseError } from './deploy/release-package.js';

const root = fileURLToPath(new URL('../', import.meta.url));

try {
  const release = await buildRelease({ root, outDir: join(root, 'release'), runner: spawnRunner() });
  console.log(release.tarball);
  console.log(`${release.checksumFile}: ${release.sha256}`);
} catch (e) {
  if (!(e instanceof ReleaseError)) throw e;
  console.error(`release: ${e.message}`);
  process.exitCode = 1;
}
