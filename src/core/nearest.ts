// Exact nearest-centre search, shared by Lloyd's assign step, predict and the final remap.
//
// Brute force at small K, a k-d tree over the centres above; both give the same labels, ties
// going to the lowest index.
import { dist2 } from './geometry.js';
import { CentreTree, found, nearestOne } from './kdtree.js';

export { found } from './kdtree.js';

/** Below this K a plain scan of every centre beats building and walking a tree. */
export const TREE_FROM_K = 12;

/**
 * Brute-force nearest and second-nearest centre of point `i` (lowest index on ties); writes
 * `found` as `nearestTwo` does.
 */
export function searchAll(points: Float64Array, i: number, centres: Float64Array, d: number, k: number): void {
  let best1 = Infinity;
  let best2 = Infinity;
  let label = 0;
  let second = -1;
  for (let j = 0; j < k; j++) {
    const dj = dist2(points, i, centres, j, d);
    if (dj < best1) {
      best2 = best1;
      second = label;
      best1 = dj;
      label = j;
    } else if (dj < best2) {
      best2 = dj;
      second = j;
    }
  }
  found[0] = label;
  found[1] = best1;
  found[2] = best2;
  found[3] = k > 1 ? second : -1;
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
      searchAll(points, i, centres, d, k);
      labels[i] = found[0];
      distances[i] = found[1];
    }
    return { labels, dist2: distances };
  }
  const tree = new CentreTree(k, d);
  tree.build(centres, k);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const start = hint ? Math.min(hint[i], k - 1) : previous;
    nearestOne(points, i, tree, centres, start);
    labels[i] = previous = found[0];
    distances[i] = found[1];
  }
  return { labels, dist2: distances };
}
