// A k-d tree over the centres, for exact nearest and second-nearest centre queries.
//
// Rebuilt whenever the centres move (O(K log K), a fraction of a millisecond at K = 1024), so it
// replaces the K sorted rows of K distances the nearest search used to need every iteration.
// Queries return exactly what a brute-force scan returns, ties included: the lowest index among
// the centres at the smallest squared distance.

/** Centres a leaf holds: small enough to prune well, large enough that the walk down stays cheap. */
const LEAF_SIZE = 8;

/**
 * Results of the last query: [label, its squared distance, second nearest, its squared distance,
 * third nearest, its squared distance]; −1 and Infinity where there are fewer centres.
 */
export const found = new Float64Array(6);

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
 * The three nearest centres of point `i` of `x` (n·d); writes `found`.
 * `a`, `b`, `c` (or −1) are likely answers, typically the point's three from its last search:
 * their distances bound the search from the start, so the walk visits a leaf or a few.
 * Ties: the label is the lowest index at the smallest squared distance, as in a brute-force scan;
 * the second and third are whichever came first at their distances (only the distances matter).
 */
export function nearestThree(x: Float64Array, i: number, tree: CentreTree, centres: Float64Array, a: number, b: number, c: number): void {
  const d = tree.d;
  const o = i * d;
  let label = a;
  let best1 = pointDist2(x, o, centres, a * d, d);
  let second = -1;
  let best2 = Infinity;
  let third = -1;
  let best3 = Infinity;
  if (b === a) b = -1;
  if (c === a || c === b) c = -1;
  for (let seed = 0; seed < 2; seed++) {
    const j = seed === 0 ? b : c;
    if (j < 0) continue;
    const dj = pointDist2(x, o, centres, j * d, d);
    if (dj < best1 || (dj === best1 && j < label)) {
      third = second;
      best3 = best2;
      second = label;
      best2 = best1;
      label = j;
      best1 = dj;
    } else if (dj < best2) {
      third = second;
      best3 = best2;
      second = j;
      best2 = dj;
    } else if (dj < best3) {
      third = j;
      best3 = dj;
    }
  }
  const { ids, coords, start, end, left, right, lo, hi } = tree;
  let sp = 0;
  stackNode[0] = 0;
  stackBound[0] = 0;
  sp = 1;
  while (sp > 0) {
    sp--;
    // A box strictly farther than the third best holds no centre that changes the three.
    if (stackBound[sp] > best3) continue;
    const node = stackNode[sp];
    const l = left[node];
    if (l < 0) {
      for (let s = start[node], e = end[node]; s < e; s++) {
        const j = ids[s];
        if (j === a || j === b || j === c) continue;
        const dj = pointDist2(x, o, coords, s * d, d);
        if (dj > best3) continue;
        if (dj < best1 || (dj === best1 && j < label)) {
          third = second;
          best3 = best2;
          second = label;
          best2 = best1;
          label = j;
          best1 = dj;
        } else if (dj < best2) {
          third = second;
          best3 = best2;
          second = j;
          best2 = dj;
        } else if (dj < best3) {
          third = j;
          best3 = dj;
        }
      }
      continue;
    }
    const r = right[node];
    const bl = boxDist2(x, o, lo, hi, l * d, d);
    const br = boxDist2(x, o, lo, hi, r * d, d);
    // Nearer child on top of the stack: it usually tightens the bounds before the other is looked at.
    if (bl <= br) {
      if (br <= best3) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
      if (bl <= best3) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
    } else {
      if (bl <= best3) {
        stackNode[sp] = l;
        stackBound[sp++] = bl;
      }
      if (br <= best3) {
        stackNode[sp] = r;
        stackBound[sp++] = br;
      }
    }
  }
  found[0] = label;
  found[1] = best1;
  found[2] = second;
  found[3] = best2;
  found[4] = third;
  found[5] = best3;
}

/** Nearest centre of point `i` of `x`, starting from the likely answer `a`; writes found[0] and found[1]. */
export function nearestOne(x: Float64Array, i: number, tree: CentreTree, centres: Float64Array, a: number): void {
  const d = tree.d;
  const o = i * d;
  let label = a;
  let best1 = pointDist2(x, o, centres, a * d, d);
  const { ids, coords, start, end, left, right, lo, hi } = tree;
  let sp = 0;
  stackNode[0] = 0;
  stackBound[0] = 0;
  sp = 1;
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
  found[0] = label;
  found[1] = best1;
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
