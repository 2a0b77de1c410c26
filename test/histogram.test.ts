// The histogram against a plain Map over every pixel: the hash (small images, RGBA) and the direct
// table (RGB from DIRECT_FROM_PIXELS pixels) give the same colours, order, counts and index.
import { describe, expect, it } from 'vitest';
import { buildHistogram, DIRECT_FROM_PIXELS } from '../src/core/histogram.js';

/** Pixels with a few hundred thousand colours, runs and repeats, like a photo. */
function makePixels(count: number, channels: 3 | 4, seed: number): Uint8Array {
  const pixels = new Uint8Array(count * channels);
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let p = 0; p < count; p++) {
    const o = p * channels;
    if (p > 0 && next() % 4 === 0) {
      pixels.copyWithin(o, o - channels, o); // a run of the previous colour
      continue;
    }
    const v = next();
    pixels[o] = v & 255;
    pixels[o + 1] = (v >>> 8) & 63;
    pixels[o + 2] = (v >>> 16) & 15;
    if (channels === 4) pixels[o + 3] = v >>> 30 === 0 ? 128 : 255;
  }
  return pixels;
}

function reference(pixels: Uint8Array, channels: 3 | 4, d: 3 | 4) {
  const seen = new Map<number, number>();
  const colours: number[] = [];
  const weights: number[] = [];
  const count = pixels.length / channels;
  const index = new Uint32Array(count);
  for (let p = 0; p < count; p++) {
    const o = p * channels;
    const key = ((pixels[o] << 24) | (pixels[o + 1] << 16) | (pixels[o + 2] << 8) | (d === 4 ? pixels[o + 3] : 255)) >>> 0;
    let i = seen.get(key);
    if (i === undefined) {
      i = colours.length;
      seen.set(key, i);
      colours.push(key);
      weights.push(0);
    }
    weights[i]++;
    index[p] = i;
  }
  return { colours: Uint32Array.from(colours), weights: Float64Array.from(weights), index };
}

/** First index where the arrays differ, or -1 (vitest's deep equality is slow on millions of entries). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('buildHistogram', () => {
  it.each([
    ['RGB, hash (WebAssembly)', 50_000, 3, 3, 'wasm'],
    ['RGB, hash (TypeScript)', 50_000, 3, 3, 'js'],
    ['RGBA read as RGB, hash (WebAssembly)', 50_000, 4, 3, 'wasm'],
    ['RGBA read as RGB, hash (TypeScript)', 50_000, 4, 3, 'js'],
    ['RGBA, hash (WebAssembly)', 50_000, 4, 4, 'wasm'],
    ['RGBA, hash (TypeScript)', 50_000, 4, 4, 'js'],
    ['RGB, white first, hash (WebAssembly)', 3_000, 3, 3, 'wasm'],
    ['RGBA, white first, hash (WebAssembly)', 3_000, 4, 4, 'wasm'],
    ['RGBA, transparent black at each call of the kernel, hash (WebAssembly)', 100_000, 4, 4, 'wasm'],
    ['RGB, direct table', DIRECT_FROM_PIXELS + 7, 3, 3, 'wasm'],
    ['RGBA read as RGB, direct table', DIRECT_FROM_PIXELS, 4, 3, 'wasm'],
    ['RGBA, hash, large', DIRECT_FROM_PIXELS, 4, 4, 'wasm'],
  ] as const)('%s: colours in order of first appearance, counts and index as a Map gives', (name, count, channels, d, kernel) => {
    const pixels = makePixels(count, channels, count + channels + d);
    // 0xFFFFFFFF (opaque white) as the first key: no "previous colour" may match it.
    if (name.includes('white first')) pixels.fill(255, 0, channels);
    // Key 0 (the kernel's "previous colour" before any) first in every call of 2^15 pixels.
    if (name.includes('transparent black')) for (let p = 0; p < count; p += 1 << 15) pixels.fill(p === 0 ? 255 : 0, p * 4, p * 4 + 4);
    const h = buildHistogram(pixels, channels, d, kernel);
    const want = reference(pixels, channels, d);
    expect(h.n).toBe(want.colours.length);
    expect(h.d).toBe(d);
    expect(firstDifference(h.colours, want.colours)).toBe(-1);
    expect(firstDifference(h.weights, want.weights)).toBe(-1);
    expect(firstDifference(h.index, want.index)).toBe(-1);
    expect(h.points.length).toBe(h.n * d);
    for (let i = 0; i < h.n; i++) {
      const key = want.colours[i];
      const expected = [key >>> 24, (key >>> 16) & 255, (key >>> 8) & 255, key & 255].slice(0, d);
      if (expected.some((v, t) => h.points[i * d + t] !== v)) expect([i, ...h.points.subarray(i * d, i * d + d)]).toEqual([i, ...expected]);
    }
  });

  it('an empty image has no colours', () => {
    const h = buildHistogram(new Uint8Array(0), 3, 3);
    expect(h.n).toBe(0);
    expect(h.index.length).toBe(0);
  });
});
