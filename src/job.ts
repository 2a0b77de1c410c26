// One run of kquant: every input at every K. Reads each input once, quantizes it at each K from
// one histogram, writes each result atomically, and reports a row per result. One bad input does
// not stop the others: its failure becomes a row with an `error`.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KquantError } from './core/errors.js';
import type { InitMethod } from './core/kmeans.js';
import { watchFolder, writeFileAtomic } from './io/files.js';
import { readImage, reason } from './io/read.js';
import { encodeImage, encodeOriginalPng, formatFromPath } from './io/write.js';
import { largestKUnder } from './pipeline/budget.js';
import { prepareImage, quantizeImage, type QuantizedImage } from './pipeline/quantize.js';
import { runInWorkers, workerAvailable } from './parallel/pool.js';
import type { DecodedImage, OutputFormat, ResultRow } from './types.js';

export interface JobSpec {
  /** Paths, or `-` for standard input. */
  inputs: string[];
  /** Colour counts to make, in order. */
  ks: number[];
  /** One output path (one input, one K), or `-` for standard output. */
  output?: string;
  /** Folder for `<name>-k<K>.<format>` outputs. */
  outDir?: string;
  /** Format of outputs named by kquant (optional, default png). */
  format?: OutputFormat;
  /** Replace existing outputs (optional, default false). */
  force?: boolean;
  /** Compute and report without writing images (optional, default false). */
  dryRun?: boolean;
  maxPixels?: number;
  init?: InitMethod;
  nInit?: number;
  maxIter?: number;
  tol?: number;
  seed: number;
  sample?: number;
  /**
   * Measure the lossless PNG of the original (optional, default: for images up to 4 MP, where it is
   * cheap; above, its zlib pass takes longer than the quantization, so it is left at 0 unless asked).
   */
  baseline?: boolean;
  /** Make the best image under this many bytes: the largest K up to `ks` that fits (optional). */
  maxBytes?: number;
  /** Threads to run on (optional, default 1); results come in the same order and bytes whatever it is. */
  jobs?: number;
}

/** What a run hands its caller for each result, as soon as it is written. */
export interface JobResult {
  row: ResultRow;
  /** Absent when the result failed. */
  quantized?: QuantizedImage;
  /** The image as read (absent when reading failed; its pixels may be absent from a worker thread). */
  decoded?: DecodedImage;
  /** The encoded output, when it went to standard output (or `keepBytes` asked for it). */
  bytes?: Buffer;
  /** A lossless PNG of the original pixels (the baseline of the size percentages). */
  originalPng?: Buffer;
}

export interface JobHooks {
  /** Called once per input and K, in order. */
  onResult?(result: JobResult): void | Promise<void>;
  /** Called when an input starts and when each K is done. */
  onProgress?(event: { input: string; k: number; done: number; total: number }): void;
  /** Notes about an input (e.g. only the first frame of an animation was used). */
  onNote?(message: string): void;
  /** Hand every result's encoded bytes to onResult, not only those for standard output (optional, default false). */
  keepBytes?: boolean;
}

/** Images up to this many pixels get the baseline PNG measured unless told otherwise. */
export const BASELINE_AUTO_MAX_PIXELS = 4_000_000;

/** Output path of `input` at `k`, as the spec names it. */
export function outputPathFor(spec: JobSpec, input: string, k: number): string {
  if (spec.output !== undefined) return spec.output;
  const format = spec.format ?? 'png';
  const stem = input === '-' ? 'stdin' : basename(input, extname(input));
  const folder = spec.outDir ?? (input === '-' ? '.' : dirname(input));
  return join(folder, `${stem}-k${k}.${format}`);
}

