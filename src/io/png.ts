// PNG encoder: indexed PNGs of exactly the colours given, at the smallest bit depth, the smaller of
// two candidates (filter None, or the filtered rows a quick deflate ranks first) deflated by
// libdeflate; truecolour PNGs of quantized pixels; and the truecolour PNG of an original image, the
// baseline of the size percentages.
//
// sharp's palette output re-quantizes with libimagequant and picks its own palette order; writing
// the chunks here keeps the k-means palette bit for bit and lets us choose what makes the file small,
// measured against pngquant (see encodeIndexedPng).
import { crc32 } from 'node:zlib';
import { deflateInParts } from './deflate-parts.js';
import { libdeflateZlib } from './libdeflate.js';
import { adjacencyChainOrder, colourChainOrder, luminanceOrder, reorderPalette } from './palette-order.js';
import { filterRows, packRows, type FilterMode, type PackedRows } from './png-rows.js';
import { deflateAsync } from './zlib-jobs.js';

export interface IndexedImage {
  width: number;
  height: number;
  /** Palette, RGBA, 4 bytes a colour, at most 256 colours. */
  palette: Uint8Array;
  /** Palette index of each pixel, row-major. */
  indices: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** A PNG chunk: length, type, data and CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Smallest PNG bit depth that holds `colours` palette entries. */
export function bitDepthFor(colours: number): 1 | 2 | 4 | 8 {
  if (colours <= 2) return 1;
  if (colours <= 4) return 2;
  if (colours <= 16) return 4;
  return 8;
}

// Above this many pixels, filter None and one zlib deflate at BIG_LEVEL, in parts on zlib's
// threads (deflate-parts.ts). On the 24 MP image of the benchmark (china.jpg upscaled) at K = 256,
// levels 6 / 7 / 8 / 9 in one stream gave 4.36 / 4.29 / 4.15 / 4.14 MB in 0.48 / 0.67 / 1.55 /
// 2.24 s, and level 8 in parts 4.15 MB in 0.97 s (level 9: 1.30 s). pngquant wrote 4.20 MB.
// libdeflate, one thread and one stream, would take seconds there.
const NEAR_OPTIMAL_MAX_PIXELS = 4 << 20;
const BIG_LEVEL = 8;
/** Rows up to this many bytes get libdeflate's level 11, larger ones level 10 (see encodeIndexedPng). */
const LEVEL_11_MAX_BYTES = 1 << 20;
/**
 * Level 11's optimisation passes on 8-bit rows: 2 (level 10's cap) instead of its 4. On 14 sets of
 * 8-bit rows (the fixtures at K = 32, 64, 128 and 256; two more photos and a smooth gradient at 64
 * and 256), 0.27% more bytes in all (china.jpg K = 256 0.04%, K = 64 0.35%; at most 1.2%, the
 * gradient at K = 256, and 1.0% a photo at K = 256) for 27% less time: china.jpg K = 256 about
 * 15 ms less in a fresh process. Three passes: 13% less for 0.03% more; level 10: 42% less for
 * 0.7% more (0.02-2.4% on photos, 9-29% on the gradient). Packed rows (K ≤ 16), smaller and
 * quicker, keep all 4 (the cap: 0.1-0.7% more there).
 */
const PASSES_8_BIT = 2;

/** Rows of one candidate: a palette order and a filter. */
interface Candidate {
  palette: Uint8Array;
  raw: Buffer;
}

// Filtered candidates by palette order, for packed rows (1-4 bits) and 8-bit rows. On the chained
// orders, the filters that won with zlib on five images at K = 2..256 (the fixtures, two more
// photos and a screenshot), when the encoder before tried them all; on the palette darkest first,
// libpng's adaptive choice (Up on packed rows), which the quick deflate ranks first on two photos
// at K ≥ 64 and on smooth gradients.
const FILTERED_TRIALS: Record<'packed' | 8, { luminance: FilterMode[]; adjacency: FilterMode[]; colour: FilterMode[] }> = {
  packed: { luminance: [2], adjacency: [2], colour: [2] },
  8: { luminance: ['adaptive'], adjacency: [1, 'adaptive'], colour: [1] },
};

/**
 * The filtered candidate that a quick deflate ranks first is deflated only where its quick size
 * is below this share of None's. On 30 files (the fixtures, two more photos, a smooth gradient and
 * an RGBA image with translucent stripes, at K = 4, 16, 64, 128 and 256), it won in full at a
 * quick share of 0.82-0.91 (the RGBA image at K = 128 and 256 by 10-14%, a photo at K = 256 by
 * 2.5%) and lost at 0.936-0.949 (photos at K = 256: 0.5-5% larger in full); but wins at 0.94-0.99
 * are missed (2.5-9%: the RGBA image at K = 4, 16 and 64, flower.jpg K = 16, a photo at K = 64),
 * and the smooth gradient at K = 64 (0.923) is deflated for nothing.
 */
const FILTERED_QUICK_SHARE = 0.92;

// The quick deflate: zlib level 1 on one band of 16 rows in three, on zlib's threads. On the 35
// files of five images at K = 4..256 it ranked the candidates as a deflate of every row did (a
// tenth of the rows as every tenth band of 16 did not), for a third of the time.
const QUICK_BAND_ROWS = 16;
const QUICK_EVERY_BANDS = 3;

async function quickSize(raw: Buffer, lineBytes: number): Promise<number> {
  const bands: Buffer[] = [];
  const band = QUICK_BAND_ROWS * lineBytes;
  for (let at = 0; at < raw.length; at += band * QUICK_EVERY_BANDS) bands.push(raw.subarray(at, at + band));
  return (await deflateAsync(Buffer.concat(bands), { level: 1, memLevel: 9 })).length;
}

/**
 * Encodes an indexed PNG with PLTE (and tRNS when any colour is not opaque): the same RGBA pixels,
 * at the smallest bit depth that holds the palette. Deflated by libdeflate (libdeflate.ts) at
 * level 11 (2 optimisation passes on 8-bit rows: PASSES_8_BIT), 10 above a MiB of rows; of two
 * candidates, the smaller is kept (None on a tie):
 * - Filter None, the palette darkest first (at 1 bit the common colour's zero bytes then join each
 *   row's filter byte 0: china K=2 1.8% smaller). With the near-optimal parsing of libdeflate's
 *   levels 10-12 it wins on photos: on 48 files of six images at K = 2..256 (the fixtures, two
 *   more photos, a smooth gradient and a screenshot), other palette orders and filters beat it on
 *   3 only (by 0.9-1.5%), and it was 2-10% smaller than zlib's best of all of them on 46 (the
 *   encoder before: china.jpg K = 128 114,598 bytes against 121,085; flower.jpg K = 64 51,828
 *   against 57,189; with 2 passes, 114,662 and 51,962).
 * - The filtered rows a quick deflate ranks first (FILTERED_TRIALS: the palette darkest first, or
 *   chained by adjacency in the image or through colour space, so that colours that touch get
 *   close indices), deflated only where the quick deflate says they may win
 *   (FILTERED_QUICK_SHARE): smooth, noisy images (a 200-colour gradient with noise: 34% smaller)
 *   and images with regular structure (translucent stripes: 14%). The ranking runs on zlib's
 *   threads while this thread deflates None.
 * Against level 11's own 4 passes, level 10 would take 20% less time for 0.1-2% more bytes on
 * photos (16-21% on the smooth gradient); level 12 25% more for 0-0.6% less. Without WebAssembly,
 * zlib at level 9.
 */
export async function encodeIndexedPng(image: IndexedImage): Promise<Buffer> {
  const colours = image.palette.length / 4;
  if (colours < 1 || colours > 256) throw new RangeError(`an indexed PNG holds 1 to 256 colours, not ${colours}`);
  const { width, height } = image;
  const depth = bitDepthFor(colours);
  if (width * height > NEAR_OPTIMAL_MAX_PIXELS) {
    const raw = filterRows(packRows(image.indices, width, height, depth), 0);
    const idat = await deflateInParts(raw, BIG_LEVEL);
    return assemble(width, height, depth, image.palette, idat);
  }
  const luminance = luminanceOrder(image.palette);
  const luminanceRows = packRows(image.indices, width, height, depth, luminance);
  const lineBytes = luminanceRows.rowBytes + 1;
  const level = luminanceRows.rowBytes * height <= LEVEL_11_MAX_BYTES ? 11 : 10;
  const passes = level === 11 && depth === 8 ? PASSES_8_BIT : undefined;
  const none: Candidate = { palette: reorderPalette(image.palette, luminance), raw: filterRows(luminanceRows, 0) };
  const quickNone = quickSize(none.raw, lineBytes);
  const filtered: Candidate[] = [];
  const quick: Promise<number>[] = [];
  const add = (
    order: Uint8Array,
    filters: FilterMode[],
    rows = packRows(image.indices, width, height, depth, order),
    palette = reorderPalette(image.palette, order),
  ) => {
    for (const filter of filters) {
      const candidate = { palette, raw: filterRows(rows, filter) };
      filtered.push(candidate);
      // Ranked as soon as made, so that zlib's threads work while the next is built.
      quick.push(quickSize(candidate.raw, lineBytes));
    }
  };
  const trials = FILTERED_TRIALS[depth === 8 ? 8 : 'packed'];
  add(luminance, trials.luminance, luminanceRows, none.palette);
  if (colours > 2) {
    add(adjacencyChainOrder(image.palette, image.indices, width), trials.adjacency);
    add(colourChainOrder(image.palette), trials.colour);
  }
  const candidates = [none];
  let idats = [libdeflateZlib(none.raw, level, passes)];
  const [noneSize, ...sizes] = await Promise.all([quickNone, ...quick]);
  const front = sizes.indexOf(Math.min(...sizes));
  if (sizes[front] < FILTERED_QUICK_SHARE * noneSize) {
    candidates.push(filtered[front]);
    idats.push(libdeflateZlib(filtered[front].raw, level, passes));
  }
  if (idats.some((idat) => idat === undefined)) {
    idats = await Promise.all(candidates.map(({ raw }) => deflateAsync(raw, { level: 9, memLevel: 9 })));
  }
  let best = 0;
  for (let i = 1; i < idats.length; i++) if (idats[i]!.length < idats[best]!.length) best = i;
  return assemble(width, height, depth, candidates[best].palette, idats[best]!);
}

/**
 * A lossless truecolour PNG (8 bits, RGB or RGBA) of `pixels`: each row's filter by libpng's
 * minimum-sum heuristic, then zlib at level 5. The baseline of the size percentages, made here so
 * that a run on a PNG need not load sharp. sharp (libspng, zlib-ng) wrote it at level 6 before;
 * node's zlib at 5 gives the same sizes for the same CPU (china.jpg 487,486 bytes against 487,490,
 * flower.jpg 362,511 against 364,876; 30-35 and 40-50 ms, as sharp's), where its level 6 takes
 * 36 and 72 ms to deflate for 0.6-1.4% less.
 */
export async function encodeTruecolourPng(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): Promise<Buffer> {
  const raw = filterRows(truecolourRows(pixels, width, height, channels), 'adaptive');
  const idat = await deflateAsync(raw, { level: 5 });
  return assembleTruecolour(width, height, channels, idat);
}

/** Rows of a truecolour image with their zero row above (for filterRows). */
function truecolourRows(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): PackedRows {
  const rowBytes = width * channels;
  const rows = new Uint8Array(rowBytes * (height + 1));
  rows.set(pixels.subarray(0, rowBytes * height), rowBytes);
  return { rows, rowBytes, height, bytesPerPixel: channels };
}

function assembleTruecolour(width: number, height: number, channels: 3 | 4, idat: Uint8Array): Buffer {
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', header(width, height, 8, channels === 3 ? 2 : 6)), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

// Above this many bytes of pixels, libdeflate at level 10 (about 0.12 ms a KiB, one thread) would
// take longer than sharp's zlib-ng, which then writes the PNG (see write.ts).
const QUANTIZED_TRUECOLOUR_MAX_BYTES = 2 << 20;

/**
 * A truecolour PNG of quantized pixels (more than 256 colours, RGB or RGBA): filter None (with a
 * few thousand colours, exact repeats are what deflate finds, and filters break them) and
 * libdeflate at level 10. china.jpg K = 1024: 254,445 bytes against sharp's 274,088 (zlib-ng level
 * 9), K = 512 211,509 against 228,536; flower.jpg K = 1024 189,724 against 214,645; 100-140 ms a
 * deflate. Level 11 saves 0.2-0.6% more for 40% more time; libdeflate's levels 6-9 are larger
 * than sharp's file. Undefined above QUANTIZED_TRUECOLOUR_MAX_BYTES of pixels, or where
 * WebAssembly cannot run libdeflate: the caller then has sharp write it.
 */
export function encodeQuantizedTruecolourPng(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): Buffer | undefined {
  if (pixels.length > QUANTIZED_TRUECOLOUR_MAX_BYTES) return undefined;
  const idat = libdeflateZlib(filterRows(truecolourRows(pixels, width, height, channels), 0), 10);
  return idat && assembleTruecolour(width, height, channels, idat);
}

/** IHDR's data: deflate compression, adaptive filtering, no interlace. */
function header(width: number, height: number, depth: number, colourType: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  return ihdr;
}

function assemble(width: number, height: number, depth: number, palette: Uint8Array, idat: Buffer): Buffer {
  const colours = palette.length / 4;
  const plte = Buffer.alloc(colours * 3);
  let lastTranslucent = -1;
  for (let i = 0; i < colours; i++) {
    plte[i * 3] = palette[i * 4];
    plte[i * 3 + 1] = palette[i * 4 + 1];
    plte[i * 3 + 2] = palette[i * 4 + 2];
    if (palette[i * 4 + 3] !== 255) lastTranslucent = i;
  }
  const parts = [SIGNATURE, pngChunk('IHDR', header(width, height, depth, 3)), pngChunk('PLTE', plte)];
  if (lastTranslucent >= 0) {
    const trns = Buffer.alloc(lastTranslucent + 1);
    for (let i = 0; i <= lastTranslucent; i++) trns[i] = palette[i * 4 + 3];
    parts.push(pngChunk('tRNS', trns));
  }
  parts.push(pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
