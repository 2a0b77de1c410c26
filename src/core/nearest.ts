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
 * Brute-force three nearest centres of point `i`, the label at the lowest index on ties; writes
 * `found` as `nearestThree` does.
 */
export function searchAll(points: Float64Array, i: number, centres: Float64Array, d: number, k: number): void {
  let label = -1;
  let best1 = Infinity;
  let second = -1;
  let best2 = Infinity;
  let third = -1;
  let best3 = Infinity;
  for (let j = 0; j < k; j++) {
    const dj = dist2(points, i, centres, j, d);
    // Strict comparisons while j rises: the first centre at a distance keeps its place.
    if (dj < best1 || label < 0) {
      third = second;
      best3 = best2;
      second = label;
      best2 = best1;
      label = j;
      best1 = dj;
    } else if (dj < best2 || second < 0) {
      third = second;
      best3 = best2;
      second = j;
      best2 = dj;
    } else if (dj < best3 || third < 0) {
      third = j;
      best3 = dj;
    }
  }
  found[0] = label;
  found[1] = best1;
  found[2] = second;
  found[3] = best2;
  found[4] = third;
  found[5] = best3;
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
