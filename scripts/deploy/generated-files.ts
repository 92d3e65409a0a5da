/**
 * Committed files (or parts of files) rendered from a board file, so what a
 * person reads in deploy/ is what the deploy does. A test fails when one is
 * stale; `npx tsx scripts/deploy/update-generated.ts` rewrites them.
 */
import type { BoardDescription } from '../../boards/schema.js';
import { bootConfigBlock, modulesLoadLines } from './boot-config.js';
import { wiringSection } from './wiring-table.js';

export const WIRING_BEGIN =
  '<!-- wiring-table begin: generated from boards/rpi-wm8960/board.ts by npx tsx scripts/deploy/update-generated.ts; edit the board file, not this table -->';
export const WIRING_END = '<!-- wiring-table end -->';
export const BOOT_CONFIG_BEGIN =
  '<!-- boot-config begin: generated from boards/rpi-wm8960/board.ts by npx tsx scripts/deploy/update-generated.ts -->';
export const BOOT_CONFIG_END = '<!-- boot-config end -->';

export class GeneratedFileError extends Error {
  override readonly name = 'GeneratedFileError';
}

/** Replaces what stands between two marker lines (markers kept). */
export function replaceBetweenMarkers(text: string, begin: string, end: string, content: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start + begin.length);
  if (start < 0 || stop < 0) throw new GeneratedFileError(`the markers ${begin.slice(0, 30)}… and ${end} are missing`);
  return `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`;
}

export interface GeneratedFile {
  /** Relative to the repository. */
  readonly path: string;
  /** The file as it should be, given what is there now (undefined: not there). */
  render(current: string | undefined): string;
}

export function generatedFiles(board: BoardDescription): GeneratedFile[] {
  return [
    {
      path: 'README.md',
      render: (current) => {
        if (current === undefined) throw new GeneratedFileError('README.md is missing');
        const withTable = replaceBetweenMarkers(current, WIRING_BEGIN, WIRING_END, wiringSection(board));
        // Indented: a Markdown code block, as the rest of the page shows file contents.
        const block = bootConfigBlock(board).map((line) => `    ${line}`).join('\n');
        return replaceBetweenMarkers(withTable, BOOT_CONFIG_BEGIN, BOOT_CONFIG_END, `\n${block}\n`);
      },
    },
    {
      // The block npm run deploy writes into config.txt, for a Pi set up by hand.
      path: 'deploy/boot-config.txt',
      render: () => `${bootConfigBlock(board).join('\n')}\n`,
    },
    {
      path: 'deploy/modules-load.conf',
      render: () => `${modulesLoadLines(board).join('\n')}\n`,
    },
  ];
}
