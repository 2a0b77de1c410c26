// The tools table: kquant and every reference, each an object the runner treats alike.
//   name        row label; `family` groups variants for --tools (kquant-sample is family kquant)
//   install     how to get it, printed when it is missing
//   available() null when it runs here, else why not
//   appliesTo(image)  false for images the tool is not meant for (kquant-sample: the big one only)
//   skip(image, k)  null when this (image, K) is run, else why not (a limit, noted once under the table)
//   runs(k, runs)   { runs, note } — how many runs this K gets
//   command({ input, k, out })  { cmd, args } — one whole process that reads input, writes out
//   parse(stdout, k)  { innerMs, reportedMse, reportedColours } — what the tool says about itself
//                     (any may be undefined); the runner cross-checks it against its own decode
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './images.mjs';
import { outputOf, succeeds } from './proc.mjs';

const NODE = process.execPath;
/** The Python with scikit-learn: Debian's, or another (a venv's) via KQUANT_PYTHON=path/to/python3. */
export const PYTHON = process.env.KQUANT_PYTHON || '/usr/bin/python3';
/** The kquant under test: this repository's bin, or another build's via KQUANT_BIN=path/to/kquant.js. */
export const KQUANT_BIN = process.env.KQUANT_BIN || join(ROOT, 'bin/kquant.js');
const ADAPTERS = join(ROOT, 'bench/adapters');

/** scikit-learn takes ~22 s per run at K=1024 on china.jpg: from this K up it gets one run. */
const SKLEARN_ONE_RUN_FROM_K = 512;
/** kquant's --sample variant, run on the large image only. */
const SAMPLE_SIZE = 20000;

const PALETTE_MAX = (tool) => (image, k) => (k > 256 ? `${tool}: K ≤ 256 only (PNG palette limit)` : null);
/**
 * libvips ignores `colours` and quantizes to 2^bitdepth colours, the bit depth sharp derives from
 * colours (measured: colours 8 → 16 colours, 32 → 256), so only these K keep sharp within budget.
 */
const SHARP_EXACT_KS = [2, 4, 16, 256];
const SHARP_KS = (image, k) =>
  SHARP_EXACT_KS.includes(k)
    ? null
    : `sharp: K = ${SHARP_EXACT_KS.join(', ')} only (libvips quantizes to 2^bitdepth colours: colours 8 gives 16, 32..128 give 256)`;
const NOT_BIG = (why) => (image) => (image.name === 'big' ? why : null);
const sameRuns = (k, runs) => ({ runs, note: '' });
const everywhere = () => true;

/** Last JSON object on stdout whose `k` matches (or the last one when none carries k). */
function jsonResult(stdout, k) {
  const objects = [];
  const text = stdout.trim();
  try {
    const whole = JSON.parse(text);
    objects.push(...(Array.isArray(whole) ? whole : [whole]));
  } catch {
    for (const line of text.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        objects.push(JSON.parse(line));
      } catch {
        // not a JSON line: a progress or log line
      }
    }
  }
  return objects.filter((o) => o && o.k === k).at(-1) ?? objects.at(-1) ?? {};
}

function memo(probe) {
  let cached;
  return () => (cached === undefined ? (cached = probe()) : cached);
}

function kquantTool({ name, extraArgs, appliesTo = everywhere }) {
  return {
    name,
    family: 'kquant',
    install: 'npm run build (kquant is this repository: bin/kquant.js runs dist/)',
    available: memo(() => {
      if (!existsSync(KQUANT_BIN)) return `${KQUANT_BIN} not found`;
      return succeeds(NODE, [KQUANT_BIN, '--help']) ? null : `\`node ${KQUANT_BIN} --help\` fails`;
    }),
    appliesTo,
    skip: () => null,
    runs: sameRuns,
    command: ({ input, k, out }) => ({
      cmd: NODE,
      args: [KQUANT_BIN, input, '--colors', String(k), '-o', out, '--force', '--json', ...extraArgs],
    }),
    parse(stdout, k) {
      const r = jsonResult(stdout, k);
      return { innerMs: r.fitMs, reportedMse: r.mse, reportedColours: r.coloursUsed };
    },
  };
}

const imagemagickBin = memo(() => findImagemagick());

function findImagemagick() {
  // /usr/local/bin/convert may be a display-only stand-in: use the real binaries by path.
  for (const bin of ['/usr/bin/magick', '/usr/local/bin/magick', '/usr/bin/convert']) {
    if (existsSync(bin) && /ImageMagick/.test(outputOf(bin, ['-version']))) return bin;
  }
  return null;
}

