// "The best image under N bytes": the largest K whose encoded image fits the budget.
// Pure: the encoder is passed in, so this module does no I/O.
import { quantizeImage, type FitOptions, type PreparedImage, type QuantizedImage } from './quantize.js';

export interface BudgetResult {
  quantized: QuantizedImage;
  bytes: Uint8Array;
  /** K values tried, in order, with their sizes (for the report and tests). */
  tried: { k: number; bytes: number }[];
}

/**
 * The largest K in [minK, maxK] whose encoding is at most `maxBytes`, by largestKWhere over
 * quantize-and-encode; undefined when even `minK` does not fit.
 */
export async function largestKUnder(
  image: PreparedImage,
  maxBytes: number,
  range: { minK: number; maxK: number },
  options: Omit<FitOptions, 'k'>,
  encode: (quantized: QuantizedImage) => Promise<Uint8Array>,
): Promise<BudgetResult | undefined> {
  // The largest K that fits so far is the one the search returns (each K it tries lies above
  // every K known to fit): only that image is kept.
  let best: { k: number; quantized: QuantizedImage; bytes: Uint8Array } | undefined;
  const found = await largestKWhere(range.minK, range.maxK, maxBytes, async (k) => {
    const quantized = quantizeImage(image, { ...options, k });
    const bytes = await encode(quantized);
    if (bytes.length <= maxBytes && (!best || k > best.k)) best = { k, quantized, bytes };
    return bytes.length;
  });
  if (found.k === undefined || !best) return undefined;
  return { quantized: best.quantized, bytes: best.bytes, tried: found.tried };
}

/**
 * The largest K in [minK, maxK] whose `size` is at most `limit`, given that size grows with K,
 * though not strictly: a K that fits with K + 1 not fitting (or K = maxK), or undefined when minK
 * does not fit. Each size is asked for once, in the order of `tried`.
 *
 * Sizes of k-means images grow about linearly in log K (china.jpg: 8, 24, 39, 55, 74, 93, 121 and
 * 143 kB at K = 2, 4, ..., 256), so each guess interpolates log K between the nearest K known to
 * fit and the nearest known not to, and before one is known not to fit, extrapolates from the two
 * largest that fit (from minK alone, the middle of [minK, maxK] in log K). Each guess between
 * two known sizes lies at least a quarter of the interval in, so the interval shrinks to 3/4 or
 * less a try: where sizes jump, at most about 2.2 times a binary search's tries. On china.jpg's
 * sizes at every K (budgets of 8 to 150 kB in 1 kB steps) it took 5.9 tries against halving's
 * 8.9, the first ones at smaller (cheaper) K: a 50 kB budget tries K = 2, 23, 12, 14, 13 instead
 * of 2, 129, 65, 33, 17, 9, 13, 11, 12. Where sizes dip and rise around the budget it can settle
 * on another K than halving (both fit with K + 1 not fitting): there a smaller one for 12 of the
 * 143 budgets and a larger one for 7; the mean K was 71.1 against 71.4.
 */
export async function largestKWhere(
  minK: number,
  maxK: number,
  limit: number,
  size: (k: number) => Promise<number>,
): Promise<{ k: number | undefined; tried: { k: number; bytes: number }[] }> {
  const tried: { k: number; bytes: number }[] = [];
  const ask = async (k: number): Promise<boolean> => {
    const bytes = await size(k);
    tried.push({ k, bytes });
    return bytes <= limit;
  };
  if (!(await ask(minK))) return { k: undefined, tried };
  let lo = minK; // fits
  let hi = maxK + 1; // the smallest K known not to fit, or past the range
  while (hi - lo > 1) {
    // Between two known sizes, a guess at least a quarter of the interval in from either end: near
    // the answer the sizes' noise outweighs their slope, and a guess next to an end would shrink
    // the interval by one.
    const margin = hi <= maxK ? Math.max(1, Math.floor((hi - lo) / 4)) : 1;
    const k = Math.min(hi - margin, Math.max(lo + margin, guess(tried, lo, hi, maxK, limit)));
    if (await ask(k)) lo = k;
    else hi = k;
  }
  return { k: lo, tried };
}

/** The next K to try between lo (fits) and hi (does not, or past maxK), from the sizes known. */
function guess(tried: { k: number; bytes: number }[], lo: number, hi: number, maxK: number, limit: number): number {
  const at = (k: number) => tried.find((t) => t.k === k)!.bytes;
  let from = { k: lo, bytes: at(lo) };
  let to: { k: number; bytes: number } | undefined = hi <= maxK ? { k: hi, bytes: at(hi) } : undefined;
  if (!to) {
    // Nothing known not to fit: extrapolate from the largest fitting K below lo.
    const below = tried.filter((t) => t.k < lo && t.bytes <= limit).sort((a, b) => b.k - a.k)[0];
    if (!below || at(lo) <= below.bytes) return Math.round(Math.sqrt(lo * maxK));
    to = from;
    from = below;
  }
  const x0 = Math.log(from.k);
  const x1 = Math.log(to.k);
  if (to.bytes === from.bytes) return Math.round(Math.sqrt(lo * Math.min(hi, maxK)));
  const x = x0 + ((limit - from.bytes) * (x1 - x0)) / (to.bytes - from.bytes);
  return Math.round(Math.exp(x));
}
