// From k-means centres to the 8-bit palette an image can hold.
//
// Rounding the centres costs a little error at high K; a last exact assignment against the rounded
// palette wins part of it back (a colour may now be nearer another rounded centre). Colours no
// pixel uses (duplicates after rounding) are dropped, and the palette is ordered by pixel count.
import { assignNearest } from './nearest.js';
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/palette.generated.js';

export interface Palette {
  /** Palette colours, 8-bit, coloursUsed·d, most used first. */
  colours: Uint8Array;
  /** Pixels of each palette colour. */
  counts: Float64Array;
  /** Palette index of each point. */
  labels: Uint16Array;
  /** Sum of weight × squared distance from each point to its palette colour. */
  sse: number;
  coloursUsed: number;
}

/**
 * Rounds `centres` (k·d) to 8 bits and assigns every point to its nearest rounded colour.
 * `hint` (the k-means labels) starts each search where the answer most likely is.
 */
export function roundPalette(
  centres: Float64Array,
  d: number,
  points: Float64Array,
  n: number,
  weights: Float64Array,
  hint?: Uint16Array,
): Palette {
  const rounded = roundCentres(centres);
  const { labels } = assignNearest(points, n, d, rounded, rounded.length / d, hint);
  return paletteOf(rounded, d, points, n, weights, labels);
}

/** Centres rounded to 8 bits (each coordinate to the nearest integer in 0..255). */
export function roundCentres(centres: Float64Array): Float64Array {
  const rounded = new Float64Array(centres.length);
  for (let i = 0; i < centres.length; i++) rounded[i] = Math.min(255, Math.max(0, Math.round(centres[i])));
  return rounded;
}

/**
 * The palette of rounded centres (k·d, from roundCentres), given every point's nearest of them
 * (`labels`, overwritten with palette indices): unused colours dropped, most used first.
 */
export function paletteOf(
  rounded: Float64Array,
  d: number,
  points: Float64Array,
  n: number,
  weights: Float64Array,
  labels: Uint16Array,
  kernel: Kernel = 'wasm',
): Palette {
  const k = rounded.length / d;
  // The two passes over the points run in WebAssembly where they can (wasm/palette.wat): they run
  // once a fit, before V8 has optimised them (china.jpg in a fresh process: 5 ms, against 1). Not
  // above KERNEL_MAX_POINTS, where V8 has long optimised the loops and the copies cost memory.
  const arena = kernel === 'wasm' && n > 0 && n <= KERNEL_MAX_POINTS ? new Arena(Arena.size(8 * n * d, 8 * n, 8 * k * d, 8 * k, 4 * k, 2 * n), WASM_BASE64, kernel, true) : undefined;
  const run = arena?.exports;
  try {
    let counts: Float64Array;
    let inMemory: { points: Float64Array; weights: Float64Array; labels: Uint16Array } | undefined;
    if (arena && run) {
      inMemory = { points: arena.f64(n * d), weights: arena.f64(n), labels: arena.u16(n) };
      inMemory.points.set(points.subarray(0, n * d));
      inMemory.weights.set(weights.subarray(0, n));
      inMemory.labels.set(labels.subarray(0, n));
      counts = arena.f64(k);
      run.tally(n, inMemory.weights.byteOffset, inMemory.labels.byteOffset, counts.byteOffset);
    } else {
      counts = new Float64Array(k);
      for (let i = 0; i < n; i++) counts[labels[i]] += weights[i];
    }
    // Most used first; ties by colour value, so the order depends on nothing but the palette.
    const order = Array.from({ length: k }, (_, j) => j).filter((j) => counts[j] > 0);
    order.sort((a, b) => counts[b] - counts[a] || compareRows(rounded, a, b, d));

    const used = order.length;
    const colours = new Uint8Array(used * d);
    const usedCounts = new Float64Array(used);
    order.forEach((j, idx) => {
      for (let t = 0; t < d; t++) colours[idx * d + t] = rounded[j * d + t];
      usedCounts[idx] = counts[j];
    });
    // Palette index of each centre, -1 for the unused.
    const newIndex = (arena && inMemory ? arena.i32(k) : new Int32Array(k)).fill(-1);
    order.forEach((j, idx) => (newIndex[j] = idx));
    let sse = 0;
    if (arena && run && inMemory) {
      const centres = arena.f64(k * d);
      centres.set(rounded);
      sse = run.relabel(n, d, inMemory.points.byteOffset, inMemory.weights.byteOffset, inMemory.labels.byteOffset,
        centres.byteOffset, newIndex.byteOffset);
      labels.set(inMemory.labels);
    } else {
      for (let i = 0; i < n; i++) {
        const j = labels[i];
        let e = 0;
        for (let t = 0; t < d; t++) {
          const diff = points[i * d + t] - rounded[j * d + t];
          e += diff * diff;
        }
        sse += weights[i] * e;
        labels[i] = newIndex[j];
      }
    }
    return { colours, counts: usedCounts, labels, sse, coloursUsed: used };
  } finally {
    arena?.release();
  }
}

/**
 * Most points or pixels for the kernels of paletteOf and gatherLabels. Above it the copies into
 * the kernel's memory cost more than V8's slow start saves: the 24 MP photo peaked 120 MB higher
 * with its 24 M pixels' index and labels copied, and 53 MB with its 1.65 M colours.
 */
const KERNEL_MAX_POINTS = 1 << 20;

/**
 * Each pixel's label through its distinct colour: out[p] = table[index[p]] (out has `count`
 * entries, uint8 or uint16), in WebAssembly where it runs (a loop over every pixel, once a fit).
 */
export function gatherLabels(index: Uint32Array, table: Uint16Array, out: Uint8Array | Uint16Array, kernel: Kernel = 'wasm'): void {
  const count = out.length;
  const bytes = out.BYTES_PER_ELEMENT;
  const arena = kernel === 'wasm' && count > 0 && count <= KERNEL_MAX_POINTS ? new Arena(Arena.size(4 * count, 2 * table.length, bytes * count), WASM_BASE64, kernel, true) : undefined;
  const run = arena?.exports;
  try {
    if (arena && run) {
      const indexIn = arena.u32(count);
      indexIn.set(index.subarray(0, count));
      const tableIn = arena.u16(table.length);
      tableIn.set(table);
      const outIn = bytes === 1 ? arena.u8(count) : arena.u16(count);
      run.gather(count, indexIn.byteOffset, tableIn.byteOffset, outIn.byteOffset, bytes);
      out.set(outIn);
      return;
    }
    for (let p = 0; p < count; p++) out[p] = table[index[p]];
  } finally {
    arena?.release();
  }
}

function compareRows(values: Float64Array, a: number, b: number, d: number): number {
  for (let t = 0; t < d; t++) {
    const diff = values[a * d + t] - values[b * d + t];
    if (diff !== 0) return diff;
  }
  return 0;
}
