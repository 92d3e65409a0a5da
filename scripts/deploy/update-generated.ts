/**
 * Rewrites the generated parts of deploy/ from boards/rpi-wm8960/board.ts:
 *   npx tsx scripts/deploy/update-generated.ts           rewrite what is stale
 *   npx tsx scripts/deploy/update-generated.ts --check   exit 1 if anything is stale
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBoard } from '../../boards/index.js';
import { generatedFiles } from './generated-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const check = process.argv.includes('--check');
const known = findBoard('rpi-wm8960');
if (!known) throw new Error('board rpi-wm8960 is not registered in boards/index.ts');

let stale = 0;
for (const file of generatedFiles(known.description)) {
  const path = join(root, file.path);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  const wanted = file.render(current);
  if (wanted === current) continue;
  stale++;
  if (check) {
    console.error(`${file.path} is stale`);
  } else {
    await writeFile(path, wanted);
    console.log(`wrote ${file.path}`);
  }
}
if (check && stale > 0) process.exit(1);
if (stale === 0) console.log('generated files are up to date');
