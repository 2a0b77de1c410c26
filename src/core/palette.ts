// From k-means centres to the 8-bit palette an image can hold.
//
// Rounding the centres costs a little error at high K; a last exact assignment against the rounded
// palette wins part of it back (a colour may now be nearer another rounded centre). Colours no
// pixel uses (duplicates after rounding) are dropped, and the palette is ordered by pixel count.
import { assignNearest } from './nearest.js';

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
): Palette {
  const k = rounded.length / d;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]] += weights[i];
  // Most used first; ties by colour value, so the order depends on nothing but the palette.
  const order = Array.from({ length: k }, (_, j) => j).filter((j) => counts[j] > 0);
  order.sort((a, b) => counts[b] - counts[a] || compareRows(rounded, a, b, d));
  const newIndex = new Int32Array(k).fill(-1);
  order.forEach((j, idx) => (newIndex[j] = idx));

  const used = order.length;
  const colours = new Uint8Array(used * d);
  const usedCounts = new Float64Array(used);
  order.forEach((j, idx) => {
    for (let t = 0; t < d; t++) colours[idx * d + t] = rounded[j * d + t];
    usedCounts[idx] = counts[j];
  });
  let sse = 0;
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
  return { colours, counts: usedCounts, labels, sse, coloursUsed: used };
}

function compareRows(values: Float64Array, a: number, b: number, d: number): number {
  for (let t = 0; t < d; t++) {
    const diff = values[a * d + t] - values[b * d + t];
    if (diff !== 0) return diff;
  }
  return 0;
}
