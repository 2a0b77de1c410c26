// Exact nearest-centre search for the reference Lloyd, predict and the final remap (the fast
// Lloyd has its own, in lloyd.ts and rows.ts).
//
// Brute force at small K, a k-d tree over the centres above; both give the same labels, ties
// going to the lowest index.
import { dist2 } from './geometry.js';
import { CentreTree, foundDist2, foundLabel, nearestOne } from './kdtree.js';
import { CentreRows, walkNearestOne } from './rows.js';

export { foundDist2, foundLabel } from './kdtree.js';

/** From this K on, the final remap queries a tree rather than scanning every centre. */
export const TREE_FROM_K = 12;

/** Brute-force nearest centre of point `i`: the lowest index at the smallest squared distance. Writes found*[0]. */
export function searchAll(points: Float64Array, i: number, centres: Float64Array, d: number, k: number): number {
  let best = Infinity;
  let label = 0;
  for (let j = 0; j < k; j++) {
    const dj = dist2(points, i, centres, j, d);
    // Strict: the first centre at a distance keeps it, as the lowest index.
    if (dj < best) {
      best = dj;
      label = j;
    }
  }
  foundLabel[0] = label;
  foundDist2[0] = best;
  return label;
}

/**
 * Labels every point with its nearest centre, exactly. `hint` (optional) gives a likely centre per
 * point; without it each point starts from the previous point's label, which is usually close
 * because neighbouring distinct colours come from neighbouring pixels.
 */
export function assignNearest(
  points: Float64Array,
  n: number,
  d: number,
  centres: Float64Array,
  k: number,
  hint?: Uint16Array,
): { labels: Uint16Array; dist2: Float64Array } {
  const labels = new Uint16Array(n);
  const distances = new Float64Array(n);
  if (k < TREE_FROM_K) {
    for (let i = 0; i < n; i++) {
      labels[i] = searchAll(points, i, centres, d, k);
      distances[i] = foundDist2[0];
    }
    return { labels, dist2: distances };
  }
  // Walk each point's row of nearest centres from its likely centre (a step or two when the hint
  // is right), and fall back on the tree when a row runs out.
  const tree = new CentreTree(k, d);
  tree.build(centres, k);
  const rows = new CentreRows(k, d);
  rows.update(centres, tree);
  const eps = 1e-10 * (1 + maxAbs(centres) + maxAbs(points));
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const start = hint ? Math.min(hint[i], k - 1) : previous;
    if (!walkNearestOne(points, i, rows, centres, start, eps)) nearestOne(points, i, tree, centres, foundLabel[0]);
    labels[i] = previous = foundLabel[0];
    distances[i] = foundDist2[0];
  }
  return { labels, dist2: distances };
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (let t = 0; t < values.length; t++) {
    const v = Math.abs(values[t]);
    if (v > max) max = v;
  }
  return max;
}
