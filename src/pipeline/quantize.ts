// Quantizes one decoded image at one K: histogram (once per image), k-means, 8-bit palette, indices.
// Pure: no I/O; an image's histogram is prepared once and reused for every K of a sweep.
import { KquantError } from '../core/errors.js';
import { buildHistogram, type Histogram } from '../core/histogram.js';
import { kmeans, KMEANS_DEFAULTS, type InitMethod } from '../core/kmeans.js';
import { psnrDbOf } from '../core/metrics.js';
import { roundPalette } from '../core/palette.js';
import { makeRng } from '../core/rng.js';
import { drawByWeight } from '../core/sample.js';
import type { DecodedImage } from '../types.js';

export interface FitOptions {
  /** Colours wanted, counting the fully transparent one when the image has transparent pixels. */
  k: number;
  init?: InitMethod;
  nInit?: number;
  maxIter?: number;
  tol?: number;
  seed?: number;
  /** Fit on this many pixels drawn with the seed, then assign every pixel (optional, default: fit on all). */
  sample?: number;
}

/** An image ready to quantize at any K. */
export interface PreparedImage {
  width: number;
  height: number;
  /** The pixels compared against: the decoded ones, with fully transparent pixels set to 0,0,0,0. */
  pixels: Uint8Array;
  channels: 3 | 4;
  histogram: Histogram;
  /** Points k-means sees: the distinct colours except the fully transparent one. */
  fitPoints: Float32Array;
  fitPoints64: Float64Array;
  fitWeights: Float64Array;
  /** 3 (RGB: opaque, or alpha only 0 or 255) or 4 (RGBA: translucent pixels). */
  fitD: 3 | 4;
  /** Histogram index of each fit point. */
  fitToHistogram: Int32Array;
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
  /** Mean squared error a channel against the prepared pixels (0–255 scale). */
  mse: number;
  psnrDb: number;
  /** k-means objective at the fitted centres (over the sample when sampling). */
  inertia: number;
  iterations: number;
  fitMs: number;
}