/** Checks that the spec's outputs can be made, before any work: a USAGE error otherwise. */
export function checkSpec(spec: JobSpec): void {
  if (spec.inputs.length === 0) throw new KquantError('USAGE', 'no input given');
  if (spec.ks.length === 0) throw new KquantError('USAGE', 'no colour count given');
  if (spec.output !== undefined) {
    if (spec.outDir !== undefined) throw new KquantError('USAGE', '-o/--output and --out-dir cannot be used together');
    if (spec.inputs.length > 1) throw new KquantError('USAGE', '-o/--output takes one input; use --out-dir for several');
    if (spec.ks.length > 1) throw new KquantError('USAGE', '-o/--output takes one K; use --out-dir for a sweep');
    if (spec.output !== '-') formatFromPath(spec.output);
  }
  if (spec.maxBytes !== undefined && spec.ks.length > 1) {
    throw new KquantError('USAGE', '--max-bytes searches K up to one --colors value; give one, not a list');
  }
  if (spec.inputs.filter((input) => input === '-').length > 1) {
    throw new KquantError('USAGE', 'standard input (-) can be read only once');
  }
  const seen = new Map<string, string>();
  for (const input of spec.inputs) {
    for (const k of spec.ks) {
      const output = outputPathFor(spec, input, k);
      if (output === '-') continue;
      const key = resolve(output);
      if (input !== '-' && key === resolve(input)) {
        throw new KquantError('USAGE', `${output}: the output would overwrite its input`);
      }
      const other = seen.get(key);
      if (other !== undefined && !spec.dryRun) {
        throw new KquantError('USAGE', `${output}: both ${other} and ${input} would be written there; use separate --out-dir`);
      }
      seen.set(key, input);
    }
  }
}

/** Runs the spec; returns every row (failed ones carry `error`), in the order of inputs and K. */
export async function runJob(spec: JobSpec, hooks: JobHooks = {}): Promise<ResultRow[]> {
  checkSpec(spec);
  const rows: ResultRow[] = [];
  const total = spec.inputs.length * spec.ks.length;
  const emit = async (result: JobResult) => {
    rows.push(result.row);
    hooks.onProgress?.({ input: result.row.input, k: result.row.k, done: rows.length, total });
    await hooks.onResult?.(result);
  };
  const tasks = planTasks(spec);
  const jobs = Math.min(spec.jobs ?? 1, tasks.length);
  if (jobs > 1 && !hooks.keepBytes && !spec.inputs.includes('-') && workerAvailable()) {
    for (const input of spec.inputs) for (const k of spec.ks) watchFolder(dirname(resolve(outputPathFor(spec, input, k))));
    await runInWorkers(spec, tasks, jobs, emit, (message) => hooks.onNote?.(message));
  } else {
    for (const task of tasks) {
      await processInput(spec, task, Boolean(hooks.keepBytes), emit, (message) => hooks.onNote?.(message));
    }
  }
  return rows;
}

/** One input at some of the K: the unit of work one thread does. */
export interface Task {
  inputIndex: number;
  input: string;
  ks: number[];
  /** Position of each of `ks` in the spec's list. */
  kIndexes: number[];
}

/**
 * Splits the spec into tasks for parallel threads: a task per input when there are enough inputs;
 * otherwise each input's K are dealt into groups of about equal cost (a K costs about K), largest
 * first, so the thread with K=1024 is not also given K=512.
 */
export function planTasks(spec: JobSpec): Task[] {
  const jobs = spec.jobs ?? 1;
  const all = spec.ks.map((_, i) => i);
  if (jobs <= 1 || spec.inputs.length >= jobs || spec.ks.length < 2) {
    return spec.inputs.map((input, inputIndex) => ({ inputIndex, input, ks: spec.ks, kIndexes: all }));
  }
  const groups = Math.min(jobs, spec.ks.length);
  const tasks: Task[] = [];
  spec.inputs.forEach((input, inputIndex) => {
    const buckets: number[][] = Array.from({ length: groups }, () => []);
    const load = new Array<number>(groups).fill(0);
    for (const i of [...all].sort((a, b) => spec.ks[b] - spec.ks[a] || a - b)) {
      const lightest = load.indexOf(Math.min(...load));
      buckets[lightest].push(i);
      load[lightest] += spec.ks[i];
    }
    for (const bucket of buckets) {
      bucket.sort((a, b) => a - b);
      if (bucket.length) tasks.push({ inputIndex, input, ks: bucket.map((i) => spec.ks[i]), kIndexes: bucket });
    }
  });
  return tasks;
}

