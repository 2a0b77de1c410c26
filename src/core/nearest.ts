// Exact nearest-centre search for the reference Lloyd, predict and the final remap (the fast
// Lloyd has its own, in lloyd.ts and rows.ts).
//
// Brute force at small K, a k-d tree over the centres above; both give the same labels, ties
// going to the lowest index.
import { dist2 } from './geometry.js';
import { CentreTree, foundDist2, foundLabel, nearestOne } from './kdtree.js';
import { boundingBox } from './point-tree.js';
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
 * because neighbouring distinct colours come from neighbouring pixels, or, for many 3-D points,
 * from the nearest centre of the middle of its cell in a grid (see gridHints).
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
  rows.update(centres, () => tree);
  const eps = 1e-10 * (1 + maxAbs(centres) + maxAbs(points));
  if (!hint && d === 3 && n >= GRID_FROM_POINTS) hint = gridHints(points, n, tree, centres);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const start = hint ? Math.min(hint[i], k - 1) : previous;
    if (!walkNearestOne(points, i, rows, centres, start, eps)) nearestOne(points, i, tree, centres, foundLabel[0]);
    labels[i] = previous = foundLabel[0];
    distances[i] = foundDist2[0];
  }
  return { labels, dist2: distances };
}

/**
 * From this many points, assignNearest without hints starts each 3-D point from a grid's hint:
 * the walk from the previous point's label often runs off its row (a 24 MP photo, 1.65 M colours
 * at K = 256: 280 ms, the k-d tree taking a third of it).
 */
const GRID_FROM_POINTS = 1 << 18;
const GRID = 32;

/**
 * A likely centre for each of n 3-D points: the nearest centre to the middle of its cell, the
 * points' bounding box cut into GRID³ cells (one tree search a cell, 32,768 in all).
 */
function gridHints(points: Float64Array, n: number, tree: CentreTree, centres: Float64Array): Uint16Array {
  const box = new Float64Array(6);
  boundingBox(points, 0, n, 3, box, 0);
  const [x0, y0, z0, x1, y1, z1] = box;
  const sx = x1 > x0 ? GRID / (x1 - x0) : 0;
  const sy = y1 > y0 ? GRID / (y1 - y0) : 0;
  const sz = z1 > z0 ? GRID / (z1 - z0) : 0;
  const middles = new Float64Array(3 * GRID ** 3);
  for (let c = 0; c < GRID ** 3; c++) {
    const cx = c % GRID;
    const cy = Math.floor(c / GRID) % GRID;
    const cz = Math.floor(c / GRID ** 2);
    middles[3 * c] = sx > 0 ? x0 + (cx + 0.5) / sx : x0;
    middles[3 * c + 1] = sy > 0 ? y0 + (cy + 0.5) / sy : y0;
    middles[3 * c + 2] = sz > 0 ? z0 + (cz + 0.5) / sz : z0;
  }
  const cellLabel = new Uint16Array(GRID ** 3);
  let previous = 0;
  for (let c = 0; c < GRID ** 3; c++) {
    nearestOne(middles, c, tree, centres, previous);
    cellLabel[c] = previous = foundLabel[0];
  }
  // Locals, not arrays, in the loop over the points: it runs once, mostly before V8 optimises it.
  const hints = new Uint16Array(n);
  const top = GRID - 1;
  for (let i = 0, o = 0; i < n; i++, o += 3) {
    const cx = Math.min(top, ((points[o] - x0) * sx) | 0);
    const cy = Math.min(top, ((points[o + 1] - y0) * sy) | 0);
    const cz = Math.min(top, ((points[o + 2] - z0) * sz) | 0);
    hints[i] = cellLabel[(cz * GRID + cy) * GRID + cx];
  }
  return hints;
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (let t = 0; t < values.length; t++) {
    const v = Math.abs(values[t]);
    if (v > max) max = v;
  }
  return max;
}
