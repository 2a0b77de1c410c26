// The core on a real photo's histogram (fixtures/china.jpg: 96,615 distinct colours), and
// k-means on a histogram against k-means on every pixel.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHistogram, type Histogram } from '../src/core/histogram.js';
import { initKMeansPlusPlus } from '../src/core/init.js';
import { kmeans, meanVariance } from '../src/core/kmeans.js';
import { lloydAccelerated, lloydReference } from '../src/core/lloyd.js';
import { assignNearest } from '../src/core/nearest.js';
import { paletteOf, roundCentres, roundPalette } from '../src/core/palette.js';
import { makeRng } from '../src/core/rng.js';
import { CHINA } from './helpers.js';

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('china.jpg histogram', () => {
  let h: Histogram;
  let x: Float64Array;
  beforeAll(async () => {
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    x = Float64Array.from(h.points);
  });

  it('has the distinct colours and pixel counts it should', () => {
    expect(h.n).toBe(96_615);
    expect(h.weights.reduce((s, w) => s + w, 0)).toBe(640 * 427);
  });

  it.each([2, 3, 7, 16, 64])('accelerated Lloyd equals the reference bit for bit, K=%i, run to convergence', (k) => {
    const init = initKMeansPlusPlus(x, h.n, 3, h.weights, k, makeRng(k));
    const options = { maxIter: 300, tolAbs: 1e-4 * meanVariance(x, h.n, 3, h.weights) };
    const fast = lloydAccelerated(x, h.n, 3, h.weights, init, options);
    const reference = lloydReference(x, h.n, 3, h.weights, init, options);
    expect(fast.iterations).toBe(reference.iterations);
    expect(sameBits(fast.centres, reference.centres)).toBe(true);
    expect(fast.labels).toEqual(reference.labels);
    expect(fast.inertia).toBe(reference.inertia);
  });

  it.each([
    [256, 8],
    [1024, 4],
  ])('accelerated Lloyd equals the reference bit for bit, K=%i, first %i iterations', (k, iterations) => {
    // The brute-force reference costs n·K distances an iteration: a few iterations at large K.
    const hint = new Uint16Array(h.n);
    const init = initKMeansPlusPlus(x, h.n, 3, h.weights, k, makeRng(k), undefined, hint);
    const options = { maxIter: iterations, tolAbs: 0 };
    const fast = lloydAccelerated(x, h.n, 3, h.weights, init, { ...options, hint });
    const reference = lloydReference(x, h.n, 3, h.weights, init, options);
    expect(fast.iterations).toBe(iterations);
    expect(reference.iterations).toBe(iterations);
    expect(sameBits(fast.centres, reference.centres)).toBe(true);
    expect(fast.labels).toEqual(reference.labels);
  });

  it('k-means++ hands Lloyd each point’s exact nearest centre', () => {
    const hint = new Uint16Array(h.n);
    const centres = initKMeansPlusPlus(x, h.n, 3, h.weights, 300, makeRng(5), undefined, hint);
    expect(centres.length).toBe(900);
    const { labels } = assignNearest(x, h.n, 3, centres, 300);
    const brute = new Uint16Array(h.n);
    for (let i = 0; i < h.n; i++) {
      let best = Infinity;
      for (let j = 0; j < 300; j++) {
        const d2 = (x[3 * i] - centres[3 * j]) ** 2 + (x[3 * i + 1] - centres[3 * j + 1]) ** 2 + (x[3 * i + 2] - centres[3 * j + 2]) ** 2;
        if (d2 < best) {
          best = d2;
          brute[i] = j;
        }
      }
    }
    expect(labels).toEqual(brute);
    expect(hint).toEqual(brute);
  });

  it('rounding to an 8-bit palette costs little and the final reassignment never hurts', () => {
    const fit = kmeans(h.points, 3, { k: 64, weights: h.weights, seed: 0 });
    const palette = roundPalette(fit.centres, 3, x, h.n, h.weights, fit.labels);
    // Rounding moves each centre by at most 1/2 a channel: at most 1/4 more squared error a channel.
    const pixels = 640 * 427;
    expect(palette.sse / pixels / 3).toBeLessThan(fit.inertia / pixels / 3 + 0.3);
    // Against the rounded palette without reassignment (each colour keeps its cluster's colour).
    let kept = 0;
    for (let i = 0; i < h.n; i++) {
      const j = fit.labels[i];
      for (let t = 0; t < 3; t++) kept += h.weights[i] * (x[3 * i + t] - Math.min(255, Math.max(0, Math.round(fit.centres[3 * j + t])))) ** 2;
    }
    expect(palette.sse).toBeLessThanOrEqual(kept);
  });

  it.each([16, 64, 256, 1024])('the fit rounds its centres to 8 bits and finds each colour’s nearest, as a full search does, K=%i', (k) => {
    const fit = kmeans(h.points, 3, { k, weights: h.weights, seed: 0, snap: roundCentres });
    const { centres: rounded, labels } = fit.snapped!;
    expect(rounded).toEqual(roundCentres(fit.centres));
    const { labels: searched } = assignNearest(x, h.n, 3, rounded, k);
    expect(labels).toEqual(searched);
    // The palette built from them is roundPalette's.
    const viaSnap = paletteOf(rounded, 3, x, h.n, h.weights, labels.slice());
    const viaSearch = roundPalette(fit.centres, 3, x, h.n, h.weights, fit.labels);
    expect(viaSnap).toEqual(viaSearch);
  });
});

