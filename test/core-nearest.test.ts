// Exact nearest-centre searches (k-d tree, centre rows, the remap) against a plain scan.
import { describe, expect, it } from 'vitest';
import { CentreTree, foundDist2, foundLabel, nearestList, nearestOne } from '../src/core/kdtree.js';
import { assignNearest } from '../src/core/nearest.js';
import { CentreRows, walkNearest } from '../src/core/rows.js';
import { allocateLloyd, wasmKernelAvailable, WASM_ROWS_MAX_K } from '../src/core/lloyd-memory.js';
import { makeRng } from '../src/core/rng.js';

/** The m nearest by a plain scan: by distance, then index (the first is the brute-force label). */
function bruteList(x: Float64Array, i: number, c: Float64Array, d: number, m: number): { labels: number[]; dist2: number[] } {
  const k = c.length / d;
  const all = Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = x[i * d + t] - c[j * d + t];
      s += diff * diff;
    }
    return { j, s };
  });
  all.sort((a, b) => a.s - b.s || a.j - b.j);
  const top = all.slice(0, m);
  return { labels: top.map((e) => e.j), dist2: top.map((e) => e.s) };
}

/** Points and centres on a coarse integer grid (ties everywhere), or uniform floats. */
function data(n: number, k: number, d: number, seed: number, grid: boolean): { x: Float64Array; c: Float64Array } {
  const rng = makeRng(seed);
  const value = () => (grid ? Math.floor(rng() * 9) * 16 : rng() * 255);
  const x = Float64Array.from({ length: n * d }, value);
  const c = Float64Array.from({ length: k * d }, value);
  return { x, c };
}

const CASES = [
  [3, 5, false],
  [3, 40, true],
  [3, 300, false],
  [3, 300, true],
  [4, 100, false],
  [4, 100, true],
  [3, 1500, false],
] as const;

