// kquant as a library: quantize images by exact k-means from build scripts, without the CLI.
//
//   import { quantize, sweep, kmeans } from 'kquant';
//   const { row } = await quantize('photo.jpg', { colors: 16, output: 'photo-16.png' });
//   const rows = await sweep('photo.jpg', { colors: [2, 4, 8, 16], outDir: 'out' });
import { KMEANS_DEFAULTS } from './core/kmeans.js';
import { KquantError } from './core/errors.js';
import { runJob, type JobResult, type JobSpec } from './job.js';
import type { QuantizedImage } from './pipeline/quantize.js';
import type { InitMethod, OutputFormat, ResultRow } from './types.js';

export * from './core/index.js';
export { readImage, DEFAULT_MAX_PIXELS } from './io/read.js';
export { encodeImage, formatFromPath } from './io/write.js';
export { encodeIndexedPng } from './io/png.js';
export { prepareImage, quantizeImage, IMAGE_TOL, autoRestarts } from './pipeline/quantize.js';
export type { PreparedImage, QuantizedImage, FitOptions } from './pipeline/quantize.js';
export { formatCsv, formatLine, toJsonObject } from './report/rows.js';
export type { ResultRow, PaletteColour, DecodedImage, OutputFormat } from './types.js';

export interface CommonOptions {
  /** Replace existing outputs (optional, default false). */
  force?: boolean;
  /** Seed of every random choice (optional, default 0). */
  seed?: number;
  /** First centres (optional, default 'kmeans++'). */
  init?: InitMethod;
  /** k-means restarts (optional, default 3 up to K=32, 1 above: see autoRestarts). */
  nInit?: number;
  /** Most Lloyd iterations (optional, default 300). */
  maxIter?: number;
  /** scikit-learn's tolerance (optional, default 1e-5, see IMAGE_TOL). */
  tol?: number;
  /** Fit on this many pixels, then assign all (optional, default: fit on all). */
  sample?: number;
  /** Refuse larger images (optional, default sharp's 268,402,689). */
  maxPixels?: number;
}

export interface QuantizeOptions extends CommonOptions {
  /** Colours (2 to 4096). */
  colors: number;
  /** Where to write the image (optional: without it nothing is written). */
  output?: string;
  /** Format when no output is given (optional, default png). */
  format?: OutputFormat;
}

export interface SweepOptions extends CommonOptions {
  /** Colour counts to make. */
  colors: number[];
  /** Folder for `<name>-k<K>.<format>` (required). */
  outDir: string;
  /** Output format (optional, default png). */
  format?: OutputFormat;
}

const COMMON_KEYS = ['force', 'seed', 'init', 'nInit', 'maxIter', 'tol', 'sample', 'maxPixels'];

function checkKeys(options: object, allowed: string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new KquantError('USAGE', `Unknown option "${key}"`);
  }
}

function specOf(input: string, ks: number[], options: CommonOptions): JobSpec {
  return {
    inputs: [input],
    ks,
    force: options.force,
    seed: options.seed ?? KMEANS_DEFAULTS.seed,
    init: options.init,
    nInit: options.nInit,
    maxIter: options.maxIter,
    tol: options.tol,
    sample: options.sample,
    maxPixels: options.maxPixels,
  };
}

function throwIfFailed(row: ResultRow): void {
  if (row.error) throw new KquantError('INPUT', row.error);
}

/**
 * Quantizes one image file to `colors` colours; writes it when `output` is given.
 * Returns the report row, the palette and indices, and the encoded bytes.
 */
export async function quantize(
  input: string,
  options: QuantizeOptions,
): Promise<{ row: ResultRow; image: QuantizedImage; bytes: Buffer }> {
  checkKeys(options, [...COMMON_KEYS, 'colors', 'output', 'format']);
  let result: JobResult | undefined;
  const spec: JobSpec = {
    ...specOf(input, [options.colors], options),
    output: options.output ?? `unwritten.${options.format ?? 'png'}`,
    dryRun: options.output === undefined,
  };
  await runJob(spec, { onResult: (r) => void (result = r), keepBytes: true });
  throwIfFailed(result!.row);
  return { row: result!.row, image: result!.quantized!, bytes: result!.bytes! };
}

/** Quantizes one image file at every K in `colors`, writing each into `outDir`; returns the rows. */
export async function sweep(input: string, options: SweepOptions): Promise<ResultRow[]> {
  checkKeys(options, [...COMMON_KEYS, 'colors', 'outDir', 'format']);
  const rows = await runJob({ ...specOf(input, options.colors, options), outDir: options.outDir, format: options.format });
  rows.forEach(throwIfFailed);
  return rows;
}
