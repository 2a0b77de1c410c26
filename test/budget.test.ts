// The search for the largest K under a byte budget (pipeline/budget.ts), on size functions made up
// for the purpose: exact where sizes grow with K, within its contract where they do not.
import { describe, expect, it } from 'vitest';
import { largestKWhere } from '../src/pipeline/budget.js';
import { makeRng } from '../src/core/rng.js';

/** Sizes about linear in log K, as k-means images' are, with `noise` (a fraction) added. */
function sizesLike(seed: number, maxK: number, noise: number): number[] {
  const rng = makeRng(seed);
  const perDoubling = 5_000 + rng() * 30_000;
  const base = 1_000 + rng() * 20_000;
  const sizes: number[] = [];
  for (let k = 0; k <= maxK; k++) sizes.push(Math.round((base + perDoubling * Math.log2(Math.max(k, 1))) * (1 + noise * (rng() - 0.5))));
  return sizes;
}

async function search(sizes: number[], minK: number, maxK: number, limit: number) {
  const asked: number[] = [];
  const found = await largestKWhere(minK, maxK, limit, async (k) => {
    expect(k).toBeGreaterThanOrEqual(minK);
    expect(k).toBeLessThanOrEqual(maxK);
    expect(asked).not.toContain(k); // each K at most once
    asked.push(k);
    return sizes[k];
  });
  expect(found.tried.map((t) => t.k)).toEqual(asked);
  return found;
}

describe('largestKWhere', () => {
  it('finds the largest K that fits when sizes grow with K, in fewer tries than halving', async () => {
    let tries = 0;
    let searches = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const sizes = sizesLike(seed, 256, 0);
      for (let s = 1; s <= 10; s++) sizes[s] = Math.max(sizes[s], sizes[s - 1]);
      for (const limit of [sizes[2], sizes[2] + 1, sizes[37] + 1, sizes[200], sizes[255] - 1, sizes[256], sizes[256] * 2]) {
        const found = await search(sizes, 2, 256, limit);
        let largest = 2;
        for (let k = 2; k <= 256; k++) if (sizes[k] <= limit) largest = k;
        expect(found.k).toBe(largest);
        tries += found.tried.length;
        searches++;
      }
    }
    // Halving [2, 256] takes 9 tries (the first at 2); these take about 5.
    expect(tries / searches).toBeLessThan(6.5);
  });

  it('keeps its contract where sizes do not grow with K: K fits and K + 1 does not (or K is the last)', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const sizes = sizesLike(seed, 300, 0.2);
      const rng = makeRng(1000 + seed);
      const minK = 2 + Math.floor(rng() * 10);
      const maxK = minK + Math.floor(rng() * 280);
      const limit = sizes[minK] + rng() * (sizes[maxK] - sizes[minK]) * 1.2;
      const found = await search(sizes, minK, maxK, limit);
      if (sizes[minK] > limit) {
        expect(found.k).toBeUndefined();
        continue;
      }
      const k = found.k!;
      expect(sizes[k]).toBeLessThanOrEqual(limit);
      if (k < maxK) expect(sizes[k + 1]).toBeGreaterThan(limit);
      // Never many more tries than halving the range.
      expect(found.tried.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(maxK - minK + 2)) + 2);
    }
  });

  it('tries small K first for a small budget, and stays within twice the halving steps where sizes jump', async () => {
    const sizes = sizesLike(5, 256, 0);
    const small = await search(sizes, 2, 256, sizes[12]);
    expect(small.k).toBe(12);
    expect(Math.max(...small.tried.map((t) => t.k))).toBeLessThan(64);
    // Flat, then a jump: interpolation alone would creep up from below one K at a time.
    for (const jump of [3, 40, 129, 200, 256]) {
      const step = Array.from({ length: 257 }, (_, k) => (k < jump ? 1_000 : 1_000_000));
      const found = await search(step, 2, 256, 5_000);
      expect(found.k).toBe(jump - 1);
      expect(found.tried.length).toBeLessThanOrEqual(2 * 8 + 2);
    }
  });

  it('gives nothing when even the smallest K does not fit, after one try', async () => {
    const found = await search(sizesLike(3, 64, 0), 2, 64, 10);
    expect(found).toEqual({ k: undefined, tried: [{ k: 2, bytes: sizesLike(3, 64, 0)[2] }] });
  });
});
