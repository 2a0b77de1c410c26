// Seeded draws in proportion to weights: the pixels a `--sample` fit sees.
import type { Rng } from './rng.js';

/**
 * Draws `count` items with replacement, each with probability weight / Σweights, and returns how
 * many times each item was drawn. Drawing distinct colours by their pixel counts is drawing pixels
 * uniformly, without touching the pixels.
 */
export function drawByWeight(weights: Float64Array, count: number, rng: Rng): Float64Array {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  const draws = new Float64Array(n);
  for (let s = 0; s < count; s++) {
    const target = rng() * total;
    // First index whose cumulative weight exceeds the target.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    draws[lo]++;
  }
  return draws;
}
