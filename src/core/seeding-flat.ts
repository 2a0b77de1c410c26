// Greedy k-means++ at small K by plain passes over every point, as scikit-learn computes it: each
// candidate's gain is one pass, each new centre one more. Below FLAT_BELOW_K a candidate's reach
// covers most clusters anyway, so the member lists of the pruned seeding (init.ts, Seeding) save
// little and cost their bookkeeping; a straight pass over three coordinate arrays, two points at a
// time in WebAssembly (wasm/flat-seeding.wat), is several times faster (china.jpg, K = 16: 13 ms
// against 55 a seeding).
//
// The draws are k-means++'s: a candidate with probability w·D² (D its distance to its nearest
// centre so far), found through the potentials of blocks of BLOCK points, then within its block.
// Only for 3-D points (colours); the TypeScript methods are the reference the kernel is tested
// against, bit for bit, and the fallback where WebAssembly is unavailable.
import { Arena, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/flat-seeding.generated.js';

/** Points a block: the sampler walks the blocks' potentials, then one block's points. */
export const BLOCK = 256;

/** Below this K, 3-D points are seeded by FlatSeeding: on china.jpg it is 3–4× faster up to K = 16, 1.3–1.8× at K = 32–48, even at K = 64–80 (where it has no cold start to pay for, as the TypeScript lists have). */
export const FLAT_BELOW_K = 65;

export class FlatSeeding {
  chosen = 0;
  readonly centres: Float64Array;
  /** Points rounded up to even, the last one a padding point of weight 0 when n is odd. */
  private readonly m: number;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly zs: Float64Array;
  private readonly w: Float64Array;
  /** Squared distance of each point to its nearest centre so far. */
  private readonly dist: Float64Array;
  /** Each point's nearest centre so far, as float64 (the kernel selects whole lanes). */
  private readonly labels: Float64Array;
  /** Σ w·dist of each block of BLOCK points. */
  private readonly pot: Float64Array;
  private readonly compiled: Record<string, (...args: number[]) => number> | undefined;

  constructor(points: Float64Array, private readonly n: number, weights: Float64Array, k: number, kernel: Kernel = 'wasm') {
    const m = (this.m = n + (n & 1));
    const blocks = Math.ceil(m / BLOCK);
    const arena = new Arena(Arena.size(...Array(6).fill(8 * m), 8 * blocks), WASM_BASE64, kernel, true);
    this.xs = arena.f64(m);
    this.ys = arena.f64(m);
    this.zs = arena.f64(m);
    this.w = arena.f64(m);
    this.dist = arena.f64(m);
    this.labels = arena.f64(m);
    this.pot = arena.f64(blocks);
    for (let i = 0; i < n; i++) {
      this.xs[i] = points[3 * i];
      this.ys[i] = points[3 * i + 1];
      this.zs[i] = points[3 * i + 2];
      this.w[i] = weights[i];
    }
    this.dist.fill(Infinity);
    this.compiled = arena.exports;
    this.centres = new Float64Array(k * 3);
  }

  /** Total potential Σ w·D² (0 once every point with weight sits on a centre). */
  potential(): number {
    let total = 0;
    for (let b = 0; b < this.pot.length; b++) total += this.pot[b];
    return total;
  }

  /** The point at `target` ∈ [0, total) of the potential: a block by its potential, then a point. */
  sample(target: number): number {
    const { pot, w, dist, m } = this;
    let b = 0;
    for (; b < pot.length - 1; b++) {
      if (target < pot[b]) break;
      target -= pot[b];
    }
    // Rounding can leave the target past the last point of its block: then the last with a share.
    let acc = 0;
    let last = -1;
    for (let i = b * BLOCK, end = Math.min(m, i + BLOCK); i < end; i++) {
      const mass = w[i] * dist[i];
      if (!(mass > 0)) continue;
      acc += mass;
      last = i;
      if (target < acc) break;
    }
    if (last >= 0) return last;
    // An empty block (its potential was rounding dust): the first point with a share anywhere.
    for (let i = 0; i < m; i++) if (w[i] * dist[i] > 0) return i;
    return 0;
  }

  /** How much the potential would drop with a centre at point y. */
  gainOf(y: number): number {
    const { xs, ys, zs, w, dist, m } = this;
    if (this.compiled) return this.compiled.gain(m, y, xs.byteOffset, ys.byteOffset, zs.byteOffset, w.byteOffset, dist.byteOffset);
    const cx = xs[y];
    const cy = ys[y];
    const cz = zs[y];
    // Two sums, of the even and of the odd points, as the kernel's two lanes.
    let even = 0;
    let odd = 0;
    for (let i = 0; i < m; i += 2) {
      let dx = xs[i] - cx;
      let dy = ys[i] - cy;
      let dz = zs[i] - cz;
      const a = dist[i] - (dx * dx + dy * dy + dz * dz);
      if (a > 0) even += w[i] * a;
      dx = xs[i + 1] - cx;
      dy = ys[i + 1] - cy;
      dz = zs[i + 1] - cz;
      const b = dist[i + 1] - (dx * dx + dy * dy + dz * dz);
      if (b > 0) odd += w[i + 1] * b;
    }
    return even + odd;
  }

  /** Makes point y the next centre. */
  add(y: number): void {
    const { xs, ys, zs, w, dist, labels, pot, m } = this;
    const j = this.chosen++;
    this.centres[3 * j] = xs[y];
    this.centres[3 * j + 1] = ys[y];
    this.centres[3 * j + 2] = zs[y];
    if (this.compiled) {
      this.compiled.add(m, y, j, xs.byteOffset, ys.byteOffset, zs.byteOffset, w.byteOffset, dist.byteOffset, labels.byteOffset, pot.byteOffset);
      return;
    }
    const cx = xs[y];
    const cy = ys[y];
    const cz = zs[y];
    for (let b = 0; b < pot.length; b++) {
      let even = 0;
      let odd = 0;
      for (let i = b * BLOCK, end = Math.min(m, i + BLOCK); i < end; i++) {
        const dx = xs[i] - cx;
        const dy = ys[i] - cy;
        const dz = zs[i] - cz;
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 < dist[i]) {
          dist[i] = d2;
          labels[i] = j;
        }
        if (i & 1) odd += w[i] * dist[i];
        else even += w[i] * dist[i];
      }
      pot[b] = even + odd;
    }
  }

  /** Each point's nearest centre. */
  writeLabels(out: Uint16Array): void {
    for (let i = 0; i < this.n; i++) out[i] = this.labels[i];
  }
}
