// Greedy k-means++ on 3-D points (colours) by passes over blocks of points, as scikit-learn
// computes it (each candidate's gain is a pass, each new centre one more), but skipping the
// blocks out of the candidate's reach. The points are taken in Z-order and cut into blocks of
// BLOCK, each with its bounding box and the largest squared distance of its points to their
// centres; blocks come in groups of GROUP with the same. A block whose box is no nearer to the
// candidate than that largest distance holds no point the candidate would take (see
// wasm/flat-seeding.wat): its gain is 0 and adding the candidate changes none of it. The points
// it does read are read two at a time in WebAssembly (f64x2). On china.jpg this is 2–4× faster
// than the member lists of the pruned seeding (init.ts, Seeding), which stays for other d.
//
// The draws are k-means++'s: a candidate with probability w·D² (D its distance to its nearest
// centre so far), found through the potentials of the groups, then of the blocks, then of the
// points of one block. The TypeScript methods are the reference the kernel is tested against, bit
// for bit, and the fallback where WebAssembly is unavailable.
import { CONTROL_BYTES, controlViews, lendArena, type Helper, type HelperLoan } from './helper-thread.js';
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/flat-seeding.generated.js';

/** Points a block, and blocks a group (the kernel has both built in). */
export const BLOCK = 64;
export const GROUP = 16;

/** A box is out of reach when its squared distance times this is still at least the limit (see flat-seeding.wat). */
const MARGIN = 0.9999999999;

export class FlatSeeding {
  chosen = 0;
  readonly centres: Float64Array;
  /** Points rounded up to even: when n is odd, a padding point of weight 0 repeats the last one. */
  private readonly m: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly zs: Float64Array;
  private readonly w: Float64Array;
  /** Squared distance of each point to its nearest centre so far. */
  private readonly dist: Float64Array;
  /** Each point's nearest centre so far, as float64 (the kernel selects whole lanes). */
  private readonly labels: Float64Array;
  /** Bounding boxes (3 lows, 3 highs), largest dist and potential Σ w·dist of each block and group. */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly maxd: Float64Array;
  private readonly pot: Float64Array;
  private readonly glo: Float64Array;
  private readonly ghi: Float64Array;
  private readonly gmaxd: Float64Array;
  private readonly gpot: Float64Array;
  private readonly compiled: Record<string, (...args: number[]) => number> | undefined;
  /** The kernel, to lend a helper thread; and the control block they share. */
  private readonly loan: HelperLoan | undefined;
  readonly controlInts: Int32Array;
  readonly controlFloats: Float64Array;
  private readonly arena: Arena;
  /** The working points' total weight (summed in their order). */
  readonly totalWeight: number;
  /** The order and a place for the labels in the kernel's memory (where it runs). */
  private orderIn: Int32Array | undefined;
  private labelsOut: Uint16Array | undefined;

