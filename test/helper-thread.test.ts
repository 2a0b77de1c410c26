// The seeding and the assign step split across two threads (core/helper-thread.ts, run by the
// built worker dist/parallel/helper-worker.js): the same centres, labels, iterations and even
// distance counts as one thread, on a photo's histogram and on data whose sums are not exact.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlViews, HelperThread, type Helper, type HelperLoan } from '../src/core/helper-thread.js';
import { buildHistogram } from '../src/core/histogram.js';
import { initKMeansPlusPlus } from '../src/core/init.js';
import { kmeans, meanVariance } from '../src/core/kmeans.js';
import { lloydAccelerated, lloydReference, type LloydResult } from '../src/core/lloyd.js';
import { FILTER_MAX_K } from '../src/core/lloyd-filter.js';
import { allocateLloyd } from '../src/core/lloyd-memory.js';
import { roundCentres } from '../src/core/palette.js';
import { PointIndex } from '../src/core/point-index.js';
import { offerRestart, runRestart, type RestartSettings } from '../src/core/restart.js';
import { deriveSeed, makeRng } from '../src/core/rng.js';
import { CHINA, ROOT } from './helpers.js';

const WORKER = join(ROOT, 'dist', 'parallel', 'helper-worker.js');

function expectSame(a: LloydResult, b: LloydResult): void {
  expect(a.iterations).toBe(b.iterations);
  expect(a.centres.every((v, i) => Object.is(v, b.centres[i]))).toBe(true);
  expect(a.labels).toEqual(b.labels);
  expect(a.inertia).toBe(b.inertia);
}

