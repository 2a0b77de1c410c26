// One run of kquant: every input at every K. Reads each input once, quantizes it at each K from
// one histogram, writes each result atomically, and reports a row per result. One bad input does
// not stop the others: its failure becomes a row with an `error`.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KquantError } from './core/errors.js';
import type { InitMethod } from './core/kmeans.js';
import { watchFolder, writeFileAtomic } from './io/files.js';
import { checkOutputPlan, type PlannedOutput } from './io/output-plan.js';
import { readImage, reason } from './io/read.js';
import { formatFromPath } from './io/formats.js';
import type { PreparedImage, QuantizedImage } from './pipeline/quantize.js';
import type { Helper } from './core/helper-thread.js';
import { helperThread, type HelperHandle } from './parallel/helper-thread.js';
import type { DecodedImage, OutputFormat, ResultRow } from './types.js';

/** The modules that quantize and encode (the core among them). */
type Work = [typeof import('./pipeline/quantize.js'), typeof import('./io/write.js'), typeof import('./pipeline/budget.js')];
let work: Promise<Work> | undefined;

/**
 * Loads the modules that quantize and encode, once: loadInput starts reading the first image
 * first, so that they load on this thread (about 20 ms) while sharp's threads decode it (china.jpg:
 * about as long).
 */
function loadWork(): Promise<Work> {
  work ??= Promise.all([import('./pipeline/quantize.js'), import('./io/write.js'), import('./pipeline/budget.js')]);
  return work;
}

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
  /** Why the result failed (its row's `error` says it in words), on the thread that read the input. */
  error?: unknown;
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
  const gifK = Math.max(...spec.ks);
  if (gifK > 256 && spec.inputs.some((input) => formatOf(spec, input, gifK) === 'gif')) {
    throw new KquantError('USAGE', `GIF holds at most 256 colours, not ${gifK}; use --colors 256 or fewer, or .png or .webp`);
  }
  const given = new Set<string>();
  for (const input of spec.inputs) {
    if (input === '-') continue;
    if (given.has(resolve(input))) throw new KquantError('USAGE', `${input}: given twice`);
    given.add(resolve(input));
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

/**
 * The images a run writes, each with its input: under --max-bytes with names that hold K, every
 * name the search could pick (`maybe`).
 */
export function plannedImages(spec: JobSpec): PlannedOutput[] {
  const images: PlannedOutput[] = [];
  const searching = spec.maxBytes !== undefined && spec.output === undefined;
  for (const input of spec.inputs) {
    for (const k of spec.ks) {
      for (let j = searching ? Math.min(2, k) : k; j <= k; j++) {
        images.push({ path: outputPathFor(spec, input, j), what: `the image of ${input} at K=${j}`, of: input, maybe: searching });
      }
    }
  }
  return images;
}

/** Runs the spec; returns every row (failed ones carry `error`), in the order of inputs and K. */
export async function runJob(spec: JobSpec, hooks: JobHooks = {}): Promise<ResultRow[]> {
  checkSpec(spec);
  // No image lands on an input under any name (a link, a linked folder); an existing output is
  // each write's own failure here (the command refuses it before any work).
  if (!spec.dryRun) checkOutputPlan(spec.inputs, plannedImages(spec), false);
  const rows: ResultRow[] = [];
  const total = spec.inputs.length * spec.ks.length;
  const emit = async (result: JobResult) => {
    rows.push(result.row);
    hooks.onProgress?.({ input: result.row.input, k: result.row.k, done: rows.length, total });
    await hooks.onResult?.(result);
  };
  const onNote = (message: string) => hooks.onNote?.(message);
  const threads = Math.min(spec.jobs ?? 1, total);
  const pool = threads > 1 && !hooks.keepBytes && !spec.inputs.includes('-') ? await import('./parallel/pool.js') : undefined;
  if (pool?.workerAvailable()) {
    for (const input of spec.inputs) for (const k of spec.ks) watchFolder(dirname(resolve(outputPathFor(spec, input, k))));
    if (spec.inputs.length >= threads || spec.maxBytes !== undefined) {
      // Enough inputs to keep every thread busy: each thread reads and quantizes whole inputs.
      await pool.runInWorkers(spec, planTasks(spec), threads, emit, onNote);
    } else {
      // Fewer inputs than threads (a sweep): this thread reads each input once and the threads
      // share its histogram, taking one K at a time as each is free.
      await pool.runSharedInWorkers(spec, threads, emit, onNote);
    }
  } else {
    // One image at one K with a core to spare: a helper thread takes half of the fit's work. It
    // starts once the image is read.
    const thread = total === 1 && (spec.jobs ?? 1) > 1 ? helperThread() : undefined;
    try {
      for (const task of planTasks({ ...spec, jobs: 1 })) {
        await processInput(spec, task, Boolean(hooks.keepBytes), emit, onNote, thread);
      }
    } finally {
      await thread?.close();
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

/** A task per input, at every K (the unit of work of a thread when there are enough inputs). */
export function planTasks(spec: JobSpec): Task[] {
  const all = spec.ks.map((_, i) => i);
  return spec.inputs.map((input, inputIndex) => ({ inputIndex, input, ks: spec.ks, kIndexes: all }));
}

/** An input read and histogrammed, ready for any K; `originalPng` is being encoded meanwhile. */
export interface LoadedInput {
  decoded: DecodedImage;
  prepared: PreparedImage;
  /** The baseline lossless PNG, when measured (undefined when skipped or failed), once started. */
  originalPng: Promise<Buffer | undefined>;
  /** Starts encoding the baseline, if not yet (loadInput does, unless told to wait). */
  startBaseline: () => void;
}

/**
 * Reads and histograms one input, and starts its baseline PNG on sharp's threads, which encode it
 * while k-means runs, or (`deferBaseline`) leaves that to `startBaseline`. Throws KquantError.
 */
export async function loadInput(
  spec: JobSpec,
  input: string,
  options: {
    /** Whether the baseline waits for startBaseline (default: no). */
    deferBaseline?: (prepared: PreparedImage, work: Work) => boolean;
    /** Called once the image is decoded, before its histogram. */
    onRead?: () => void;
  } = {},
): Promise<LoadedInput> {
  const reading = readImage(input, { maxPixels: spec.maxPixels });
  // Handled when awaited below; this keeps a failure while the modules load from counting as unhandled.
  reading.catch(() => {});
  const modules = await loadWork();
  const [{ prepareImage }, { encodeOriginalPng }] = modules;
  const decoded = await reading;
  options.onRead?.();
  const prepared = prepareImage(decoded);
  const measureBaseline = spec.baseline ?? decoded.width * decoded.height <= BASELINE_AUTO_MAX_PIXELS;
  let startBaseline = () => {};
  const originalPng = measureBaseline
    ? new Promise<Buffer | undefined>((resolve) => {
        startBaseline = () => {
          startBaseline = () => {};
          resolve(encodeOriginalPng(prepared.pixels, decoded.width, decoded.height, decoded.channels).catch(() => undefined));
        };
      })
    : Promise.resolve(undefined);
  if (!options.deferBaseline?.(prepared, modules)) startBaseline();
  return { decoded, prepared, originalPng, startBaseline: () => startBaseline() };
}

/** One K of an input, quantized, encoded and written (unless a dry run or standard output). */
export interface MadeImage {
  quantized: QuantizedImage;
  bytes: Uint8Array;
  /** Where it goes: a path or `-` (not written on a dry run). */
  output: string;
  format: OutputFormat;
}

/** Encodes a quantized image in its output's format and writes it (unless a dry run or standard output). */
export async function writeImage(spec: JobSpec, input: string, quantized: QuantizedImage): Promise<MadeImage> {
  const format = formatOf(spec, input, quantized.k);
  const [, { encodeImage }] = await loadWork();
  const bytes = await encodeImage(quantized, format);
  return saveImage(spec, input, quantized, bytes, format);
}

async function saveImage(spec: JobSpec, input: string, quantized: QuantizedImage, bytes: Uint8Array, format: OutputFormat): Promise<MadeImage> {
  const output = outputPathFor(spec, input, quantized.k);
  if (!spec.dryRun && output !== '-') await writeFileAtomic(output, bytes, { force: spec.force });
  return { quantized, bytes, output, format };
}

/**
 * Quantizes `prepared` at `k` (or searches K up to it under --max-bytes), encodes and writes it;
 * `onFitted` (optional) is called once the fit is done, before the encoding.
 */
export async function makeImage(
  spec: JobSpec,
  input: string,
  prepared: PreparedImage,
  k: number,
  helper?: Helper,
  onFitted?: () => void,
): Promise<MadeImage> {
  const [{ quantizeImage, fitOptionsFrom }, { encodeImage }, { largestKUnder }] = await loadWork();
  if (spec.maxBytes === undefined) {
    const quantized = quantizeImage(prepared, { ...fitOptionsFrom(spec), k, helper });
    onFitted?.();
    return writeImage(spec, input, quantized);
  }
  onFitted?.();
  // K is the upper bound of the search for the best image under the budget.
  const format = formatOf(spec, input, k);
  const minK = Math.min(2, k);
  let smallest = 0;
  const found = await largestKUnder(prepared, spec.maxBytes, { minK, maxK: k }, { ...fitOptionsFrom(spec), helper }, async (q) => {
    const bytes = await encodeImage(q, format);
    if (q.k === minK) smallest = bytes.length;
    return bytes;
  });
  if (!found) {
    throw new KquantError('OUTPUT', `${input}: even ${minK} colours take ${smallest} bytes as ${format}, more than the ${spec.maxBytes} allowed`);
  }
  return saveImage(spec, input, found.quantized, found.bytes, format);
}

/** The result of one made image: its row, once the baseline PNG is known. */
export async function resultOf(
  spec: JobSpec,
  input: string,
  loaded: { decoded: DecodedImage; originalPng: Promise<Buffer | undefined>; startBaseline: () => void },
  made: { quantized: QuantizedImage; bytesLength: number; output: string; format: OutputFormat },
): Promise<JobResult> {
  loaded.startBaseline();
  const original = await loaded.originalPng;
  const output = spec.dryRun ? '' : made.output;
  const row = makeRow(spec, input, loaded.decoded, made.quantized, output, made.bytesLength, original?.length ?? 0);
  const warnings = warningsFor(spec, made.quantized, made.format);
  if (warnings.length > 0) row.warnings = warnings;
  return { row, quantized: made.quantized, decoded: loaded.decoded, originalPng: original };
}

/** What a result's numbers do not tell: where the file differs from them, or the fit fell short of K. */
function warningsFor(spec: JobSpec, quantized: QuantizedImage, format: OutputFormat): string[] {
  const warnings: string[] = [];
  const { coloursUsed, distinctColours, k, palette } = quantized;
  if (spec.sample !== undefined && coloursUsed < Math.min(k, distinctColours)) {
    warnings.push(`only ${coloursUsed} of ${k} colours: the ${spec.sample}-pixel sample holds too few distinct colours; use a larger --sample`);
  }
  const alphas = palette.filter((_, i) => i % 4 === 3);
  if (format === 'jpg') {
    warnings.push('JPEG is lossy: the file holds more colours than K, and its error is above the MSE and PSNR given (those of the K-colour image)');
    if (alphas.some((a) => a !== 255)) warnings.push('JPEG has no transparency: it was dropped');
  }
  if (format === 'gif' && alphas.some((a) => a !== 0 && a !== 255)) {
    warnings.push('GIF transparency is on or off: translucent pixels were made clear or opaque');
  }
  return warnings;
}

/** Reads one input and makes each of the task's K, handing each result to `emit` as it is written. */
export async function processInput(
  spec: JobSpec,
  task: Task,
  keepBytes: boolean,
  emit: (result: JobResult) => Promise<void>,
  onNote: (message: string) => void,
  thread?: HelperHandle,
): Promise<void> {
  const { input } = task;
  const helper = thread?.helper;
  let loaded: LoadedInput;
  try {
    loaded = await loadInput(spec, input, {
      // A fit that borrows the helper thread keeps both cores busy: the baseline PNG then waits for
      // its end (sharp's threads would take a core from it; china.jpg at K = 256: about 10 ms sooner).
      deferBaseline: (prepared, [{ lendsHelper }]) => helper !== undefined && lendsHelper(prepared, task.ks[0], spec.sample, spec.nInit),
      onRead: thread?.start,
    });
  } catch (error) {
    for (const k of task.ks) await emit({ row: failedRow(spec, input, k, error), error });
    return;
  }
  if (task.kIndexes[0] === 0) for (const note of loaded.decoded.notes) onNote(note);
  for (const k of task.ks) {
    try {
      const made = await makeImage(spec, input, loaded.prepared, k, helper, loaded.startBaseline);
      const result = await resultOf(spec, input, loaded, { ...made, bytesLength: made.bytes.length });
      if (made.output === '-' || keepBytes) result.bytes = Buffer.from(made.bytes);
      await emit(result);
    } catch (error) {
      await emit({ row: failedRow(spec, input, k, error), decoded: loaded.decoded, error });
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

export function failedRow(spec: JobSpec, input: string, k: number, error: unknown): ResultRow {
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
