// Lloyd's iterations (assign ⇄ update) from given centres: a plain reference and the accelerated
// path used in practice. Both share the update step and stopping rule, so from the same centres
// they give the same labels and centres, bit for bit.
import { dist2 } from './geometry.js';
import { CentreTree, nearestTwo } from './kdtree.js';
import { found, searchAll, TREE_FROM_K } from './nearest.js';

export interface LloydResult {
  centres: Float64Array;
  labels: Uint16Array;
  /** Sum of weight × squared distance to the assigned centre. */
  inertia: number;
  /** Update steps run. */
  iterations: number;
  /** Distance evaluations in assign steps (for benchmarks of the pruning). */
  distanceEvaluations: number;
  /** Points searched in full across assign steps (for benchmarks of the pruning). */
  searches: number;
}

export interface LloydOptions {
  maxIter: number;
  /** Absolute tolerance: stop when the sum of squared centre shifts is at or below it. */
  tolAbs: number;
}


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
    searches: evaluations / k,
  };
}

/**
 * Lloyd accelerated with Hamerly's bounds: per point an upper bound on the distance to its centre
 * and a lower bound on the distance to every other centre. A point whose upper bound is below both
 * its lower bound and half the distance from its centre to the nearest other centre cannot change
 * cluster and is skipped. The others are searched exactly in a k-d tree over the centres, starting
 * from their current and second-nearest centres. Same result as `lloydReference`, a fraction of
 * the work.
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
  const centres = Float64Array.from(initialCentres);
  const labels = new Uint16Array(n);
  // The second-nearest centre found by a point's last search: with the label it seeds the next
  // search's two bounds, so the tree walk starts tight.
  const seconds = new Uint16Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const shift = new Float64Array(k);
  const half = new Float64Array(k);
  const tree = k >= TREE_FROM_K ? new CentreTree(k, d) : undefined;
  const relocated: number[] = [];
  const eps = boundMargin(points, n, d);
  let evaluations = 0;
  let searches = 0;

  // The first assign step searches every point; the previous point's label is a good first guess.
  if (tree) tree.build(centres, k);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    if (tree) nearestTwo(points, i, tree, centres, previous, -1);
    else searchAll(points, i, centres, d, k);
    labels[i] = previous = found[0];
    seconds[i] = found[3] < 0 ? 0 : found[3];
    upper[i] = Math.sqrt(found[1]);
    lower[i] = Math.sqrt(found[2]);
  }
  searches += n;

  let iterations = 0;
  let assigned = true;
  for (let it = 0; it < options.maxIter; it++) {
    if (it > 0) {
      if (tree) tree.build(centres, k);
      halfNearest(centres, k, d, tree, half);
      let changed = 0;
      (globalThis as any).__s0 = searches;
      for (let i = 0; i < n; i++) {
        const a = labels[i];
        const bound = lower[i] > half[a] ? lower[i] : half[a];
        // Strictly below, with a margin for rounding in the bounds: a tie must be searched, so
        // that it goes to the lowest index as in the brute-force scan.
        if (upper[i] + eps < bound) continue;
        const exact = Math.sqrt(dist2(points, i, centres, a, d));
        evaluations++;
        upper[i] = exact;
        if (exact + eps < bound) continue;
        if (tree) nearestTwo(points, i, tree, centres, a, seconds[i]);
        else searchAll(points, i, centres, d, k);
        searches++;
        if (found[0] !== a) {
          labels[i] = found[0];
          changed++;
        }
        seconds[i] = found[3] < 0 ? 0 : found[3];
        upper[i] = Math.sqrt(found[1]);
        lower[i] = Math.sqrt(found[2]);
      }
      assigned = true;
      (globalThis as any).__trace?.push([it, searchesBefore(searches), changed]);
      if (changed === 0) break;
    }
    iterations++;
    relocated.length = 0;
    const moved = updateCentres(points, n, d, weights, labels, centres, k, shift, relocated);
    assigned = false;
    // A point moved into an empty cluster has bounds that mean nothing now: search it next time.
    for (const i of relocated) {
      upper[i] = Infinity;
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
    if (tree) tree.build(centres, k);
    for (let i = 0; i < n; i++) {
      if (tree) nearestTwo(points, i, tree, centres, labels[i], seconds[i]);
      else searchAll(points, i, centres, d, k);
      labels[i] = found[0];
    }
    searches += n;
  }
  return {
    centres,
    labels,
    inertia: inertiaOf(points, n, d, weights, labels, centres),
    iterations,
    distanceEvaluations: evaluations,
    searches,
  };
}

/** Half the distance from each centre to its nearest other centre (0 when another coincides). */
function halfNearest(centres: Float64Array, k: number, d: number, tree: CentreTree | undefined, half: Float64Array): void {
  if (tree) {
    for (let j = 0; j < k; j++) {
      nearestTwo(centres, j, tree, centres, j, -1);
      half[j] = 0.5 * Math.sqrt(found[2]);
    }
    return;
  }
  half.fill(Infinity);
  for (let j = 0; j < k; j++) {
    for (let m = j + 1; m < k; m++) {
      const v = 0.5 * Math.sqrt(dist2(centres, j, centres, m, d));
      if (v < half[j]) half[j] = v;
      if (v < half[m]) half[m] = v;
    }
  }
}

/**
 * Margin for rounding in the bounds, in the data's units: bounds are sums of square roots that
 * drift by about an ulp of the coordinates an iteration, far below this even after 10^5 iterations.
 */
function boundMargin(points: Float64Array, n: number, d: number): number {
  let max = 0;
  for (let t = 0; t < n * d; t++) {
    const v = Math.abs(points[t]);
    if (v > max) max = v;
  }
  return 1e-10 * (1 + max);
}

function searchesBefore(s: number): number { return s - (globalThis as any).__s0; }
