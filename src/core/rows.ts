// Each centre's nearest other centres: the rows an exact nearest search walks.
//
// For a point x and any centre a, every centre c_j has d(x, c_j) ≥ d(c_a, c_j) − d(x, c_a)
// (triangle inequality). So a search for x's m nearest can walk a's row and stop as soon as every
// centre left in the row, and every centre outside it, is farther from c_a than the m-th best
// distance found plus d(x, c_a). Started from x's label the walk stops after a dozen centres or so
// (K = 1024, median 10). A row that runs out falls back to the k-d tree.
//
// Rows hold the ROW_LENGTH nearest only, found with the tree (or, by a RowsKernel, by brute force);
// finding them costs ~100 times a walk, so they are kept across Lloyd passes while the centres move
// little. Each pass refreshes what the walk needs exactly: the current distance of every entry, the
// smallest distance among the entries from each one on, and a lower bound for the centres outside
// the row (its distance when built, less how far the centres moved since).
import { dist2 } from './geometry.js';
import { CentreTree, foundDist2, foundLabel, insertFound, nearestListFrom } from './kdtree.js';

/** Centres a row holds: enough for 95% of the walks at K = 1024 on china.jpg. */
export const ROW_LENGTH = 24;

// Rows are found again once some centre has moved this fraction of the mean distance to the
// first centre outside a row: beyond that the bound for the outside loosens enough to matter.
const REBUILD_FRACTION = 0.1;

/** Entries in each of K centres' rows. */
export function rowLength(k: number): number {
  return Math.min(ROW_LENGTH, Math.max(k - 1, 0));
}

/** The arrays of CentreRows, sized as rowLength says (e.g. in a kernel's memory: see RowsKernel). */
export interface RowsStorage {
  ids: Int32Array;
  suffixMin: Float64Array;
  beyond: Float64Array;
  dist: Float64Array;
  beyondAtBuild: Float64Array;
  centresAtBuild: Float64Array;
  moved: Float64Array;
}

/**
 * CentreRows' loops compiled (wasm/assign.wat), over a storage in the kernel's memory and the
 * centres there: the same arithmetic as the TypeScript loops, which stay as the reference.
 */
export interface RowsKernel {
  /** Fills `moved` (how far each centre is from where it was at the last build); returns the largest. */
  moved(): number;
  /**
   * Refreshes the rows' distances, suffix minima and the bounds for the centres outside: every
   * row when `all`, else those where a centre moved since the last `moved`.
   */
  refresh(maxMoved: number, all: boolean): void;
  /**
   * Finds every row again, by brute force (K² distances; optional: without it the tree finds
   * them); returns the sum of the finite distances to the first centre outside each row and how
   * many are finite.
   */
  build?(): { sum: number; finite: number };
}

export class CentreRows {
  readonly k: number;
  readonly d: number;
  /** Entries a row holds: min(ROW_LENGTH, K − 1). */
  readonly length: number;
  /** Row of centre a at a·length: other centres, nearest first when found. */
  readonly ids: Int32Array;
  /** Current distance from c_a of each entry. */
  readonly dist: Float64Array;
  /** Smallest current distance among the entries from this one to the end of the row. */
  readonly suffixMin: Float64Array;
  /** Lower bound on the current distance from c_a to any centre outside its row (Infinity if none). */
  readonly beyond: Float64Array;
  private readonly beyondAtBuild: Float64Array;
  /** The first centre outside each row when built (−1 if none), and the seeds of the next build. */
  private readonly beyondId: Int32Array;
  private readonly seeds: Int32Array;
  private readonly centresAtBuild: Float64Array;
  private readonly moved: Float64Array;
  private meanBeyond = 0;
  private built = false;
  /** Times the rows were found (for benchmarks). */
  builds = 0;

  /**
   * `storage` (optional) holds the arrays, e.g. in a kernel's memory, and `kernel` runs the loops
   * over them (then `update` must be given the centres the kernel reads).
   */
  constructor(
    k: number,
    d: number,
    storage?: RowsStorage,
    private readonly kernel?: RowsKernel,
  ) {
    this.k = k;
    this.d = d;
    this.length = rowLength(k);
    this.ids = storage?.ids ?? new Int32Array(k * this.length);
    this.dist = storage?.dist ?? new Float64Array(k * this.length);
    this.suffixMin = storage?.suffixMin ?? new Float64Array(k * this.length);
    this.beyond = storage?.beyond ?? new Float64Array(k);
    this.beyondAtBuild = storage?.beyondAtBuild ?? new Float64Array(k);
    this.beyondId = new Int32Array(k).fill(-1);
    this.seeds = new Int32Array(this.length + 2);
    this.centresAtBuild = storage?.centresAtBuild ?? new Float64Array(k * d);
    this.moved = storage?.moved ?? new Float64Array(k);
  }

