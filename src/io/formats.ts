// Output formats by file name, on their own so that a run's outputs are checked before the
// encoders are loaded.
import { KquantError } from '../core/errors.js';
import type { OutputFormat } from '../types.js';

/** The output formats, as --format and the library's `format` take them. */
export const OUTPUT_FORMATS: OutputFormat[] = ['png', 'webp', 'gif', 'jpg'];

const EXTENSIONS: Record<string, OutputFormat> = {
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  jpg: 'jpg',
  jpeg: 'jpg',
};

/** The format an output name asks for, from its extension. */
export function formatFromPath(path: string): OutputFormat {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  const format = match ? EXTENSIONS[match[1].toLowerCase()] : undefined;
  if (!format) {
    throw new KquantError('USAGE', `${path}: unknown output format; use .png, .webp, .gif or .jpg`);
  }
  return format;
}
