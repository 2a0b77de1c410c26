// kquant's benchmark (`npm run bench`): kquant and the reference quantizers on the same images and
// K, scored the same way; prints a table and the targets, writes the table as CSV.
// `node bench/run.mjs --help` lists the flags that run a subset.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { batchRows, sweepRow } from './extras.mjs';
import { ensureParent, IMAGES, OUT_DIR, prepareImage, ROOT } from './images.mjs';
import { measureTools } from './measure.mjs';
import { decodeRgb } from './metrics.mjs';
import { outputOf, rssMethod } from './proc.mjs';
import { addRatios, formatTable, toCsv } from './report.mjs';
import { checkTargets } from './targets.mjs';
import { PYTHON, selectTools } from './tools.mjs';

const ALL_KS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const EXTRAS = ['sweep', 'batch'];
const DEFAULTS = { images: Object.keys(IMAGES), ks: ALL_KS, runs: 3, extras: EXTRAS };
const QUICK = { images: ['china', 'flower'], ks: [16, 256], runs: 1, extras: [] };
const FULL_CSV = `${ROOT}/bench/results.csv`;
const PARTIAL_CSV = `${OUT_DIR}/results.csv`;
/** Everything printed to stdout, kept for copying into the README. */
const REPORT_TXT = `${OUT_DIR}/report.txt`;

const HELP = `Usage: node bench/run.mjs [flags]     (npm run bench -- [flags])
  --images LIST   ${Object.keys(IMAGES).join(',')} or none (default: all; big runs at K=256 only)
  --k LIST        e.g. 16,256 or 2..1024 (doubling) (default: 2..1024)
  --tools LIST    kquant,pngquant,sklearn,sharp,image-q,imagemagick (default: all)
  --runs N        runs per measurement, the median is kept (default: 3)
  --extras LIST   sweep,batch or none (default: both)
  --quick         china,flower at K=16,256, 1 run, no extras (other flags override)
  --csv FILE      where the CSV goes (default: bench/results.csv for a full run,
                  bench/out/results.csv when any flag limits the run)`;

const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

function parseKs(text) {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  if (range) {
    const ks = [];
    for (let k = Number(range[1]); k <= Number(range[2]); k *= 2) ks.push(k);
    return ks;
  }
  const ks = list(text).map(Number);
  if (ks.some((k) => !Number.isInteger(k) || k < 2)) throw new Error(`--k: expected integers ≥ 2, got "${text}"`);
  return ks;
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string' },
      k: { type: 'string' },
      tools: { type: 'string' },
      runs: { type: 'string' },
      extras: { type: 'string' },
      quick: { type: 'boolean' },
      csv: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const base = values.quick ? QUICK : DEFAULTS;
  const runs = values.runs === undefined ? base.runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected an integer ≥ 1, got "${values.runs}"`);
  const limited = ['images', 'k', 'tools', 'runs', 'extras', 'quick'].some((f) => values[f] !== undefined);
  const extras = values.extras === undefined ? base.extras : values.extras === 'none' ? [] : list(values.extras);
  const unknownExtras = extras.filter((e) => !EXTRAS.includes(e));
  if (unknownExtras.length) throw new Error(`--extras: unknown ${unknownExtras.join(', ')} (known: ${EXTRAS.join(', ')}, none)`);
  const wantsKquant = values.tools === undefined || list(values.tools).includes('kquant');
  return {
    images: values.images === undefined ? base.images : values.images === 'none' ? [] : list(values.images),
    ks: values.k === undefined ? base.ks : parseKs(values.k),
    tools: selectTools(values.tools === undefined ? undefined : list(values.tools)),
    runs,
    extras: wantsKquant ? extras : [],
    csv: values.csv ?? (limited ? PARTIAL_CSV : FULL_CSV),
  };
}

/** One line per tool version and the machine, printed above the table. */
function environmentNotes() {
  const first = (text) => text.trim().split('\n')[0];
  const cpu = cpus();
  return [
    `machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`,
    `pngquant ${first(outputOf('pngquant', ['--version'])) || '-'}; ` +
      `${first(outputOf('/usr/bin/convert', ['-version'])).replace(/^Version: /, '') || 'ImageMagick -'}; ` +
      `scikit-learn ${first(outputOf(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'])) || '-'}`,
    `peak RSS by ${rssMethod() === 'gnu-time' ? '/usr/bin/time -f %M (GNU time)' : 'polling /proc/PID/status VmHWM every 5 ms'}; ` +
      'wall = whole process, median of runs; inner = the tool\'s own compute time (kquant fitMs, sklearn fit, ' +
      'sharp/image-q in-script)',
    'ratios = tool ÷ kquant at the same image and K (above 1: kquant faster / lower MSE / smaller)',
    loadNote('at start', { warn: true }),
  ];
}

/** Wall times assume an otherwise idle machine: say how busy it was (at the end, the load includes the benchmark's own). */
function loadNote(when, { warn = false } = {}) {
  const load = loadavg();
  const busy = warn && load[0] > cpus().length / 2 ? ' — BUSY: other work shares the cores, wall times are inflated' : '';
  return `load average ${when}: ${load.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min, ${cpus().length} cores)${busy}`;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const report = [];
  const say = (text) => {
    console.log(text);
    report.push(text);
  };
  for (const n of environmentNotes()) say(`# ${n}`);

  const tools = [];
  for (const tool of opts.tools) {
    const why = tool.available();
    if (why) say(`# skipped ${tool.name}: ${why} — install: ${tool.install}`);
    else tools.push(tool);
  }

  const rows = [];
  const skipNotes = new Set();
  for (const name of opts.images) {
    const image = await prepareImage(name);
    const original = await decodeRgb(image.input);
    const ks = IMAGES[name].ks ?? opts.ks;
    for (const k of ks) {
      const runnable = [];
      for (const tool of tools.filter((t) => t.appliesTo(image))) {
        const why = tool.skip(image, k);
        if (why) skipNotes.add(why);
        else runnable.push(tool);
      }
      for (const row of await measureTools(runnable, image, k, opts.runs, original)) {
        rows.push(row);
        process.stderr.write(
          `${row.tool} ${row.image} K=${row.k}: ${row.wallS?.toFixed(3) ?? '-'} s, MSE ${row.mse?.toFixed(3) ?? '-'} ${row.note ?? ''}\n`,
        );
      }
    }
  }
  if (opts.extras.includes('sweep')) rows.push(await sweepRow(opts.runs));
  if (opts.extras.includes('batch')) rows.push(...(await batchRows(opts.runs)));

  addRatios(rows);
  say(formatTable(rows));
  for (const n of skipNotes) say(`# not run: ${n}`);
  say(`# ${loadNote('at end')}`);
  say('');
  for (const t of checkTargets(rows)) say(`${t.status}  ${t.text}`);
  ensureParent(opts.csv);
  writeFileSync(opts.csv, toCsv(rows));
  ensureParent(REPORT_TXT);
  writeFileSync(REPORT_TXT, `${report.join('\n')}\n`);
  console.log(`\nwrote ${relative(ROOT, opts.csv)} and ${relative(ROOT, REPORT_TXT)}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
