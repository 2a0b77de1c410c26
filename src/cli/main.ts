// The kquant command: parses options, runs the job, prints a line (or JSON) a result, writes the
// CSV. commander, console and process live here and nowhere else.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from './commander.js';
import { KquantError, type KquantErrorCode } from '../core/errors.js';
import { KMEANS_DEFAULTS, MAX_K } from '../core/defaults.js';
import { removeTemporaryFiles, writeFileAtomic } from '../io/files.js';
import { OUTPUT_FORMATS } from '../io/formats.js';
import { checkOutputPlan } from '../io/output-plan.js';
import { stopMakingTemporaryFiles, temporaryFilesBeingMade } from '../io/stop-gate.js';
import { DEFAULT_MAX_PIXELS, reason } from '../io/read.js';
import { checkSpec, runJob, type JobResult, type JobSpec } from '../job.js';
import { IMAGE_TOL } from '../pipeline/defaults.js';
import { formatCsv, formatLine, toJsonObject } from '../report/rows.js';
import type { InitMethod, OutputFormat, ResultRow } from '../types.js';
import { integerIn, numberIn, oneOf, parseBytes, parseColours } from './options.js';
import { checkPalettePath, inputStems, originalPathFor, palettePathFor, plannedOutputs } from './output-paths.js';
import { makeProgress } from './progress.js';

/** The package's version (package.json sits two folders above dist/cli). */
const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  /** An input could not be read or an output written (the others were still done). */
  failed: 1,
  /** Bad options or arguments: nothing was done. */
  usage: 2,
  /** A bug in kquant. */
  internal: 70,
  /** Stopped by SIGINT (Ctrl-C). */
  interrupted: 130,
  /** Standard output closed before everything was printed (as SIGPIPE, 128 + 13, would). */
  closedOutput: 141,
  /** Stopped by SIGTERM (128 + 15, as a shell reports it). */
  terminated: 143,
} as const;

const EXIT_FOR_CODE: Record<KquantErrorCode, number> = {
  USAGE: EXIT.usage,
  INPUT: EXIT.failed,
  TOO_LARGE: EXIT.failed,
  OUTPUT: EXIT.failed,
  INTERNAL: EXIT.internal,
};

export const DEFAULT_COLOURS = '256';

interface CliOptions {
  colors: number[];
  output?: string;
  outDir?: string;
  format: OutputFormat;
  csv?: string;
  report?: string;
  palette?: string;
  json?: boolean;
  seed: number;
  init: InitMethod;
  nInit?: number | 'auto';
  maxIter: number;
  tol: number;
  sample?: number;
  maxPixels: number;
  jobs: number;
  maxBytes?: number;
  baseline?: boolean;
  quiet?: boolean;
  /** false with --no-progress. */
  progress?: boolean;
  force?: boolean;
  verbose?: boolean;
}

const EXAMPLES = `
Examples:
  $ kquant photo.jpg --colors 16 -o photo-16.png
      one image with the 16 colours k-means finds
  $ kquant photo.jpg --colors 2..1024 --out-dir out --csv out/sizes.csv
      the classic sweep: K = 2, 4, 8, …, 1024, one PNG each and a CSV of sizes
  $ kquant a.jpg b.png --colors 3,5,12 --out-dir out --json
      several inputs and K, one JSON object a result on stdout
  $ kquant photo.jpg --max-bytes 50k -o small.png
      the best image under 50 kB: the largest K (up to 256) whose PNG fits
  $ cat photo.jpg | kquant - --colors 64 -o - > small.png
      standard input to standard output

Outputs are PNG (indexed up to 256 colours), .webp (lossless), .gif or .jpg, by extension.
Exit codes: 0 done, 1 an input or output failed (the others were done), 2 bad usage, 70 internal error,
130 interrupted (SIGINT), 141 standard output closed, 143 terminated (SIGTERM).`;

