// Atomic file output: every file is written under a temporary name in its own directory and
// renamed into place when complete, so an interrupted run leaves no partial output.
import { link, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KquantError } from '../core/errors.js';
import { reason } from './read.js';
import { passStopGate } from './stop-gate.js';

/** Temporary files being written now; removed by `removeTemporaryFiles` on an interrupt. */
const pending = new Set<string>();

/** Temporary files named by this thread so far (with the process id and a random number, a name no other writer picks). */
let named = 0;

/** Prefix of every temporary file kquant writes (tests look for strays by it). */
export const TEMPORARY_PREFIX = '.kquant-tmp-';

export interface WriteOptions {
  /** Replace an existing file (optional, default false). */
  force?: boolean;
}

/**
 * Whether `path` names one of this process's open files rather than a file (/dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N): written into, at its end, never checked for existing,
 * never renamed over (as root, renaming over /dev/stdout would replace it for the whole system).
 */
export function isStreamPath(path: string): boolean {
  return /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/.test(resolve(path));
}

/** Writes `bytes` to `path` atomically; without `force` an existing file is left alone and an error raised. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  // Written in place, not renamed over: one of this process's open files (at its end), or a device
  // or a pipe (a FIFO, /dev/null by another name). Renaming a file over it would replace it (as
  // root, even a device node), and there is no file to keep whole.
  const stream = isStreamPath(path);
  const existing = stream ? undefined : await stat(path).catch(() => undefined);
  if (stream || (existing && !existing.isFile() && !existing.isDirectory())) {
    try {
      await writeFile(path, bytes, { flag: stream ? 'a' : 'w' });
      return;
    } catch (error) {
      throw new KquantError('OUTPUT', `${path}: cannot write (${whyNot(error)})`, { cause: error });
    }
  }
  const directory = dirname(path);
  try {
    await makeFolder(directory);
  } catch (error) {
    throw new KquantError('OUTPUT', `${path}: cannot create the folder ${directory} (${whyNot(error)})`, { cause: error });
  }
  // Math.random, not node:crypto: loading crypto took 3.5 ms of every run, for a name that only
  // has to differ from other writers' (and `wx` below refuses one that does not).
  const unique = `${process.pid}-${(named++).toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(16)}`;
  // The name's start only: the prefix and the unique part must not push a long name (up to 255
  // bytes) over the limit.
  const temporary = join(directory, `${TEMPORARY_PREFIX}${unique}-${basename(path).slice(0, 64)}`);
  pending.add(temporary);
  try {
    // Through the stop gate: once a stopping run has swept, no temporary file appears.
    const file = await passStopGate(() => open(temporary, 'wx'), () => new KquantError('OUTPUT', `${path}: not written: kquant is stopping`));
    try {
      await file.writeFile(bytes);
    } finally {
      await file.close();
    }
    if (options.force) {
      await rename(temporary, path);
    } else {
      // link() fails if the target exists: no check-then-write race with another writer.
      await link(temporary, path);
      await rm(temporary, { force: true });
    }
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    if (error instanceof KquantError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // link() says EEXIST for a folder in the way too; --force would not replace that.
    if (code === 'EEXIST' && !(await isFolder(path))) throw new KquantError('OUTPUT', `${path}: already exists; use --force to replace it`);
    if (code === 'EEXIST') throw new KquantError('OUTPUT', `${path}: cannot write (it is a folder)`, { cause: error });
    throw new KquantError('OUTPUT', `${path}: cannot write (${whyNot(error)})`, { cause: error });
  } finally {
    pending.delete(temporary);
  }
}

/**
 * Creates `folder` and its missing parents. Not `mkdir(…, { recursive: true })`: Node's loops for
 * ever on a folder that cannot hold folders (e.g. /proc/x gives ENOENT with /proc present).
 */
async function makeFolder(folder: string): Promise<void> {
  try {
    if ((await stat(folder)).isDirectory()) return;
  } catch {
    // missing (or unreadable): try to make it below
  }
  try {
    await mkdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(folder)).isDirectory()) return; // made by another writer meanwhile
    const parent = dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    await makeFolder(parent);
    // One more try once the parent exists; a second ENOENT is final, not a loop.
    await mkdir(folder).catch(async (again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST' || !(await stat(folder)).isDirectory()) throw again;
    });
  }
}

/** A short reason a file or folder could not be made, from the system error. */
function whyNot(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'not writable';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file is in the way of a folder on the path';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENAMETOOLONG':
      return 'the name is too long for the file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOENT':
      // The parent exists yet takes no new entries: /proc and the like.
      return path ? `${dirname(path)} takes no new files` : 'no such folder';
    default:
      return reason(error);
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

/** True when `path` is a folder. */
async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
