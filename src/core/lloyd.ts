// Lloyd's iterations (assign ⇄ update) from given centres: a plain reference and the accelerated
// path used in practice. Both share the update step and stopping rule, and the accelerated assign
// step finds exactly the labels a full scan finds, so from the same centres they give the same
// labels and centres, bit for bit.
import { dist2 } from './geometry.js';
import { CentreTree, foundDist2, foundLabel, nearestList } from './kdtree.js';
import { assignNearest, searchAll } from './nearest.js';
import { CentreRows, ROW_LENGTH, walkNearest } from './rows.js';
import { ASSIGN, type Helper } from './helper-thread.js';
import { allocateLloyd, ASSIGN_CHUNK, type LloydMemory } from './lloyd-memory.js';
import { FILTER_MAX_K, lloydFiltered } from './lloyd-filter.js';
import { accumulate, exactSums, finishUpdate, inertiaOf, updateCentres } from './lloyd-update.js';
import { PointTree } from './point-tree.js';
import type { Kernel } from './wasm.js';

export { updateCentres } from './lloyd-update.js';

export interface LloydResult {
  centres: Float64Array;
  labels: Uint16Array;
  /** Sum of weight × squared distance to the assigned centre. */
  inertia: number;
  /** Update steps run. */
  iterations: number;
  /**
   * Point-to-centre distances computed in assign steps: n·K a step for the reference; for the
   * accelerated path, those that re-check a bound (a search's own are not counted). For benchmarks.
   */
  distanceEvaluations: number;
  /** Points searched in full (n a step for the reference). For benchmarks of the pruning. */
  searches: number;
  /** With `snap`: the snapped centres, and each point's nearest of them. */
  snapped?: Snapped;
}

/** Centres derived from the final ones, and each point's nearest of them (lowest index on ties). */
export interface Snapped {
  centres: Float64Array;
  labels: Uint16Array;
}

export interface LloydOptions {
  maxIter: number;
  /** Absolute tolerance: stop when the sum of squared centre shifts is at or below it. */
  tolAbs: number;
  /** A likely centre for each point (optional), e.g. its nearest from the seeding: speeds up the first assign step. */
  hint?: Uint16Array;
  /**
   * The screening loop of the accelerated path (optional, default 'wasm'): the WebAssembly kernel,
   * or the TypeScript loop it is tested against. Both give the same result bit for bit; 'wasm'
   * falls back to TypeScript where WebAssembly is unavailable.
   */
  kernel?: Kernel;
  /**
   * A second thread for the assign step (optional; see helper-thread.ts): used with the
   * WebAssembly kernel on 3-D points, when there are enough of them to pay for the handshakes.
   * The result is the same bit for bit.
   */
  helper?: Helper;
  /**
   * A k-d tree over these points and weights (optional), for the filtering assign step at small K
   * when the sums are exact (see lloyd-filter.ts); made here when needed and not given.
   */
  tree?: PointTree;
  /**
   * Centres derived from the final ones, k·d (optional), e.g. rounded to the 8-bit colours an
   * image can hold: the result then also gives every point's nearest of them (`snapped`). The
   * pruned path finds them with one more assign step, its bounds loosened by how far each centre
   * moved (at most √3/2 for rounding, so most points keep their label without a search); the
   * others search every point from its label (see nearest.ts). The same labels either way.
   */
  snap?: (centres: Float64Array) => Float64Array;
}

/** Fewest points for which a helper thread is worth its handshakes (two an iteration). */
const HELPER_FROM_POINTS = 16384;

