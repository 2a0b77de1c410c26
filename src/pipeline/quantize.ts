// Quantizes one decoded image at one K: histogram (once per image), k-means, 8-bit palette, indices.
// Pure: no I/O; an image's histogram is prepared once and reused for every K of a sweep.
import type { Helper } from '../core/helper-thread.js';
import { KquantError } from '../core/errors.js';
import { buildHistogram, type Histogram } from '../core/histogram.js';
import { kmeans, KMEANS_DEFAULTS, type InitMethod } from '../core/kmeans.js';
import { FILTER_MAX_K } from '../core/lloyd-filter.js';
import { PointIndex } from '../core/point-index.js';
import { psnrDbOf } from '../core/metrics.js';
import { gatherLabels, paletteOf, roundCentres, roundPalette, type Palette } from '../core/palette.js';
import { makeRng } from '../core/rng.js';
import { drawByWeight } from '../core/sample.js';
import type { DecodedImage } from '../types.js';
import { IMAGE_TOL } from './defaults.js';

export { IMAGE_TOL } from './defaults.js';


/**
 * Least work (distinct colours × K) for which a helper thread shortens a fit, whole process, medians
 * of 11 interleaved runs. The helper takes half of Lloyd's assign steps and, from K = 64, half of
 * each seeding step's candidates (seeding-flat.ts). China.jpg at K = 128 (96,615 colours, 12.4 M):
 * 0.60–0.64 s against 0.66–0.68 without (two series); flower.jpg at K = 256 (62,941, 16 M) even
 * (0.661 against 0.663). Below: flower at K = 128 (8 M) 0.54 against 0.52, china at K = 64 (6 M)
 * even; there the fit runs on one thread and the helper stays idle.
 */
export const HELPER_FROM_WORK = 12_000_000;

/**
 * Least work for which a fit with restarts runs one of them on the helper thread (kmeans.ts,
 * restartOnHelper). The helper runs it in a fresh isolate, its first run of this code, so slower
 * than this thread's, and both threads' compilers then share the two cores: below this the other
 * runs end first and wait for it. Whole process, medians of 11-21 interleaved runs against one
 * thread: china.jpg at K = 16 (1.5 M) 0.449-0.461 s against 0.473-0.480 and K = 32 (3.1 M) 0.556
 * against 0.612, flower.jpg at K = 32 (2.0 M) 0.463 against 0.488; below, it lost: flower at
 * K = 16 (1.0 M) 0.437 against 0.426, china at K = 4 (0.4 M) 0.364 against 0.345; china at K = 8
 * (0.8 M) gained 7 ms.
 */
export const RESTART_HELPER_FROM_WORK = 1_500_000;

/**
 * Most colours for which a fit runs a restart on the helper: the helper's copies and its own
 * working memory add about 190 bytes a colour while it runs (the 24 MP photo, 1.65 M colours, at
 * K = 16: 4.06 s instead of 4.71, with a peak of 1.0 GB instead of 0.69), which this bounds.
 */
export const RESTART_HELPER_MAX_POINTS = 1 << 21;

/** How a fit of `points` at K with `restarts` uses the helper thread (when it has one), if at all (exported for tests). */
export function helperUse(points: number, k: number, restarts: number): 'steps' | 'restart' | undefined {
  const work = points * k;
  // One run on the helper beats lending it the steps of each run where the runs would not lend
  // them (up to FILTER_MAX_K, or below HELPER_FROM_WORK).
  if (restarts >= 2 && work >= RESTART_HELPER_FROM_WORK && points <= RESTART_HELPER_MAX_POINTS && (k <= FILTER_MAX_K || work < HELPER_FROM_WORK)) {
    return 'restart';
  }
  return work >= HELPER_FROM_WORK ? 'steps' : undefined;
}

/**
 * Whether quantizing `image` at K lends the helper thread the steps of its fit, as fitGroup
 * decides for its groups (every group's colours at the whole K: the largest a group's share can
 * be), for callers that plan around it: both cores are then busy until the fit ends. (A restart
 * on the helper leaves this thread's runs in single steps: china.jpg at K = 16 was 8-11 ms sooner
 * with the baseline PNG encoded alongside than after.)
 */
export function lendsHelper(image: PreparedImage, k: number, sample?: number, nInit = autoRestarts(k)): boolean {
  return image.groups.some((g) => helperUse(sample === undefined ? g.weights.length : Math.min(sample, g.weights.length), k, nInit) === 'steps');
}

