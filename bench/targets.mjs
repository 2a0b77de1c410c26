// Issue 3's targets, checked against the measured rows: one PASS / FAIL / SKIP line each
// (SKIP when the rows it needs were not measured in this run).

const GB_IN_MB = 1e9 / (1024 * 1024); // 1.5 GB read as 1.5e9 bytes, the stricter reading
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : x === undefined ? '-' : String(x));

function finder(rows) {
  const ok = (r) => r && Number.isFinite(r.wallS);
  return (tool, image, k) => {
    const r = rows.find((x) => x.tool === tool && x.image === image && x.k === k);
    return ok(r) ? r : undefined;
  };
}

const overBudget = (r) => r.colours > r.k;

/**
 * Pairs of (kquant row, other row) at the same image and numeric K, filtered by `keep(k)`.
 * Rows of the other tool that show more than K colours are left out (not a fair comparison).
 */
function pairs(rows, other, keep = () => true) {
  const get = finder(rows);
  const candidates = rows
    .filter((r) => r.tool === other && typeof r.k === 'number' && keep(r.k) && Number.isFinite(r.mse))
    .map((r) => [get('kquant', r.image, r.k), r])
    .filter(([kq]) => kq && Number.isFinite(kq.mse));
  const fair = candidates.filter(([, o]) => !overBudget(o));
  return { fair, unfair: candidates.length - fair.length };
}

function line(pass, text) {
  return { status: pass === undefined ? 'SKIP' : pass ? 'PASS' : 'FAIL', text };
}

/** Most failing pairs a line lists before "and N more". */
const MAX_LISTED = 6;

/**
 * Every-K check: passes when `holds(kq, other)` at every pair. A passing line shows the closest
 * pair (largest `closeness`); a failing one lists the pairs that fail.
 */
function everyK(rows, other, { keep = () => true, holds, closeness, describe, title }) {
  const { fair: ps, unfair } = pairs(rows, other, keep);
  const left = unfair ? ` (${unfair} ${other} rows over budget, not compared)` : '';
  if (ps.length === 0) return line(undefined, `${title}: no kquant/${other} pairs measured${left}`);
  const say = ([kq, o]) => `${o.image} K=${o.k} ${describe(kq, o)}${overBudget(kq) ? ` (kquant shows ${kq.colours} colours)` : ''}`;
  // kquant showing more than K colours is a failure whatever its MSE.
  const failing = ps.filter(([kq, o]) => overBudget(kq) || !holds(kq, o));
  if (failing.length === 0) {
    const closest = ps.reduce((a, b) => (closeness(...b) > closeness(...a) ? b : a));
    return line(true, `${title}: holds at all ${ps.length}; closest ${say(closest)}${left}`);
  }
  const listed = failing.slice(0, MAX_LISTED).map(say).join(', ');
  const more = failing.length > MAX_LISTED ? ` and ${failing.length - MAX_LISTED} more` : '';
  return line(false, `${title}: fails at ${failing.length}/${ps.length}: ${listed}${more}${left}`);
}