/** Plain Lloyd with a brute-force assign step: the reference every faster path is tested against. */
export function lloydReference(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const k = initialCentres.length / d;
  const centres = Float64Array.from(initialCentres);
  const labels = new Uint16Array(n);
  const shift = new Float64Array(k);
  let evaluations = 0;
  let iterations = 0;
  let assigned = false;
  for (let it = 0; it < options.maxIter; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const label = searchAll(points, i, centres, d, k);
      if (labels[i] !== label) changed++;
      labels[i] = label;
    }
    evaluations += n * k;
    assigned = true;
    if (it > 0 && changed === 0) break; // labels stable: centres would not move
    iterations++;
    const moved = updateCentres(points, n, d, weights, labels, centres, k, shift);
    assigned = false;
    if (moved <= options.tolAbs) break;
  }
  if (!assigned) {
    for (let i = 0; i < n; i++) labels[i] = searchAll(points, i, centres, d, k);
    evaluations += n * k;
  }
  let snapped: Snapped | undefined;
  if (options.snap) {
    const target = options.snap(centres);
    const nearest = new Uint16Array(n);
    for (let i = 0; i < n; i++) nearest[i] = searchAll(points, i, target, d, k);
    snapped = { centres: target, labels: nearest };
  }
  return {
    centres,
    labels,
    inertia: inertiaOf(points, n, d, weights, labels, centres),
    iterations,
    distanceEvaluations: evaluations,
    searches: evaluations / k,
    snapped,
  };
}

/**
 * Lloyd with exact pruning. Each point tracks three centres: its label a, with an upper bound on
 * d(x, c_a), and the next two nearest b and c, each with a lower bound on its distance (Elkan's
 * bounds, for these three only); every other centre shares one lower bound, the rest bound
 * (Hamerly's, over the others). A point is looked at only when its bounds cross:
 *   - upper < half the distance from c_a to its nearest other centre, or upper below every lower
 *     bound: a keeps the point;
 *   - only b's or c's bound crossed: their exact distances settle it (a swap at most);
 *   - the rest bound crossed: an exact search for the four nearest, walking a's row of nearest
 *     centres (see rows.ts), renews everything.
 * Near a boundary the second and third nearest are the centres that matter, and each bound
 * loosens by its own centre's shift: on china.jpg at K = 256..1024, 83% of the full searches a
 * label-and-second scheme still needed came back with the same three centres.
 *
 * Same labels and centres as `lloydReference`, bit for bit: every choice between centres is made
 * on exactly computed squared distances (lowest index on ties), and bounds only ever skip strict
 * inequalities, with a margin for rounding.
 */
export function lloydAccelerated(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  initialCentres: Float64Array,
  options: LloydOptions,
): LloydResult {
  const k = initialCentres.length / d;
  if (k <= FILTER_MAX_K) {
    const tree = options.tree ?? (exactSums(points, n, d, weights) ? new PointTree(points, n, d, weights) : undefined);
    if (tree) return withSnapped(lloydFiltered(tree, points, weights, initialCentres, options), points, n, d, options.snap);
  }
  // At K = 2 a plain scan of both centres is cheaper than any bookkeeping.
  if (k <= 2) return lloydReference(points, n, d, weights, initialCentres, options);
  const s = new PrunedLloyd(points, n, d, weights, initialCentres, options.kernel ?? 'wasm', options.helper);
  try {
    return runPruned(s, points, n, d, weights, options);
  } finally {
    s.release();
  }
}

function runPruned(s: PrunedLloyd, points: Float64Array, n: number, d: number, weights: Float64Array, options: LloydOptions): LloydResult {
  s.firstAssign(options.hint);
  let iterations = 0;
  let assigned = true;
  for (let it = 0; it < options.maxIter; it++) {
    if (it > 0) {
      const changed = s.assign();
      assigned = true;
      if (changed === 0) break;
    }
    iterations++;
    s.relocated.length = 0;
    // The assign pass has brought the clusters' sums up to date (see `exact`).
    const moved = finishUpdate(points, n, d, weights, s.labels, s.centres, s.k, s.shift, s.sums, s.mass, s.relocated, s.compiledMove);
    assigned = false;
    s.centresMoved();
    if (moved <= options.tolAbs) break;
  }
  // Stopped on tolerance: one last assign step so the labels belong to the final centres.
  if (!assigned) s.assign();
  const result: LloydResult = {
    // Copies: the state's arrays live in one (possibly shared) buffer that should not outlive it.
    centres: s.centres.slice(),
    labels: s.labels.slice(),
    inertia: s.inertia(),
    iterations,
    distanceEvaluations: s.stats[0],
    searches: s.stats[1],
  };
  if (options.snap) {
    const target = options.snap(result.centres);
    result.snapped = { centres: target, labels: s.snapTo(target) };
  }
  return result;
}