describe('k-d tree over the centres', () => {
  it.each(CASES)('finds the 4 nearest exactly, ties included (d=%i, K=%i, grid=%s)', (d, k, grid) => {
    const { x, c } = data(2000, k, d, k + d, grid);
    const tree = new CentreTree(k, d);
    tree.build(c, k);
    const rng = makeRng('seeds');
    for (let i = 0; i < 2000; i++) {
      const expected = bruteList(x, i, c, d, Math.min(4, k));
      // Seeds: anything, even wrong or repeated; they only speed the search up.
      const s1 = Math.floor(rng() * k);
      nearestList(x, i, tree, c, Math.min(4, k), s1, i % 3 === 0 ? s1 : Math.floor(rng() * k), -1);
      expect(Array.from(foundLabel.subarray(0, expected.labels.length))).toEqual(expected.labels);
      expect(Array.from(foundDist2.subarray(0, expected.labels.length))).toEqual(expected.dist2);
      nearestOne(x, i, tree, c, s1);
      expect(foundLabel[0]).toBe(expected.labels[0]);
    }
  });

  it('copes with every centre in one place', () => {
    const c = new Float64Array(50 * 3).fill(9);
    const tree = new CentreTree(50, 3);
    tree.build(c, 50);
    const x = Float64Array.from([0, 0, 0, 9, 9, 9]);
    for (let i = 0; i < 2; i++) {
      nearestList(x, i, tree, c, 4, 37, 12, -1);
      expect(Array.from(foundLabel.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    }
  });
});

describe('centre rows', () => {
  it.each(CASES)('walks to the 4 nearest exactly or says it ran out (d=%i, K=%i, grid=%s)', (d, k, grid) => {
    const { x, c } = data(2000, k, d, 7 * k + d, grid);
    const tree = k > 25 ? new CentreTree(k, d) : undefined;
    tree?.build(c, k);
    const rows = new CentreRows(k, d);
    rows.update(c, () => tree);
    let walked = 0;
    for (let i = 0; i < 2000; i++) {
      const expected = bruteList(x, i, c, d, Math.min(4, k));
      // Start from the true label (as Lloyd does) for most points, from anywhere for some.
      const start = i % 5 === 0 ? i % k : expected.labels[0];
      if (walkNearest(x, i, rows, c, start, Math.min(4, k), 1e-9)) {
        walked++;
        expect(Array.from(foundLabel.subarray(0, expected.labels.length))).toEqual(expected.labels);
        expect(Array.from(foundDist2.subarray(0, expected.labels.length))).toEqual(expected.dist2);
      }
    }
    expect(walked).toBeGreaterThan(1000);
  });

  it('stay exact while the centres drift, found again or not', () => {
    const d = 3;
    const k = 400;
    const { x, c } = data(600, k, d, 99, false);
    const tree = new CentreTree(k, d);
    const rows = new CentreRows(k, d);
    const rng = makeRng('drift');
    for (let step = 0; step < 12; step++) {
      // Small moves (rows kept, refreshed) and now and then a big one (rows found again).
      const size = step % 4 === 3 ? 20 : 0.3;
      for (let t = 0; t < c.length; t++) c[t] += (rng() - 0.5) * size;
      tree.build(c, k);
      rows.update(c, () => tree);
      for (let i = 0; i < 600; i++) {
        const expected = bruteList(x, i, c, d, 4);
        if (walkNearest(x, i, rows, c, expected.labels[1], 4, 1e-9)) {
          expect(Array.from(foundLabel.subarray(0, 4))).toEqual(expected.labels);
        }
        expect(rows.nearestBound(expected.labels[0])).toBeLessThanOrEqual(
          Math.sqrt(bruteList(c, expected.labels[0], c, d, 2).dist2[1]) + 1e-9,
        );
      }
    }
    expect(rows.builds).toBeGreaterThan(1);
    expect(rows.builds).toBeLessThan(12);
  });
});

describe('centre rows kept by the kernel (WebAssembly)', () => {
  const KERNEL_CASES = [
    [3, 1, false],
    [3, 2, true],
    [3, 5, false],
    [3, 26, true],
    [3, 27, true],
    [3, 40, true],
    [4, 100, false],
    [4, 100, true],
    [3, WASM_ROWS_MAX_K, false],
    [3, WASM_ROWS_MAX_K, true],
    // Above WASM_ROWS_MAX_K the tree finds the rows and the kernel refreshes them.
    [3, WASM_ROWS_MAX_K + 44, false],
    [4, WASM_ROWS_MAX_K + 44, true],
  ] as const;

  it.skipIf(!wasmKernelAvailable()).each(KERNEL_CASES)(
    'finds and refreshes the rows the tree and the plain scan do, while the centres drift (d=%i, K=%i, grid=%s)',
    (d, k, grid) => {
      const { c } = data(1, k, d, 3 * k + d, grid);
      const memory = allocateLloyd(1, k, d, 'wasm');
      try {
        expect(memory.rowsKernel).toBeDefined();
        expect(memory.rowsKernel!.build !== undefined).toBe(k <= WASM_ROWS_MAX_K);
        const tree = new CentreTree(k, d);
        const byKernel = new CentreRows(k, d, memory.rows, memory.rowsKernel);
        const byTree = new CentreRows(k, d);
        const byScan = new CentreRows(k, d);
        const rng = makeRng('kernel drift');
        for (let step = 0; step < 8; step++) {
          // Small moves of a fifth of the centres (rows refreshed, those of the others kept), now
          // and then a big one of all (rows found again); on the grid the centres stay on it, so
          // that ties stay.
          const big = step % 4 === 3;
          const size = big ? 40 : grid ? 16 : 0.3;
          if (step > 0) {
            for (let j = 0; j < k; j++) {
              if (!big && rng() >= 0.2) continue;
              for (let t = j * d; t < j * d + d; t++) c[t] += grid ? Math.round(((rng() - 0.5) * size) / 16) * 16 : (rng() - 0.5) * size;
            }
          }
          memory.centres.set(c);
          tree.build(c, k);
          byKernel.update(memory.centres, () => (k <= WASM_ROWS_MAX_K ? expect.unreachable('the tree is not asked for') : tree));
          byTree.update(c, () => tree);
          byScan.update(c, () => undefined);
          for (const rows of [byTree, byScan]) {
            expect(Array.from(byKernel.ids)).toEqual(Array.from(rows.ids));
            expect(Array.from(byKernel.dist)).toEqual(Array.from(rows.dist));
            expect(Array.from(byKernel.suffixMin)).toEqual(Array.from(rows.suffixMin));
            expect(Array.from(byKernel.beyond)).toEqual(Array.from(rows.beyond));
            expect(byKernel.builds).toBe(rows.builds);
          }
        }
        // Rows that hold every other centre have nothing outside to loosen: they are found once.
        if (k > 25) expect(byKernel.builds).toBeGreaterThan(1);
      } finally {
        memory.release();
      }
    },
  );
  it.skipIf(!wasmKernelAvailable())('finds the rows again through ties at every build, seeded with rows that no longer hold', () => {
    // 200 centres on 27 points: every distance ties many times over, and each step moves every
    // centre to another point, so the rows are found again each time from the old rows as seeds.
    const k = 200;
    const d = 3;
    const rng = makeRng('ties');
    const c = new Float64Array(k * d);
    const memory = allocateLloyd(1, k, d, 'wasm');
    try {
      const byKernel = new CentreRows(k, d, memory.rows, memory.rowsKernel);
      const byScan = new CentreRows(k, d);
      for (let step = 0; step < 10; step++) {
        for (let t = 0; t < c.length; t++) c[t] = Math.floor(rng() * 3) * 16 + step * 100;
        memory.centres.set(c);
        byKernel.update(memory.centres, () => expect.unreachable('the tree is not asked for'));
        byScan.update(c, () => undefined);
        expect(Array.from(byKernel.ids)).toEqual(Array.from(byScan.ids));
        expect(Array.from(byKernel.beyond)).toEqual(Array.from(byScan.beyond));
      }
      expect(byKernel.builds).toBe(10);
    } finally {
      memory.release();
    }
  });
});

describe('assignNearest', () => {
  it.each([
    [3, 6],
    [3, 200],
    [4, 50],
  ])('labels every point with its nearest centre, with or without a hint (d=%i, K=%i)', (d, k) => {
    const { x, c } = data(3000, k, d, k, true);
    const hint = Uint16Array.from({ length: 3000 }, (_, i) => (i * 7) % k);
    for (const h of [undefined, hint]) {
      const { labels, dist2 } = assignNearest(x, 3000, d, c, k, h);
      for (let i = 0; i < 3000; i++) {
        const expected = bruteList(x, i, c, d, 1);
        expect(labels[i]).toBe(expected.labels[0]);
        expect(dist2[i]).toBe(expected.dist2[0]);
      }
    }
  });
});

describe('assignNearest on many points without hints (the grid hints)', () => {
  it('labels every point with its nearest centre, as from any other start', () => {
    const n = (1 << 18) + 3;
    const k = 64;
    const rng = makeRng('grid');
    // Colours in a slab (the grid's box is not a cube), with exact ties from integer coordinates.
    const x = Float64Array.from({ length: 3 * n }, (_, t) => Math.floor(rng() * (t % 3 === 1 ? 40 : 256)));
    const c = Float64Array.from({ length: 3 * k }, (_, t) => Math.floor(rng() * (t % 3 === 1 ? 40 : 256)));
    const viaGrid = assignNearest(x, n, 3, c, k);
    const fromZero = assignNearest(x, n, 3, c, k, new Uint16Array(n));
    expect(viaGrid.labels).toEqual(fromZero.labels);
    expect(viaGrid.dist2).toEqual(fromZero.dist2);
    for (let i = 0; i < n; i += 997) {
      const expected = bruteList(x, i, c, 3, 1);
      expect(viaGrid.labels[i]).toBe(expected.labels[0]);
      expect(viaGrid.dist2[i]).toBe(expected.dist2[0]);
    }
  });
});
