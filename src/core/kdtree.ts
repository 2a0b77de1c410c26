// A k-d tree over the centres, for exact queries of a point's nearest centre or nearest few.
//
// Rebuilt whenever the centres move (O(K log K), a fraction of a millisecond at K = 1024): no
// K × K table of sorted distances to keep up. Lloyd's rows of nearest centres are found with it and
// its searches fall back on it (rows.ts); the final remap queries it directly. Queries return
// exactly what a brute-force scan returns, ties included: the lowest index among the centres at
// the smallest squared distance.

/** Centres a leaf holds: small enough to prune well, large enough that the walk down stays cheap. */
const LEAF_SIZE = 8;

/** Most centres a list query returns. */
export const MAX_LIST = 40;

/**
 * Results of the last query, nearest first: centre indices (−1 past the centres there are) and
 * squared distances (Infinity there). The first is the label: the lowest index among the centres
 * at the smallest squared distance, as a brute-force scan finds it. The others are ordered by
 * distance, then index.
 */
export const foundLabel = new Int32Array(MAX_LIST);
export const foundDist2 = new Float64Array(MAX_LIST);

// Depth-first stack shared by every query (the core is single-threaded per worker). The tree has
// at most ⌈log2 K⌉ + 1 levels, and a query holds at most one pending sibling a level.
const STACK_SIZE = 128;
const stackNode = new Int32Array(STACK_SIZE);
const stackBound = new Float64Array(STACK_SIZE);

export class CentreTree {
  readonly d: number;
  /** Centres in the tree. */
  k = 0;
  /** Centre index at each leaf slot. */
  readonly ids: Int32Array;
  /** Centre coordinates in leaf-slot order: a leaf's centres are read from one contiguous block. */
  readonly coords: Float64Array;
  /** First and one-past-last slot of each node. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Children of each node (−1 for a leaf). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bounding box of each node's centres, nodes·d. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  private nodes = 0;
  private centres: Float64Array = new Float64Array(0);

  constructor(maxK: number, d: number) {
    this.d = d;
    const maxNodes = 2 * Math.max(maxK, 1);
    this.ids = new Int32Array(maxK);
    this.coords = new Float64Array(maxK * d);
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.lo = new Float64Array(maxNodes * d);
    this.hi = new Float64Array(maxNodes * d);
  }

  /** Builds the tree over the first `k` rows of `centres` (k·d). */
  build(centres: Float64Array, k: number): void {
    const { ids, coords, d } = this;
    this.k = k;
    this.centres = centres;
    this.nodes = 0;
    for (let j = 0; j < k; j++) ids[j] = j;
    if (k > 0) this.buildNode(0, k);
    for (let s = 0; s < k; s++) {
      const j = ids[s];
      for (let t = 0; t < d; t++) coords[s * d + t] = centres[j * d + t];
    }
  }