/** Reads one input and makes each of the task's K, handing each result to `emit` as it is written. */
export async function processInput(
  spec: JobSpec,
  task: Task,
  keepBytes: boolean,
  emit: (result: JobResult) => Promise<void>,
  onNote: (message: string) => void,
): Promise<void> {
  const { input } = task;
  let decoded: DecodedImage;
  try {
    decoded = await readImage(input, { maxPixels: spec.maxPixels });
  } catch (error) {
    for (const k of task.ks) await emit({ row: failedRow(spec, input, k, error) });
    return;
  }
  if (task.kIndexes[0] === 0) for (const note of decoded.notes) onNote(note);
  const prepared = prepareImage(decoded);
  // The baseline PNG is encoded by sharp's threads while k-means runs on this one.
  const measureBaseline = spec.baseline ?? decoded.width * decoded.height <= BASELINE_AUTO_MAX_PIXELS;
  const originalPng = measureBaseline
    ? encodeOriginalPng(prepared.pixels, decoded.width, decoded.height, decoded.channels).catch(() => undefined)
    : Promise.resolve(undefined);
  const fitOptions = {
    init: spec.init,
    nInit: spec.nInit,
    maxIter: spec.maxIter,
    tol: spec.tol,
    seed: spec.seed,
    sample: spec.sample,
  };
  for (const k of task.ks) {
    try {
      const format = formatOf(spec, input, k);
      let quantized: QuantizedImage;
      let bytes: Uint8Array;
      if (spec.maxBytes !== undefined) {
        // K is the upper bound of the search for the best image under the budget.
        const found = await largestKUnder(prepared, spec.maxBytes, { minK: Math.min(2, k), maxK: k }, fitOptions, (q) =>
          encodeImage(q, format),
        );
        if (!found) throw new KquantError('OUTPUT', `${input}: even 2 colours take more than ${spec.maxBytes} bytes as ${format}`);
        ({ quantized, bytes } = found);
      } else {
        quantized = quantizeImage(prepared, { ...fitOptions, k });
        bytes = await encodeImage(quantized, format);
      }
      const output = outputPathFor(spec, input, quantized.k);
      if (!spec.dryRun && output !== '-') await writeFileAtomic(output, bytes, { force: spec.force });
      const original = await originalPng;
      const row = makeRow(spec, input, decoded, quantized, spec.dryRun ? '' : output, bytes.length, original?.length ?? 0);
      if (format === 'jpg') row.warnings = ['JPEG is lossy: the written file has more colours than K'];
      await emit({
        row,
        quantized,
        decoded,
        bytes: output === '-' || keepBytes ? Buffer.from(bytes) : undefined,
        originalPng: original,
      });
    } catch (error) {
      await emit({ row: failedRow(spec, input, k, error), decoded });
    }
  }
}

/** Format of the output of `input` at `k`: from the output's extension, or --format for standard output. */
function formatOf(spec: JobSpec, input: string, k: number): OutputFormat {
  const output = outputPathFor(spec, input, k);
  return output === '-' ? (spec.format ?? 'png') : formatFromPath(output);
}

function makeRow(
  spec: JobSpec,
  input: string,
  decoded: DecodedImage,
  quantized: QuantizedImage,
  output: string,
  outputBytes: number,
  originalPngBytes: number,
): ResultRow {
  const pixels = decoded.width * decoded.height;
  const bitsPerPixel = Math.ceil(Math.log2(quantized.k));
  const paletteBytes = quantized.k * (decoded.channels === 4 && quantized.palette.some((v, i) => i % 4 === 3 && v !== 255) ? 4 : 3);
  return {
    input,
    k: quantized.k,
    coloursUsed: quantized.coloursUsed,
    width: decoded.width,
    height: decoded.height,
    output,
    outputBytes,
    inputBytes: decoded.inputBytes,
    pctOfInput: percent(outputBytes, decoded.inputBytes),
    originalPngBytes,
    pctOfOriginalPng: percent(outputBytes, originalPngBytes),
    paletteStorageBytes: Math.ceil((pixels * bitsPerPixel) / 8) + paletteBytes,
    mse: quantized.mse,
    psnrDb: quantized.psnrDb,
    inertia: quantized.inertia,
    iterations: quantized.iterations,
    fitMs: quantized.fitMs,
    seed: spec.seed,
  };
}

function failedRow(spec: JobSpec, input: string, k: number, error: unknown): ResultRow {
  // Only the expected failures of one input become a row; a bug stops the run.
  if (!(error instanceof KquantError) || error.code === 'INTERNAL') throw error;
  return {
    input,
    k,
    coloursUsed: 0,
    width: 0,
    height: 0,
    output: '',
    outputBytes: 0,
    inputBytes: 0,
    pctOfInput: 0,
    originalPngBytes: 0,
    pctOfOriginalPng: 0,
    paletteStorageBytes: 0,
    mse: 0,
    psnrDb: 0,
    inertia: 0,
    iterations: 0,
    fitMs: 0,
    seed: spec.seed,
    error: reason(error),
  };
}

function percent(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}