/**
 * Restarts when none are asked for: k-means++ can settle in a poor local optimum at small K
 * (flower.jpg at K=8: MSE 151.8 from one start, 144.8 with the best of 3, scikit-learn 144.8),
 * and small K is where a fit is cheap. Above K=32 one start was within 0.5% of scikit-learn on
 * both fixtures.
 */
export function autoRestarts(k: number): number {
  return k <= 32 ? 3 : 1;
}

export interface FitOptions {
  /** Colours wanted, counting the fully transparent one when the image has transparent pixels. */
  k: number;
  init?: InitMethod;
  nInit?: number;
  maxIter?: number;
  /** scikit-learn's tolerance (optional, default IMAGE_TOL). */
  tol?: number;
  seed?: number;
  /** Fit on this many pixels drawn with the seed, then assign every pixel (optional, default: fit on all). */
  sample?: number;
  /** A second thread for the fit (optional; see core/helper-thread.ts): the same result, sooner. */
  helper?: Helper;
}

/**
 * Distinct colours fitted together. Opaque and translucent pixels are fitted apart, so that no
 * palette colour averages the alpha of both: opaque pixels stay opaque.
 */
export interface FitGroup {
  /** Points k-means sees, n·d. */
  points: Float32Array;
  points64: Float64Array;
  weights: Float64Array;
  /** 3 (RGB, alpha 255) or 4 (RGBA). */
  d: 3 | 4;
  /** Histogram index of each point. */
  toHistogram: Int32Array;
  /** Pixels in the group. */
  pixels: number;
  /** What every K's fit of points64 shares (Z-order, k-d tree), made by the first fit that needs it. */
  index?: PointIndex;
}

/** An image ready to quantize at any K. */
export interface PreparedImage {
  width: number;
  height: number;
  /** The pixels compared against: the decoded ones, with fully transparent pixels set to 0,0,0,0. */
  pixels: Uint8Array;
  channels: 3 | 4;
  histogram: Histogram;
  /** Translucent group first (when any), then the opaque one. */
  groups: FitGroup[];
  /** Histogram index of the fully transparent colour, or -1. */
  transparentIndex: number;
}

export interface QuantizedImage {
  k: number;
  width: number;
  height: number;
  /** RGBA, 4 bytes a colour; fully transparent entry first when present, then by pixel count. */
  palette: Uint8Array;
  /** Pixels of each palette colour. */
  counts: Float64Array;
  /** Palette index of each pixel. */
  indices: Uint8Array | Uint16Array;
  coloursUsed: number;
  /** Distinct colours of the image (the most any K can use). */
  distinctColours: number;
  /** Mean squared error a channel against the prepared pixels (0–255 scale). */
  mse: number;
  psnrDb: number;
  /** k-means objective at the fitted centres (over the sample when sampling). */
  inertia: number;
  iterations: number;
  fitMs: number;
}

/** The fit options of a job's settings (the fields of FitOptions but k, picked out). */
export function fitOptionsFrom(settings: Omit<FitOptions, 'k'>): Omit<FitOptions, 'k'> {
  const { init, nInit, maxIter, tol, seed, sample } = settings;
  return { init, nInit, maxIter, tol, seed, sample };
}

/** Histograms the image once; fully transparent pixels become one colour, 0,0,0,0. */
export function prepareImage(image: DecodedImage): PreparedImage {
  const { width, height, channels } = image;
  let pixels = image.data;
  let opaque = true;
  if (channels === 4) {
    for (let i = 3; i < pixels.length; i += 4) {
      if (pixels[i] !== 255) {
        opaque = false;
        break;
      }
    }
    if (!opaque) {
      pixels = Uint8Array.from(pixels);
      for (let i = 3; i < pixels.length; i += 4) {
        if (pixels[i] === 0) pixels[i - 3] = pixels[i - 2] = pixels[i - 1] = 0;
      }
    }
  }
  const histogram = buildHistogram(pixels, channels, opaque ? 3 : 4);
  let transparentIndex = -1;
  const n = histogram.n;
  const opaqueMembers = new Int32Array(n);
  const translucentMembers = new Int32Array(opaque ? 0 : n);
  let opaqueCount = 0;
  let translucentCount = 0;
  for (let i = 0; i < n; i++) {
    const alpha = opaque ? 255 : histogram.colours[i] & 255;
    if (alpha === 0) transparentIndex = i;
    else if (alpha === 255) opaqueMembers[opaqueCount++] = i;
    else translucentMembers[translucentCount++] = i;
  }
  const groups: FitGroup[] = [];
  if (translucentCount) groups.push(makeGroup(histogram, translucentMembers.subarray(0, translucentCount), 4));
  if (opaqueCount) groups.push(makeGroup(histogram, opaqueMembers.subarray(0, opaqueCount), 3));
  return { width, height, pixels, channels, histogram, groups, transparentIndex };
}

