// Lloyd's iterations by filtering (Kanungo et al., 2002): the assign step walks a k-d tree over the
// points (point-tree.ts) with a list of candidate centres, and drops a candidate for a whole box
// as soon as another is nearer to every point of it; a box left with one candidate goes to it
// whole, its sum and mass added at once. Only the boxes a cluster boundary crosses are looked at
// point by point. At small K this does a fraction of the work of the pruned path, which must
// screen every point every step (china.jpg, K = 4..16: 2–3× faster).
//
// Exact: the same labels, centres, iterations and inertia as lloydReference, bit for bit, for
// data whose sums are exact (integer coordinates and weights, as an image's colours), where the
// order in which boxes are summed does not matter. A candidate is dropped only when it is farther
// by a margin far above rounding from every point of the box, and the points of a crossed box
// choose among the candidates left exactly as the brute-force scan chooses among all (same
// squared distances, lowest index on ties).
//
// On 3-D points the assign step runs in WebAssembly (wasm/filter.wat, `kernel` 'wasm', the
// default), on copies of the tree in its memory: the walk runs a few dozen times a fit, mostly
// before V8 has optimised the TypeScript, which stays as the reference the kernel is tested
// against (the same labels, sums, masses and counts) and serves other dimensions.
import { dist2 } from './geometry.js';
import type { LloydOptions, LloydResult } from './lloyd.js';
import { finishUpdate, inertiaOf } from './lloyd-update.js';
import type { PointTree } from './point-tree.js';
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/filter.generated.js';

/** Up to this K, filtering beats the pruned path (lloyd.ts) on a photo's colours. */
export const FILTER_MAX_K = 24;

/** No owner known: compare every point's label. */
const UNKNOWN = -2;
/** The node's points had more than one label. */
const MIXED = -1;

/**
 * Lloyd from `initialCentres` over `points` and `weights` (n·d, in their own order, as `tree` was
 * built from them), which must have exact sums (see exactSums).
 */
export function lloydFiltered(
  tree: PointTree,
  points: Float64Array,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const { n, d } = tree;
  const k = initialCentres.length / d;
  const walk = new FilterWalk(tree, initialCentres, k, pruneMargin(points, n * d, initialCentres), options.kernel ?? 'wasm');
  try {
    const { labels, sums, mass, centres } = walk;
    const shift = new Float64Array(k);
    const relocated: number[] = [];
    let iterations = 0;
    let assigned = false;
    for (let it = 0; it < options.maxIter; it++) {
      const changed = walk.assign();
      assigned = true;
      if (it > 0 && changed === 0) break; // labels stable: centres would not move
      iterations++;
      relocated.length = 0;
      const moved = finishUpdate(points, n, d, weights, labels, centres, k, shift, sums, mass, relocated);
      // A re-seeded empty cluster took a point behind the owners' backs.
      if (relocated.length > 0) walk.forget();
      assigned = false;
      if (moved <= options.tolAbs) break;
    }
    if (!assigned) walk.assign();
    return {
      centres: centres.slice(),
      labels: labels.slice(),
      inertia: inertiaOf(points, n, d, weights, labels, centres),
      iterations,
      distanceEvaluations: walk.evaluations,
      searches: walk.searched,
    };
  } finally {
    walk.release();
  }
}

/** The assign step by filtering, over one tree and one set of centres (which the update step moves). */
class FilterWalk {
  /** Labels in the points' own order, and the clusters' sums and masses after each assign step. */
  readonly labels: Uint16Array;
  readonly sums: Float64Array;
  readonly mass: Float64Array;
  /** The centres, which the update step moves between assign steps (in the kernel's memory with it). */
  readonly centres: Float64Array;
  /** Points looked at one by one, and the distances computed for them (for benchmarks). */
  searched = 0;
  evaluations = 0;
  private changed = 0;
  /** The label every point of a node had after the last pass that reached it, or MIXED / UNKNOWN. */
  private readonly owner: Int32Array;
  /** Candidate lists, one level of the walk after another. */
  private readonly candidates: Int32Array;
  private readonly d: number;
  private readonly arena: Arena;