export const TOOLS = [
  kquantTool({ name: 'kquant', extraArgs: [] }),
  kquantTool({
    name: `kquant-sample${SAMPLE_SIZE / 1000}k`,
    extraArgs: ['--sample', String(SAMPLE_SIZE)],
    appliesTo: (image) => image.name === 'big',
  }),
  {
    name: 'pngquant',
    appliesTo: everywhere,
    install: 'apt-get install pngquant',
    available: memo(() => (succeeds('pngquant', ['--version']) ? null : 'pngquant not on PATH')),
    skip: PALETTE_MAX('pngquant'),
    runs: sameRuns,
    command: ({ input, k, out }) => ({
      cmd: 'pngquant',
      args: ['--nofs', '--speed', '1', String(k), '--force', '--output', out, input],
    }),
    parse: () => ({}),
  },
  {
    name: 'sklearn',
    appliesTo: everywhere,
    install: 'apt-get install python3-sklearn python3-pil',
    available: memo(() =>
      succeeds(PYTHON, ['-c', 'import sklearn, numpy, PIL'])
        ? null
        : `${PYTHON} cannot import sklearn, numpy and PIL`,
    ),
    skip: NOT_BIG('sklearn: skipped on the 24 MP image (88× china\'s pixels: ~10 min per K=256 fit)'),
    runs: (k, runs) =>
      k >= SKLEARN_ONE_RUN_FROM_K ? { runs: 1, note: `1 run at K ≥ ${SKLEARN_ONE_RUN_FROM_K}` } : { runs, note: '' },
    command: ({ input, k, out }) => ({
      cmd: PYTHON,
      args: [join(ROOT, 'bench/sklearn_kmeans.py'), input, String(k), out, '0'],
    }),
    parse(stdout) {
      const r = jsonResult(stdout);
      return { innerMs: r.fitMs, reportedMse: r.mse };
    },
  },
  {
    name: 'sharp',
    appliesTo: everywhere,
    install: 'npm install (sharp is a dependency)',
    available: memo(() => (succeeds(NODE, ['-e', "import('sharp')"], { cwd: ROOT }) ? null : 'sharp does not load')),
    skip: SHARP_KS,
    runs: sameRuns,
    command: ({ input, k, out }) => ({
      cmd: NODE,
      args: [join(ADAPTERS, 'sharp_palette.mjs'), input, String(k), out],
    }),
    parse(stdout) {
      return { innerMs: jsonResult(stdout).opMs };
    },
  },
  {
    name: 'image-q',
    appliesTo: everywhere,
    install: 'npm install (image-q is a dev dependency)',
    available: memo(() =>
      succeeds(NODE, ['--input-type=module', '-e', "await import('image-q')"], { cwd: ROOT })
        ? null
        : 'image-q does not load',
    ),
    skip: NOT_BIG('image-q: skipped on the 24 MP image (one object per pixel: it ran out of heap at 4.9 GB after 63 s here)'),
    runs: sameRuns,
    command: ({ input, k, out }) => ({
      cmd: NODE,
      args: [join(ADAPTERS, 'imageq_wu.mjs'), input, String(k), out],
    }),
    parse(stdout) {
      return { innerMs: jsonResult(stdout).quantizeMs };
    },
  },
  {
    name: 'imagemagick',
    appliesTo: everywhere,
    install: 'apt-get install imagemagick',
    available: () => (imagemagickBin() ? null : 'no real ImageMagick (/usr/bin/convert or magick)'),
    skip: () => null,
    runs: sameRuns,
    // `+dither` must come before `-colors`: IM6 applies a setting only to the operators after it
    // (measured: `-colors 16 +dither` gives the dithered image).
    command: ({ input, k, out }) => ({
      cmd: imagemagickBin(),
      args: [input, '+dither', '-colors', String(k), out],
    }),
    parse: () => ({}),
  },
];

/** Tools whose name or family is in `names` (all when names is undefined). */
export function selectTools(names) {
  if (!names) return TOOLS;
  const unknown = names.filter((n) => !TOOLS.some((t) => t.name === n || t.family === n));
  if (unknown.length) {
    throw new Error(`unknown tool(s) ${unknown.join(', ')} (known: ${TOOLS.map((t) => t.name).join(', ')})`);
  }
  return TOOLS.filter((t) => names.includes(t.name) || names.includes(t.family));
}
