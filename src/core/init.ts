// First centres: greedy k-means++ (as scikit-learn) and weighted random choice.
//
// Both stop early when every point already sits on a centre: K larger than the number of distinct
// points gives that many centres, not duplicates.
import { dist2 } from './geometry.js';
import { zOrder } from './morton.js';
import { CONTROL_BYTES, SEEDING, controlViews, lendArena, type Helper, type HelperLoan } from './helper-thread.js';
import { FlatSeeding } from './seeding-flat.js';
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/seeding.generated.js';
import type { Rng } from './rng.js';

/** Picks an index with probability proportional to `mass[i]`; `total` is their sum (0 if none has mass). */
function pickWeighted(mass: Float64Array, n: number, total: number, rng: Rng): number {
  const target = rng() * total;
  let acc = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    if (mass[i] <= 0) continue;
    acc += mass[i];
    last = i;
    if (target < acc) return i;
  }
  return last;
}

/**
 * Greedy k-means++: each new centre is the best (lowest potential) of 2 + ⌊ln K⌋ candidates drawn
 * with probability proportional to weight × squared distance to the nearest centre so far.
 *
 * 3-D points (colours) are seeded by passes over blocks of points (seeding-flat.ts); other d by
 * the member lists below. Both are exact, but pruned. In the lists, a candidate y can only take a
 * point x from its centre c when
 * d(x, c) > d(c, y) / 2 (else d(x, y) ≥ d(c, y) − d(x, c) ≥ d(x, c)). Each centre keeps its
 * members sorted by that distance (by buckets of it, see sortByBucket), farthest first, so weighing
 * a candidate reads only the members it could take, plus a bucket, and skips whole clusters by
 * their farthest member. Points that move to a new centre leave a prefix of their old list, which
 * stays sorted without a sort. At K = 256 on china.jpg this reads 10 M members instead of 172 M.
 *
 * `labels` (optional) receives each point's nearest centre, a good first guess for Lloyd.
 * `zOrderOf` (optional) gives the points' Z-order when a caller keeps it (see PointIndex).
 */
export function initKMeansPlusPlus(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  k: number,
  rng: Rng,
  trials = 2 + Math.floor(Math.log(k)),
  labels?: Uint16Array,
  kernel: Kernel = 'wasm',
  helper?: Helper,
  zOrderOf: () => Int32Array = () => zOrder(points, n, d),
): Float64Array {
  if (d === 3) return seedFlat(points, n, weights, k, rng, trials, labels, kernel, zOrderOf(), helper);
  // At large K, sorted member lists pay for their sorting many times over, and so does working on
  // a copy in Z-order: a cluster's members then sit close together in memory, and the scans read
  // them from cache (a fifth faster at K = 256). At small K a plain scan of each list is cheaper.
  const sorted = k >= SORTED_FROM_K;
  let x = points;
  let w = weights;
  let order: Int32Array | undefined;
  if (sorted) {
    order = zOrderOf();
    x = new Float64Array(n * d);
    w = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const i = order[t];
      for (let c = 0; c < d; c++) x[t * d + c] = points[i * d + c];
      w[t] = weights[i];
    }
  }
  const seeding = new Seeding(x, n, d, w, k, sorted, kernel);
  try {
    seeding.start(pickWeighted(w, n, sum(w, n), rng));
    greedySteps(seeding, k, rng, trials, k >= HELPER_FROM_K && n >= HELPER_FROM_POINTS ? helper : undefined);
    if (labels) seeding.writeLabels(labels, order);
    // A copy: the seeding's arrays share one buffer, which goes to the next arena.
    return seeding.centres.slice(0, seeding.chosen * d);
  } finally {
    seeding.release();
  }
}

/**
 * What the greedy steps need of a seeding state (Seeding's member lists, or FlatSeeding's blocks):
 * the draws, the gains, and its kernel to lend a helper thread with the control block they share.
 */
interface SeedingSteps {
  readonly chosen: number;
  potential(): number;
  sample(target: number): number;
  gainOf(y: number): number;
  add(y: number): void;
  /** Lends `helper` the kernel; false if it cannot take it. */
  lend(helper: Helper): boolean;
  readonly controlInts: Int32Array;
  readonly controlFloats: Float64Array;
}

/**
 * The greedy steps of k-means++ after the first centre: `trials` candidates drawn by the
 * potential and weighed, the best kept (the first on ties). With `helper` (when it takes the loan),
 * the helper weighs the last half of each step's candidates, in one request, while this thread
 * weighs the rest: the same gains.
 */