  constructor(
    private readonly tree: PointTree,
    initialCentres: Float64Array,
    private readonly k: number,
    private readonly margin: number,
    kernel: Kernel,
  ) {
    const { n, d, nodes, depth } = tree;
    this.d = d;
    const copies = kernel === 'wasm' && d === 3;
    const treeBytes = copies ? [8 * 6 * nodes, 4 * nodes, 4 * nodes, 4 * nodes, 4 * nodes, 8 * 3 * nodes, 8 * nodes, 8 * 3 * n, 8 * n, 4 * n] : [];
    const arena = new Arena(
      Arena.size(...treeBytes, 4 * nodes, 4 * (depth + 1) * k, 2 * n, 8 * k * d, 8 * k, 8 * k * d),
      WASM_BASE64,
      copies ? 'wasm' : 'js',
      true,
    );
    this.arena = arena;
    const at = arena.exports ? copyTree(arena, tree) : undefined;
    this.owner = arena.i32(nodes).fill(UNKNOWN);
    this.candidates = arena.i32((depth + 1) * k);
    this.labels = arena.u16(n);
    this.sums = arena.f64(k * d);
    this.mass = arena.f64(k);
    this.centres = arena.f64(k * d);
    this.centres.set(initialCentres);
    if (at) {
      arena.exports!.setup(...at, this.owner.byteOffset, this.candidates.byteOffset, this.labels.byteOffset, this.sums.byteOffset,
        this.mass.byteOffset, this.centres.byteOffset, margin);
    }
  }

  /** Labels every point with its nearest centre and sums the clusters; returns how many labels changed. */
  assign(): number {
    this.sums.fill(0);
    this.mass.fill(0);
    for (let j = 0; j < this.k; j++) this.candidates[j] = j;
    const kernel = this.arena.exports;
    if (kernel) {
      const changed = kernel.assign(this.k, this.tree.n);
      this.evaluations = kernel.evaluations();
      this.searched = kernel.searched();
      return changed;
    }
    this.changed = 0;
    if (this.tree.n > 0) this.visit(0, 0, this.k, MIXED);
    return this.changed;
  }

  /** Hands the kernel's memory on (its arrays, the result's among them, are read no more). */
  release(): void {
    this.arena.release();
  }

  /** Forgets which nodes had one label: the next pass compares every point's. */
  forget(): void {
    this.owner.fill(UNKNOWN);
  }

  /** Gives node v's points to the nearest of the m candidates listed at `at`. */
  private visit(v: number, at: number, m: number, inherited: number): void {
    const { tree, centres, candidates, d } = this;
    const box = tree.box;
    const previous = inherited >= 0 ? inherited : this.owner[v];
    const b = 2 * d * v;
    const best = d === 3 ? nearestToMiddle3(box, b, centres, candidates, at, m) : nearestToMiddle(box, b, d, centres, candidates, at, m);
    // Keep a candidate unless it is farther than `best` from the box's corner that leans most
    // towards it: then it is farther from every point of the box (the difference of squared
    // distances is linear in the point, so smallest at a corner).
    const next = at + m;
    let kept = 0;
    for (let c = 0; c < m; c++) {
      const z = candidates[at + c];
      if (z !== best && cornerGap(box, b, d, centres, z, best) > this.margin) continue;
      candidates[next + kept++] = z;
    }
    if (kept === 1) {
      this.giveWhole(v, best, previous);
      return;
    }
    if (tree.left[v] < 0) {
      this.settleLeaf(v, next, kept);
      return;
    }
    // A node that was one cluster's last time hands that on: its children were not walked then.
    const passOn = previous >= 0 ? previous : MIXED;
    this.visit(tree.left[v], next, kept, passOn);
    this.visit(tree.right[v], next, kept, passOn);
    this.owner[v] = MIXED;
  }

  /** Node v goes whole to centre j: its sum and mass at once, and its points' labels unless they had j already. */
  private giveWhole(v: number, j: number, previous: number): void {
    const { tree, labels, sums, d } = this;
    this.mass[j] += tree.mass[v];
    for (let t = 0; t < d; t++) sums[j * d + t] += tree.sum[v * d + t];
    if (previous !== j) {
      const order = tree.order;
      let changed = 0;
      for (let p = tree.start[v]; p < tree.end[v]; p++) {
        const i = order[p];
        if (labels[i] !== j) {
          labels[i] = j;
          changed++;
        }
      }
      this.changed += changed;
    }
    this.owner[v] = j;
  }