/** Adds `snapped` to a result of a path without bounds to reuse: a search from each point's label. */
export function withSnapped(result: LloydResult, points: Float64Array, n: number, d: number, snap: LloydOptions['snap']): LloydResult {
  if (!snap) return result;
  const target = snap(result.centres);
  const { labels } = assignNearest(points, n, d, target, target.length / d, result.labels);
  return { ...result, snapped: { centres: target, labels } };
}

// Bounds are stored in float32 (16 bytes a point), rounded outwards: an upper bound is nudged up
// and a lower bound down by more than float32's half-ulp before the store rounds it.
const NUDGE = 2 ** -22;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The state of the pruned Lloyd.
 *
 * Bounds loosen lazily: a stored bound is offset by its centre's cumulative shift at the time it
 * was stored (`travelled`), so the true bound is the stored one minus (for a lower bound) or plus
 * (upper) the cumulative shift now. Points that nobody looks at are then only read, never written.
 * The rest bound is offset the same way by its cluster's cumulative rest drop (`restTravelled`).
 *
 * Each phase is its own method with its hot loop and nothing after the loop but a return: V8
 * compiles such a loop on stack replacement before the code after it has ever run, and an untried
 * operation there would deoptimise the loop on every call.
 */
class PrunedLloyd {
  readonly k: number;
  readonly centres: Float64Array;
  readonly labels: Uint16Array;
  /** The second and third nearest centres of point i, at 2i and 2i + 1. */
  readonly others: Uint16Array;
  /** Stored bounds of point i at 4i: upper (label), lower (second), lower (third), lower (rest). */
  readonly bounds: Float32Array;
  /** How far each centre moved in the last update step, and in all of them. */
  readonly shift: Float64Array;
  readonly travelled: Float64Array;
  /** How far each cluster's rest bounds dropped in the last update step, and in all of them. */
  readonly restShift: Float64Array;
  readonly restTravelled: Float64Array;
  /** Half the distance from each centre to its nearest other centre. */
  readonly half: Float64Array;
  /** Largest upper + rest bound among each cluster's points (see restShifts). */
  readonly reach: Float64Array;
  readonly movers: Int32Array;
  /** A k-d tree over the centres (see centreTree), above K = ROW_LENGTH + 1. */
  private readonly tree: CentreTree | undefined;
  private treeStale = true;
  readonly rows: CentreRows;
  readonly relocated: number[] = [];
  readonly eps: number;
  /** Weighted sums and masses of the clusters, kept up to date by each assign pass for the update step. */
  readonly sums: Float64Array;
  readonly mass: Float64Array;
  /**
   * Whether the sums are exact (integer coordinates and weights, every partial sum below 2^53, as
   * for the colours of an image): then the order of the additions does not matter, and an assign
   * pass only moves the points that changed cluster instead of summing every point again.
   */
  readonly exact: boolean;
  /** Points whose bounds crossed in this assign pass, in order. */
  readonly crossers: Int32Array;
  private readonly memory: LloydMemory;
  /** The second thread of the assign step, while it is lent to this fit. */
  private helper: Helper | undefined;
  /** The WebAssembly screen and settle over this state's memory, where they run. */
  readonly compiledScreen: LloydMemory['screen'];
  /** moveCentres compiled, where it runs (see finishUpdate). */
  readonly compiledMove: LloydMemory['moveCentres'];
  readonly compiledSettle: LloydMemory['settle'];
  /** Distance evaluations and full searches so far (for benchmarks of the pruning). */
  readonly stats = new Float64Array(2);

  /** Working copies of the points and weights (where the kernels read them). */
  readonly points: Float64Array;
  readonly weights: Float64Array;

