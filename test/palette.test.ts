// The palette's passes over every point and pixel (core/palette.ts): WebAssembly against the
// TypeScript reference, bit for bit.
import { describe, expect, it } from 'vitest';
import { gatherLabels, paletteOf } from '../src/core/palette.js';
import { makeRng } from '../src/core/rng.js';

describe('paletteOf', () => {
  it.each([
    [3, 40, 5000],
    [4, 40, 5000],
    [3, 300, 20000],
    [3, 7, 1],
  ])('gives the same palette, counts, error and labels in WebAssembly as in TypeScript (d=%i, K=%i, n=%i)', (d, k, n) => {
    const rng = makeRng(`${d}:${k}:${n}`);
    const points = Float64Array.from({ length: n * d }, () => Math.floor(rng() * 256));
    // Some weights 0, and some centres no point uses (dropped from the palette).
    const weights = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : 1 + Math.floor(rng() * 9)));
    const rounded = Float64Array.from({ length: k * d }, () => Math.floor(rng() * 256));
    const labels = Uint16Array.from({ length: n }, () => Math.floor(rng() * (k - 2)));
    const byKernel = paletteOf(rounded, d, points, n, weights, labels.slice(), 'wasm');
    const byLoops = paletteOf(rounded, d, points, n, weights, labels.slice(), 'js');
    expect(byKernel.coloursUsed).toBe(byLoops.coloursUsed);
    expect(byKernel.coloursUsed).toBeLessThan(k);
    expect(Array.from(byKernel.colours)).toEqual(Array.from(byLoops.colours));
    expect(Array.from(byKernel.counts)).toEqual(Array.from(byLoops.counts));
    expect(byKernel.sse).toBe(byLoops.sse);
    expect(Array.from(byKernel.labels)).toEqual(Array.from(byLoops.labels));
    // And the error is what it says: Σ w·|x − palette colour|².
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const j = byKernel.labels[i];
      if (weights[i] === 0) continue;
      for (let t = 0; t < d; t++) sse += weights[i] * (points[i * d + t] - byKernel.colours[j * d + t]) ** 2;
    }
    expect(byKernel.sse).toBeCloseTo(sse, 6);
  });
});

describe('gatherLabels', () => {
  it.each([1, 2])('gives each pixel its colour’s label, %i byte(s) a pixel', (bytes) => {
    const rng = makeRng(bytes);
    const colours = 5000;
    const index = Uint32Array.from({ length: 100_001 }, () => Math.floor(rng() * colours));
    const table = Uint16Array.from({ length: colours }, () => Math.floor(rng() * (bytes === 1 ? 256 : 4096)));
    const make = () => (bytes === 1 ? new Uint8Array(index.length) : new Uint16Array(index.length));
    const byKernel = make();
    const byLoop = make();
    gatherLabels(index, table, byKernel, 'wasm');
    gatherLabels(index, table, byLoop, 'js');
    expect(Array.from(byKernel)).toEqual(Array.from(byLoop));
    expect(byKernel[12345]).toBe(table[index[12345]]);
  });
});
