// The update step of Lloyd's iterations, shared by every assign step (lloyd.ts, lloyd-filter.ts):
// the clusters' weighted sums, the re-seeding of empty clusters, the centres' moves, the inertia.
import { dist2 } from './geometry.js';

/**
 * Update step: centres become the weighted means of their points. An empty cluster is re-seeded
 * with the point that costs most (weight × squared distance), which leaves its old cluster.
 * Returns the sum of squared centre shifts; `shift` receives each centre's shift (not squared).
 * (Split in three functions so V8 optimises each loop on its own feedback: the rare re-seeding
 * branch would otherwise deoptimise the hot loop the first time it runs.)
 */
export function updateCentres(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  labels: Uint16Array,
  centres: Float64Array,
  k: number,
  shift: Float64Array,
  relocated?: number[],
): number {
  const sums = new Float64Array(k * d);
  const mass = new Float64Array(k);
  accumulate(points, n, d, weights, labels, sums, mass);
  return finishUpdate(points, n, d, weights, labels, centres, k, shift, sums, mass, relocated);
}

/**
 * The update step from the weighted sums and masses of the clusters (summed over the points in
 * order, as `accumulate` does): re-seeds empty clusters and moves the centres.
 */
export function finishUpdate(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  labels: Uint16Array,
  centres: Float64Array,
  k: number,
  shift: Float64Array,
  sums: Float64Array,
  mass: Float64Array,
  relocated?: number[],
  move?: () => number,
): number {
  for (let j = 0; j < k; j++) {
    if (!(mass[j] > 0)) reseed(points, n, d, weights, labels, centres, sums, mass, j, relocated);
  }
  // `move` (optional): moveCentres compiled, over these same centres, sums, masses and shifts.
  return move ? move() : moveCentres(centres, k, d, sums, mass, shift);
}

export function accumulate(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  labels: Uint16Array,
  sums: Float64Array,
  mass: Float64Array,
): void {
  if (d === 3) {
    for (let i = 0; i < n; i++) {
      const j = labels[i] * 3;
      const w = weights[i];
      mass[labels[i]] += w;
      sums[j] += w * points[i * 3];
      sums[j + 1] += w * points[i * 3 + 1];
      sums[j + 2] += w * points[i * 3 + 2];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    const w = weights[i];
    mass[j] += w;
    for (let t = 0; t < d; t++) sums[j * d + t] += w * points[i * d + t];
  }
}

/** Gives empty cluster j the costliest point that is not alone in its cluster. */
function reseed(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  labels: Uint16Array,
  centres: Float64Array,
  sums: Float64Array,
  mass: Float64Array,
  j: number,
  relocated?: number[],
): void {
  let worst = -1;
  let worstCost = 0;
  for (let i = 0; i < n; i++) {
    const cost = weights[i] * dist2(points, i, centres, labels[i], d);
    if (cost > worstCost && mass[labels[i]] > weights[i]) {
      worstCost = cost;
      worst = i;
    }
  }
  if (worst < 0) return; // every point sits on its centre: leave this one empty
  const from = labels[worst];
  const w = weights[worst];
  mass[from] -= w;
  for (let t = 0; t < d; t++) sums[from * d + t] -= w * points[worst * d + t];
  labels[worst] = j;
  relocated?.push(worst);
  mass[j] = w;
  for (let t = 0; t < d; t++) sums[j * d + t] = w * points[worst * d + t];
}

function moveCentres(centres: Float64Array, k: number, d: number, sums: Float64Array, mass: Float64Array, shift: Float64Array): number {
  let total = 0;
  for (let j = 0; j < k; j++) {
    if (!(mass[j] > 0)) {
      shift[j] = 0;
      continue;
    }
    let s = 0;
    for (let t = 0; t < d; t++) {
      const value = sums[j * d + t] / mass[j];
      const diff = value - centres[j * d + t];
      s += diff * diff;
      centres[j * d + t] = value;
    }
    shift[j] = Math.sqrt(s);
    total += s;
  }
  return total;
}

export function inertiaOf(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  labels: Uint16Array,
  centres: Float64Array,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i] * dist2(points, i, centres, labels[i], d);
  return s;
}

/**
 * Whether sums of weight × coordinate are exact in float64 in any order: integer coordinates and
 * weights, and total weight × largest |coordinate| below 2^53 (every partial sum is then an
 * integer below 2^53).
 */
export function exactSums(points: Float64Array, n: number, d: number, weights: Float64Array): boolean {
  let total = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isInteger(w)) return false;
    total += w;
    for (let t = i * d; t < i * d + d; t++) {
      const v = points[t];
      if (!Number.isInteger(v)) return false;
      const m = Math.abs(v);
      if (m > max) max = m;
    }
  }
  return total * max < 2 ** 53;
}