  /** Points (n·3) in the order `order` gives (e.g. Z-order, so that a block is a small box). */
  constructor(points: Float64Array, private readonly n: number, weights: Float64Array, k: number, private readonly order: Int32Array, kernel: Kernel = 'wasm') {
    const m = (this.m = n + (n & 1));
    const blocks = Math.ceil(m / BLOCK);
    const groups = Math.ceil(blocks / GROUP);
    const arena = new Arena(
      Arena.size(CONTROL_BYTES, ...Array(6).fill(8 * m), 8 * 3 * blocks, 8 * 3 * blocks, 8 * blocks, 8 * blocks, 8 * 3 * groups,
        8 * 3 * groups, 8 * groups, 8 * groups, ...(kernel === 'wasm' ? [8 * 3 * n, 8 * n, 4 * n, 2 * n] : [])),
      WASM_BASE64,
      kernel,
      true,
    );
    this.arena = arena;
    const control = arena.i32(CONTROL_BYTES / 4);
    ({ ints: this.controlInts, floats: this.controlFloats } = controlViews(control.buffer, control.byteOffset));
    this.xs = arena.f64(m);
    this.ys = arena.f64(m);
    this.zs = arena.f64(m);
    this.w = arena.f64(m);
    this.dist = arena.f64(m);
    this.labels = arena.f64(m);
    this.lo = arena.f64(3 * blocks);
    this.hi = arena.f64(3 * blocks);
    this.maxd = arena.f64(blocks);
    this.pot = arena.f64(blocks);
    this.glo = arena.f64(3 * groups);
    this.ghi = arena.f64(3 * groups);
    this.gmaxd = arena.f64(groups);
    this.gpot = arena.f64(groups);
    this.compiled = arena.exports;
    if (this.compiled) {
      // The points, weights and order go into the kernel's memory (copies made natively), where
      // it gathers them.
      const source = arena.f64(3 * n);
      source.set(points.subarray(0, 3 * n));
      const sourceWeights = arena.f64(n);
      sourceWeights.set(weights.subarray(0, n));
      const sourceOrder = arena.i32(n);
      sourceOrder.set(order.subarray(0, n));
      this.totalWeight = this.compiled.gather(n, m, source.byteOffset, sourceWeights.byteOffset, sourceOrder.byteOffset,
        this.xs.byteOffset, this.ys.byteOffset, this.zs.byteOffset, this.w.byteOffset);
      this.orderIn = sourceOrder;
      this.labelsOut = arena.u16(n);
    } else {
      for (let t = 0; t < m; t++) {
        const i = order[Math.min(t, n - 1)];
        this.xs[t] = points[3 * i];
        this.ys[t] = points[3 * i + 1];
        this.zs[t] = points[3 * i + 2];
        this.w[t] = t < n ? weights[i] : 0;
      }
      let total = 0;
      for (let t = 0; t < n; t++) total += this.w[t];
      this.totalWeight = total;
    }
    this.lo.fill(Infinity);
    this.hi.fill(-Infinity);
    this.glo.fill(Infinity);
    this.ghi.fill(-Infinity);
    this.loan = arena.module && arena.memory
      ? {
        kind: 'flat-seeding',
        module: arena.module,
        memory: arena.memory,
        layout: {
          m, groups, xs: this.xs.byteOffset, ys: this.ys.byteOffset, zs: this.zs.byteOffset, w: this.w.byteOffset,
          dist: this.dist.byteOffset, lo: this.lo.byteOffset, hi: this.hi.byteOffset, maxd: this.maxd.byteOffset,
          glo: this.glo.byteOffset, ghi: this.ghi.byteOffset, gmaxd: this.gmaxd.byteOffset, control: control.byteOffset,
        },
      }
      : undefined;
    if (this.compiled) {
      this.compiled.boxes(m, this.xs.byteOffset, this.ys.byteOffset, this.zs.byteOffset, this.lo.byteOffset, this.hi.byteOffset,
        this.glo.byteOffset, this.ghi.byteOffset);
    } else {
      for (let c = 0; c < 3; c++) {
        const v = [this.xs, this.ys, this.zs][c];
        for (let t = 0; t < m; t++) {
          const b = 3 * Math.floor(t / BLOCK) + c;
          const g = 3 * Math.floor(t / (BLOCK * GROUP)) + c;
          if (v[t] < this.lo[b]) this.lo[b] = v[t];
          if (v[t] > this.hi[b]) this.hi[b] = v[t];
          if (v[t] < this.glo[g]) this.glo[g] = v[t];
          if (v[t] > this.ghi[g]) this.ghi[g] = v[t];
        }
      }
    }
    this.dist.fill(Infinity);
    this.maxd.fill(Infinity);
    this.gmaxd.fill(Infinity);
    this.centres = new Float64Array(k * 3);
  }

  /** The weights of the working points (in the given order, without the padding point). */
  get weights(): Float64Array {
    return this.w.subarray(0, this.n);
  }

  /** Total potential Σ w·D² (0 once every point with weight sits on a centre). */
  potential(): number {
    if (this.compiled) return this.compiled.potential(this.gpot.byteOffset, this.gpot.length);
    let total = 0;
    for (let g = 0; g < this.gpot.length; g++) total += this.gpot[g];
    return total;
  }

  /** The working point at `target` ∈ [0, total) of the potential: a group, a block, then a point. */
  sample(target: number): number {
    const { gpot, pot, w, dist, m } = this;
    if (this.compiled) {
      return this.compiled.sample(target, gpot.byteOffset, gpot.length, pot.byteOffset, pot.length, w.byteOffset, dist.byteOffset, m);
    }
    let g = 0;
    for (; g < gpot.length - 1; g++) {
      if (target < gpot[g]) break;
      target -= gpot[g];
    }
    let b = g * GROUP;
    const last = Math.min(pot.length, b + GROUP) - 1;
    for (; b < last; b++) {
      if (target < pot[b]) break;
      target -= pot[b];
    }
    // Rounding can leave the target past the block's last point: then its last with a share.
    let acc = 0;
    let found = -1;
    for (let t = b * BLOCK, end = Math.min(m, t + BLOCK); t < end; t++) {
      const mass = w[t] * dist[t];
      if (!(mass > 0)) continue;
      acc += mass;
      found = t;
      if (target < acc) break;
    }
    if (found >= 0) return found;
    // A block whose potential was rounding dust: the first point with a share anywhere.
    for (let t = 0; t < m; t++) if (w[t] * dist[t] > 0) return t;
    return 0;
  }

  /** Whether box `b` of (lo, hi) is out of reach of (cx, cy, cz) given `limit` (as the kernel's $out). */
  private static out(lo: Float64Array, hi: Float64Array, b: number, cx: number, cy: number, cz: number, limit: number): boolean {
    let t = Math.max(Math.max(lo[3 * b] - cx, 0), cx - hi[3 * b]);
    let s = t * t;
    t = Math.max(Math.max(lo[3 * b + 1] - cy, 0), cy - hi[3 * b + 1]);
    s += t * t;
    t = Math.max(Math.max(lo[3 * b + 2] - cz, 0), cz - hi[3 * b + 2]);
    s += t * t;
    return s * MARGIN >= limit;
  }