/** Histograms the image once; fully transparent pixels become one colour, 0,0,0,0. */
export function prepareImage(image: DecodedImage): PreparedImage {
  const { width, height, channels } = image;
  let pixels = image.data;
  let opaque = true;
  let binaryAlpha = true;
  if (channels === 4) {
    for (let i = 3; i < pixels.length; i += 4) {
      const a = pixels[i];
      if (a !== 255) opaque = false;
      if (a !== 0 && a !== 255) binaryAlpha = false;
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
  if (!opaque) {
    for (let i = 0; i < histogram.n; i++) if ((histogram.colours[i] & 255) === 0) transparentIndex = i;
  }
  const fitD: 3 | 4 = opaque || binaryAlpha ? 3 : 4;
  const n = histogram.n - (transparentIndex >= 0 ? 1 : 0);
  const fitPoints = new Float32Array(n * fitD);
  const fitWeights = new Float64Array(n);
  const fitToHistogram = new Int32Array(n);
  for (let i = 0, f = 0; i < histogram.n; i++) {
    if (i === transparentIndex) continue;
    for (let t = 0; t < fitD; t++) fitPoints[f * fitD + t] = histogram.points[i * histogram.d + t];
    fitWeights[f] = histogram.weights[i];
    fitToHistogram[f] = i;
    f++;
  }
  return {
    width,
    height,
    pixels,
    channels,
    histogram,
    fitPoints,
    fitPoints64: Float64Array.from(fitPoints),
    fitWeights,
    fitD,
    fitToHistogram,
    transparentIndex,
  };
}

/** Quantizes a prepared image to at most `options.k` colours. */
export function quantizeImage(image: PreparedImage, options: FitOptions): QuantizedImage {
  const started = performance.now();
  const seed = options.seed ?? KMEANS_DEFAULTS.seed;
  const hasTransparent = image.transparentIndex >= 0;
  const fitN = image.fitWeights.length;
  const d = image.fitD;
  const kFit = hasTransparent ? Math.max(1, options.k - 1) : options.k;
  const kmeansOptions = {
    k: kFit,
    init: options.init,
    nInit: options.nInit,
    maxIter: options.maxIter,
    tol: options.tol,
    seed,
  };

  let centres: Float64Array | undefined;
  let hint: Uint16Array | undefined;
  let inertia = 0;
  let iterations = 0;
  if (fitN > 0) {
    if (options.sample !== undefined && options.sample < sumOf(image.fitWeights)) {
      // The classic notebook's method: fit on a seeded sample of pixels, then assign every pixel.
      const draws = drawByWeight(image.fitWeights, options.sample, makeRng(`${seed}:sample`));
      const chosen: number[] = [];
      for (let i = 0; i < fitN; i++) if (draws[i] > 0) chosen.push(i);
      const points = new Float32Array(chosen.length * d);
      const weights = new Float64Array(chosen.length);
      chosen.forEach((i, s) => {
        points.set(image.fitPoints.subarray(i * d, i * d + d), s * d);
        weights[s] = draws[i];
      });
      const fit = kmeans(points, d, { ...kmeansOptions, weights });
      ({ centres, inertia, iterations } = fit);
    } else {
      const fit = kmeans(image.fitPoints, d, { ...kmeansOptions, weights: image.fitWeights });
      ({ centres, inertia, iterations } = fit);
      hint = fit.labels;
    }
  }

  // Palette entries: the transparent one first (a short tRNS chunk), then the fitted colours.
  const palette8 = centres ? roundPalette(centres, d, image.fitPoints64, fitN, image.fitWeights, hint) : undefined;
  const offset = hasTransparent ? 1 : 0;
  const coloursUsed = (palette8?.coloursUsed ?? 0) + offset;
  if (coloursUsed > 65536) throw new KquantError('INTERNAL', `too many colours: ${coloursUsed}`);
  const palette = new Uint8Array(coloursUsed * 4);
  const counts = new Float64Array(coloursUsed);
  const histogramLabel = new Uint16Array(image.histogram.n);
  if (hasTransparent) {
    counts[0] = image.histogram.weights[image.transparentIndex];
    histogramLabel[image.transparentIndex] = 0;
  }
  if (palette8) {
    for (let j = 0; j < palette8.coloursUsed; j++) {
      const o = (j + offset) * 4;
      palette[o] = palette8.colours[j * d];
      palette[o + 1] = palette8.colours[j * d + 1];
      palette[o + 2] = palette8.colours[j * d + 2];
      palette[o + 3] = d === 4 ? palette8.colours[j * d + 3] : 255;
      counts[j + offset] = palette8.counts[j];
    }
    for (let f = 0; f < fitN; f++) histogramLabel[image.fitToHistogram[f]] = palette8.labels[f] + offset;
  }

  const pixelCount = image.width * image.height;
  const indices = coloursUsed <= 256 ? new Uint8Array(pixelCount) : new Uint16Array(pixelCount);
  const channels = image.channels;
  // Opaque images are compared on RGB; images with transparency on RGBA.
  const compared = image.histogram.d;
  const source = image.pixels;
  const histogramIndex = image.histogram.index;
  let sse = 0;
  for (let p = 0; p < pixelCount; p++) {
    const label = histogramLabel[histogramIndex[p]];
    indices[p] = label;
    const o = p * channels;
    const c = label * 4;
    const dr = source[o] - palette[c];
    const dg = source[o + 1] - palette[c + 1];
    const db = source[o + 2] - palette[c + 2];
    sse += dr * dr + dg * dg + db * db;
    if (compared === 4) {
      const da = source[o + 3] - palette[c + 3];
      sse += da * da;
    }
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
    mse,
    psnrDb: psnrDbOf(mse),
    inertia,
    iterations,
    fitMs: performance.now() - started,
  };
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}
