/**
 * Prints the settings reference (Markdown) rendered from firmware/config/schema.ts,
 * for the README: `npx tsx scripts/config-doc.ts`.
 */
import { renderConfigDoc } from '../firmware/config/doc.js';

process.stdout.write(renderConfigDoc());
