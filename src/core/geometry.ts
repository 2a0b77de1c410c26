// Squared distances and the centre-to-centre table shared by k-means++, Lloyd and the nearest search.

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (both with `d` columns). */
export function dist2(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  const ao = i * d;
  const bo = j * d;
  if (d === 3) {
    // The common case (RGB) unrolled: V8 does not unroll the generic loop.
    const x = a[ao] - b[bo];
    const y = a[ao + 1] - b[bo + 1];
    const z = a[ao + 2] - b[bo + 2];
    return x * x + y * y + z * z;
  }
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = a[ao + t] - b[bo + t];
    s += diff * diff;
  }
  return s;
}

/** Widens Float32 points to a Float64 working copy: V8 reads Float64Array faster in distance loops. */
export function toFloat64(points: Float32Array | Float64Array): Float64Array {
  return points instanceof Float64Array ? points : Float64Array.from(points);
}

// Sorted neighbour rows store a distance floored to 1/2^20 and the centre index in one float64
// key, so a row sorts with the native numeric sort (no comparator) and stays an exact lower bound.
const KEY_SCALE = 1 << 20;
const INDEX_SPAN = 1 << 16;

/**
 * Centre-to-centre distances, with each centre's other centres sorted by distance on demand.
 * An exact nearest search from a point near centre `a` walks `a`'s row and stops as soon as
 * d(c_a, c_j) − d(x, c_a) exceeds the best distance found: no later centre can be closer
 * (triangle inequality).
 */
export class CentreTable {
  readonly k: number;
  /** d(c_i, c_j), k·k. */
  readonly dist: Float64Array;
  /** Half the distance from each centre to its nearest other centre. */
  readonly halfNearest: Float64Array;
  private readonly order: Uint16Array;
  private readonly sorted: Uint8Array;
  private readonly keys: Float64Array;

  constructor(k: number) {
    this.k = k;
    this.dist = new Float64Array(k * k);
    this.halfNearest = new Float64Array(k);
    this.order = new Uint16Array(k * Math.max(k - 1, 0));
    this.sorted = new Uint8Array(k);
    this.keys = new Float64Array(Math.max(k - 1, 0));
  }

  /** Recomputes the distances for new centres; rows are sorted again only when asked for. */
  update(centres: Float64Array, d: number): void {
    const { k, dist, halfNearest } = this;
    halfNearest.fill(Infinity);
    for (let i = 0; i < k; i++) {
      dist[i * k + i] = 0;
      for (let j = i + 1; j < k; j++) {
        const v = Math.sqrt(dist2(centres, i, centres, j, d));
        dist[i * k + j] = v;
        dist[j * k + i] = v;
        if (v < halfNearest[i]) halfNearest[i] = v;
        if (v < halfNearest[j]) halfNearest[j] = v;
      }
    }
    for (let i = 0; i < k; i++) halfNearest[i] *= 0.5;
    this.sorted.fill(0);
  }

  /** The other centres of `a`, nearest first (k − 1 entries from `rowStart(a)` in `orderOf`). */
  row(a: number): Uint16Array {
    const { k, order, keys, dist } = this;
    const start = a * (k - 1);
    if (this.sorted[a] === 0) {
      let t = 0;
      for (let j = 0; j < k; j++) {
        if (j === a) continue;
        keys[t++] = Math.floor(dist[a * k + j] * KEY_SCALE) * INDEX_SPAN + j;
      }
      keys.sort();
      for (let t2 = 0; t2 < k - 1; t2++) order[start + t2] = keys[t2] % INDEX_SPAN;
      this.sorted[a] = 1;
    }
    return order.subarray(start, start + k - 1);
  }

  /** A lower bound of d(c_a, c_j) that never exceeds the bound of any centre after j in a's row. */
  rowBound(a: number, j: number): number {
    return Math.floor(this.dist[a * this.k + j] * KEY_SCALE) / KEY_SCALE;
  }
}
