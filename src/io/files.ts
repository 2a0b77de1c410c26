// Atomic file output: every file is written under a temporary name in its own directory and
// renamed into place when complete, so an interrupted run leaves no partial output.
import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KquantError } from '../core/errors.js';
import { reason } from './read.js';

/** Temporary files being written now; removed by `removeTemporaryFiles` on an interrupt. */
const pending = new Set<string>();

/** Prefix of every temporary file kquant writes (tests look for strays by it). */
export const TEMPORARY_PREFIX = '.kquant-tmp-';

export interface WriteOptions {
  /** Replace an existing file (optional, default false). */
  force?: boolean;
}

/** Writes `bytes` to `path` atomically; without `force` an existing file is left alone and an error raised. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  const directory = dirname(path);
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new KquantError('OUTPUT', `${path}: cannot create the folder ${directory} (${reason(error)})`, { cause: error });
  }
  const temporary = join(directory, `${TEMPORARY_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}-${basename(path)}`);
  pending.add(temporary);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    if (options.force) {
      await rename(temporary, path);
    } else {
      // link() fails if the target exists: no check-then-write race with another writer.
      await link(temporary, path);
      await rm(temporary, { force: true });
    }
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KquantError('OUTPUT', `${path}: already exists; use --force to replace it`);
    const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'not writable' : reason(error);
    throw new KquantError('OUTPUT', `${path}: cannot write (${why})`, { cause: error });
  } finally {
    pending.delete(temporary);
  }
}

/** Folders where worker threads of this process may be writing; swept by `removeTemporaryFiles`. */
const watchedFolders = new Set<string>();

/** Registers a folder whose `.kquant-tmp-<pid>-` files an interrupt must remove (worker threads keep their own `pending`). */
export function watchFolder(folder: string): void {
  watchedFolders.add(folder);
}

/** Removes the temporary files of writes under way (synchronously: for signal handlers). */
export function removeTemporaryFiles(): void {
  const mine = `${TEMPORARY_PREFIX}${process.pid}-`;
  for (const folder of watchedFolders) {
    try {
      for (const name of readdirSync(folder)) if (name.startsWith(mine)) pending.add(join(folder, name));
    } catch {
      // the folder was never made
    }
  }
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // already renamed or never created
    }
  }
  pending.clear();
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