/** @returns {{ status: 'PASS'|'FAIL'|'SKIP', text: string }[]} */
export function checkTargets(rows) {
  const get = finder(rows);
  const out = [];
  const mseRatio = (kq, o) => `${fmt(kq.mse / o.mse, 4)}×`;

  const mseCheck = (ref, maxK, factor, op) => ({
    keep: (k) => k <= maxK,
    holds: (kq, o) => (op === '<' ? kq.mse < o.mse : kq.mse <= factor * o.mse),
    closeness: (kq, o) => kq.mse / o.mse,
    describe: mseRatio,
    title: `MSE ${op} ${factor === 1 ? '' : `${factor} × `}${ref} at every K${maxK < Infinity ? ` ≤ ${maxK}` : ''} (kquant/${ref})`,
  });
  out.push(everyK(rows, 'sklearn', mseCheck('sklearn', Infinity, 1.005, '≤')));
  for (const ref of ['pngquant', 'sharp', 'image-q']) out.push(everyK(rows, ref, mseCheck(ref, 256, 1, '<')));

  const kq256 = get('kquant', 'china', 256);
  const pq256 = get('pngquant', 'china', 256);
  out.push(
    line(
      kq256 && pq256 ? kq256.wallS <= 2 * pq256.wallS : undefined,
      `china K=256 wall ≤ 2 × pngquant: kquant ${fmt(kq256?.wallS)} s, pngquant ${fmt(pq256?.wallS)} s` +
        (kq256 && pq256 ? ` (${fmt(kq256.wallS / pq256.wallS, 2)}×)` : ''),
    ),
  );
  for (const k of [256, 1024]) {
    const kq = get('kquant', 'china', k);
    const sk = get('sklearn', 'china', k);
    out.push(
      line(
        kq && sk && Number.isFinite(sk.innerS) ? 10 * kq.wallS <= sk.innerS : undefined,
        `china K=${k}: kquant whole process ≥ 10× faster than sklearn's fit: kquant ${fmt(kq?.wallS)} s, ` +
          `sklearn fit ${fmt(sk?.innerS)} s` + (kq && sk ? ` (${fmt(sk.innerS / kq.wallS, 1)}×)` : ''),
      ),
    );
  }

  const sweep = get('kquant-sweep', 'china', '2..1024');
  out.push(
    line(sweep ? sweep.wallS < 3 && !/INCOMPLETE/.test(sweep.note) : undefined,
      `sweep 2..1024 (10 PNGs + CSV) < 3 s: ${fmt(sweep?.wallS)} s`),
  );

  const big = get('kquant', 'big', 256);
  out.push(
    line(big ? big.peakRssMb < 1.5 * GB_IN_MB : undefined,
      `24 MP K=256 peak RSS < 1.5 GB: ${fmt(big?.peakRssMb, 0)} MiB`),
  );
  const perMp = (r) => r.wallS / r.megapixels;
  out.push(
    line(
      big && kq256 ? perMp(big) <= perMp(kq256) : undefined,
      `24 MP K=256 s/MP ≤ china's: big ${big ? fmt(perMp(big)) : '?'} s/MP, china ${kq256 ? fmt(perMp(kq256)) : '?'} s/MP`,
    ),
  );
  const sampled = rows.find((r) => r.tool.startsWith('kquant-sample') && r.image === 'big' && Number.isFinite(r.wallS));
  out.push(line(sampled ? sampled.wallS < 3 : undefined, `24 MP K=256 with --sample 20000 < 3 s: ${fmt(sampled?.wallS)} s`));

  out.push(
    everyK(rows, 'pngquant', {
      keep: (k) => k <= 256,
      holds: (kq, o) => kq.bytes <= o.bytes && kq.psnrDb > o.psnrDb,
      closeness: (kq, o) => Math.max(kq.bytes / o.bytes, o.psnrDb - kq.psnrDb + 1),
      describe: (kq, o) => `bytes ${kq.bytes}/${o.bytes}, PSNR ${fmt(kq.psnrDb, 2)}/${fmt(o.psnrDb, 2)} dB`,
      title: 'bytes ≤ pngquant with higher PSNR at every K ≤ 256 (kquant/pngquant)',
    }),
  );

  const batch = get('kquant-batch', 'batch20', 16);
  const serial = get('kquant-serial', 'batch20', 16);
  const speedup = batch && serial ? serial.wallS / batch.wallS : undefined;
  out.push(
    line(speedup === undefined ? undefined : speedup >= 1.8,
      `batch of 20 ≈ 2× faster than one process per file (≥ 1.8×): batch ${fmt(batch?.wallS)} s, ` +
        `serial ${fmt(serial?.wallS)} s (${fmt(speedup, 2)}×)`),
  );
  return out;
}
