#!/usr/bin/env node
// The `deskphone` command: runs the compiled phone from dist/ when it has been
// built (`npm run build`), else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/firmware/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../firmware/main.ts', import.meta.url).href);
}
