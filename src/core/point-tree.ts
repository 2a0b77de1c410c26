// A k-d tree over weighted points, each node with its points' bounding box, weighted sum and mass:
// what the filtering Lloyd (lloyd-filter.ts) walks to give whole boxes of points to one centre.
//
// The points are sorted by Morton code (morton.ts) and split where the highest bit in which a
// node's codes differ changes: each node is a cell of the code's grid, halved along one axis at a
// time, at most 30 levels deep. Cheap to build (a radix sort, then a binary search a node), and
// each node's box is then shrunk to its points, which is what the filtering prunes with.
//
// On 3-D points the build runs in WebAssembly (wasm/point-tree.wat, `kernel` 'wasm', the
// default): it runs once an image, before V8 has optimised the TypeScript (china.jpg: 24-31 ms in
// a fresh process), which stays as the reference the kernel is tested against, node for node.
import { mortonOrder } from './morton.js';
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/point-tree.generated.js';

/** Fewest points a node splits (measured on china.jpg at K = 4..32: 8 beat 4 and 16). */
export const LEAF_SIZE = 8;

/** What a tree is made of (see PointTree.of). */
export type PointTreeParts = Pick<PointTree, 'n' | 'd' | 'order' | 'points' | 'weights' | 'start' | 'end' | 'left' | 'right' | 'box' | 'sum' | 'mass' | 'nodes' | 'depth'>;

export class PointTree {
  readonly n: number;
  readonly d: number;
  /** Point indices in tree order: node v holds order[start[v] .. end[v]). */
  readonly order: Int32Array;
  /** The points (n·d) and weights in tree order. */
  readonly points: Float64Array;
  readonly weights: Float64Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Children (−1 for a leaf). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Box of node v: lowest coordinates at 2d·v, highest at 2d·v + d. */
  readonly box: Float64Array;
  /** Σ weight × point of node v at d·v, and Σ weight. */
  readonly sum: Float64Array;
  readonly mass: Float64Array;
  readonly nodes: number;
  /** Nodes on the longest path from the root (the root alone: 1). */
  readonly depth: number;

  /** A tree over arrays a tree made (e.g. their copies in memory another thread shares): no build. */
  static of(parts: PointTreeParts): PointTree {
    return Object.assign(Object.create(PointTree.prototype) as PointTree, parts);
  }

  /** `morton` (optional): the points' Morton order, when the caller has it already. */
  constructor(points: Float64Array, n: number, d: number, weights: Float64Array, morton = mortonOrder(points, n, d), kernel: Kernel = 'wasm') {
    this.n = n;
    this.d = d;
    this.order = morton.order;
    const parts = (kernel === 'wasm' && d === 3 && buildInKernel(points, n, weights, morton)) || build(points, n, d, weights, morton);
    this.points = parts.points;
    this.weights = parts.weights;
    this.start = parts.start;
    this.end = parts.end;
    this.left = parts.left;
    this.right = parts.right;
    this.box = parts.box;
    this.sum = parts.sum;
    this.mass = parts.mass;
    this.nodes = parts.nodes;
    this.depth = parts.depth;
  }
}

/** What a build makes: the tree's arrays but the order, and its size. */
type Built = Omit<PointTreeParts, 'n' | 'd' | 'order'>;

/** Room for nodes at first: each split leaves points on both sides, fewer than 2n nodes, in practice about n / 3. */
function firstCapacity(n: number): number {
  return Math.max(16, Math.ceil(n / 2));
}

/** The tree in TypeScript, any d. */
function build(points: Float64Array, n: number, d: number, weights: Float64Array, { order, codes }: { order: Int32Array; codes: Uint32Array }): Built {
  const sorted = new Uint32Array(n);
  const treePoints = new Float64Array(n * d);
  const treeWeights = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const i = order[p];
    sorted[p] = codes[i];
    for (let t = 0; t < d; t++) treePoints[p * d + t] = points[i * d + t];
    treeWeights[p] = weights[i];
  }
  let cap = firstCapacity(n);
  let start: Int32Array = new Int32Array(cap);
  let end: Int32Array = new Int32Array(cap);
  let left: Int32Array = new Int32Array(cap);
  let right: Int32Array = new Int32Array(cap);
  let nodes = 0;
  let deepest = 0;
  // Parents before children (so a backwards pass sees children first).
  const split = (s: number, e: number, level: number): number => {
    if (nodes === cap) {
      cap *= 2;
      start = grow(start, cap);
      end = grow(end, cap);
      left = grow(left, cap);
      right = grow(right, cap);
    }
    const v = nodes++;
    start[v] = s;
    end[v] = e;
    if (level > deepest) deepest = level;
    const differ = sorted[s] ^ sorted[e - 1];
    if (e - s <= LEAF_SIZE || differ === 0) {
      left[v] = right[v] = -1;
      return v;
    }
    // The codes share every bit above `bit`, so bit `bit` is 0 for a prefix of them, then 1.
    const bit = 1 << (31 - Math.clz32(differ));
    let lo = s + 1;
    let hi = e - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] & bit) hi = mid;
      else lo = mid + 1;
    }
    left[v] = split(s, lo, level + 1);
    right[v] = split(lo, e, level + 1);
    return v;
  };
  if (n > 0) split(0, n, 1);
  const box = new Float64Array(nodes * 2 * d);
  const sum = new Float64Array(nodes * d);
  const mass = new Float64Array(nodes);
  for (let v = nodes - 1; v >= 0; v--) {
    const l = left[v];
    const r = right[v];
    if (l < 0) {
      boundingBox(treePoints, start[v], end[v], d, box, 2 * d * v);
      for (let p = start[v]; p < end[v]; p++) {
        const w = treeWeights[p];
        mass[v] += w;
        for (let t = 0; t < d; t++) sum[v * d + t] += w * treePoints[p * d + t];
      }
      continue;
    }
    mass[v] = mass[l] + mass[r];
    for (let t = 0; t < d; t++) {
      sum[v * d + t] = sum[l * d + t] + sum[r * d + t];
      box[2 * d * v + t] = Math.min(box[2 * d * l + t], box[2 * d * r + t]);
      box[2 * d * v + d + t] = Math.max(box[2 * d * l + d + t], box[2 * d * r + d + t]);
    }
  }
  return {
    points: treePoints,
    weights: treeWeights,
    start: start.subarray(0, nodes),
    end: end.subarray(0, nodes),
    left: left.subarray(0, nodes),
    right: right.subarray(0, nodes),
    box,
    sum,
    mass,
    nodes,
    depth: deepest,
  };
}

