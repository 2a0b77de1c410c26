// Checks every file a run will write before any work: none is an input, under whatever name (a
// symbolic link, a hard link, a linked folder, another spelling); no two outputs share a file; and,
// without --force, none exists yet. Files are told apart by what the system says they are (device
// and inode), or, for a file not there yet, by the real path of its folder and its name.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KquantError } from '../core/errors.js';
import { isStreamPath } from './files.js';

/** A file a run means to write, and what it is, for messages ("the CSV", "the image of china.jpg at K=16"). */
export interface PlannedOutput {
  path: string;
  what: string;
  /** The input it is made from, if one. */
  of?: string;
  /** Written only if the run picks it (--max-bytes names the K it finds): never checked for existing. */
  maybe?: boolean;
}

/** Identity of the file at `path`: device and inode when it exists, else its real folder and name. */
function identify(path: string, folders: Map<string, string>): { key: string; stats?: Stats } {
  let stats: Stats | undefined;
  try {
    // No exception for a missing file (most outputs): --max-bytes checks thousands of names.
    stats = statSync(path, { throwIfNoEntry: false });
  } catch {
    // not there, or not reachable (a file in the way of a folder): the write will say which
  }
  if (stats) return { key: `inode:${stats.dev}:${stats.ino}`, stats };
  return { key: `path:${join(realFolder(dirname(resolve(path)), folders), basename(path))}` };
}

/** The real path of `folder`, through its nearest existing ancestor (for folders a run will make). */
function realFolder(folder: string, cache: Map<string, string>): string {
  let real = cache.get(folder);
  if (real === undefined) {
    try {
      real = realpathSync(folder);
    } catch {
      const parent = dirname(folder);
      real = parent === folder ? folder : join(realFolder(parent, cache), basename(folder));
    }
    cache.set(folder, real);
  }
  return real;
}

/**
 * Throws a USAGE error when an output would land on an input or on another output, or an input is
 * given twice; with `refuseExisting` (no --force), an OUTPUT error when outputs exist,
 * naming the first and counting the rest. Inputs that cannot be found are left for the read to
 * report; `-` is standard input or output.
 */
export function checkOutputPlan(inputs: string[], outputs: PlannedOutput[], refuseExisting: boolean): void {
  const folders = new Map<string, string>();
  const inputKeys = new Map<string, string>();
  for (const input of inputs) {
    if (input === '-') continue;
    const { key, stats } = identify(input, folders);
    if (!stats) continue;
    const earlier = inputKeys.get(key);
    if (earlier !== undefined) {
      throw new KquantError('USAGE', `${input}: given twice${earlier === input ? '' : ` (as ${earlier} too)`}`);
    }
    inputKeys.set(key, input);
  }
  const written = new Map<string, PlannedOutput>();
  const taken: string[] = [];
  for (const output of outputs) {
    // Standard output, and this process's open files by name (/dev/stdout): streams, not files.
    if (output.path === '-' || isStreamPath(output.path)) continue;
    const { key, stats } = identify(output.path, folders);
    const input = inputKeys.get(key);
    if (input !== undefined) {
      if (output.of !== input) throw new KquantError('USAGE', `${output.path}: ${output.what} would overwrite the input ${input}`);
      throw new KquantError('USAGE', `${output.path}: the output would overwrite its input${output.path === input ? '' : ` ${input}`}`);
    }
    const other = written.get(key);
    if (other !== undefined && !(other.maybe && output.maybe)) {
      throw new KquantError('USAGE', `${output.path}: both ${other.what} and ${output.what} would be written there`);
    }
    written.set(key, output);
    // A folder in the way fails that output's write alone ("it is a folder").
    if (refuseExisting && !output.maybe && stats?.isFile()) taken.push(output.path);
  }
  if (taken.length === 0) return;
  const more = taken.length > 1 ? ` (and ${taken.length - 1} more outputs)` : '';
  throw new KquantError('OUTPUT', `${taken[0]}: already exists${more}; use --force to replace it`);
}
