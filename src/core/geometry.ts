// Squared distances, shared by k-means++, Lloyd and the nearest search.

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