function makeGroup(histogram: Histogram, members: Int32Array, d: 3 | 4): FitGroup {
  const n = members.length;
  if (n === histogram.n && d === histogram.d && members[n - 1] === n - 1) {
    // Every colour, in order (an opaque image): the histogram's own arrays (nothing writes to
    // either), every pixel, and a bulk conversion, not loops that run once a process before V8 has
    // optimised them (china.jpg: about 6 ms in a fresh process, and 2 MB of copies).
    const { points, weights } = histogram;
    return { points, points64: new Float64Array(points), weights, d, toHistogram: members, pixels: histogram.index.length };
  }
  const points = new Float32Array(n * d);
  const points64 = new Float64Array(n * d);
  const weights = new Float64Array(n);
  const toHistogram = members.slice();
  const source = histogram.points;
  const hd = histogram.d;
  let pixels = 0;
  for (let f = 0; f < n; f++) {
    const i = members[f];
    for (let t = 0; t < d; t++) points64[f * d + t] = points[f * d + t] = source[i * hd + t];
    weights[f] = histogram.weights[i];
    pixels += weights[f];
  }
  return { points, points64, weights, d, toHistogram, pixels };
}

/**
 * Shares `k` colours (at least one a group) among the groups: one each, the rest in proportion to
 * their pixels, leftovers to the largest remainders.
 */
export function shareColours(groups: FitGroup[], k: number): number[] {
  const total = groups.reduce((sum, g) => sum + g.pixels, 0);
  const spare = k - groups.length;
  const exact = groups.map((g) => (spare * g.pixels) / total);
  const shares = exact.map((x) => 1 + Math.floor(x));
  let left = k - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((_, i) => i).sort((a, b) => exact[b] % 1 - exact[a] % 1 || a - b);
  for (let t = 0; left > 0; t++, left--) shares[order[t % order.length]]++;
  return shares;
}

interface GroupFit {
  palette: Palette;
  inertia: number;
  iterations: number;
}

/** k-means on one group (on a sample of it when asked), rounded to an 8-bit palette. */
function fitGroup(group: FitGroup, k: number, options: FitOptions, seed: number, sample: number | undefined): GroupFit {
  const { d } = group;
  const sampled = sample !== undefined && sample < group.pixels;
  // The points the fit sees: every distinct colour, or at most `sample` of them.
  const fitted = sampled ? Math.min(sample, group.weights.length) : group.weights.length;
  const nInit = options.nInit ?? autoRestarts(options.k);
  const use = helperUse(fitted, k, nInit);
  const kmeansOptions = {
    k,
    init: options.init,
    nInit,
    maxIter: options.maxIter,
    tol: options.tol ?? IMAGE_TOL,
    seed,
    helper: use ? options.helper : undefined,
    restartOnHelper: use === 'restart',
  };
  if (sampled) {
    // The classic notebook's method: fit on a seeded sample of pixels, then assign every pixel.
    const draws = drawByWeight(group.weights, sample, makeRng(`${seed}:sample`));
    const chosen: number[] = [];
    for (let i = 0; i < draws.length; i++) if (draws[i] > 0) chosen.push(i);
    const points = new Float32Array(chosen.length * d);
    const weights = new Float64Array(chosen.length);
    chosen.forEach((i, s) => {
      points.set(group.points.subarray(i * d, i * d + d), s * d);
      weights[s] = draws[i];
    });
    const fit = kmeans(points, d, { ...kmeansOptions, weights });
    const palette = roundPalette(fit.centres, d, group.points64, group.weights.length, group.weights);
    return { palette, inertia: fit.inertia, iterations: fit.iterations };
  }
  group.index ??= new PointIndex(group.points64, group.weights.length, d, group.weights);
  // The fit also finds each colour's nearest rounded centre (from its bounds, mostly without a search).
  const fit = kmeans(group.points64, d, { ...kmeansOptions, weights: group.weights, index: group.index, snap: roundCentres });
  const { centres: rounded, labels } = fit.snapped!;
  const palette = paletteOf(rounded, d, group.points64, group.weights.length, group.weights, labels);
  return { palette, inertia: fit.inertia, iterations: fit.iterations };
}