function greedySteps(seeding: SeedingSteps, k: number, rng: Rng, trials: number, helper: Helper | undefined): void {
  const lent = helper !== undefined && trials >= 2 && trials <= 2 * SEEDING.MAX && seeding.lend(helper);
  const mine = lent ? (trials + 1) >>> 1 : trials;
  const { controlInts: ints, controlFloats: floats } = seeding;
  const candidates = new Int32Array(trials);
  const gains = new Float64Array(trials);
  try {
    while (seeding.chosen < k) {
      const total = seeding.potential();
      if (!(total > 0)) break; // every point is on a centre: no more distinct points
      for (let t = 0; t < trials; t++) candidates[t] = seeding.sample(rng() * total);
      if (lent) {
        ints[SEEDING.CHOSEN] = seeding.chosen;
        ints[SEEDING.COUNT] = trials - mine;
        ints.set(candidates.subarray(mine), SEEDING.CANDIDATES);
        helper.start();
      }
      for (let t = 0; t < mine; t++) gains[t] = seeding.gainOf(candidates[t]);
      if (lent) {
        helper.join();
        gains.set(floats.subarray(0, trials - mine), mine);
      }
      let bestCandidate = candidates[0];
      let bestGain = -1;
      for (let t = 0; t < trials; t++) {
        if (gains[t] > bestGain) {
          bestGain = gains[t];
          bestCandidate = candidates[t];
        }
      }
      seeding.add(bestCandidate);
    }
  } finally {
    if (lent) helper.detach();
  }
}

/** initKMeansPlusPlus on 3-D points: the same draws, by passes over blocks of points (see seeding-flat.ts). */
function seedFlat(
  points: Float64Array,
  n: number,
  weights: Float64Array,
  k: number,
  rng: Rng,
  trials: number,
  labels: Uint16Array | undefined,
  kernel: Kernel,
  order: Int32Array,
  helper: Helper | undefined,
): Float64Array {
  const seeding = new FlatSeeding(points, n, weights, k, order, kernel);
  try {
    seeding.add(seeding.pick(rng() * seeding.totalWeight));
    greedySteps(seeding, k, rng, trials, k >= FLAT_HELPER_FROM_K && n >= HELPER_FROM_POINTS ? helper : undefined);
    if (labels) seeding.writeLabels(labels);
    return seeding.centres.slice(0, seeding.chosen * 3);
  } finally {
    seeding.release();
  }
}

/** From this K on, member lists are kept sorted (see initKMeansPlusPlus). */
export const SORTED_FROM_K = 32;

/** Smallest K and number of points for which a helper thread pays for its two handshakes a step. */
const HELPER_FROM_K = 32;
/**
 * The same for the block seeding, whose gains are cheaper: china.jpg in a fresh process, seeding
 * alone, K = 256 61–66 ms against 69–77, K = 1024 102–120 against 119–125 (first calls; 38–47
 * against 44–55 and 74–109 against 101–121 after).
 */
const FLAT_HELPER_FROM_K = 64;
const HELPER_FROM_POINTS = 16384;

/**
 * The state of a k-means++ seeding: centres so far and each one's members (farthest first when
 * `sorted`).
 */
export class Seeding {
  readonly centres: Float64Array;
  chosen = 0;
  /**
   * Every cluster's members, in one pool: centre j's are ids[heads[j] .. ends[j]), with their
   * squared distances to it in keys (descending by bucket when sorted). A new cluster's list goes
   * at the top of the pool; the space members leave behind is reclaimed by compacting the pool
   * when it fills (one pool, not K small arrays for the collector to chase).
   */
  private readonly ids: Int32Array;
  private readonly keys: Float64Array;
  private top = 0;
  private readonly heads: Int32Array;
  private readonly ends: Int32Array;
  /** Σ weight × key of each cluster, kept up to date by subtraction. */
  private readonly pot: Float64Array;
  /**
   * Members with a positive share (weight > 0, key > 0), counted exactly: a cluster whose potential
   * is spent then reads 0, not rounding dust that could still be drawn.
   */
  private readonly live: Int32Array;
  /** Largest key of each cluster: a cluster out of a candidate's reach is skipped whole. */
  private readonly maxKey: Float64Array;
  private readonly centreDist2: Float64Array;
  private readonly movedIds: Int32Array;
  private readonly movedKeys: Float64Array;

  private readonly x: Float64Array;
  private readonly w: Float64Array;
  /** The WebAssembly gain over this state's arrays (wasm/seeding.wat), if it runs here. */
  private readonly compiledGain: ((...args: number[]) => number) | undefined;
  private readonly arena: Arena;
  /** The kernel, to lend a helper thread; and the control block they share. */
  private readonly loan: HelperLoan | undefined;
  readonly controlInts: Int32Array;
  readonly controlFloats: Float64Array;

