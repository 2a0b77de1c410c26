// Distinct colours of an image and how many pixels carry each one.
//
// k-means over the weighted distinct colours has exactly the objective and the result of k-means
// over every pixel, at a fraction of the cost (china.jpg: 96,615 distinct colours for 273,280 pixels).
// The pixel → distinct-colour index lets the final labels be remapped without a second search.
// Below DIRECT_FROM_PIXELS the hash runs in WebAssembly (wasm/histogram.wat), the same table and
// probing as the TypeScript loop here: that loop runs once a process, and V8 runs it slowly before
// it optimises it (china.jpg in a fresh process: 17–20 ms in WebAssembly, 21–29 in TypeScript;
// the probes into a 4 MB table, not the code, take most of it).
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/histogram.generated.js';

export interface Histogram {
  /** Distinct colours as points, n·d, in order of first appearance. */
  points: Float32Array;
  /** Pixels carrying each distinct colour. */
  weights: Float64Array;
  /** Distinct colours as packed 0xRRGGBBAA (alpha 255 when the image has none). */
  colours: Uint32Array;
  /** For every pixel, the index of its distinct colour. */
  index: Uint32Array;
  /** 3 (RGB) or 4 (RGBA). */
  d: number;
  /** Number of distinct colours. */
  n: number;
}

/**
 * From this many pixels, RGB histograms index a direct table of all 2^24 colours (64 MB, of which
 * only the pages of colours present are touched) instead of hashing: one load a pixel, no probing.
 * On a 24 MP photo (0.5–1.6 M colours) it is 3–4× faster; on china.jpg (0.27 MP) the hash is.
 */
export const DIRECT_FROM_PIXELS = 1 << 21;

/**
 * Builds the histogram of `pixels` (interleaved 8-bit, `channels` 3 or 4 a pixel).
 * With `d` 3, alpha is ignored; with `d` 4, it is a fourth coordinate.
 */