/** Quantizes a prepared image to at most `options.k` colours. */
export function quantizeImage(image: PreparedImage, options: FitOptions): QuantizedImage {
  // process.hrtime, not performance.now(): the `performance` global costs 2.5 ms to load.
  const started = process.hrtime.bigint();
  const seed = options.seed ?? KMEANS_DEFAULTS.seed;
  const hasTransparent = image.transparentIndex >= 0;
  const kFit = hasTransparent ? Math.max(1, options.k - 1) : options.k;
  const totalPixels = image.groups.reduce((s, g) => s + g.pixels, 0);

  // With more groups than colours, everything is fitted together in RGBA.
  const groups = image.groups.length > kFit ? [mergeGroups(image)] : image.groups;
  const shares = shareColours(groups, kFit);
  const fits = groups.map((group, g) => {
    const sample = options.sample === undefined ? undefined : Math.max(1, Math.round((options.sample * group.pixels) / totalPixels));
    return fitGroup(group, shares[g], options, seed, sample);
  });

  // Palette: the transparent entry first, then translucent colours (a short tRNS chunk), then opaque.
  const offset = hasTransparent ? 1 : 0;
  const coloursUsed = offset + fits.reduce((s, f) => s + f.palette.coloursUsed, 0);
  if (coloursUsed > 65536) throw new KquantError('INTERNAL', `too many colours: ${coloursUsed}`);
  const palette = new Uint8Array(coloursUsed * 4);
  const counts = new Float64Array(coloursUsed);
  const histogramLabel = new Uint16Array(image.histogram.n);
  if (hasTransparent) {
    counts[0] = image.histogram.weights[image.transparentIndex];
    histogramLabel[image.transparentIndex] = 0;
  }
  // One group of every colour (an opaque image, most often): its members are the histogram's
  // colours in order, and its palette's error is the image's error (both exact integer sums).
  const whole = groups.length === 1 && !hasTransparent && groups[0].toHistogram.length === image.histogram.n && groups[0].d === image.histogram.d;
  let base = offset;
  let inertia = 0;
  let iterations = 0;
  fits.forEach((fit, g) => {
    const { d, toHistogram } = groups[g];
    const p8 = fit.palette;
    for (let j = 0; j < p8.coloursUsed; j++) {
      const o = (base + j) * 4;
      palette[o] = p8.colours[j * d];
      palette[o + 1] = p8.colours[j * d + 1];
      palette[o + 2] = p8.colours[j * d + 2];
      palette[o + 3] = d === 4 ? p8.colours[j * d + 3] : 255;
      counts[base + j] = p8.counts[j];
    }
    if (whole) histogramLabel.set(p8.labels);
    else for (let f = 0; f < toHistogram.length; f++) histogramLabel[toHistogram[f]] = p8.labels[f] + base;
    base += p8.coloursUsed;
    inertia += fit.inertia;
    iterations = Math.max(iterations, fit.iterations);
  });

  const pixelCount = image.width * image.height;
  const indices = coloursUsed <= 256 ? new Uint8Array(pixelCount) : new Uint16Array(pixelCount);
  gatherLabels(image.histogram.index, histogramLabel, indices);
  // The error is summed over the distinct colours, each times its pixels: the same integer sum as
  // over every pixel (exact in float64), for a fraction of the memory traffic. Opaque images are
  // compared on RGB; images with transparency on RGBA (the histogram's d).
  const { colours, weights, n } = image.histogram;
  const compared = image.histogram.d;
  let sse = whole ? fits[0].palette.sse : 0;
  for (let i = 0; i < (whole ? 0 : n); i++) {
    const key = colours[i];
    const c = histogramLabel[i] * 4;
    const dr = (key >>> 24) - palette[c];
    const dg = ((key >>> 16) & 255) - palette[c + 1];
    const db = ((key >>> 8) & 255) - palette[c + 2];
    let e = dr * dr + dg * dg + db * db;
    if (compared === 4) {
      const da = (key & 255) - palette[c + 3];
      e += da * da;
    }
    sse += e * weights[i];
  }
  const mse = pixelCount > 0 ? sse / (pixelCount * compared) : 0;
  return {
    k: options.k,
    width: image.width,
    height: image.height,
    palette,
    counts,
    indices,
    coloursUsed,
    distinctColours: image.histogram.n,
    mse,
    psnrDb: psnrDbOf(mse),
    inertia,
    iterations,
    fitMs: Number(process.hrtime.bigint() - started) / 1e6,
  };
}

/** All non-transparent colours as one RGBA group. */
function mergeGroups(image: PreparedImage): FitGroup {
  const members = Int32Array.from(image.groups.flatMap((g) => Array.from(g.toHistogram))).sort();
  return makeGroup(image.histogram, members, image.histogram.d as 3 | 4);
}