  constructor(
    points: Float64Array,
    private readonly n: number,
    private readonly d: number,
    weights: Float64Array,
    k: number,
    private readonly sorted: boolean,
    kernel: Kernel = 'wasm',
  ) {
    // Twice the points in the pool: at most n are live, so a compaction frees at least n.
    const pool = 2 * n + 16;
    const arena = new Arena(
      Arena.size(CONTROL_BYTES, 8 * n * d, 8 * n, 4 * pool, 8 * pool, 8 * k * d, 8 * k, 8 * k, 8 * k, 4 * k, 4 * k),
      WASM_BASE64,
      kernel,
      true,
    );
    this.arena = arena;
    const control = arena.i32(CONTROL_BYTES / 4);
    this.x = arena.f64(n * d);
    this.x.set(points.subarray(0, n * d));
    this.w = arena.f64(n);
    this.w.set(weights.subarray(0, n));
    this.ids = arena.i32(pool);
    this.keys = arena.f64(pool);
    this.centres = arena.f64(k * d);
    this.centreDist2 = arena.f64(k);
    this.maxKey = arena.f64(k);
    this.heads = arena.i32(k);
    this.ends = arena.i32(k);
    this.compiledGain = arena.exports?.gain;
    const helperDist2 = arena.f64(k);
    if (arena.module && arena.memory) {
      this.loan = {
        kind: 'seeding',
        module: arena.module,
        memory: arena.memory,
        layout: {
          d, sorted: sorted ? 1 : 0,
          x: this.x.byteOffset, w: this.w.byteOffset, ids: this.ids.byteOffset, keys: this.keys.byteOffset,
          heads: this.heads.byteOffset, ends: this.ends.byteOffset, centres: this.centres.byteOffset,
          centreDist2: helperDist2.byteOffset, maxKey: this.maxKey.byteOffset, control: control.byteOffset,
        },
      };
    }
    const views = controlViews(control.buffer, control.byteOffset);
    this.controlInts = views.ints;
    this.controlFloats = views.floats;
    this.pot = new Float64Array(k);
    this.live = new Int32Array(k);
    this.movedIds = new Int32Array(n);
    this.movedKeys = new Float64Array(n);
  }

