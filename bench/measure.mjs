// Measures the tools on one image at one K: runs each whole process `runs` times (interleaved),
// keeps the median wall time, the highest peak RSS and the median CPU time, then scores the file
// written with the shared metric and cross-checks whatever MSE and colour count the tool reports.
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

/** One run of one tool: its timing and what it says about itself, or why it failed. */
async function runOnce(tool, input, k, out) {
  rmSync(out, { force: true });
  const { cmd, args } = tool.command({ input, k, out });
  const r = await runTimed(cmd, args);
  if (r.code !== 0 || !existsSync(out)) {
    const why = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
    return `failed (${why}): ${firstLine(r.stderr || r.stdout)}`;
  }
  return { ...r, parsed: tool.parse(r.stdout, k) };
}

/** The row of one tool from its runs: median wall and CPU, highest peak RSS, the file's score. */
async function summarize({ tool, runs, note: runsNote, out, samples }, image, k, original) {
  const { mse, psnrDb, coloursUsed } = await compareToOriginal(original, out);
  const notes = [runsNote];
  // A tool that shows more colours than K is outside the budget: its row is kept but not compared.
  if (coloursUsed > k) notes.push(`OVER BUDGET: ${coloursUsed} colours > K`);
  const { reportedColours, reportedMse } = samples.at(-1).parsed;
  if (Number.isFinite(reportedColours) && reportedColours !== coloursUsed) {
    notes.push(`own colour count ${reportedColours}`);
  }
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

/**
 * Measures every tool on one image at one K, in rounds (run 1 of each tool, then run 2, …), so a
 * burst of outside load is spread over the tools instead of landing on one tool's runs.
 * Every run writes the same file again (the tools are deterministic); the last one is scored.
 * @param {object[]} tools   entries of TOOLS
 * @param {{ name: string, input: string, megapixels: number }} image  from prepareImage
 * @param {number} k
 * @param {number} defaultRuns
 * @param {{ data: Buffer, width: number, height: number }} original  the input's decoded RGB
 * @returns {Promise<object[]>} one row per tool, in the order given
 */
export async function measureTools(tools, image, k, defaultRuns, original) {
  const jobs = tools.map((tool) => {
    const out = join(OUT_DIR, tool.name, `${image.name}-k${k}.png`);
    ensureParent(out);
    return { tool, ...tool.runs(k, defaultRuns), out, samples: [], failure: undefined };
  });
  const rounds = Math.max(0, ...jobs.map((j) => j.runs));
  for (let round = 0; round < rounds; round++) {
    for (const job of jobs) {
      if (round >= job.runs || job.failure) continue;
      const sample = await runOnce(job.tool, image.input, k, job.out);
      if (typeof sample === 'string') job.failure = sample;
      else job.samples.push(sample);
    }
  }
  const rows = [];
  for (const job of jobs) {
    rows.push(job.failure ? failedRow(job.tool.name, image.name, k, job.failure) : await summarize(job, image, k, original));
  }
  return rows;
}