/**
 * The tree of 3-D points in WebAssembly, copied out of its memory; undefined where it cannot run
 * or needs more nodes than firstCapacity (then the TypeScript, which grows, builds it).
 */
function buildInKernel(points: Float64Array, n: number, weights: Float64Array, { order, codes }: { order: Int32Array; codes: Uint32Array }): Built | undefined {
  if (n === 0) return undefined;
  const cap = firstCapacity(n);
  const arena = new Arena(Arena.size(24 * n, 8 * n, 4 * n, 4 * n, 4 * n, 24 * n, 8 * n, 4 * cap, 4 * cap, 4 * cap, 4 * cap, 48 * cap, 24 * cap, 8 * cap), WASM_BASE64, 'wasm', true);
  const kernel = arena.exports;
  if (!kernel) return undefined;
  try {
    const at = [points.subarray(0, 3 * n), weights.subarray(0, n), order.subarray(0, n), codes.subarray(0, n)].map((values) => arena.copy(values).byteOffset);
    const sorted = arena.u32(n);
    const treePoints = arena.f64(3 * n);
    const treeWeights = arena.f64(n);
    const [start, end, left, right] = [arena.i32(cap), arena.i32(cap), arena.i32(cap), arena.i32(cap)];
    const nodes = kernel.build(n, ...at, sorted.byteOffset, treePoints.byteOffset, treeWeights.byteOffset, start.byteOffset, end.byteOffset,
      left.byteOffset, right.byteOffset, cap, LEAF_SIZE);
    if (nodes < 0) return undefined;
    const [box, sum, mass] = [arena.f64(6 * nodes), arena.f64(3 * nodes), arena.f64(nodes)];
    kernel.summarize(nodes, treePoints.byteOffset, treeWeights.byteOffset, start.byteOffset, end.byteOffset, left.byteOffset, right.byteOffset,
      box.byteOffset, sum.byteOffset, mass.byteOffset);
    // Copies: the arena's memory goes to the next arena.
    return {
      points: treePoints.slice(),
      weights: treeWeights.slice(),
      start: start.slice(0, nodes),
      end: end.slice(0, nodes),
      left: left.slice(0, nodes),
      right: right.slice(0, nodes),
      box: box.slice(),
      sum: sum.slice(),
      mass: mass.slice(),
      nodes,
      depth: kernel.depth(),
    };
  } finally {
    arena.release();
  }
}

function grow(a: Int32Array, length: number): Int32Array {
  const grown = new Int32Array(length);
  grown.set(a);
  return grown;
}

/** Writes the box of rows s..e − 1 at `at`: lowest coordinates, then highest. */
export function boundingBox(points: Float64Array, s: number, e: number, d: number, box: Float64Array, at: number): void {
  if (d === 3) {
    // The common case (RGB) with the six extremes in registers.
    let lo0 = Infinity;
    let lo1 = Infinity;
    let lo2 = Infinity;
    let hi0 = -Infinity;
    let hi1 = -Infinity;
    let hi2 = -Infinity;
    for (let p = 3 * s; p < 3 * e; p += 3) {
      const v0 = points[p];
      const v1 = points[p + 1];
      const v2 = points[p + 2];
      if (v0 < lo0) lo0 = v0;
      if (v0 > hi0) hi0 = v0;
      if (v1 < lo1) lo1 = v1;
      if (v1 > hi1) hi1 = v1;
      if (v2 < lo2) lo2 = v2;
      if (v2 > hi2) hi2 = v2;
    }
    box[at] = lo0;
    box[at + 1] = lo1;
    box[at + 2] = lo2;
    box[at + 3] = hi0;
    box[at + 4] = hi1;
    box[at + 5] = hi2;
    return;
  }
  for (let t = 0; t < d; t++) {
    box[at + t] = Infinity;
    box[at + d + t] = -Infinity;
  }
  for (let p = s * d; p < e * d; p += d) {
    for (let t = 0; t < d; t++) {
      const value = points[p + t];
      if (value < box[at + t]) box[at + t] = value;
      if (value > box[at + d + t]) box[at + d + t] = value;
    }
  }
}
