// Morton (Z-order) codes: rows near in space get near codes, so sorting by them keeps neighbours
// together (the seeding's working copy, init.ts) and splits space into nested cells (point-tree.ts).
// For 3-D points a WebAssembly kernel (wasm/morton.wat) gives the same codes and order: this runs
// once a fit, and these loops, run once, are slow before V8 optimises them (25–38 ms for the
// 96,615 colours of china.jpg in a fresh process, against 5–8 ms in WebAssembly).
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/morton.generated.js';

/**
 * A permutation of the rows in Z-order (Morton order) of their first few coordinates, quantised
 * over the data's bounding box: rows near in space end up near in the permutation.
 */
export function zOrder(points: Float64Array, n: number, d: number): Int32Array {
  return mortonOrder(points, n, d).order;
}

/** The rows' Morton codes (see zOrder) and the permutation that sorts them. */
export function mortonOrder(points: Float64Array, n: number, d: number, kernel: Kernel = 'wasm'): { order: Int32Array; codes: Uint32Array } {
  if (d === 3 && kernel === 'wasm') {
    const arena = new Arena(Arena.size(8 * 3 * n, 4 * 1024, 4 * n, 4 * n, 4 * n, 4 * 2048), WASM_BASE64, kernel, true);
    const order3 = arena.exports?.order3;
    if (order3) {
      const x = arena.f64(3 * n);
      x.set(points.subarray(0, 3 * n));
      const spread = arena.i32(1024);
      const codes = arena.u32(n);
      const order = arena.i32(n);
      const next = arena.i32(n);
      const counts = arena.i32(2048);
      const at = order3(n, x.byteOffset, spread.byteOffset, codes.byteOffset, order.byteOffset, next.byteOffset, counts.byteOffset);
      // Copies, so that the arena's memory can go to the next arena.
      const result = { order: (at === order.byteOffset ? order : next).slice(), codes: codes.slice() };
      arena.release();
      return result;
    }
  }
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