  private buildNode(first: number, last: number): number {
    const { d, ids, lo, hi, centres } = this;
    const node = this.nodes++;
    this.start[node] = first;
    this.end[node] = last;
    let widest = 0;
    let widestSpan = -1;
    for (let t = 0; t < d; t++) {
      let min = Infinity;
      let max = -Infinity;
      for (let s = first; s < last; s++) {
        const v = centres[ids[s] * d + t];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      lo[node * d + t] = min;
      hi[node * d + t] = max;
      if (max - min > widestSpan) {
        widestSpan = max - min;
        widest = t;
      }
    }
    if (last - first <= LEAF_SIZE || widestSpan <= 0) {
      // A leaf; also when every centre here coincides (duplicates cannot be split apart).
      this.left[node] = -1;
      this.right[node] = -1;
      return node;
    }
    // Split at the median of the widest coordinate: a balanced tree with compact boxes.
    const middle = (first + last) >>> 1;
    selectNth(ids, centres, d, widest, first, last - 1, middle);
    this.left[node] = this.buildNode(first, middle);
    this.right[node] = this.buildNode(middle, last);
    return node;
  }
}

/** Reorders ids[first..last] so ids[nth] holds the element of rank nth by coordinate `t` (Hoare's select). */
function selectNth(ids: Int32Array, centres: Float64Array, d: number, t: number, first: number, last: number, nth: number): void {
  while (last > first) {
    // Median of three as pivot: no quadratic case on sorted or constant input.
    const mid = (first + last) >>> 1;
    const a = centres[ids[first] * d + t];
    const b = centres[ids[mid] * d + t];
    const c = centres[ids[last] * d + t];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = first;
    let j = last;
    while (i <= j) {
      while (centres[ids[i] * d + t] < pivot) i++;
      while (centres[ids[j] * d + t] > pivot) j--;
      if (i <= j) {
        const swap = ids[i];
        ids[i] = ids[j];
        ids[j] = swap;
        i++;
        j--;
      }
    }
    if (nth <= j) last = j;
    else if (nth >= i) first = i;
    else return;
  }
}

/**
 * Squared distance from point `o` (an offset into `x`) to a node's box, summed in the same order as
 * `dist2`: rounding is monotonic, so it never exceeds the computed distance to any centre in the
 * box, and pruning on it is exact with no safety margin.
 */
function boxDist2(x: Float64Array, o: number, lo: Float64Array, hi: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = x[o + t];
    const l = lo[b + t];
    if (v < l) {
      const g = v - l;
      s += g * g;
    } else {
      const h = hi[b + t];
      if (v > h) {
        const g = v - h;
        s += g * g;
      }
    }
  }
  return s;
}

/**
 * Puts candidate (dj, j) into the list `found*` of `m`, kept sorted by distance then index, of
 * which `count` are filled; returns the new count.
 */
export function insertFound(dj: number, j: number, m: number, count: number): number {
  let p = count < m ? count : m - 1;
  if (count === m) {
    const last = foundDist2[p];
    if (dj > last || (dj === last && j > foundLabel[p])) return count;
  }
  while (p > 0) {
    const prev = foundDist2[p - 1];
    if (prev < dj || (prev === dj && foundLabel[p - 1] < j)) break;
    foundDist2[p] = prev;
    foundLabel[p] = foundLabel[p - 1];
    p--;
  }
  foundDist2[p] = dj;
  foundLabel[p] = j;
  return count < m ? count + 1 : count;
}

// Seeds of the current query, marked so that the tree walk skips them without comparing against
// each (a query may have dozens).
let marks = new Int32Array(0);
let stamp = 0;

function beginQuery(m: number, k: number): void {
  for (let t = 0; t < m; t++) {
    foundLabel[t] = -1;
    foundDist2[t] = Infinity;
  }
  if (marks.length < k) {
    marks = new Int32Array(k);
    stamp = 0;
  }
  if (++stamp === 0x7fffffff) {
    marks.fill(0);
    stamp = 1;
  }
}

/** Adds centre j (−1 for none) as a seed of the current query; returns the new count. */
function addSeed(x: Float64Array, o: number, centres: Float64Array, d: number, j: number, m: number, count: number): number {
  if (j < 0 || marks[j] === stamp) return count;
  marks[j] = stamp;
  return insertFound(pointDist2(x, o, centres, j * d, d), j, m, count);
}

/**
 * The `m` nearest centres of point `i` of `x` (n·d), m ≤ MAX_LIST; writes `foundLabel` and
 * `foundDist2`. Seeds `s1`, `s2`, `s3` (−1 for none; repeats allowed) are likely answers,
 * typically the point's nearest from its last search: their distances bound the search from the
 * start, so the walk visits a leaf or a few.
 */
export function nearestList(
  x: Float64Array,
  i: number,
  tree: CentreTree,
  centres: Float64Array,
  m: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  const d = tree.d;
  const o = i * d;
  beginQuery(m, tree.k);
  let count = addSeed(x, o, centres, d, s1, m, 0);
  count = addSeed(x, o, centres, d, s2, m, count);
  count = addSeed(x, o, centres, d, s3, m, count);
  descend(x, o, tree, m, count);
}