  /** Makes point y the first centre, with every point its member. */
  start(y: number): void {
    const { x, n, d, w, movedIds, movedKeys } = this;
    copyRow(x, y, this.centres, 0, d);
    let pot = 0;
    let live = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const key = dist2(x, i, this.centres, 0, d);
      movedIds[i] = i;
      movedKeys[i] = key;
      pot += w[i] * key;
      if (w[i] > 0 && key > 0) live++;
      if (key > max) max = key;
    }
    this.chosen = 0;
    this.push(n, pot, live, max);
  }

  /** Total potential (0 once every point with weight sits on a centre). */
  potential(): number {
    const { pot, live } = this;
    let total = 0;
    for (let j = 0; j < this.chosen; j++) {
      if (live[j] === 0) pot[j] = 0;
      // Subtraction may leave a live cluster at rounding dust or below: sum it again.
      else if (!(pot[j] > 0)) pot[j] = this.sumPotential(j);
      total += pot[j];
    }
    return total;
  }

  private sumPotential(j: number): number {
    const { ids, keys, w } = this;
    let s = 0;
    for (let t = this.heads[j]; t < this.ends[j]; t++) s += w[ids[t]] * keys[t];
    return s;
  }

  /** The point at `target` ∈ [0, total) of the potential: a cluster by its potential, then a member. */
  sample(target: number): number {
    const { pot, live, w, ids, keys } = this;
    let cluster = -1;
    for (let j = 0; j < this.chosen; j++) {
      if (live[j] === 0 || !(pot[j] > 0)) continue;
      cluster = j;
      if (target < pot[j]) break;
      target -= pot[j];
    }
    let acc = 0;
    let last = -1;
    for (let t = this.heads[cluster], end = this.ends[cluster]; t < end; t++) {
      const mass = w[ids[t]] * keys[t];
      if (!(mass > 0)) continue;
      acc += mass;
      last = ids[t];
      if (target < acc) break;
    }
    return last;
  }

  private measureCentres(y: number): void {
    const { centres, centreDist2, x, d } = this;
    for (let j = 0; j < this.chosen; j++) centreDist2[j] = dist2(centres, j, x, y, d);
  }

  /** Lends `helper` the kernel (see greedySteps); false if it cannot take it. */
  lend(helper: Helper): boolean {
    return lendArena(helper, this.loan, this.arena);
  }

  /** Hands the kernel's memory on to the next arena (see Arena.release), once done with this seeding. */
  release(): void {
    this.arena.release();
  }

  /** How much the potential would drop with a centre at point y. */
  gainOf(y: number): number {
    const run = this.compiledGain;
    if (!run) return this.gainOfReference(y);
    const { x, w, ids, keys, heads, ends, centres, centreDist2, maxKey } = this;
    return run(this.chosen, y, this.d, this.sorted ? 1 : 0, x.byteOffset, w.byteOffset, ids.byteOffset,
      keys.byteOffset, heads.byteOffset, ends.byteOffset, centres.byteOffset, centreDist2.byteOffset, maxKey.byteOffset);
  }

  /**
   * gainOf in TypeScript: the reference the kernel is tested against, and the fallback.
   *
   * A candidate y can only take a member x of cluster j when d²(x, c_j) > d²(c_j, y) / 4; in a
   * sorted list the scan stops at the first member in a lower bucket than that limit's.
   */
  gainOfReference(y: number): number {
    const { x, d, w, ids, keys, heads, ends, centreDist2, maxKey, sorted } = this;
    this.measureCentres(y);
    let gain = 0;
    for (let j = 0; j < this.chosen; j++) {
      const half2 = centreDist2[j] * 0.25;
      if (maxKey[j] <= half2) continue;
      for (let t = heads[j], end = ends[j]; t < end; t++) {
        const cx = keys[t];
        if (cx <= half2) {
          // Out of y's reach; in a sorted list so is every later member, once past half2's bucket.
          if (sorted && coarse(cx) < coarse(half2)) break;
          continue;
        }
        const i = ids[t];
        const dy = dist2(x, i, x, y, d);
        if (dy < cx) gain += w[i] * (cx - dy);
      }
    }
    return gain;
  }

  /** Makes point y the next centre: the points it is nearer to leave their lists for its own. */
  add(y: number): void {
    const { x, d, w, ids, keys, heads, ends, pot, live, centreDist2, movedIds, movedKeys, maxKey, sorted } = this;
    const chosen = this.chosen;
    copyRow(x, y, this.centres, chosen, d);
    this.measureCentres(y);
    let count = 0;
    let newPot = 0;
    let newLive = 0;
    let newMax = 0;
    for (let j = 0; j < chosen; j++) {
      const half2 = centreDist2[j] * 0.25;
      if (maxKey[j] <= half2) continue;
      const head = heads[j];
      const end = ends[j];
      let stop = end;
      if (sorted) {
        const bucket = coarse(half2);
        stop = head;
        while (stop < end && (keys[stop] > half2 || coarse(keys[stop]) >= bucket)) stop++;
      }
      // Members in [head, stop) may move; those that stay are packed towards `stop`, in order,
      // so a sorted list stays sorted and only its head moves.
      let write = stop;
      let lost = 0;
      let max = 0;
      for (let t = stop - 1; t >= head; t--) {
        const i = ids[t];
        const cx = keys[t];
        const dy = cx <= half2 ? Infinity : dist2(x, i, x, y, d);
        if (dy < cx) {
          movedIds[count] = i;
          movedKeys[count++] = dy;
          lost += w[i] * cx;
          if (w[i] > 0) live[j]--; // cx > dy ≥ 0: it had a positive share
          newPot += w[i] * dy;
          if (w[i] > 0 && dy > 0) newLive++;
          if (dy > newMax) newMax = dy;
        } else {
          write--;
          ids[write] = i;
          keys[write] = cx;
          if (cx > max) max = cx;
        }
      }
      pot[j] -= lost;
      if (sorted && write === stop) {
        // Nobody stayed in the prefix: the largest key left is in the leading bucket of the rest.
        const bucket = stop < end ? coarse(keys[stop]) : -1;
        for (let t = stop; t < end && coarse(keys[t]) === bucket; t++) if (keys[t] > max) max = keys[t];
      }
      maxKey[j] = max;
      heads[j] = write;
    }
    this.push(count, newPot, newLive, newMax);
  }

  /** Appends the `count` points in moved* as the list of a new cluster, sorted if the lists are. */
  private push(count: number, pot: number, live: number, max: number): void {
    if (this.top + count > this.ids.length) this.compact();
    const j = this.chosen;
    const { ids, keys, movedIds, movedKeys, top } = this;
    if (this.sorted) {
      sortByBucket(movedKeys, movedIds, count, keys, ids, top);
    } else {
      keys.set(movedKeys.subarray(0, count), top);
      ids.set(movedIds.subarray(0, count), top);
    }
    this.heads[j] = top;
    this.ends[j] = top + count;
    this.top = top + count;
    this.pot[j] = pot;
    this.live[j] = live;
    this.maxKey[j] = max;
    this.chosen = j + 1;
  }

  /** Moves every live list down to the bottom of the pool, in order, freeing what members left. */
  private compact(): void {
    const { ids, keys, heads, ends } = this;
    let top = 0;
    for (let j = 0; j < this.chosen; j++) {
      const length = ends[j] - heads[j];
      ids.copyWithin(top, heads[j], ends[j]);
      keys.copyWithin(top, heads[j], ends[j]);
      heads[j] = top;
      ends[j] = top + length;
      top += length;
    }
    this.top = top;
  }

  /** Each point's centre, in the caller's order (`order` maps working rows to the caller's). */
  writeLabels(labels: Uint16Array, order?: Int32Array): void {
    const { ids } = this;
    for (let j = 0; j < this.chosen; j++) {
      for (let t = this.heads[j]; t < this.ends[j]; t++) labels[order ? order[ids[t]] : ids[t]] = j;
    }
  }
}