  /**
   * A leaf that a boundary may cross: each point takes the nearest of the `kept` candidates at
   * `at`, which are in increasing index order, so a strict comparison keeps the lowest index on ties.
   */
  private settleLeaf(v: number, at: number, kept: number): void {
    const { tree, centres, candidates, labels, sums, mass, d } = this;
    const { order, points, weights } = tree;
    const s = tree.start[v];
    const e = tree.end[v];
    let common = -1;
    let changed = 0;
    for (let p = s; p < e; p++) {
      let label = 0;
      let nearest = Infinity;
      for (let c = 0; c < kept; c++) {
        const z = candidates[at + c];
        const dz = dist2(points, p, centres, z, d);
        if (dz < nearest) {
          nearest = dz;
          label = z;
        }
      }
      const i = order[p];
      if (labels[i] !== label) {
        labels[i] = label;
        changed++;
      }
      const w = weights[p];
      mass[label] += w;
      if (d === 3) {
        sums[label * 3] += w * points[p * 3];
        sums[label * 3 + 1] += w * points[p * 3 + 1];
        sums[label * 3 + 2] += w * points[p * 3 + 2];
      } else {
        for (let t = 0; t < d; t++) sums[label * d + t] += w * points[p * d + t];
      }
      common = p === s || common === label ? label : MIXED;
    }
    this.changed += changed;
    this.evaluations += kept * (e - s);
    this.searched += e - s;
    this.owner[v] = common;
  }
}

/** Copies of the tree's arrays in the kernel's memory: their byte offsets, in setup's order. */
function copyTree(arena: Arena, tree: PointTree): number[] {
  const { n, nodes } = tree;
  return [
    tree.box.subarray(0, 6 * nodes),
    tree.left.subarray(0, nodes),
    tree.right.subarray(0, nodes),
    tree.start.subarray(0, nodes),
    tree.end.subarray(0, nodes),
    tree.sum.subarray(0, 3 * nodes),
    tree.mass.subarray(0, nodes),
    tree.points.subarray(0, 3 * n),
    tree.weights.subarray(0, n),
    tree.order.subarray(0, n),
  ].map((values) => arena.copy(values).byteOffset);
}

/** The candidate nearest the middle of the box at b (any candidate would do; this one drops the most). */
function nearestToMiddle(box: Float64Array, b: number, d: number, centres: Float64Array, candidates: Int32Array, at: number, m: number): number {
  let best = candidates[at];
  let bestDist = Infinity;
  for (let c = 0; c < m; c++) {
    const z = candidates[at + c];
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = 0.5 * (box[b + t] + box[b + d + t]) - centres[z * d + t];
      s += diff * diff;
    }
    if (s < bestDist) {
      bestDist = s;
      best = z;
    }
  }
  return best;
}

/** nearestToMiddle for d = 3, the middle in registers. */
function nearestToMiddle3(box: Float64Array, b: number, centres: Float64Array, candidates: Int32Array, at: number, m: number): number {
  const x = 0.5 * (box[b] + box[b + 3]);
  const y = 0.5 * (box[b + 1] + box[b + 4]);
  const z3 = 0.5 * (box[b + 2] + box[b + 5]);
  let best = candidates[at];
  let bestDist = Infinity;
  for (let c = 0; c < m; c++) {
    const z = candidates[at + c];
    const dx = x - centres[3 * z];
    const dy = y - centres[3 * z + 1];
    const dz = z3 - centres[3 * z + 2];
    const s = dx * dx + dy * dy + dz * dz;
    if (s < bestDist) {
      bestDist = s;
      best = z;
    }
  }
  return best;
}

/**
 * How much farther centre z is than centre `best` (squared distances) from the corner of the box
 * at b that leans most towards z: the least it is farther from any point of the box.
 */
function cornerGap(box: Float64Array, b: number, d: number, centres: Float64Array, z: number, best: number): number {
  let toZ = 0;
  let toBest = 0;
  for (let t = 0; t < d; t++) {
    const cz = centres[z * d + t];
    const cb = centres[best * d + t];
    const corner = cz > cb ? box[b + d + t] : box[b + t];
    toZ += (corner - cz) * (corner - cz);
    toBest += (corner - cb) * (corner - cb);
  }
  return toZ - toBest;
}

/**
 * Margin in squared distance for dropping a candidate: far above the rounding of squared
 * distances of the data's size (about 2^-52 of them), far below any real difference.
 */
function pruneMargin(points: Float64Array, length: number, centres: Float64Array): number {
  let max = 0;
  for (let t = 0; t < length; t++) max = Math.max(max, Math.abs(points[t]));
  for (let t = 0; t < centres.length; t++) max = Math.max(max, Math.abs(centres[t]));
  return 1e-9 * (1 + max) * (1 + max);
}