  constructor(
    points: Float64Array,
    readonly n: number,
    readonly d: number,
    weights: Float64Array,
    initialCentres: Float64Array,
    kernel: Kernel,
    helper?: Helper,
  ) {
    const k = (this.k = initialCentres.length / d);
    const memory = allocateLloyd(n, k, d, kernel);
    this.memory = memory;
    this.points = memory.points;
    this.points.set(points.subarray(0, n * d));
    this.weights = memory.weights;
    this.weights.set(weights.subarray(0, n));
    this.centres = memory.centres;
    this.centres.set(initialCentres);
    this.sums = memory.sums;
    this.mass = memory.mass;
    this.labels = memory.labels;
    this.others = memory.others;
    this.bounds = memory.bounds;
    this.crossers = memory.crossers;
    this.travelled = memory.travelled;
    this.restTravelled = memory.restTravelled;
    this.half = memory.half;
    this.reach = memory.reach;
    this.compiledScreen = memory.screen;
    this.compiledSettle = memory.settle;
    this.shift = memory.shift;
    this.restShift = memory.restShift;
    this.movers = memory.movers;
    this.compiledMove = memory.moveCentres;
    // Rows hold every other centre up to K = ROW_LENGTH + 1: no walk runs off its row, no tree.
    this.tree = k > ROW_LENGTH + 1 ? new CentreTree(k, d) : undefined;
    this.rows = new CentreRows(k, d, memory.rows, memory.rowsKernel);
    const scanned = memory.scan?.();
    this.eps = scanned ? marginFor(scanned.maxAbs) : boundMargin(points, n, d);
    this.exact = scanned ? scanned.integral && scanned.totalWeight * scanned.maxAbs < 2 ** 53 : exactSums(points, n, d, weights);
    if (helper && memory.settle && n >= HELPER_FROM_POINTS && memory.lend(helper)) this.helper = helper;
  }

  /** Σ weight × squared distance from each point to its label's centre. */
  inertia(): number {
    return this.memory.inertia?.() ?? inertiaOf(this.points, this.n, this.d, this.weights, this.labels, this.centres);
  }

  /** Adds every point to its cluster's sum and mass (zeroed first), in order. */
  private accumulate(): void {
    this.sums.fill(0);
    this.mass.fill(0);
    if (this.memory.accumulate) this.memory.accumulate();
    else accumulate(this.points, this.n, this.d, this.weights, this.labels, this.sums, this.mass);
  }

  /**
   * Lets the helper thread go, and hands the memory on to the next arena (kept when it was offered
   * to the helper: see Arena.offered). The state is not used after this.
   */
  release(): void {
    this.helper?.detach();
    this.helper = undefined;
    this.memory.release();
  }

  /**
   * The tree over the current centres, built when first asked for after they moved: only a new
   * build of the rows (the kernel's brute force does without it up to WASM_ROWS_MAX_K) and the
   * walks that run off their rows (none up to SCAN_ALL_MAX_K in the kernel) need it. china.jpg
   * at K = 1024: 71 builds in 69 steps (some walk runs off its row at nearly every step); at
   * K = 256 with the kernel, none.
   */
  private centreTree(): CentreTree | undefined {
    if (this.tree && this.treeStale) {
      this.tree.build(this.centres, this.k);
      this.treeStale = false;
    }
    return this.tree;
  }

  /** Brings the rows up to date with the current centres, and half the distance to each one's nearest. */
  private index(): void {
    const { k, rows, half } = this;
    this.treeStale = true;
    rows.update(this.centres, () => this.centreTree());
    if (this.memory.halves) this.memory.halves();
    else for (let a = 0; a < k; a++) half[a] = 0.5 * rows.nearestBound(a);
  }

  /** The four nearest centres of point i, walking centre a's row, or the tree when it runs out. */
  private search(i: number, a: number): void {
    if (!walkNearest(this.points, i, this.rows, this.centres, a, 4, this.eps)) {
      nearestList(this.points, i, this.centreTree()!, this.centres, 4, foundLabel[0], foundLabel[1], foundLabel[2]);
    }
  }

