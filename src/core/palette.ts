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
  const k = centres.length / d;
  const rounded = new Float64Array(k * d);
  for (let i = 0; i < k * d; i++) rounded[i] = Math.min(255, Math.max(0, Math.round(centres[i])));
  const { labels, dist2 } = assignNearest(points, n, d, rounded, k, hint);

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
    sse += weights[i] * dist2[i];
    labels[i] = newIndex[labels[i]];
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
