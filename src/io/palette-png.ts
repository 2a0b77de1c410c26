// Writes a palette as a PNG swatch strip: one square per colour, sorted by pixel share, wrapping
// to rows when there are many colours. The file is written atomically.

import { loadSharp } from './sharp.js';
import { writeFileAtomic, type WriteOptions } from './files.js';

import { sortPaletteByShare } from '../report/palette-formats.js';
import type { PaletteColour } from '../types.js';

export interface SwatchPngOptions {
  /** Side of each colour's square in pixels (optional, default 32) */
  swatchPx?: number;
  /** Squares a row before wrapping (optional, default 16) */
  columns?: number;
}

const SWATCH_DEFAULTS: Required<SwatchPngOptions> = { swatchPx: 32, columns: 16 };

/** Geometry of a swatch strip: where colour i (in share order) sits. */
export function swatchLayout(count: number, options: SwatchPngOptions = {}): { columns: number; rows: number; width: number; height: number; swatchPx: number } {
  const { swatchPx, columns: maxColumns } = { ...SWATCH_DEFAULTS, ...options };
  for (const [name, v, max] of [['swatchPx', swatchPx, 1024], ['columns', maxColumns, 4096]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > max) {
      throw new Error(`Expected integer between 1 and ${max} for ${name} but received ${String(v)} of type ${typeof v}`);
    }
  }
  const columns = Math.min(maxColumns, Math.max(1, count));
  const rows = Math.max(1, Math.ceil(count / columns));
  return { columns, rows, width: columns * swatchPx, height: rows * swatchPx, swatchPx };
}

/**
 * RGBA pixels of the swatch strip: colours in share order (most used first), left to right then
 * top to bottom; cells after the last colour are transparent.
 */
export function renderSwatchRgba(palette: readonly PaletteColour[], options: SwatchPngOptions = {}): { data: Uint8Array; width: number; height: number } {
  const sorted = sortPaletteByShare(palette);
  const { columns, width, height, swatchPx } = swatchLayout(sorted.length, options);
  const data = new Uint8Array(width * height * 4);
  sorted.forEach((c, i) => {
    const x0 = (i % columns) * swatchPx;
    const y0 = Math.floor(i / columns) * swatchPx;
    for (let y = y0; y < y0 + swatchPx; y++) {
      let o = (y * width + x0) * 4;
      for (let x = 0; x < swatchPx; x++, o += 4) {
        data[o] = c.r;
        data[o + 1] = c.g;
        data[o + 2] = c.b;
        data[o + 3] = c.a;
      }
    }
  });
  return { data, width, height };
}

/**
 * Writes the palette as a PNG swatch strip (32 px a colour, 16 a row by default), sorted by pixel
 * share, atomically (see writeFileAtomic). Lossless truecolour: a palette PNG here could merge
 * colours the user asked to see.
 */
export async function writePaletteSwatchPng(
  path: string,
  palette: readonly PaletteColour[],
  options: SwatchPngOptions & WriteOptions = {},
): Promise<void> {
  if (palette.length === 0) throw new Error('Expected at least one colour for the palette swatch PNG but received an empty palette');
  const { data, width, height } = renderSwatchRgba(palette, options);
  const png = await loadSharp()(data, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 9 }).toBuffer();
  await writeFileAtomic(path, png, { force: options.force });
}
