// kquant-only rows: the full 2..1024 sweep of china.jpg as one process, and a batch of 20 files in
// one process (worker threads) against the same 20 files run one process at a time (interleaved).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR, prepareBatch, ROOT } from './images.mjs';
import { failedRow, median } from './measure.mjs';
import { runTimed } from './proc.mjs';
import { KQUANT_BIN as KQUANT } from './tools.mjs';

const NODE = process.execPath;
const SWEEP_KS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const BATCH_K = 16;

function pngBytes(dir) {
  const pngs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.png')) : [];
  return { count: pngs.length, bytes: pngs.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) };
}

/**
 * Runs each of `onces` `runs` times, interleaved (round 1 of each, then round 2, …); each call
 * returns { wallMs, peakRssKb, cpuS } or a failure note string.
 * @returns {Promise<(object|string)[]>} per function: { runs, wallS, cpuS, peakRssMb } or its failure
 */
async function repeat(runs, onces) {
  const samples = onces.map(() => []);
  const failures = onces.map(() => undefined);
  for (let round = 0; round < runs; round++) {
    for (const [i, once] of onces.entries()) {
      if (failures[i]) continue;
      const s = await once();
      if (typeof s === 'string') failures[i] = s;
      else samples[i].push(s);
    }
  }
  return samples.map((ss, i) =>
    failures[i] ?? {
      runs,
      wallS: median(ss.map((s) => s.wallMs)) / 1000,
      cpuS: median(ss.map((s) => s.cpuS)),
      peakRssMb: Math.max(...ss.map((s) => s.peakRssKb)) / 1024,
    },
  );
}

async function kquantOnce(args) {
  const r = await runTimed(NODE, [KQUANT, ...args]);
  if (r.code !== 0) return `failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}`;
  return r;
}

/** `kquant fixtures/china.jpg --colors 2..1024 --out-dir bench/out/sweep --csv …/sizes.csv --force` */
export async function sweepRow(runs) {
  const dir = join(OUT_DIR, 'sweep');
  const csv = join(dir, 'sizes.csv');
  const args = [join(ROOT, 'fixtures/china.jpg'), '--colors', '2..1024', '--out-dir', dir, '--csv', csv, '--force'];
  const base = { tool: 'kquant-sweep', image: 'china', k: '2..1024' };
  const [m] = await repeat(runs, [
    async () => {
      rmSync(dir, { recursive: true, force: true });
      return kquantOnce(args);
    },
  ]);
  if (typeof m === 'string') return failedRow(base.tool, base.image, base.k, m);
  const { count, bytes } = pngBytes(dir);
  const complete = count === SWEEP_KS.length && existsSync(csv);
  return {
    ...base,
    ...m,
    bytes,
    note: `${count} PNGs${existsSync(csv) ? ' + CSV' : ', no CSV'}${complete ? '' : ' (INCOMPLETE)'}`,
  };
}

/** The batch of 20 at K=16: one process for all vs one process per file, serially. */
export async function batchRows(runs) {
  const files = await prepareBatch();
  const image = `batch${files.length}`;
  const batchDir = join(OUT_DIR, 'batch/one-process');
  const serialDir = join(OUT_DIR, 'batch/per-file');
  const common = ['--colors', String(BATCH_K), '--force'];

  const oneProcess = async () => {
    rmSync(batchDir, { recursive: true, force: true });
    return kquantOnce([...files, ...common, '--out-dir', batchDir]);
  };
  const perFile = async () => {
    rmSync(serialDir, { recursive: true, force: true });
    const start = process.hrtime.bigint();
    let peakRssKb = 0;
    let cpuS = 0;
    for (const file of files) {
      const r = await kquantOnce([file, ...common, '--out-dir', serialDir]);
      if (typeof r === 'string') return r;
      peakRssKb = Math.max(peakRssKb, r.peakRssKb);
      cpuS += r.cpuS ?? NaN;
    }
    return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, peakRssKb, cpuS };
  };
  const [batch, serial] = await repeat(runs, [oneProcess, perFile]);

  const row = (tool, m, dir, extra) => {
    if (typeof m === 'string') return failedRow(tool, image, BATCH_K, m);
    const { count, bytes } = pngBytes(dir);
    const note = [`${count} PNGs${count === files.length ? '' : ' (INCOMPLETE)'}`, extra].filter(Boolean).join('; ');
    return { tool, image, k: BATCH_K, ...m, bytes, note };
  };
  return [
    row('kquant-batch', batch, batchDir, 'one process, all files'),
    {
      ...row('kquant-serial', serial, serialDir, 'one process per file; time_ratio = serial / batch'),
      ratioAgainst: 'kquant-batch',
    },
  ];
}
