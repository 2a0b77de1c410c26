// Where --palette files go, checked before any work (without the report and palette writers).
import { basename, dirname, extname, join } from 'node:path';
import { KquantError } from '../core/errors.js';
import { paletteFormatFromPath } from '../report/palette-formats.js';

/** Checks a --palette path's extension before any work. */
export function checkPalettePath(path: string): void {
  try {
    paletteFormatFromPath(path);
  } catch (error) {
    throw new KquantError('USAGE', (error as Error).message);
  }
}

/**
 * Where the palette of `input` at `k` goes: the given path for one result; with several inputs
 * or K, `<input>-k<K>` is put before the extension (palette.gpl → palette-china-k16.gpl).
 */
export function palettePathFor(path: string, input: string, k: number, several: { inputs: boolean; ks: boolean }): string {
  if (!several.inputs && !several.ks) return path;
  const ext = extname(path);
  const stem = basename(path, ext);
  const parts = [stem];
  if (several.inputs) parts.push(input === '-' ? 'stdin' : basename(input, extname(input)));
  if (several.ks) parts.push(`k${k}`);
  return join(dirname(path), `${parts.join('-')}${ext}`);
}