  /**
   * The first assign step. With hints (the seeding's nearest centre of each point), every point
   * starts at its hint with bounds that know nothing (upper bound the largest float32, every lower
   * bound 0) and goes through an ordinary step: the screen measures its distance to the hint and
   * keeps it there when that is below half the distance from the hint to its nearest other centre
   * (24-30% of the points of china.jpg and flower.jpg at K = 64..1024), and only the others are
   * searched, walking from the hint. Without hints, every point is searched in the tree from the
   * previous point's label (neighbouring distinct colours come from neighbouring pixels, but a walk
   * from a centre that is not the nearest runs long). Sums every cluster in order.
   */
  firstAssign(hint?: Uint16Array): void {
    const { points, n, k, centres, labels, others, bounds, reach, travelled, restTravelled } = this;
    this.index();
    reach.fill(0);
    if (hint) {
      // Bulk copies where they can do (this runs once a fit, in a fresh process mostly before V8
      // has optimised it: a loop per field cost 12 ms on china.jpg).
      labels.set(hint.subarray(0, n));
      // A hint not below k becomes 0; both others of a point start as its label.
      if (this.memory.startLabels) {
        this.memory.startLabels();
      } else {
        for (let i = 0; i < n; i++) if (labels[i] >= k) labels[i] = 0;
        for (let i = 0; i < n; i++) others[2 * i] = others[2 * i + 1] = labels[i];
      }
      fillPattern(bounds, [FLOAT32_MAX, 0, 0, 0], n);
      this.screenAndSettle();
    } else {
      let previous = 0;
      for (let i = 0; i < n; i++) {
        const tree = this.centreTree();
        if (tree) nearestList(points, i, tree, centres, 4, previous, -1, -1);
        else this.search(i, previous);
        const a = (labels[i] = previous = foundLabel[0]);
        const r = keepSearch(i, others, bounds, travelled, restTravelled);
        if (r > reach[a]) reach[a] = r;
      }
      this.stats[1] += n;
    }
    this.accumulate();
  }

  /**
   * An assign step through the bounds; returns how many labels changed. A first pass screens every
   * point against its bounds (and measures the clusters' reach for the next update); only the
   * points whose bounds crossed are then looked at, in order.
   */
  assign(): number {
    this.index();
    this.reach.fill(0);
    return this.screenAndSettle();
  }

  /** The assign step for centres already indexed, with reach zeroed; returns how many labels changed. */
  private screenAndSettle(): number {
    if (this.helper) return this.assignInTwo(this.helper);
    let count: number;
    if (this.compiledScreen) {
      const { crossed, distances } = this.compiledScreen(0, this.n, this.eps);
      count = crossed;
      this.stats[0] += distances;
    } else {
      count = this.screen();
    }
    const changed = this.settleCrossers(count);
    // Inexact sums depend on the order of the additions: sum every point, as `accumulate` does.
    if (!this.exact) this.accumulate();
    return changed;
  }

  /**
   * The assign step shared with the helper thread: both sides take chunks of points, the next one
   * each time, until none is left (see ASSIGN_CHUNK), and screen and settle each chunk in order,
   * with their own reach and sums; merged, they are what one pass over all points gives (reach is
   * a max, and the sums are exact here). The points whose walk ran off its row are settled last,
   * chunk by chunk, as one pass would. So which side takes which chunk changes nothing in the
   * result, only how long one side waits for the other: at most a chunk.
   */
  private assignInTwo(helper: Helper): number {
    const { n, eps, exact, crossers, memory, stats } = this;
    const { controlInts: ints, controlFloats: floats, chunkLeft } = memory;
    const screen = this.compiledScreen!;
    const settle = this.compiledSettle!;
    const chunk = ASSIGN_CHUNK;
    Atomics.store(ints, ASSIGN.NEXT, 0);
    ints[ASSIGN.TO] = n;
    ints[ASSIGN.CHUNK] = chunk;
    ints[ASSIGN.EXACT] = exact ? 1 : 0;
    floats[ASSIGN.EPS] = eps;
    helper.start();
    let changed = 0;
    for (;;) {
      const c = Atomics.add(ints, ASSIGN.NEXT, 1);
      if (c * chunk >= n) break;
      const from = c * chunk;
      const screened = screen(from, Math.min(n, from + chunk), eps, from);
      const settled = settle(screened.crossed, eps, exact, from);
      changed += settled.changed;
      stats[0] += screened.distances + settled.distances;
      stats[1] += settled.searches;
      chunkLeft[c] = settled.left;
    }
    helper.join();
    // reach[j] = max(reach[j], helperReach[j]); when exact, mass += helperMass and sums += helperSums
    // (compiled, as the helper is only lent where the kernels run).
    memory.mergeHelper!(exact);
    stats[0] += ints[ASSIGN.DISTANCES];
    stats[1] += ints[ASSIGN.SEARCHES];
    changed += ints[ASSIGN.CHANGED];
    for (let c = 0; c * chunk < n; c++) {
      for (let t = 0; t < chunkLeft[c]; t++) changed += this.settle(crossers[c * chunk + t]);
    }
    if (!exact) this.accumulate();
    return changed;
  }

