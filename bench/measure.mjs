// Measures one tool on one image at one K: runs the whole process `runs` times, keeps the median
// wall time, the highest peak RSS and the median CPU time, then scores the file written with the
// shared metric and cross-checks whatever MSE the tool reports about itself.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareToOriginal } from './metrics.mjs';
import { ensureParent, OUT_DIR } from './images.mjs';
import { runTimed } from './proc.mjs';

/** Self-reported MSE may differ from ours by this fraction before the row says so. */
const MSE_AGREEMENT = 1e-3;

export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** A row that says why nothing was measured. */
export function failedRow(tool, image, k, note) {
  return { tool, image, k, note };
}

/** First informative line of a failed process's output, for the row's note. */
function firstLine(text) {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 160);
}

/**
 * @param {object} tool      an entry of TOOLS
 * @param {{ name: string, input: string, megapixels: number }} image  from prepareImage
 * @param {number} k
 * @param {number} defaultRuns
 * @param {{ data: Buffer, width: number, height: number }} original  the input's decoded RGB
 */
export async function measureTool(tool, image, k, defaultRuns, original) {
  const { runs, note: runsNote } = tool.runs(k, defaultRuns);
  const out = join(OUT_DIR, tool.name, `${image.name}-k${k}.png`);
  ensureParent(out);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    rmSync(out, { force: true });
    const { cmd, args } = tool.command({ input: image.input, k, out });
    const r = await runTimed(cmd, args);
    if (r.code !== 0 || !existsSync(out)) {
      const why = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
      return failedRow(tool.name, image.name, k, `failed (${why}): ${firstLine(r.stderr || r.stdout)}`);
    }
    samples.push({ ...r, parsed: tool.parse(r.stdout, k) });
  }

  const { mse, psnrDb, coloursUsed } = await compareToOriginal(original, out);
  const notes = [runsNote];
  const reportedMse = samples.at(-1).parsed.reportedMse;
  if (Number.isFinite(reportedMse) && Math.abs(reportedMse - mse) > MSE_AGREEMENT * Math.max(mse, 1e-9)) {
    notes.push(`own MSE ${reportedMse.toFixed(4)} differs`);
  }
  const innerMs = median(samples.map((s) => s.parsed.innerMs));
  return {
    tool: tool.name,
    image: image.name,
    k,
    runs,
    wallS: median(samples.map((s) => s.wallMs)) / 1000,
    innerS: innerMs === undefined ? undefined : innerMs / 1000,
    cpuS: median(samples.map((s) => s.cpuS)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssKb)) / 1024,
    colours: coloursUsed,
    mse,
    psnrDb,
    bytes: statSync(out).size,
    megapixels: image.megapixels,
    note: notes.filter(Boolean).join('; '),
  };
}