describe('seeding and assign step on two threads', () => {
  let worker: Worker;
  let helper: Helper;
  let attached = 0;
  beforeAll(() => {
    // npm test builds first; the worker runs the built JavaScript.
    expect(existsSync(WORKER)).toBe(true);
    worker = new Worker(WORKER);
    const thread = new HelperThread((loan) => worker.postMessage(loan));
    helper = {
      attach: (...args) => {
        const taken = thread.attach(...args);
        if (taken) attached++;
        return taken;
      },
      start: () => thread.start(),
      join: () => thread.join(),
      detach: () => thread.detach(),
    };
  });
  afterAll(async () => {
    await worker.terminate();
  });

  it('gives what one thread gives on china.jpg, K = 16, 256, 1024', async () => {
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    const x = Float64Array.from(h.points);
    const tolAbs = 1e-5 * meanVariance(x, h.n, 3, h.weights);
    for (const k of [16, 256, 1024]) {
      const hint = new Uint16Array(h.n);
      const init = initKMeansPlusPlus(x, h.n, 3, h.weights, k, makeRng(k), undefined, hint);
      // Colours are seeded by passes over blocks of points (seeding-flat.ts); from K = 64 the
      // helper weighs half of each step's candidates: the same centres and labels.
      let before = attached;
      const hintTwo = new Uint16Array(h.n);
      const initTwo = initKMeansPlusPlus(x, h.n, 3, h.weights, k, makeRng(k), undefined, hintTwo, 'wasm', helper);
      expect(attached).toBe(k >= 64 ? before + 1 : before);
      expect(initTwo.every((v, i) => Object.is(v, init[i]))).toBe(true);
      expect(hintTwo).toEqual(hint);
      before = attached;
      // The fit also snaps its centres to 8 bits (one more assign step, also on two threads).
      const snap = roundCentres;
      const two = lloydAccelerated(x, h.n, 3, h.weights, init, { maxIter: 300, tolAbs, hint, helper, snap });
      // Up to FILTER_MAX_K the filtering Lloyd runs, on this thread alone.
      expect(attached).toBe(k > FILTER_MAX_K ? before + 1 : before);
      const one = lloydAccelerated(x, h.n, 3, h.weights, init, { maxIter: 300, tolAbs, hint, snap });
      expectSame(two, one);
      expect(two.snapped).toEqual(one.snapped);
      expect(two.distanceEvaluations).toBe(one.distanceEvaluations);
      expect(two.searches).toBe(one.searches);
    }
  });

  it('gives the reference result on points whose sums are not exact', () => {
    const rng = makeRng(5);
    const n = 40_000;
    const x = new Float64Array(3 * n).map(() => rng() * 255);
    const w = new Float64Array(n).map(() => 0.5 + rng());
    const init = initKMeansPlusPlus(x, n, 3, w, 50, makeRng(6));
    const options = { maxIter: 60, tolAbs: 1e-4 * meanVariance(x, n, 3, w) };
    const before = attached;
    const two = lloydAccelerated(x, n, 3, w, init, { ...options, helper });
    expect(attached).toBe(before + 1);
    expectSame(two, lloydReference(x, n, 3, w, init, options));
  });

  it('takes the next loan after one the caller ended without waiting for its request', () => {
    // As a caller's finally does when it fails between start and join. (Whether the helper is
    // still in the request when the loan ends depends on timing: either way it must come back.)
    const first = allocateLloyd(200_000, 256, 3, 'wasm').loan!;
    const second = allocateLloyd(1000, 8, 3, 'wasm').loan!;
    const thread = new HelperThread((loan) => worker.postMessage(loan));
    for (const loan of [first, second, first]) {
      expect(thread.attach(loan)).toBe(true);
      thread.start();
      thread.detach();
    }
    expect(thread.attach(second)).toBe(true);
    thread.start();
    thread.join();
    thread.detach();
  });

  it('runs each request itself when the helper has not taken it: the same result', async () => {
    // A thread that takes the loan but never a request, as a helper without a core would.
    const stalled = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (loan) => {
         const ints = new Int32Array(loan.memory.buffer, loan.layout.control, 1);
         Atomics.compareExchange(ints, 0, 0, 1);
         Atomics.notify(ints, 0);
       });`,
      { eval: true },
    );
    try {
      const thread = new HelperThread((loan) => stalled.postMessage(loan));
      const rng = makeRng(9);
      const n = 30_000;
      const x = new Float64Array(3 * n).map(() => Math.floor(rng() * 256));
      const w = new Float64Array(n).map(() => 1 + Math.floor(rng() * 5));
      // The member-list seeding (4-D points, as colours with alpha) lends the helper its candidates.
      const x4 = new Float64Array(4 * n).map((_, i) => (i % 4 === 3 ? 255 : x[3 * Math.floor(i / 4) + (i % 4)]));
      const hint4 = new Uint16Array(n);
      const hintTwo = new Uint16Array(n);
      const init4 = initKMeansPlusPlus(x4, n, 4, w, 64, makeRng(10), undefined, hint4);
      const initTwo = initKMeansPlusPlus(x4, n, 4, w, 64, makeRng(10), undefined, hintTwo, 'wasm', thread);
      const memberTaken = thread.takenBack;
      expect(memberTaken).toBeGreaterThan(0);
      expect(initTwo.every((v, i) => Object.is(v, init4[i]))).toBe(true);
      expect(hintTwo).toEqual(hint4);
      // And the block seeding (3-D points).
      const hint = new Uint16Array(n);
      const init = initKMeansPlusPlus(x, n, 3, w, 64, makeRng(10), undefined, hint);
      const hint3 = new Uint16Array(n);
      const init3 = initKMeansPlusPlus(x, n, 3, w, 64, makeRng(10), undefined, hint3, 'wasm', thread);
      const seedingTaken = thread.takenBack;
      expect(seedingTaken).toBeGreaterThan(memberTaken);
      expect(init3.every((v, i) => Object.is(v, init[i]))).toBe(true);
      expect(hint3).toEqual(hint);
      const options = { maxIter: 100, tolAbs: 1e-5 * meanVariance(x, n, 3, w), hint };
      const two = lloydAccelerated(x, n, 3, w, init, { ...options, helper: thread });
      expect(thread.takenBack).toBeGreaterThan(seedingTaken);
      const one = lloydAccelerated(x, n, 3, w, init, options);
      expectSame(two, one);
      expect(two.distanceEvaluations).toBe(one.distanceEvaluations);
      expectSame(two, lloydReference(x, n, 3, w, init, options));
    } finally {
      await stalled.terminate();
    }
  });

  it('runs the requests itself until a late helper comes, then shares them: the same result', async () => {
    // A worker that starts serving 40 ms after its first loan comes, as a fresh one does while it
    // loads (its code is loaded before, so that only the 40 ms stand between the loan and it).
    const late = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { pathToFileURL } = require('node:url');
       const loading = import(pathToFileURL(${JSON.stringify(join(ROOT, 'dist', 'core', 'helper-thread.js'))}).href);
       let slept = false;
       parentPort.on('message', async (loan) => {
         if (!slept) {
           slept = true;
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
         }
         (await loading).serveHelper(loan);
       });`,
      { eval: true },
    );
    try {
      const thread = new HelperThread((loan) => late.postMessage(loan));
      const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
      const x = Float64Array.from(h.points);
      const w = Float64Array.from(h.weights);
      const hint = new Uint16Array(h.n);
      const init = initKMeansPlusPlus(x, h.n, 3, w, 256, makeRng(3), undefined, hint);
      const options = { maxIter: 300, tolAbs: 1e-5 * meanVariance(x, h.n, 3, w), hint };
      const one = lloydAccelerated(x, h.n, 3, w, init, options);
      // The loan comes while the worker sleeps: the first steps run here alone.
      const two = lloydAccelerated(x, h.n, 3, w, init, { ...options, helper: thread });
      expect(thread.takenBack).toBeGreaterThan(0);
      expect(thread.takenBack).toBeLessThan(two.iterations);
      expectSame(two, one);
      expect(two.distanceEvaluations).toBe(one.distanceEvaluations);
    } finally {
      await late.terminate();
    }
  });

  it('runs on one thread when the helper does not take the fit', () => {
    const rng = makeRng(7);
    const n = 20_000;
    const x = new Float64Array(3 * n).map(() => Math.floor(rng() * 256));
    const w = new Float64Array(n).fill(1);
    const init = initKMeansPlusPlus(x, n, 3, w, 40, makeRng(8));
    const options = { maxIter: 50, tolAbs: 0 };
    // A thread that never answers: every request runs on this thread.
    const silent = new HelperThread(() => {});
    expectSame(lloydAccelerated(x, n, 3, w, init, { ...options, helper: silent }), lloydReference(x, n, 3, w, init, options));
  });
});

