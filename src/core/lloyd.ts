// Lloyd's iterations (assign ⇄ update) from given centres: a plain reference and the accelerated
// path used in practice. Both share the update step and stopping rule, so from the same centres
// they give the same labels and centres, bit for bit.
import { CentreTable, dist2 } from './geometry.js';
import { found, searchAll, searchFrom } from './nearest.js';

export interface LloydResult {
  centres: Float64Array;
  labels: Uint16Array;
  /** Sum of weight × squared distance to the assigned centre. */
  inertia: number;
  /** Update steps run. */
  iterations: number;
  /** Distance evaluations in assign steps (for benchmarks of the pruning). */
  distanceEvaluations: number;
}

export interface LloydOptions {
  maxIter: number;
  /** Absolute tolerance: stop when the sum of squared centre shifts is at or below it. */
  tolAbs: number;
}

// Below this K a brute-force scan is as fast as bounds and sorted rows.
const BRUTE_FORCE_BELOW_K = 8;
const EPS = 1e-9;

/**
 * Update step: centres become the weighted means of their points. An empty cluster is re-seeded
 * with the point that costs most (weight × squared distance), which leaves its old cluster.
 * Returns the sum of squared centre shifts; `shift` receives each centre's shift (not squared).
 */
function updateCentres(
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
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    const w = weights[i];
    mass[j] += w;
    for (let t = 0; t < d; t++) sums[j * d + t] += w * points[i * d + t];
  }
  for (let j = 0; j < k; j++) {
    if (mass[j] > 0) continue;
    // Re-seed from the costliest point that is not alone in its cluster.
    let worst = -1;
    let worstCost = 0;
    for (let i = 0; i < n; i++) {
      const cost = weights[i] * dist2(points, i, centres, labels[i], d);
      if (cost > worstCost && mass[labels[i]] > weights[i]) {
        worstCost = cost;
        worst = i;
      }
    }
    if (worst < 0) continue; // every point sits on its centre: leave this one empty
    const from = labels[worst];
    const w = weights[worst];
    mass[from] -= w;
    for (let t = 0; t < d; t++) sums[from * d + t] -= w * points[worst * d + t];
    labels[worst] = j;
    relocated?.push(worst);
    mass[j] = w;
    for (let t = 0; t < d; t++) sums[j * d + t] = w * points[worst * d + t];
  }
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

function inertiaOf(
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

/** Plain Lloyd with a brute-force assign step: the reference every faster path is tested against. */
export function lloydReference(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const k = initialCentres.length / d;
  const centres = Float64Array.from(initialCentres);
  const labels = new Uint16Array(n);
  const shift = new Float64Array(k);
  let evaluations = 0;
  let iterations = 0;
  let assigned = false;
  for (let it = 0; it < options.maxIter; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      searchAll(points, i, centres, d, k);
      if (labels[i] !== found[0]) changed++;
      labels[i] = found[0];
    }
    evaluations += n * k;
    assigned = true;
    if (it > 0 && changed === 0) break; // labels stable: centres would not move
    iterations++;
    const moved = updateCentres(points, n, d, weights, labels, centres, k, shift);
    assigned = false;
    if (moved <= options.tolAbs) break;
  }
  if (!assigned) {
    for (let i = 0; i < n; i++) {
      searchAll(points, i, centres, d, k);
      labels[i] = found[0];
    }
    evaluations += n * k;
  }
  return {
    centres,
    labels,
    inertia: inertiaOf(points, n, d, weights, labels, centres),
    iterations,
    distanceEvaluations: evaluations,
  };
}

/**
 * Lloyd accelerated with Hamerly's bounds: per point an upper bound on the distance to its centre
 * and a lower bound on the distance to every other centre. A point whose upper bound is below both
 * its lower bound and half the distance from its centre to the nearest other centre cannot change
 * cluster and is skipped. The others are searched exactly, walking centres nearest-first from their
 * current centre (see CentreTable). Same result as `lloydReference`, a fraction of the work.
 */
export function lloydAccelerated(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const k = initialCentres.length / d;
  if (k < BRUTE_FORCE_BELOW_K) return lloydReference(points, n, d, weights, initialCentres, options);
  const centres = Float64Array.from(initialCentres);
  const labels = new Uint16Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const shift = new Float64Array(k);
  const table = new CentreTable(k);
  const relocated: number[] = [];
  let evaluations = 0;

  // The first assign step: brute force gives exact bounds for every point.
  for (let i = 0; i < n; i++) {
    searchAll(points, i, centres, d, k);
    labels[i] = found[0];
    upper[i] = Math.sqrt(found[1]);
    lower[i] = Math.sqrt(found[2]);
  }
  evaluations += n * k;

  let iterations = 0;
  let assigned = true;
  for (let it = 0; it < options.maxIter; it++) {
    if (it > 0) {
      table.update(centres, d);
      evaluations += (k * (k - 1)) / 2;
      let changed = 0;
      const half = table.halfNearest;
      for (let i = 0; i < n; i++) {
        const a = labels[i];
        const bound = lower[i] > half[a] ? lower[i] : half[a];
        if (upper[i] + EPS < bound) continue;
        const exact = Math.sqrt(dist2(points, i, centres, a, d));
        evaluations++;
        upper[i] = exact;
        if (exact + EPS < bound) continue;
        searchFrom(points, i, centres, d, table, a);
        evaluations += 2; // a lower estimate: the walk's length is not counted
        if (found[0] !== a) {
          labels[i] = found[0];
          changed++;
        }
        upper[i] = Math.sqrt(found[1]);
        lower[i] = Math.sqrt(found[2]);
      }
      assigned = true;
      if (changed === 0) break;
    }
    iterations++;
    relocated.length = 0;
    const moved = updateCentres(points, n, d, weights, labels, centres, k, shift, relocated);
    assigned = false;
    // A point moved into an empty cluster sits on its centre, and its old bounds mean nothing.
    for (const i of relocated) {
      upper[i] = 0;
      lower[i] = 0;
    }
    if (moved <= options.tolAbs) break;
    // Centres moved: loosen the bounds by how far they went.
    let max1 = 0;
    let max2 = 0;
    let argMax = -1;
    for (let j = 0; j < k; j++) {
      if (shift[j] > max1) {
        max2 = max1;
        max1 = shift[j];
        argMax = j;
      } else if (shift[j] > max2) {
        max2 = shift[j];
      }
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += shift[a];
      lower[i] -= a === argMax ? max2 : max1;
    }
  }
  if (!assigned) {
    // Stopped on tolerance: one last assign step so the labels belong to the final centres.
    table.update(centres, d);
    for (let i = 0; i < n; i++) {
      searchFrom(points, i, centres, d, table, labels[i]);
      labels[i] = found[0];
    }
  }
  return {
    centres,
    labels,
    inertia: inertiaOf(points, n, d, weights, labels, centres),
    iterations,
    distanceEvaluations: evaluations,
  };
}
