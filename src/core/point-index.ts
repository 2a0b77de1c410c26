// What the fits of one set of points can share, made once when first needed: the points' Morton
// order (the seeding's working order from K = 32 on) and the k-d tree of the filtering Lloyd (small
// K, exact sums). kmeans makes one a call; callers that fit the same points at several K (a sweep)
// keep one and pass it in.
import { exactSums } from './lloyd-update.js';
import { mortonOrder } from './morton.js';
import { PointTree } from './point-tree.js';

export class PointIndex {
  private morton: { order: Int32Array; codes: Uint32Array } | undefined;
  private tree: PointTree | null | undefined;

  /**
   * An index over exactly these points (n·d) and weights, which must not change while it is used;
   * `made` (optional): their Morton order and k-d tree, when the caller has them already.
   */
  constructor(
    readonly points: Float64Array,
    readonly n: number,
    readonly d: number,
    readonly weights: Float64Array,
    made: { morton?: { order: Int32Array; codes: Uint32Array }; tree?: PointTree } = {},
  ) {
    this.morton = made.morton;
    this.tree = made.tree;
  }

  /** The points' Morton codes and the permutation that sorts them (see morton.ts). */
  mortonOrder(): { order: Int32Array; codes: Uint32Array } {
    this.morton ??= mortonOrder(this.points, this.n, this.d);
    return this.morton;
  }

  /** The k-d tree of the filtering Lloyd, or undefined when the sums are not exact (then the pruned Lloyd runs). */
  smallKTree(): PointTree | undefined {
    if (this.tree === undefined) {
      const { points, n, d, weights } = this;
      this.tree = exactSums(points, n, d, weights) ? new PointTree(points, n, d, weights, this.mortonOrder()) : null;
    }
    return this.tree ?? undefined;
  }
}