  /** Settles the first `count` crossers, in the kernel where it runs; returns how many labels changed. */
  private settleCrossers(count: number): number {
    const { crossers } = this;
    let changed = 0;
    let left = count;
    if (this.compiledSettle) {
      // The kernel settles all but the points whose walk ran off its row; it lists those first.
      const settled = this.compiledSettle(count, this.eps, this.exact);
      changed = settled.changed;
      this.stats[0] += settled.distances;
      this.stats[1] += settled.searches;
      left = settled.left;
    }
    for (let t = 0; t < left; t++) changed += this.settle(crossers[t]);
    return changed;
  }

  /**
   * Keeps every point whose label a is settled by its bounds: its upper bound below half the
   * distance from c_a to the nearest other centre, or below every lower bound. Strictly below,
   * with a margin for rounding: a tie must be looked at, so that it goes to the lowest index as in
   * the brute-force scan. A point that fails gets its upper bound tightened to the exact distance
   * and is tested again. Lists the points that still fail in `crossers`; returns how many.
   * (wasm/assign.wat has this loop written by hand; the two are tested against each other.)
   */
  screen(): number {
    const { points, n, d, centres, labels, others, bounds, half, eps, travelled, restTravelled, reach, crossers, stats } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      const q = 4 * i;
      let u = bounds[q] + travelled[a];
      const rest = bounds[q + 3] - restTravelled[a];
      const lb = bounds[q + 1] - travelled[others[2 * i]];
      const lc = bounds[q + 2] - travelled[others[2 * i + 1]];
      const bound = Math.max(half[a], Math.min(rest, lb, lc)) - eps;
      if (!(u < bound)) {
        u = Math.sqrt(dist2(points, i, centres, a, d));
        stats[0]++;
        bounds[q] = upper32(u - travelled[a]);
        if (!(u < bound)) {
          crossers[count++] = i;
          continue;
        }
      }
      const r = u + rest;
      if (r > reach[a]) reach[a] = r;
    }
    return count;
  }

  /**
   * Settles point i, whose bounds crossed even with its upper bound tight (the screen has measured
   * d(x, c_a) already; it is measured again here, not counted): returns 1 if its label changed.
   */
  private settle(i: number): number {
    const { points, d, centres, labels, others, bounds, eps, travelled, restTravelled, reach, stats } = this;
    const a = labels[i];
    const b = others[2 * i];
    const c = others[2 * i + 1];
    const q = 4 * i;
    let rest = bounds[q + 3] - restTravelled[a];
    const lb = bounds[q + 1] - travelled[b];
    const lc = bounds[q + 2] - travelled[c];
    const ua2 = dist2(points, i, centres, a, d);
    let u = Math.sqrt(ua2);
    let label = a;
    settle: {
      if (u + eps < rest) {
        // Every untracked centre is farther than c_a, so the nearest is a, b or c: measure
        // those whose bounds crossed and take the nearest exactly (lowest index on ties).
        let best = ua2;
        if (!(u + eps < lb)) {
          const db = dist2(points, i, centres, b, d);
          stats[0]++;
          bounds[q + 1] = lower32(Math.sqrt(db) + travelled[b]);
          if (db < best || (db === best && b < label)) {
            best = db;
            label = b;
          }
        }
        if (!(u + eps < lc)) {
          const dc = dist2(points, i, centres, c, d);
          stats[0]++;
          bounds[q + 2] = lower32(Math.sqrt(dc) + travelled[c]);
          if (dc < best || (dc === best && c < label)) {
            best = dc;
            label = c;
          }
        }
        if (label !== a) {
          // a swaps places with the winner; the rest bound still covers the same centres.
          labels[i] = label;
          others[label === b ? 2 * i : 2 * i + 1] = a;
          bounds[label === b ? q + 1 : q + 2] = lower32(u + travelled[a]);
          u = Math.sqrt(best);
          bounds[q] = upper32(u - travelled[label]);
          bounds[q + 3] = lower32(rest + restTravelled[label]);
        }
        break settle;
      }
      this.search(i, a);
      stats[1]++;
      label = labels[i] = foundLabel[0];
      u = Math.sqrt(foundDist2[0]);
      rest = keepSearch(i, others, bounds, travelled, restTravelled) - u;
    }
    const r = u + rest;
    if (r > reach[label]) reach[label] = r;
    if (label === a) return 0;
    if (this.exact) {
      moveMass(this.sums, this.mass, points, this.weights, i, a, -1, d);
      moveMass(this.sums, this.mass, points, this.weights, i, label, 1, d);
    }
    return 1;
  }

  /**
   * Moves the converged centres to `target` (k·d) and returns every point's nearest of them: one
   * more assign step, whose bounds loosen by how far each centre moved, as after an update step.
   */
  snapTo(target: Float64Array): Uint16Array {
    const { k, d, centres, shift } = this;
    for (let j = 0; j < k; j++) shift[j] = Math.sqrt(dist2(target, j, centres, j, d));
    centres.set(target.subarray(0, k * d));
    this.relocated.length = 0;
    this.centresMoved();
    this.assign();
    return this.labels.slice();
  }

  /**
   * After an update step: the cumulative shifts grow (which loosens every stored bound), points
   * moved into empty clusters get bounds that force a look, and the rest drops are worked out.
   */
  centresMoved(): void {
    const { k, shift, travelled, restShift, restTravelled, bounds } = this;
    for (const i of this.relocated) {
      bounds[4 * i] = Infinity;
      bounds.fill(-Infinity, 4 * i + 1, 4 * i + 4);
    }
    if (this.memory.centresMoved) {
      // The loops below, compiled: they run between two assign steps, while the helper waits.
      this.memory.centresMoved(this.eps);
      return;
    }
    for (let j = 0; j < k; j++) travelled[j] += shift[j];
    restShifts(this.centres, k, this.d, shift, this.reach, this.rows, this.movers, restShift, this.eps);
    for (let j = 0; j < k; j++) restTravelled[j] += restShift[j];
  }
}