describe('k-means on a histogram is k-means on every pixel', () => {
  it('gives the same centres, and the same label for every pixel, on a small image with few colours', () => {
    // 40×30 pixels drawn from 12 colours, some far more common than others.
    const rng = makeRng('few-colours');
    const palette = Array.from({ length: 12 }, () => [0, 1, 2].map(() => Math.floor(rng() * 256)));
    const pixels = new Uint8Array(40 * 30 * 3);
    for (let p = 0; p < 40 * 30; p++) {
      const c = palette[Math.floor(rng() ** 2 * 12)];
      pixels.set(c, 3 * p);
    }
    const h = buildHistogram(pixels, 3, 3);
    expect(h.n).toBeLessThanOrEqual(12);
    expect(h.n).toBeGreaterThan(6);
    const all = Float32Array.from(pixels);
    for (const k of [2, 3, 5]) {
      // The same first centres: k of the distinct colours.
      const init = Float64Array.from(h.points.subarray(0, 3 * k));
      const onHistogram = kmeans(h.points, 3, { k, weights: h.weights, init, tol: 0 });
      const onPixels = kmeans(all, 3, { k, init, tol: 0 });
      expect(Array.from(onHistogram.centres)).toEqual(Array.from(onPixels.centres));
      expect(onHistogram.iterations).toBe(onPixels.iterations);
      expect(onHistogram.inertia).toBeCloseTo(onPixels.inertia, 6);
      for (let p = 0; p < 40 * 30; p++) expect(onPixels.labels[p]).toBe(onHistogram.labels[h.index[p]]);
    }
  });

  it('and the seeded k-means++ draws the same centres from either, in distribution', () => {
    // Same seed, different point order: not the same draw, but the same law. Compare how often
    // each colour is the first centre over many seeds (a two-sample chi-square test).
    const colours = [
      [10, 10, 10],
      [200, 10, 10],
      [10, 200, 10],
      [10, 10, 200],
    ];
    const counts = [1, 3, 6, 10];
    const pixels: number[] = [];
    colours.forEach((c, j) => {
      for (let r = 0; r < counts[j]; r++) pixels.push(...c);
    });
    const h = buildHistogram(Uint8Array.from(pixels), 3, 3);
    const x = Float64Array.from(h.points);
    const all = Float64Array.from(pixels);
    const onHistogram = [0, 0, 0, 0];
    const onPixels = [0, 0, 0, 0];
    const which = (c: Float64Array) => colours.findIndex((col) => col.every((v, t) => v === c[t]));
    const runs = 4000;
    for (let s = 0; s < runs; s++) {
      onHistogram[which(initKMeansPlusPlus(x, h.n, 3, h.weights, 1, makeRng(s)))]++;
      onPixels[which(initKMeansPlusPlus(all, 20, 3, new Float64Array(20).fill(1), 1, makeRng(`p${s}`)))]++;
    }
    let chi2 = 0;
    for (let j = 0; j < 4; j++) {
      const total = onHistogram[j] + onPixels[j];
      const expected = total / 2;
      chi2 += (onHistogram[j] - expected) ** 2 / expected + (onPixels[j] - expected) ** 2 / expected;
    }
    // 3 degrees of freedom: 16.27 is the 0.1% critical value.
    expect(chi2).toBeLessThan(16.27);
  });
});
