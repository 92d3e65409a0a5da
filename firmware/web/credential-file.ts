/**
 * The admin record in a file of the data directory, readable by the phone's
 * user only, replaced atomically (write a temporary file, fsync, rename) so
 * a power cut leaves either the old record or the new one.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CredentialStore } from './admin-credentials.js';

export class FileCredentialStore implements CredentialStore {
  constructor(private readonly path: string) {}

  async read(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (e) {
      if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async write(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
  }
}
