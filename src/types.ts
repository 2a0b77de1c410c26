// Public types shared by the pipeline, the report writers, the CLI and the library API.

export type { InitMethod } from './core/kmeans.js';

/** One palette colour, 8 bits a channel; `a` is 255 for opaque. */
export interface PaletteColour {
  r: number;
  g: number;
  b: number;
  a: number;
  /** Pixels of the written image that use this colour. */
  pixels: number;
}

/**
 * One result: one input at one K. The same fields appear on the terminal line, in `--json`
 * and in the CSV. Sizes are the real sizes of files written.
 */
export interface ResultRow {
  input: string;
  /** Colours asked for. */
  k: number;
  /** Distinct colours in the written image (≤ k). */
  coloursUsed: number;
  width: number;
  height: number;
  /** Path written, `-` for stdout, '' when nothing was written. */
  output: string;
  outputBytes: number;
  inputBytes: number;
  /** outputBytes as a percentage of inputBytes. */
  pctOfInput: number;
  /** Bytes of a lossless truecolour PNG of the original pixels (the classic experiment's baseline). */
  originalPngBytes: number;
  /** outputBytes as a percentage of originalPngBytes. */
  pctOfOriginalPng: number;
  /** ⌈log2 K⌉ bits a pixel plus the palette (3 or 4 bytes a colour), as the classic notebook estimates it. */
  paletteStorageBytes: number;
  /** Mean squared error a channel of the written image against the original pixels (0–255 scale). */
  mse: number;
  /** 10·log10(255² / mse); Infinity when the image is exact. */
  psnrDb: number;
  /** k-means objective: sum over pixels of the squared distance to the centre, before rounding. */
  inertia: number;
  iterations: number;
  fitMs: number;
  seed: number;
  /** Set when this input or K failed; the other fields are then zero or empty. */
  error?: string;
  /** Warnings about this result (e.g. JPEG adds colours). */
  warnings?: string[];
}

/** An image decoded to 8-bit sRGB, upright. */
export interface DecodedImage {
  /** Interleaved pixels, `channels` bytes a pixel. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA, when the input has an alpha channel). */
  channels: 3 | 4;
  /** Format the input was in (jpeg, png, webp, gif, tiff, heif, …). */
  format: string;
  /** Size of the input file in bytes. */
  inputBytes: number;
  /** Things a person should know about how it was read (e.g. only the first frame of an animation). */
  notes: string[];
}

/** Output formats, chosen by the output's extension. */
export type OutputFormat = 'png' | 'webp' | 'gif' | 'jpg';