/** `nearestList` with the seeds seeds[0 .. seedCount), e.g. a centre's row from the last pass. */
export function nearestListFrom(
  x: Float64Array,
  i: number,
  tree: CentreTree,
  centres: Float64Array,
  m: number,
  seeds: Int32Array,
  seedStart: number,
  seedCount: number,
): void {
  const d = tree.d;
  const o = i * d;
  beginQuery(m, tree.k);
  let count = 0;
  for (let t = seedStart; t < seedStart + seedCount; t++) count = addSeed(x, o, centres, d, seeds[t], m, count);
  descend(x, o, tree, m, count);
}

/** The tree walk of a list query, from `count` seeds already in `found*`. */
function descend(x: Float64Array, o: number, tree: CentreTree, m: number, count: number): void {
  const { d, ids, coords, start, end, left, right, lo, hi } = tree;
  let limit = count === m ? foundDist2[m - 1] : Infinity;
  stackNode[0] = 0;
  stackBound[0] = 0;
  let sp = 1;
  while (sp > 0) {
    sp--;
    // A box strictly farther than the m-th best holds no centre that changes the list.
    if (stackBound[sp] > limit) continue;
    const node = stackNode[sp];
    const l = left[node];
    if (l < 0) {
      for (let s = start[node], e = end[node]; s < e; s++) {
        const j = ids[s];
        if (marks[j] === stamp) continue;
        const dj = pointDist2(x, o, coords, s * d, d);
        if (dj > limit) continue;
        count = insertFound(dj, j, m, count);
        if (count === m) limit = foundDist2[m - 1];
      }
      continue;
    }
    const r = right[node];
    const bl = boxDist2(x, o, lo, hi, l * d, d);
    const br = boxDist2(x, o, lo, hi, r * d, d);
    // Nearer child on top of the stack: it usually tightens the bound before the other is looked at.
    if (bl <= br) {
      if (br <= limit) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
      if (bl <= limit) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
    } else {
      if (bl <= limit) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
      if (br <= limit) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
    }
  }
}

/** Nearest centre of point `i` of `x`, starting from the likely answer `a`; writes foundLabel[0] and foundDist2[0]. */
export function nearestOne(x: Float64Array, i: number, tree: CentreTree, centres: Float64Array, a: number): void {
  const d = tree.d;
  const o = i * d;
  let label = a;
  let best1 = pointDist2(x, o, centres, a * d, d);
  const { ids, coords, start, end, left, right, lo, hi } = tree;
  stackNode[0] = 0;
  stackBound[0] = 0;
  let sp = 1;
  while (sp > 0) {
    sp--;
    if (stackBound[sp] > best1) continue;
    const node = stackNode[sp];
    const l = left[node];
    if (l < 0) {
      for (let s = start[node], e = end[node]; s < e; s++) {
        const dj = pointDist2(x, o, coords, s * d, d);
        if (dj < best1 || (dj === best1 && ids[s] < label)) {
          label = ids[s];
          best1 = dj;
        }
      }
      continue;
    }
    const r = right[node];
    const bl = boxDist2(x, o, lo, hi, l * d, d);
    const br = boxDist2(x, o, lo, hi, r * d, d);
    if (bl <= br) {
      if (br <= best1) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
      if (bl <= best1) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
    } else {
      if (bl <= best1) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
      if (br <= best1) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
    }
  }
  foundLabel[0] = label;
  foundDist2[0] = best1;
}

/** dist2 with offsets: the same operations in the same order, so the same bits. */
function pointDist2(x: Float64Array, o: number, c: Float64Array, co: number, d: number): number {
  if (d === 3) {
    const p = x[o] - c[co];
    const q = x[o + 1] - c[co + 1];
    const r = x[o + 2] - c[co + 2];
    return p * p + q * q + r * r;
  }
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = x[o + t] - c[co + t];
    s += diff * diff;
  }
  return s;
}