describe('a restart offered to the helper thread', () => {
  let worker: Worker;
  let x: Float64Array;
  let w: Float64Array;
  let n: number;
  let index: PointIndex;
  let settings: RestartSettings;
  beforeAll(async () => {
    worker = new Worker(WORKER);
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    n = h.n;
    x = Float64Array.from(h.points);
    w = Float64Array.from(h.weights);
    index = new PointIndex(x, n, 3, w);
    settings = { k: 16, maxIter: 300, tolAbs: 1e-5 * meanVariance(x, n, 3, w) };
  });
  afterAll(async () => {
    await worker.terminate();
  });

  /** A helper whose offers go to `target`, each loan kept in `offers`. */
  function offering(target: Worker, offers: HelperLoan[]): HelperThread {
    const thread = new HelperThread((loan) => target.postMessage(loan));
    const offer = thread.offer.bind(thread);
    thread.offer = (loan) => {
      offers.push(loan);
      return offer(loan);
    };
    return thread;
  }

  function expectSameRun(a: LloydResult, b: LloydResult): void {
    expectSame(a, b);
    expect(a.distanceEvaluations).toBe(b.distanceEvaluations);
    expect(a.searches).toBe(b.searches);
  }

  it('gives what this thread gives when the helper runs it', async () => {
    const offers: HelperLoan[] = [];
    const thread = offering(worker, offers);
    for (const [init, seed] of [['kmeans++', 11], ['random', 12]] as const) {
      const offered = offerRestart(thread, index, settings, init, seed)!;
      // Waits until the helper has taken it (the state leaves RUN), so that it runs there.
      const { ints } = controlViews(offers[offers.length - 1].memory.buffer, 0);
      for (let waited = 0; Atomics.load(ints, 0) === 2 && waited < 20_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      const two = offered.collect();
      expect(thread.takenBack).toBe(0);
      expectSameRun(two, runRestart(index, settings, init, seed));
    }
  });

  it('kmeans with a restart on the helper gives what one thread gives, the helper\'s run the best or not', () => {
    const offers: HelperLoan[] = [];
    const thread = offering(worker, offers);
    let helperBest = 0;
    // Seeds 12 and 13: the last restart (the offered one) is the best; 10 and 11: it is not.
    for (const seed of [10, 11, 12, 13]) {
      const options = { k: 16, weights: w, nInit: 3, tol: 1e-5, seed, snap: roundCentres };
      const one = kmeans(x, 3, options);
      const before = offers.length;
      const two = kmeans(x, 3, { ...options, helper: thread, restartOnHelper: true });
      expect(offers.length).toBe(before + 1);
      expect(two.centres.every((v, i) => Object.is(v, one.centres[i]))).toBe(true);
      expect(two.labels).toEqual(one.labels);
      expect(two.inertia).toBe(one.inertia);
      expect(two.iterations).toBe(one.iterations);
      expect(two.snapped).toEqual(one.snapped);
      // Which restart won: the offered one is the last (the seeds as kmeans derives them).
      const rng = makeRng(seed);
      const seeds = [0, 1, 2].map(() => deriveSeed(rng));
      if (runRestart(index, settings, 'kmeans++', seeds[2]).inertia === one.inertia) helperBest++;
    }
    expect(helperBest).toBe(2);
    // Without restartOnHelper, or with one run, nothing is offered.
    const before = offers.length;
    kmeans(x, 3, { k: 16, weights: w, nInit: 3, tol: 1e-5, helper: thread });
    kmeans(x, 3, { k: 16, weights: w, nInit: 1, tol: 1e-5, helper: thread, restartOnHelper: true });
    expect(offers.length).toBe(before);
  });

  it('runs it on this thread when the helper does not take it, or fails it: the same result', async () => {
    // One thread takes nothing; the other takes the offer and reports a failure (state 6).
    const stalled = new Worker(`require('node:worker_threads').parentPort.on('message', () => {});`, { eval: true });
    const failing = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (loan) => {
         const ints = new Int32Array(loan.memory.buffer, loan.layout.control, 32);
         if (Atomics.compareExchange(ints, 0, 2, 5) === 2) { Atomics.store(ints, 0, 6); Atomics.notify(ints, 0); }
       });`,
      { eval: true },
    );
    try {
      for (const target of [stalled, failing]) {
        const offers: HelperLoan[] = [];
        const thread = offering(target, offers);
        const offered = offerRestart(thread, index, settings, 'kmeans++', 21)!;
        if (target === failing) {
          const { ints } = controlViews(offers[0].memory.buffer, 0);
          for (let waited = 0; Atomics.load(ints, 0) !== 6 && waited < 20_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
          expect(Atomics.load(ints, 0)).toBe(6);
        }
        expectSameRun(offered.collect(), runRestart(index, settings, 'kmeans++', 21));
        expect(thread.takenBack).toBe(1);
      }
    } finally {
      await Promise.all([stalled.terminate(), failing.terminate()]);
    }
  });
});
