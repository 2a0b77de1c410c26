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
 * Binary search over K in [minK, maxK] for the largest K whose encoding is at most `maxBytes`.
 * File size grows with K (more colours, more detail), though not strictly; the search returns a K
 * that fits with K + 1 not fitting, or undefined when even `minK` does not fit.
 */
export async function largestKUnder(
  image: PreparedImage,
  maxBytes: number,
  range: { minK: number; maxK: number },
  options: Omit<FitOptions, 'k'>,
  encode: (quantized: QuantizedImage) => Promise<Uint8Array>,
): Promise<BudgetResult | undefined> {
  const tried: { k: number; bytes: number }[] = [];
  const attempt = async (k: number) => {
    const quantized = quantizeImage(image, { ...options, k });
    const bytes = await encode(quantized);
    tried.push({ k, bytes: bytes.length });
    return { quantized, bytes };
  };
  let best = await attempt(range.minK);
  if (best.bytes.length > maxBytes) return undefined;
  let lo = range.minK; // fits
  let hi = range.maxK + 1; // first K known not to fit (or past the range)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const candidate = await attempt(mid);
    if (candidate.bytes.length <= maxBytes) {
      lo = mid;
      best = candidate;
    } else {
      hi = mid;
    }
  }
  return { ...best, tried };
}