/** Adds point i to (sign 1) or takes it from (sign −1) cluster j's weighted sum and mass. */
function moveMass(sums: Float64Array, mass: Float64Array, points: Float64Array, weights: Float64Array, i: number, j: number, sign: number, d: number): void {
  const w = sign * weights[i];
  mass[j] += w;
  for (let t = 0; t < d; t++) sums[j * d + t] += w * points[i * d + t];
}

/** An upper bound, nudged so that the float32 store rounds it up. */
function upper32(v: number): number {
  return v + Math.abs(v) * NUDGE;
}

/** A lower bound, nudged so that the float32 store rounds it down (and finite: a float32 infinity would bound nothing). */
function lower32(v: number): number {
  const s = v - Math.abs(v) * NUDGE;
  return s < FLOAT32_MAX ? s : FLOAT32_MAX;
}

/**
 * Takes point i's other centres and bounds from the four-nearest search just made (`found*`);
 * returns its upper + rest bound. With fewer centres than slots, a slot repeats the label with a
 * bound that never crosses.
 */
function keepSearch(i: number, others: Uint16Array, bounds: Float32Array, travelled: Float64Array, restTravelled: Float64Array): number {
  const a = foundLabel[0];
  const u = Math.sqrt(foundDist2[0]);
  bounds[4 * i] = upper32(u - travelled[a]);
  const b = foundLabel[1];
  others[2 * i] = b < 0 ? a : b;
  bounds[4 * i + 1] = b < 0 ? FLOAT32_MAX : lower32(Math.sqrt(foundDist2[1]) + travelled[b]);
  const c = foundLabel[2];
  others[2 * i + 1] = c < 0 ? a : c;
  bounds[4 * i + 2] = c < 0 ? FLOAT32_MAX : lower32(Math.sqrt(foundDist2[2]) + travelled[c]);
  const rest = Math.sqrt(foundDist2[3]);
  bounds[4 * i + 3] = lower32(rest + restTravelled[a]);
  return u + rest;
}