/** Builds the commander program; `exitOverride` lets tests run it in-process. */
export function makeProgram(run: (inputs: string[], options: CliOptions) => Promise<void>): Command {
  const program = new Command('kquant');
  program
    .version(VERSION, '-V, --version', 'print the version')
    .description('Quantize images to K colours by exact k-means (k-means++ initialisation) and report what each K costs and keeps.')
    .argument('<inputs...>', 'images to quantize (JPEG, PNG, WebP, GIF, TIFF, AVIF), or - for standard input')
    .option('-c, --colors <K>', `colours: 16, a doubling range 2..1024, or a list 3,5,12 (2 to ${MAX_K})`, parseColours, parseColours(DEFAULT_COLOURS))
    .option('-o, --output <file>', 'output file for one input and one K (- for standard output)')
    .option('-d, --out-dir <dir>', 'folder for outputs named <input>-k<K>.<format> (default: beside each input)')
    .addOption(new Option('--format <format>', 'format of outputs named by kquant and of standard output (-o takes its format from its extension)').choices([...OUTPUT_FORMATS, 'jpeg']).default('png'))
    .option('--csv <file>', 'write a CSV row a result (- for standard output, the lines then go to standard error)')
    .option('--max-bytes <size>', 'make the best image under this size (50k, 48KiB, 1.5M): the largest K up to --colors that fits', parseBytes)
    .option('--baseline', 'measure the lossless PNG of the original (% of PNG) also above 4 MP, where it is slow')
    .option('--report <file>', 'write an HTML report to flip through the results (offline, one page)')
    .option('--palette <file>', 'write each palette: .gpl, .json, .txt, .css or .png (swatches), by extension', (path: string) => {
      checkPalettePath(path);
      return path;
    })
    .option('--json', 'print one JSON object a result on stdout instead of a line')
    .option('--seed <n>', 'seed of every random choice; the same seed gives the same bytes', integerIn(0, 2 ** 32 - 1), KMEANS_DEFAULTS.seed)
    .option('--init <method>', 'first centres: kmeans++ or random', oneOf(['kmeans++', 'random'] as const), KMEANS_DEFAULTS.init)
    .option('--n-init <n>', 'k-means restarts, the lowest error wins; auto is 3 up to K=32, 1 above', (text: string): number | 'auto' => {
      if (text === 'auto') return 'auto';
      try {
        return integerIn(1, 100)(text);
      } catch {
        throw new InvalidArgumentError(`expected auto or a whole number from 1 to 100, got "${text}"`);
      }
    }, 'auto' as number | 'auto')
    .option('--max-iter <n>', 'most Lloyd iterations', integerIn(1, 100000), KMEANS_DEFAULTS.maxIter)
    .option('--tol <x>', "stop when centres move less than this, relative to the data's variance (scikit-learn's meaning)", numberIn(0, 1), IMAGE_TOL)
    .option('--sample <n>', 'fit on n pixels drawn with the seed, then assign every pixel (fast on big images)', integerIn(1, 2 ** 31))
    .option('--max-pixels <n>', 'refuse larger images before decoding them', integerIn(1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .option('-j, --jobs <n>', 'threads for several inputs or K, or to help the k-means of one image (a share of each step, or one of the restarts) when it has the work (results and bytes are the same for any n)', integerIn(1, 256), availableParallelism())
    .option('-f, --force', 'replace existing output files')
    .option('-q, --quiet', 'print nothing but errors (and the JSON of --json)')
    .option('--no-progress', 'no progress bar or progress lines; results, warnings and errors as before')
    .option('--verbose', 'print the stack of an internal error')
    .addHelpText('after', EXAMPLES)
    // commander's own errors (bad values, unknown flags) on one line, shaped like kquant's.
    .configureOutput({ outputError: (text, write) => write(`kquant: ${text.trim().replace(/^error: /, '')} (run kquant --help for usage)\n`) })
    .action(async (inputs: string[], options: CliOptions) => run(inputs, options));
  return program;
}

/** Most a stopping run waits for temporary files being made to appear before it sweeps (ms). */
const STOP_WAIT_MS = 1000;

/**
 * Stops the run: no thread makes a temporary file any more; once those being made exist (or after
 * STOP_WAIT_MS), every temporary file is removed and `exit` runs. The wait is asynchronous, so that
 * this thread's own file operations under way can finish.
 */
function stopRun(exit: () => void): void {
  stopMakingTemporaryFiles();
  const started = Date.now();
  const sweep = () => {
    if (temporaryFilesBeingMade() > 0 && Date.now() - started < STOP_WAIT_MS) {
      setTimeout(sweep, 1);
      return;
    }
    removeTemporaryFiles();
    exit();
  };
  sweep();
}

/** Runs kquant with `argv` (as process.argv); sets process.exitCode rather than exiting. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const cleanUp = (signal: NodeJS.Signals) =>
    stopRun(() => {
      process.stderr.write(`kquant: interrupted (${signal}); no partial files left\n`);
      // Die of the signal itself, as other tools do: a shell then reports 130 or 143 and, unlike
      // after exit(130), bash also stops the loop or script it ran kquant in. (The handler was
      // registered once, so the signal now has its default effect; exit is the fallback.)
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated), 1000).unref();
    });
  process.once('SIGINT', cleanUp);
  process.once('SIGTERM', cleanUp);
  // A reader that goes away (`kquant … --json | head -1`) ends the run quietly, as SIGPIPE
  // ends other tools, leaving no partial or temporary file.
  process.stdout.on('error', (error: NodeJS.ErrnoException) =>
    stopRun(() => {
      if (error.code === 'EPIPE') process.exit(EXIT.closedOutput);
      process.stderr.write(`kquant: standard output: ${error.message}\n`);
      process.exit(EXIT.failed);
    }),
  );
  let verbose = argv.includes('--verbose');
  const program = makeProgram(async (inputs, options) => {
    verbose = Boolean(options.verbose);
    process.exitCode = await execute(inputs, options);
  });
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error, verbose);
  }
}

function exitCodeFor(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // commander printed its message already; help and version are not errors.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof KquantError) {
    process.stderr.write(`kquant: ${error.message}\n`);
    if (verbose && error.code === 'INTERNAL') process.stderr.write(`${error.stack}\n`);
    return EXIT_FOR_CODE[error.code];
  }
  if (error instanceof RangeError && /allocat|out of memory/i.test(error.message)) {
    // Not a bug: the system refused memory, or address space (V8 reserves some 10 GB of it for
    // each WebAssembly memory, which a low `ulimit -v` refuses).
    process.stderr.write(`kquant: not enough memory or address space (${error.message}); free some, or raise ulimit -v\n`);
    return EXIT.failed;
  }
  process.stderr.write(`kquant: internal error: ${reason(error)}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

async function execute(inputs: string[], options: CliOptions): Promise<number> {
  const spec: JobSpec = {
    inputs,
    ks: options.colors,
    output: options.output,
    outDir: options.outDir,
    // jpeg is jpg, as in names (outputs named by kquant end in .jpg).
    format: (options.format as string) === 'jpeg' ? 'jpg' : options.format,
    force: options.force,
    maxPixels: options.maxPixels,
    init: options.init,
    nInit: options.nInit === 'auto' ? undefined : options.nInit,
    maxIter: options.maxIter,
    tol: options.tol,
    seed: options.seed,
    sample: options.sample,
    jobs: options.jobs,
    maxBytes: options.maxBytes,
    baseline: options.baseline || undefined,
  };
  // Every file the run writes, checked before any work: none lands on an input or on another
  // output, and without --force none exists yet (each write checks again, for a file made meanwhile).
  checkSpec(spec);
  checkOutputPlan(inputs, plannedOutputs(spec, options), !options.force);
  const imageToStdout = options.output === '-';
  const csvToStdout = options.csv === '-';
  if (csvToStdout && (imageToStdout || options.json)) {
    throw new KquantError('USAGE', `--csv - and ${imageToStdout ? '-o -' : '--json'} cannot both write to standard output`);
  }
  if (imageToStdout && process.stdout.isTTY) {
    throw new KquantError('USAGE', 'refusing to write an image to a terminal; redirect standard output or give -o FILE');
  }
  // With the image on stdout, result lines go to stderr.
  const results = imageToStdout || csvToStdout ? process.stderr : process.stdout;
  const total = inputs.length * options.colors.length;
  const progress = options.quiet ? undefined : makeProgress(process.stderr, total, options.progress !== false);
  // The report and palette writers load only when asked for.
  const extras = options.report || options.palette ? await import('./extras.js') : undefined;
  const stems = inputStems(inputs);
  const report = options.report
    ? new extras!.ReportBuilder(options.report, options.seed, Boolean(options.force), (input) => originalPathFor(options.report!, stems.get(input)!))
    : undefined;
  const several = { inputs: inputs.length > 1, ks: options.colors.length > 1 };
  let failed = 0;
  const unreadable = new Set<string>();
  const warned = new Set<string>();
  const onResult = async (result: JobResult) => {
    const { row, bytes } = result;
    if (bytes) await writeStream(process.stdout, bytes);
    report?.add(result);
    if (options.palette && result.quantized) {
      try {
        await extras!.writePalette(palettePathFor(options.palette, stems.get(row.input)!, row.k, several), result, Boolean(options.force));
      } catch (error) {
        if (!(error instanceof KquantError)) throw error;
        row.error = error.message;
      }
    }
    if (row.error) {
      failed++;
      // Errors are printed even with --quiet; the message names the file already. An input that
      // could not be read (no decoded image) fails every K alike: one line, without a K.
      const unread = !result.decoded;
      if (!unread || !unreadable.has(row.input)) {
        const line = `kquant: ${row.error}${!unread && options.colors.length > 1 ? ` (K=${row.k})` : ''}`;
        if (progress) progress.log(line);
        else process.stderr.write(`${line}\n`);
      }
      if (unread) unreadable.add(row.input);
      if (options.json) results.write(`${JSON.stringify(toJsonObject(row))}\n`);
      return;
    }
    // --quiet silences the human lines; --json output is data and is always printed.
    if (options.quiet && !options.json) return;
    const text = options.json ? JSON.stringify(toJsonObject(row)) : formatLine(row);
    progress ? progress.log(text, results) : results.write(`${text}\n`);
    // A warning that holds for every K of an input (JPEG's, GIF's) is printed once for it.
    for (const warning of row.warnings ?? []) {
      const key = `${row.input}\0${warning}`;
      if (warned.has(key)) continue;
      warned.add(key);
      progress?.log(`kquant: warning: ${row.input}: ${warning}`);
    }
  };
  const rows: ResultRow[] = await runJob(spec, {
    onResult,
    onProgress: (event) => progress?.tick(event),
    onNote: (message) => (options.quiet ? undefined : progress?.log(`kquant: note: ${message}`)),
  });
  progress?.stop();
  await report?.write();
  if (csvToStdout) await writeStream(process.stdout, Buffer.from(formatCsv(rows)));
  else if (options.csv) await writeFileAtomic(options.csv, Buffer.from(formatCsv(rows)), { force: options.force });
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

function writeStream(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => stream.write(bytes, (error) => (error ? reject(error) : resolve())));
}
