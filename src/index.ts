// kquant as a library: quantize images by exact k-means from build scripts, without the CLI.
//
//   import { quantize, sweep, kmeans } from 'kquant';
//   const { row } = await quantize('photo.jpg', { colors: 16, output: 'photo-16.png' });
//   const rows = await sweep('photo.jpg', { colors: [2, 4, 8, 16], outDir: 'out' });
import { KMEANS_DEFAULTS } from './core/kmeans.js';
import { KquantError, checkInteger, checkNumber } from './core/errors.js';
import { MAX_K } from './core/defaults.js';
import { OUTPUT_FORMATS } from './io/formats.js';
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
  /** Colour counts to make (each 2 to 4096; a count given twice is made once). */
  colors: number[];
  /** Folder for `<name>-k<K>.<format>` (required). */
  outDir: string;
  /** Output format (optional, default png). */
  format?: OutputFormat;
}

const COMMON_KEYS = ['force', 'seed', 'init', 'nInit', 'maxIter', 'tol', 'sample', 'maxPixels'];

/** Checks the options as the CLI checks its flags, before any work: a USAGE error otherwise. */
function checkOptions(options: unknown, allowed: string[]): asserts options is CommonOptions & Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new KquantError('USAGE', `Expected options such as { colors: 16 } but received ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new KquantError('USAGE', `Unknown option "${key}"`);
  }
  const o = options as CommonOptions;
  if (o.seed !== undefined) checkInteger('seed', o.seed, 0, 2 ** 32 - 1);
  if (o.nInit !== undefined) checkInteger('nInit', o.nInit, 1, 100);
  if (o.maxIter !== undefined) checkInteger('maxIter', o.maxIter, 1, 100_000);
  if (o.tol !== undefined) checkNumber('tol', o.tol, 0, 1);
  if (o.sample !== undefined) checkInteger('sample', o.sample, 1, 2 ** 31);
  if (o.maxPixels !== undefined) checkInteger('maxPixels', o.maxPixels, 1, Number.MAX_SAFE_INTEGER);
  if (o.init !== undefined && o.init !== 'kmeans++' && o.init !== 'random') {
    throw new KquantError('USAGE', `Expected init "kmeans++" or "random" but received ${JSON.stringify(o.init)}`);
  }
  const format = (options as { format?: unknown }).format;
  if (format !== undefined && !OUTPUT_FORMATS.includes(format as OutputFormat)) {
    throw new KquantError('USAGE', `Expected format ${OUTPUT_FORMATS.map((f) => `"${f}"`).join(', ')} but received ${JSON.stringify(format)}`);
  }
}

/** A colour count, as --colors takes it: an integer from 2 to MAX_K. */
function checkColours(value: unknown): number {
  return checkInteger('colors', value, 2, MAX_K);
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

/** Throws a failed result's own error (its code kept: INPUT, TOO_LARGE or OUTPUT). */
function throwIfFailed(result: JobResult): void {
  if (!result.row.error) return;
  if (result.error instanceof KquantError) throw result.error;
  throw new KquantError('INPUT', result.row.error, { cause: result.error });
}

/**
 * Quantizes one image file to `colors` colours; writes it when `output` is given.
 * Returns the report row, the palette and indices, and the encoded bytes.
 */
export async function quantize(
  input: string,
  options: QuantizeOptions,
): Promise<{ row: ResultRow; image: QuantizedImage; bytes: Buffer }> {
  checkOptions(options, [...COMMON_KEYS, 'colors', 'output', 'format']);
  const k = checkColours(options.colors);
  let result: JobResult | undefined;
  const spec: JobSpec = {
    ...specOf(input, [k], options),
    output: options.output ?? `unwritten.${options.format ?? 'png'}`,
    dryRun: options.output === undefined,
  };
  await runJob(spec, { onResult: (r) => void (result = r), keepBytes: true });
  throwIfFailed(result!);
  return { row: result!.row, image: result!.quantized!, bytes: result!.bytes! };
}

/** Quantizes one image file at every K in `colors`, writing each into `outDir`; returns the rows. */
export async function sweep(input: string, options: SweepOptions): Promise<ResultRow[]> {
  checkOptions(options, [...COMMON_KEYS, 'colors', 'outDir', 'format']);
  if (!Array.isArray(options.colors) || options.colors.length === 0) {
    throw new KquantError('USAGE', `Expected colors as a list of colour counts such as [2, 4, 8] but received ${String(options.colors)}`);
  }
  // As --colors: each K once, in the order given.
  const ks = [...new Set(options.colors.map(checkColours))];
  if (typeof options.outDir !== 'string' || options.outDir === '') {
    throw new KquantError('USAGE', `Expected outDir, the folder to write into, but received ${String(options.outDir)}`);
  }
  const results: JobResult[] = [];
  await runJob({ ...specOf(input, ks, options), outDir: options.outDir, format: options.format }, { onResult: (r) => void results.push(r) });
  results.forEach(throwIfFailed);
  return results.map((r) => r.row);
}