export function buildHistogram(pixels: Uint8Array, channels: 3 | 4, d: 3 | 4, kernel: Kernel = 'wasm'): Histogram {
  const pixelCount = Math.floor(pixels.length / channels);
  if (d === 3 && pixelCount >= DIRECT_FROM_PIXELS) return buildDirect(pixels, channels, pixelCount);
  // Open addressing over packed colours, kept at most half full so probes stay short. Below
  // DIRECT_FROM_PIXELS it starts at twice the pixels (at most 2^22 slots, 16 MB) and never grows;
  // growing it from small, rehashing on the way, took a third longer on china.jpg (a fresh
  // process: 37–45 ms against 21–30). RGBA images above that size start smaller and grow with the
  // distinct colours, not the pixels: 1 M colours need 2^21 slots (8 MB), not 2^26 (256 MB).
  let bits = 12;
  while (bits < 22 && 1 << bits < 2 * pixelCount) bits++;
  if (kernel === 'wasm' && pixelCount < DIRECT_FROM_PIXELS) {
    const hashed = buildHashed(pixels, channels, d, pixelCount, bits);
    if (hashed) return hashed;
  }
  let table: Int32Array = new Int32Array(1 << bits).fill(-1);
  let capacity = Math.min(pixelCount, 1 << bits >>> 1) || 1;
  let colours = new Uint32Array(capacity);
  let counts = new Float64Array(capacity);
  const index = new Uint32Array(pixelCount);
  let n = 0;
  let lastKey = -1;
  let lastIndex = 0;
  for (let p = 0, o = 0; p < pixelCount; p++, o += channels) {
    const a = d === 4 ? pixels[o + 3] : 255;
    const key = ((pixels[o] << 24) | (pixels[o + 1] << 16) | (pixels[o + 2] << 8) | a) >>> 0;
    // Runs of one colour are common (flat areas, upscaled images): skip the table for them.
    if (key === lastKey) {
      counts[lastIndex]++;
      index[p] = lastIndex;
      continue;
    }
    const mask = (1 << bits) - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
    for (;;) {
      const found = table[slot];
      if (found === -1) {
        if (n === capacity) {
          capacity = Math.min(pixelCount, capacity * 2);
          const grownColours = new Uint32Array(capacity);
          grownColours.set(colours);
          colours = grownColours;
          const grownCounts = new Float64Array(capacity);
          grownCounts.set(counts);
          counts = grownCounts;
        }
        table[slot] = n;
        colours[n] = key;
        counts[n] = 1;
        index[p] = lastIndex = n;
        lastKey = key;
        n++;
        if (n * 2 > 1 << bits) {
          bits++;
          table = rehash(colours, n, bits);
        }
        break;
      }
      if (colours[found] === key) {
        counts[found]++;
        index[p] = lastIndex = found;
        lastKey = key;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return finish(colours, counts.slice(0, n), index, d, n);
}

// Pixels a call of the hash kernel: V8 moves a WebAssembly function to its optimised code only
// between calls, so one call over every pixel ran all of them in the baseline code (china.jpg in
// a fresh process: 14-18 ms in one call, 12-13 in calls of 2^15).
const HASH_CHUNK = 1 << 15;

/** The hashed histogram in WebAssembly (below DIRECT_FROM_PIXELS, where the table never grows); undefined where it cannot run. */
function buildHashed(pixels: Uint8Array, channels: 3 | 4, d: 3 | 4, pixelCount: number, bits: number): Histogram | undefined {
  const arena = new Arena(
    Arena.size(pixelCount * channels, 4 << bits, 4 * pixelCount, 8 * pixelCount, 4 * pixelCount),
    WASM_BASE64,
    'wasm',
    true,
  );
  const hashed = arena.exports?.hashed;
  if (!hashed) return undefined;
  const pixelsIn = arena.u8(pixelCount * channels);
  pixelsIn.set(pixels.subarray(0, pixelCount * channels));
  const table = arena.i32(1 << bits);
  const colours = arena.u32(pixelCount);
  const counts = arena.f64(pixelCount);
  const index = arena.u32(pixelCount);
  let n = 0;
  for (let from = 0; from < pixelCount; from += HASH_CHUNK) {
    n = hashed(Math.min(pixelCount, from + HASH_CHUNK), channels, d === 4 ? 1 : 0, pixelsIn.byteOffset, table.byteOffset, bits,
      colours.byteOffset, counts.byteOffset, index.byteOffset, from, n);
  }
  // Copies, so that the arena's memory can go to the next arena.
  const histogram = finish(colours.slice(0, n), counts.slice(0, n), index.slice(), d, n);
  arena.release();
  return histogram;
}

/** RGB histogram through a table of every 24-bit colour; the same result as the hash, in the same order. */
function buildDirect(pixels: Uint8Array, channels: 3 | 4, pixelCount: number): Histogram {
  // Slot of a colour: its index + 1 (0: not seen yet).
  const table = new Int32Array(1 << 24);
  let capacity = 1 << 16;
  let colours = new Uint32Array(capacity);
  const index = new Uint32Array(pixelCount);
  let n = 0;
  for (let p = 0, o = 0; p < pixelCount; p++, o += channels) {
    const rgb = (pixels[o] << 16) | (pixels[o + 1] << 8) | pixels[o + 2];
    let i = table[rgb] - 1;
    if (i < 0) {
      if (n === capacity) {
        capacity *= 2;
        const grown = new Uint32Array(capacity);
        grown.set(colours);
        colours = grown;
      }
      i = n++;
      table[rgb] = n;
      colours[i] = ((rgb << 8) | 255) >>> 0;
    }
    index[p] = i;
  }
  // Counted in a second pass: sequential over the index, and the first loop stays lean
  // (measured 1.3–1.7× faster than counting in it). Counts fit 32 bits (pixels < 2^32).
  const tally = new Uint32Array(n);
  for (let p = 0; p < pixelCount; p++) tally[index[p]]++;
  return finish(colours, Float64Array.from(tally), index, 3, n);
}

function finish(colours: Uint32Array, weights: Float64Array, index: Uint32Array, d: 3 | 4, n: number): Histogram {
  const points = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const key = colours[i];
    points[i * d] = key >>> 24;
    points[i * d + 1] = (key >>> 16) & 255;
    points[i * d + 2] = (key >>> 8) & 255;
    if (d === 4) points[i * d + 3] = key & 255;
  }
  return { points, weights, colours: colours.length === n ? colours : colours.slice(0, n), index, d, n };
}

/** A table of 2^bits slots holding the first `n` colours. */
function rehash(colours: Uint32Array, n: number, bits: number): Int32Array {
  const table = new Int32Array(1 << bits).fill(-1);
  const mask = (1 << bits) - 1;
  for (let i = 0; i < n; i++) {
    let slot = Math.imul(colours[i], 0x9e3779b1) >>> (32 - bits);
    while (table[slot] !== -1) slot = (slot + 1) & mask;
    table[slot] = i;
  }
  return table;
}
