/**
 * File operations that survive a power cut, for the store (store.ts).
 *
 * A file rewritten in place can be found half-written after a power cut. The
 * classic remedy, which this file implements, is to write the new contents to
 * a temporary file in the same directory, fsync it so its data is on the
 * medium, rename it over the target (rename(2) replaces the name atomically:
 * a reader sees the old file or the new one, never a mix), and fsync the
 * directory so the rename itself — a change to the directory — is on the
 * medium too. Without the last step, ext4 and others may come back after a
 * crash with the old name, or with no name at all. (See the Linux fsync(2)
 * page: "Calling fsync() does not necessarily ensure that the entry in the
 * directory containing the file has also reached disk. For that an explicit
 * fsync() on a file descriptor for the directory is also needed.")
 */
import { open, rename, unlink } from 'node:fs/promises';

/** Passwords live in these files: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

/** Writes `data` to `path` (created or truncated) and fsyncs it before returning. */
export async function writeAndSync(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes the directory's entries (renames, creations, removals) durable.
 * Some platforms refuse fsync on a directory (Windows; some FUSE file
 * systems): there the rename is as durable as the platform makes it, and
 * refusing to save would help no one.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (e) {
    if (['EISDIR', 'EPERM', 'EACCES'].includes(errorCode(e) ?? '')) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!['EINVAL', 'ENOTSUP', 'EBADF', 'EPERM', 'EISDIR'].includes(errorCode(e) ?? '')) throw e;
  } finally {
    await handle.close();
  }
}

/** rename(2), then the directory synced: `to` is `from`'s contents, durably. */
export async function renameDurably(from: string, to: string, dir: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dir);
}

/** Removes a file; a file that is not there is already removed. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return false;
    throw e;
  }
}

export function isMissingFileError(e: unknown): boolean {
  return errorCode(e) === 'ENOENT';
}
