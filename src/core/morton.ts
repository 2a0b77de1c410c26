// Morton (Z-order) codes: rows near in space get near codes, so sorting by them keeps neighbours
// together (the seeding's working copy, init.ts) and splits space into nested cells (point-tree.ts).

/**
 * A permutation of the rows in Z-order (Morton order) of their first few coordinates, quantised
 * over the data's bounding box: rows near in space end up near in the permutation.
 */
export function zOrder(points: Float64Array, n: number, d: number): Int32Array {
  return mortonOrder(points, n, d).order;
}

/** The rows' Morton codes (see zOrder) and the permutation that sorts them. */
export function mortonOrder(points: Float64Array, n: number, d: number): { order: Int32Array; codes: Uint32Array } {
  const dims = Math.min(d, 4);
  // Codes fit 32 bits: 10 bits a coordinate in 3-D, 8 in 4-D.
  const bits = Math.min(10, Math.floor(32 / dims));
  const levels = 1 << bits;
  // spread[q] puts bit b of q at bit b·dims, so the coordinates interleave by shifting.
  const spread = new Uint32Array(levels);
  for (let q = 0; q < levels; q++) {
    let v = 0;
    for (let b = 0; b < bits; b++) if ((q >>> b) & 1) v |= 1 << (b * dims);
    spread[q] = v >>> 0;
  }
  const min = new Float64Array(dims).fill(Infinity);
  const scale = new Float64Array(dims);
  for (let c = 0; c < dims; c++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = points[i * d + c];
      if (v < min[c]) min[c] = v;
      if (v > max) max = v;
    }
    scale[c] = max > min[c] ? (levels - 1) / (max - min[c]) : 0;
  }
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (let c = 0; c < dims; c++) {
      const q = Math.min(levels - 1, Math.max(0, Math.floor((points[i * d + c] - min[c]) * scale[c])));
      code |= spread[q] << (dims - 1 - c);
    }
    codes[i] = code >>> 0;
  }
  // LSD radix sort, three passes of 11 bits (stable, so equal codes keep their order).
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let t = 0; t < n; t++) counts[(codes[order[t]] >>> shift) & 2047]++;
    let total = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[b];
      counts[b] = total;
      total += c;
    }
    for (let t = 0; t < n; t++) next[counts[(codes[order[t]] >>> shift) & 2047]++] = order[t];
    const swap = order;
    order = next;
    next = swap;
  }
  return { order, codes };
}
