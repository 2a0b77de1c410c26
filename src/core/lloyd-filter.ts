// Lloyd's iterations by filtering (Kanungo et al., 2002): the assign step walks a k-d tree over the
// points (point-tree.ts) with a list of candidate centres, and drops a candidate for a whole box
// as soon as another is nearer to every point of it; a box left with one candidate goes to it
// whole, its sum and mass added at once. Only the boxes a cluster boundary crosses are looked at
// point by point. At small K this does a fraction of the work of the pruned path, which must
// screen every point every step (china.jpg, K = 4..16: 2–3× faster).
//
// Exact: the same labels, centres, iterations and inertia as lloydReference, bit for bit, for
// data whose sums are exact (integer coordinates and weights, as an image's colours), where the
// order in which boxes are summed does not matter. A candidate is dropped only when it is farther
// by a margin far above rounding from every point of the box, and the points of a crossed box
// choose among the candidates left exactly as the brute-force scan chooses among all (same
// squared distances, lowest index on ties).
import { dist2 } from './geometry.js';
import type { LloydOptions, LloydResult } from './lloyd.js';
import { finishUpdate, inertiaOf } from './lloyd-update.js';
import type { PointTree } from './point-tree.js';

/** Up to this K, filtering beats the pruned path (lloyd.ts) on a photo's colours. */
export const FILTER_MAX_K = 24;

/** No owner known: compare every point's label. */
const UNKNOWN = -2;
/** The node's points had more than one label. */
const MIXED = -1;

/**
 * Lloyd from `initialCentres` over `points` and `weights` (n·d, in their own order, as `tree` was
 * built from them), which must have exact sums (see exactSums).
 */
export function lloydFiltered(
  tree: PointTree,
  points: Float64Array,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const { n, d, order, left, right, start, end, box, sum, mass: nodeMass } = tree;
  const treePoints = tree.points;
  const treeWeights = tree.weights;
  const k = initialCentres.length / d;
  const centres = Float64Array.from(initialCentres);
  const labels = new Uint16Array(n);
  const sums = new Float64Array(k * d);
  const mass = new Float64Array(k);
  const shift = new Float64Array(k);
  const relocated: number[] = [];
  /** The label every point of a node had after the last pass that reached it, or MIXED / UNKNOWN. */
  const owner = new Int32Array(tree.nodes).fill(UNKNOWN);
  // Candidate lists, one level of the walk after another.
  const candidates = new Int32Array((tree.depth + 1) * k);
  const middle = new Float64Array(d);
  const margin = pruneMargin(points, n * d, centres);
  let changed = 0;
  let evaluations = 0;
  let searched = 0;

  /** Gives node v's points to the nearest of the m candidates listed at `at`. */
  const filter = (v: number, at: number, m: number, inherited: number): void => {
    const previous = inherited >= 0 ? inherited : owner[v];
    const b = 2 * d * v;
    // The candidate nearest the box's middle (any candidate would do; this one drops the most).
    for (let t = 0; t < d; t++) middle[t] = 0.5 * (box[b + t] + box[b + d + t]);
    let best = candidates[at];
    let bestDist = Infinity;
    for (let c = 0; c < m; c++) {
      const z = candidates[at + c];
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = middle[t] - centres[z * d + t];
        s += diff * diff;
      }
      if (s < bestDist) {
        bestDist = s;
        best = z;
      }
    }
    // Keep z unless it is farther than `best` from the box's corner that leans most towards z:
    // then it is farther from every point of the box (the difference of squared distances is
    // linear in the point, so smallest at a corner).
    const next = at + m;
    let kept = 0;
    for (let c = 0; c < m; c++) {
      const z = candidates[at + c];
      if (z !== best) {
        let toZ = 0;
        let toBest = 0;
        for (let t = 0; t < d; t++) {
          const cz = centres[z * d + t];
          const cb = centres[best * d + t];
          const corner = cz > cb ? box[b + d + t] : box[b + t];
          toZ += (corner - cz) * (corner - cz);
          toBest += (corner - cb) * (corner - cb);
        }
        if (toZ - toBest > margin) continue;
      }
      candidates[next + kept++] = z;
    }
    const s = start[v];
    const e = end[v];
    if (kept === 1) {
      // The whole box goes to `best`.
      nodeMassTo(best, v);
      if (previous !== best) {
        for (let p = s; p < e; p++) {
          const i = order[p];
          if (labels[i] !== best) {
            labels[i] = best;
            changed++;
          }
        }
      }
      owner[v] = best;
      return;
    }
    if (left[v] < 0) {
      // A leaf that a boundary may cross: each point takes the nearest candidate left, which are
      // in increasing index order, so a strict comparison keeps the lowest index on ties.
      let common = -1;
      for (let p = s; p < e; p++) {
        let label = 0;
        let nearest = Infinity;
        for (let c = 0; c < kept; c++) {
          const z = candidates[next + c];
          const dz = dist2(treePoints, p, centres, z, d);
          if (dz < nearest) {
            nearest = dz;
            label = z;
          }
        }
        evaluations += kept;
        const i = order[p];
        if (labels[i] !== label) {
          labels[i] = label;
          changed++;
        }
        const w = treeWeights[p];
        mass[label] += w;
        for (let t = 0; t < d; t++) sums[label * d + t] += w * treePoints[p * d + t];
        common = p === s || common === label ? label : MIXED;
      }
      searched += e - s;
      owner[v] = common;
      return;
    }
    // A node that was one cluster's last time hands that on: its children were not walked then.
    const passOn = previous >= 0 ? previous : MIXED;
    filter(left[v], next, kept, passOn);
    filter(right[v], next, kept, passOn);
    owner[v] = MIXED;
  };

  const nodeMassTo = (j: number, v: number): void => {
    mass[j] += nodeMass[v];
    for (let t = 0; t < d; t++) sums[j * d + t] += sum[v * d + t];
  };

  const assign = (): number => {
    changed = 0;
    sums.fill(0);
    mass.fill(0);
    for (let j = 0; j < k; j++) candidates[j] = j;
    if (n > 0) filter(0, 0, k, MIXED);
    return changed;
  };

  let iterations = 0;
  let assigned = false;
  for (let it = 0; it < options.maxIter; it++) {
    const moves = assign();
    assigned = true;
    if (it > 0 && moves === 0) break; // labels stable: centres would not move
    iterations++;
    relocated.length = 0;
    const moved = finishUpdate(points, n, d, weights, labels, centres, k, shift, sums, mass, relocated);
    // A re-seeded empty cluster took a point behind the owners' backs.
    if (relocated.length > 0) owner.fill(UNKNOWN);
    assigned = false;
    if (moved <= options.tolAbs) break;
  }
  if (!assigned) assign();
  return {
    centres,
    labels,
    inertia: inertiaOf(points, n, d, weights, labels, centres),
    iterations,
    distanceEvaluations: evaluations,
    searches: searched,
  };
}

/**
 * Margin in squared distance for dropping a candidate: far above the rounding of squared
 * distances of the data's size (about 2^-52 of them), far below any real difference.
 */
function pruneMargin(points: Float64Array, length: number, centres: Float64Array): number {
  let max = 0;
  for (let t = 0; t < length; t++) max = Math.max(max, Math.abs(points[t]));
  for (let t = 0; t < centres.length; t++) max = Math.max(max, Math.abs(centres[t]));
  return 1e-9 * (1 + max) * (1 + max);
}