  /**
   * Brings the rows up to date with `centres` (k·d): finds them again if the centres moved too far
   * since, else refreshes their distances. `tree` gives a k-d tree built over the centres (or none
   * at small K); it is asked for only when the rows are found again, and not when the kernel finds them.
   */
  update(centres: Float64Array, tree: () => CentreTree | undefined): void {
    const { k, d, moved, centresAtBuild, kernel } = this;
    let maxMoved = 0;
    if (this.built) {
      if (kernel) {
        maxMoved = kernel.moved();
      } else {
        for (let j = 0; j < k; j++) {
          const v = Math.sqrt(dist2(centres, j, centresAtBuild, j, d));
          moved[j] = v;
          if (v > maxMoved) maxMoved = v;
        }
      }
    }
    if (!this.built || maxMoved > REBUILD_FRACTION * this.meanBeyond) this.build(centres, kernel?.build ? undefined : tree());
    else this.refresh(centres, maxMoved);
  }

  private build(centres: Float64Array, tree: CentreTree | undefined): void {
    const { k, d, length, ids, beyondAtBuild, beyondId, seeds, kernel } = this;
    let sum = 0;
    let finite = 0;
    if (kernel?.build) {
      ({ sum, finite } = kernel.build());
    } else {
      // The centre itself and the first centre outside the row come back too.
      const m = length + 2;
      for (let a = 0; a < k; a++) {
        if (tree) {
          // Seeded with the row as it was: most of it still is, so the tree walk starts with the
          // right radius and looks at little else.
          let count = 0;
          seeds[count++] = a;
          if (this.built) {
            for (let t = 0; t < length; t++) seeds[count++] = ids[a * length + t];
            if (beyondId[a] >= 0) seeds[count++] = beyondId[a];
          }
          nearestListFrom(centres, a, tree, centres, m, seeds, 0, count);
        } else {
          for (let t = 0; t < m; t++) {
            foundLabel[t] = -1;
            foundDist2[t] = Infinity;
          }
          let count = 0;
          for (let j = 0; j < k; j++) count = insertFound(dist2(centres, a, centres, j, d), j, m, count);
        }
        let t = 0;
        let outside = Infinity;
        beyondId[a] = -1;
        for (let s = 0; s < m; s++) {
          const j = foundLabel[s];
          if (j === a) continue;
          if (t === length) {
            if (j >= 0) {
              outside = Math.sqrt(foundDist2[s]);
              beyondId[a] = j;
            }
            break;
          }
          ids[a * length + t] = j;
          t++;
        }
        beyondAtBuild[a] = outside;
        if (outside < Infinity) {
          sum += outside;
          finite++;
        }
      }
    }
    this.meanBeyond = finite > 0 ? sum / finite : Infinity;
    this.centresAtBuild.set(centres.subarray(0, k * d));
    this.moved.fill(0);
    this.built = true;
    this.builds++;
    this.refresh(centres, 0, true);
  }

  private refresh(centres: Float64Array, maxMoved: number, all = false): void {
    if (this.kernel) {
      this.kernel.refresh(maxMoved, all);
      return;
    }
    const { k, d, length, ids, dist, suffixMin, beyond, beyondAtBuild, moved } = this;
    for (let a = 0; a < k; a++) {
      const base = a * length;
      for (let t = 0; t < length; t++) dist[base + t] = Math.sqrt(dist2(centres, a, centres, ids[base + t], d));
      let min = Infinity;
      for (let t = length - 1; t >= 0; t--) {
        if (dist[base + t] < min) min = dist[base + t];
        suffixMin[base + t] = min;
      }
      // d(c_a, c_j) now ≥ its distance at build − how far a moved − how far j moved.
      beyond[a] = beyondAtBuild[a] === Infinity ? Infinity : beyondAtBuild[a] - moved[a] - maxMoved;
    }
  }

  /** Distance from c_a to its nearest other centre, or a lower bound on it. */
  nearestBound(a: number): number {
    const first = this.length > 0 ? this.suffixMin[a * this.length] : Infinity;
    return first < this.beyond[a] ? first : this.beyond[a];
  }
}

/**
 * The `m` nearest centres of point `i` of `x` (m ≤ MAX_LIST), found by walking centre a's row
 * (any centre works; the point's label makes the walk shortest); writes `foundLabel` and
 * `foundDist2` as `nearestList` does. `eps` covers rounding in the triangle inequality. Returns
 * false if the row ran out before the walk could stop: `found*` then hold the nearest seen, which
 * make good seeds for a tree search.
 */