// The bucket of a squared distance: the top 11 bits of its float32 form (exponent and 3 bits of
// mantissa), which never decrease as the value grows. Lists are sorted by bucket only, descending:
// a counting sort, ten times cheaper than sorting the keys, and a scan still stops at the first
// member in a lower bucket than its limit's, checking the members of that one bucket one by one.
const bucketScratch = new Float32Array(1);
const bucketBits = new Uint32Array(bucketScratch.buffer);
const BUCKETS = 2048;
const bucketCounts = new Int32Array(BUCKETS + 1);

function coarse(key: number): number {
  bucketScratch[0] = key;
  return bucketBits[0] >>> 20;
}

/** Writes keys[0..count) with their ids into outKeys/outIds from `at` on, by bucket, descending (stable). */
function sortByBucket(keys: Float64Array, ids: Int32Array, count: number, outKeys: Float64Array, outIds: Int32Array, at: number): void {
  if (count <= 32) {
    // Short lists: insertion sort on the keys themselves (sorted keys are sorted buckets).
    for (let t = 0; t < count; t++) {
      const key = keys[t];
      const id = ids[t];
      let p = at + t - 1;
      while (p >= at && outKeys[p] < key) {
        outKeys[p + 1] = outKeys[p];
        outIds[p + 1] = outIds[p];
        p--;
      }
      outKeys[p + 1] = key;
      outIds[p + 1] = id;
    }
    return;
  }
  bucketCounts.fill(0);
  for (let t = 0; t < count; t++) bucketCounts[BUCKETS - 1 - coarse(keys[t])]++;
  let total = at;
  for (let b = 0; b < BUCKETS; b++) {
    const c = bucketCounts[b];
    bucketCounts[b] = total;
    total += c;
  }
  for (let t = 0; t < count; t++) {
    const p = bucketCounts[BUCKETS - 1 - coarse(keys[t])]++;
    outKeys[p] = keys[t];
    outIds[p] = ids[t];
  }
}

/**
 * Random initialisation: K distinct points drawn without replacement, with probability
 * proportional to their weights (Efraimidis–Spirakis keys), skipping points equal to one chosen.
 */
export function initRandom(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  k: number,
  rng: Rng,
): Float64Array {
  const keys = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    // log(u) / w sorts like u^(1/w): larger first; zero weights last.
    keys[i] = weights[i] > 0 ? Math.log(1 - rng()) / weights[i] : -Infinity;
  }
  order.sort((a, b) => keys[b] - keys[a] || a - b);
  const centres = new Float64Array(k * d);
  const seen = new Set<string>();
  let chosen = 0;
  for (let t = 0; t < n && chosen < k; t++) {
    const i = order[t];
    if (!(weights[i] > 0)) break;
    const key = Array.prototype.join.call(points.subarray(i * d, i * d + d), ',');
    if (seen.has(key)) continue;
    seen.add(key);
    copyRow(points, i, centres, chosen++, d);
  }
  return chosen === k ? centres : centres.slice(0, chosen * d);
}

function sum(values: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  return s;
}

function copyRow(from: Float64Array, i: number, to: Float64Array, j: number, d: number): void {
  for (let t = 0; t < d; t++) to[j * d + t] = from[i * d + t];
}