  /** How much the potential would drop with a centre at working point y. */
  gainOf(y: number): number {
    const { xs, ys, zs, w, dist, lo, hi, maxd, glo, ghi, gmaxd, m } = this;
    if (this.compiled) {
      return this.compiled.gain(m, y, xs.byteOffset, ys.byteOffset, zs.byteOffset, w.byteOffset, dist.byteOffset,
        lo.byteOffset, hi.byteOffset, maxd.byteOffset, glo.byteOffset, ghi.byteOffset, gmaxd.byteOffset, gmaxd.length);
    }
    const cx = xs[y];
    const cy = ys[y];
    const cz = zs[y];
    // Two sums, of the even and of the odd points, as the kernel's two lanes.
    let even = 0;
    let odd = 0;
    for (let g = 0; g < gmaxd.length; g++) {
      if (FlatSeeding.out(glo, ghi, g, cx, cy, cz, gmaxd[g])) continue;
      for (let b = g * GROUP, bEnd = b + GROUP; b < bEnd && b * BLOCK < m; b++) {
        if (FlatSeeding.out(lo, hi, b, cx, cy, cz, maxd[b])) continue;
        for (let t = b * BLOCK, end = Math.min(m, t + BLOCK); t < end; t += 2) {
          let dx = xs[t] - cx;
          let dy = ys[t] - cy;
          let dz = zs[t] - cz;
          const a = dist[t] - (dx * dx + dy * dy + dz * dz);
          if (a > 0) even += w[t] * a;
          dx = xs[t + 1] - cx;
          dy = ys[t + 1] - cy;
          dz = zs[t + 1] - cz;
          const c = dist[t + 1] - (dx * dx + dy * dy + dz * dz);
          if (c > 0) odd += w[t + 1] * c;
        }
      }
    }
    return even + odd;
  }

  /** Lends `helper` the kernel (see greedySteps in init.ts); false if it cannot take it. */
  lend(helper: Helper): boolean {
    return lendArena(helper, this.loan, this.arena);
  }

  /** Hands the kernel's memory on to the next arena (see Arena.release), once done with this seeding. */
  release(): void {
    this.arena.release();
  }

  /** Makes working point y the next centre. */
  add(y: number): void {
    const { xs, ys, zs, w, dist, labels, lo, hi, maxd, pot, glo, ghi, gmaxd, gpot, m } = this;
    const j = this.chosen++;
    this.centres[3 * j] = xs[y];
    this.centres[3 * j + 1] = ys[y];
    this.centres[3 * j + 2] = zs[y];
    if (this.compiled) {
      this.compiled.add(m, y, j, xs.byteOffset, ys.byteOffset, zs.byteOffset, w.byteOffset, dist.byteOffset, labels.byteOffset,
        lo.byteOffset, hi.byteOffset, maxd.byteOffset, pot.byteOffset, glo.byteOffset, ghi.byteOffset, gmaxd.byteOffset,
        gpot.byteOffset, gmaxd.length);
      return;
    }
    const cx = xs[y];
    const cy = ys[y];
    const cz = zs[y];
    for (let g = 0; g < gmaxd.length; g++) {
      if (FlatSeeding.out(glo, ghi, g, cx, cy, cz, gmaxd[g])) continue;
      const first = g * GROUP;
      for (let b = first; b < first + GROUP && b * BLOCK < m; b++) {
        if (FlatSeeding.out(lo, hi, b, cx, cy, cz, maxd[b])) continue;
        let even = 0;
        let odd = 0;
        let top = 0;
        for (let t = b * BLOCK, end = Math.min(m, t + BLOCK); t < end; t++) {
          const dx = xs[t] - cx;
          const dy = ys[t] - cy;
          const dz = zs[t] - cz;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 < dist[t]) {
            dist[t] = d2;
            labels[t] = j;
          }
          if (t & 1) odd += w[t] * dist[t];
          else even += w[t] * dist[t];
          top = Math.max(top, dist[t]);
        }
        pot[b] = even + odd;
        maxd[b] = top;
      }
      let top = 0;
      let sum = 0;
      for (let b = first; b < first + GROUP && b * BLOCK < m; b++) {
        top = Math.max(top, maxd[b]);
        sum += pot[b];
      }
      gmaxd[g] = top;
      gpot[g] = sum;
    }
  }

  /** Each point's nearest centre, in the caller's order. */
  writeLabels(out: Uint16Array): void {
    if (this.compiled && this.orderIn && this.labelsOut) {
      this.compiled.scatter(this.n, this.orderIn.byteOffset, this.labels.byteOffset, this.labelsOut.byteOffset);
      out.set(this.labelsOut);
      return;
    }
    for (let t = 0; t < this.n; t++) out[this.order[t]] = this.labels[t];
  }

  /**
   * The first working point whose running sum of weights passes `target` (skipping weights of
   * 0): the first centre's draw, as pickWeighted in init.ts.
   */
  pick(target: number): number {
    if (this.compiled) return this.compiled.pick(this.n, this.w.byteOffset, target);
    let acc = 0;
    let last = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.w[i] <= 0) continue;
      acc += this.w[i];
      last = i;
      if (target < acc) return i;
    }
    return last;
  }
}