export function walkNearest(
  x: Float64Array,
  i: number,
  rows: CentreRows,
  centres: Float64Array,
  a: number,
  m: number,
  eps: number,
): boolean {
  if (m === 4 && rows.d === 3) return walkNearest4(x, i, rows, centres, a, eps);
  const { d, length, ids, suffixMin } = rows;
  for (let t = 0; t < m; t++) {
    foundLabel[t] = -1;
    foundDist2[t] = Infinity;
  }
  const ua2 = dist2(x, i, centres, a, d);
  let count = insertFound(ua2, a, m, 0);
  const u = Math.sqrt(ua2) + eps;
  const beyond = rows.beyond[a];
  const base = a * length;
  for (let t = 0; t < length; t++) {
    // Stop strictly beyond the m-th best: a centre at exactly that distance may still tie.
    const g = (suffixMin[base + t] < beyond ? suffixMin[base + t] : beyond) - u;
    if (count === m && g > 0 && g * g > foundDist2[m - 1]) return true;
    const j = ids[base + t];
    count = insertFound(dist2(x, i, centres, j, d), j, m, count);
  }
  if (beyond === Infinity) return true;
  const g = beyond - u;
  return count === m && g > 0 && g * g > foundDist2[m - 1];
}

/**
 * `walkNearest` for Lloyd's case, the four nearest in 3-D, with the list in locals rather than
 * typed arrays (a walk is a dozen steps, and this is where Lloyd's searches spend their time).
 */
function walkNearest4(x: Float64Array, i: number, rows: CentreRows, centres: Float64Array, a: number, eps: number): boolean {
  const { length, ids, suffixMin } = rows;
  const x0 = x[3 * i];
  const x1 = x[3 * i + 1];
  const x2 = x[3 * i + 2];
  let p = x0 - centres[3 * a];
  let q = x1 - centres[3 * a + 1];
  let r = x2 - centres[3 * a + 2];
  const ua2 = p * p + q * q + r * r;
  // The four best, by distance then index; −1 and Infinity while not found.
  let l1 = a;
  let d1 = ua2;
  let l2 = -1;
  let d2 = Infinity;
  let l3 = -1;
  let d3 = Infinity;
  let l4 = -1;
  let d4 = Infinity;
  const u = Math.sqrt(ua2) + eps;
  const beyond = rows.beyond[a];
  const base = a * length;
  let done = beyond === Infinity;
  for (let t = 0; t < length; t++) {
    // Stop strictly beyond the 4th best: a centre at exactly that distance may still tie.
    const g = (suffixMin[base + t] < beyond ? suffixMin[base + t] : beyond) - u;
    if (g > 0 && g * g > d4) {
      done = true;
      break;
    }
    const j = ids[base + t];
    p = x0 - centres[3 * j];
    q = x1 - centres[3 * j + 1];
    r = x2 - centres[3 * j + 2];
    const dj = p * p + q * q + r * r;
    if (dj > d4 || (dj === d4 && j > l4)) continue;
    if (dj < d3 || (dj === d3 && j < l3)) {
      l4 = l3;
      d4 = d3;
      if (dj < d2 || (dj === d2 && j < l2)) {
        l3 = l2;
        d3 = d2;
        if (dj < d1 || (dj === d1 && j < l1)) {
          l2 = l1;
          d2 = d1;
          l1 = j;
          d1 = dj;
        } else {
          l2 = j;
          d2 = dj;
        }
      } else {
        l3 = j;
        d3 = dj;
      }
    } else {
      l4 = j;
      d4 = dj;
    }
  }
  if (!done) {
    const g = beyond - u;
    done = g > 0 && g * g > d4;
  }
  foundLabel[0] = l1;
  foundDist2[0] = d1;
  foundLabel[1] = l2;
  foundDist2[1] = d2;
  foundLabel[2] = l3;
  foundDist2[2] = d3;
  foundLabel[3] = l4;
  foundDist2[3] = d4;
  return done;
}

/**
 * The nearest centre of point `i` of `x`, walking centre a's row; writes foundLabel[0] and
 * foundDist2[0]. Returns false if the row ran out first (they then hold the nearest seen).
 */
export function walkNearestOne(x: Float64Array, i: number, rows: CentreRows, centres: Float64Array, a: number, eps: number): boolean {
  const { d, length, ids, suffixMin } = rows;
  let best = dist2(x, i, centres, a, d);
  let label = a;
  const u = Math.sqrt(best) + eps;
  const beyond = rows.beyond[a];
  const base = a * length;
  let done = beyond === Infinity;
  for (let t = 0; t < length; t++) {
    // Stop strictly beyond the best: a centre at exactly that distance may tie with a lower index.
    const g = (suffixMin[base + t] < beyond ? suffixMin[base + t] : beyond) - u;
    if (g > 0 && g * g > best) {
      done = true;
      break;
    }
    const j = ids[base + t];
    const dj = dist2(x, i, centres, j, d);
    if (dj < best || (dj === best && j < label)) {
      best = dj;
      label = j;
    }
  }
  if (!done) {
    const g = beyond - u;
    done = g > 0 && g * g > best;
  }
  foundLabel[0] = label;
  foundDist2[0] = best;
  return done;
}