// Movers a cluster looks through for a near one before it settles for the largest shift left.
const MOVERS_SCANNED = 48;

/**
 * How far the rest bound of each cluster's points must drop after the centres moved.
 * Hamerly drops every point's bound by the largest shift of any centre, yet late in a run most
 * centres stand still (at K = 1024, 90% of them) while a few far away still move. A centre j can
 * only come nearer to a point x of cluster a than x's rest bound lr if d(c_a', c_j') − (u_x + s_a)
 * < lr_x; so when d(c_a', c_j') ≥ reach_a + s_a (reach_a = the cluster's largest u + lr), j's shift
 * does not count for cluster a. The drop for a is the largest shift of a mover near it.
 *
 * The near movers are usually all in a's row (its nearest centres, with their distances before
 * this update: each has since changed by at most s_a + s_j); only when the row does not reach far
 * enough are the movers looked through, largest shift first.
 */
function restShifts(
  centres: Float64Array,
  k: number,
  d: number,
  shift: Float64Array,
  reach: Float64Array,
  rows: CentreRows,
  movers: Int32Array,
  restShift: Float64Array,
  eps: number,
): void {
  const { length, ids, dist, beyond } = rows;
  let maxShift = 0;
  for (let j = 0; j < k; j++) if (shift[j] > maxShift) maxShift = shift[j];
  let count = -1; // movers not sorted yet
  for (let a = 0; a < k; a++) {
    const limit = reach[a] + shift[a] + eps;
    const sa = shift[a];
    let drop = 0;
    if (beyond[a] - sa - maxShift >= limit) {
      for (let t = 0; t < length; t++) {
        const j = ids[a * length + t];
        const sj = shift[j];
        if (sj > drop && dist[a * length + t] - sa - sj < limit) drop = sj;
      }
    } else {
      if (count < 0) count = sortMovers(k, shift, movers);
      const limit2 = limit * limit;
      for (let t = 0, scanned = 0; t < count; t++) {
        const j = movers[t];
        if (j === a) continue;
        // Past the scan limit, the largest shift not yet ruled out bounds the drop.
        if (scanned++ === MOVERS_SCANNED || dist2(centres, a, centres, j, d) < limit2) {
          drop = shift[j];
          break;
        }
      }
    }
    restShift[a] = drop;
  }
}

/** The centres that moved, largest shift first, into `movers`; returns how many. */
function sortMovers(k: number, shift: Float64Array, movers: Int32Array): number {
  let count = 0;
  for (let j = 0; j < k; j++) if (shift[j] > 0) movers[count++] = j;
  movers.subarray(0, count).sort((p, q) => shift[q] - shift[p] || p - q);
  return count;
}

/**
 * Margin for rounding in the bounds, in the data's units: bounds are sums of square roots that
 * drift by about an ulp of the coordinates an iteration, far below this even after 10^5 iterations.
 */
function boundMargin(points: Float64Array, n: number, d: number): number {
  let max = 0;
  for (let t = 0; t < n * d; t++) {
    const v = Math.abs(points[t]);
    if (v > max) max = v;
  }
  return marginFor(max);
}

/** The margin for coordinates up to `maxAbs` in absolute value. */
function marginFor(maxAbs: number): number {
  return 1e-10 * (1 + maxAbs);
}

/** Fills `array` with `count` copies of `pattern`, by doubling copies (native memmoves). */
function fillPattern(array: Float32Array, pattern: number[], count: number): void {
  const width = pattern.length;
  if (count === 0) return;
  array.set(pattern, 0);
  let filled = 1;
  while (filled < count) {
    const copy = Math.min(filled, count - filled);
    array.copyWithin(filled * width, 0, copy * width);
    filled += copy;
  }
}
