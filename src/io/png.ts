// Indexed PNG encoder: writes exactly the colours it is given, at the bit depth, palette order, row
// filters and deflate settings that make the file smallest among a few cheap trials. Also the
// truecolour PNG of an original image, the baseline of the size percentages.
//
// sharp's palette output re-quantizes with libimagequant and picks its own palette order; writing
// the chunks here keeps the k-means palette bit for bit and lets us choose what makes the file small,
// measured against pngquant (see encodeIndexedPng).
import { crc32, constants } from 'node:zlib';
import { deflateInParts } from './deflate-parts.js';
import { adjacencyChainOrder, colourChainOrder, luminanceOrder, reorderPalette } from './palette-order.js';
import { filterRows, packRows, type FilterMode } from './png-rows.js';
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

// Above this many raw bytes, no trials: filter None and one deflate at BIG_LEVEL, in parts on
// zlib's threads (deflate-parts.ts). On the 24 MP image of the benchmark (china.jpg upscaled) at
// K = 256 the trials' pick came out 1% larger than filter None at level 6, in 7× the time; at
// levels 6 / 7 / 8 / 9, one stream gave 4.36 / 4.29 / 4.15 / 4.14 MB in 0.48 / 0.67 / 1.55 /
// 2.24 s, and level 8 in parts 4.15 MB in 0.97 s (level 9: 1.30 s). pngquant wrote 4.20 MB.
const EXHAUSTIVE_BELOW_BYTES = 4 << 20;
const BIG_LEVEL = 8;

/** Scanlines on trial: one palette order, one filter. */
interface Candidate {
  palette: Uint8Array;
  filter: FilterMode;
  raw: Buffer;
}

/** The filters tried on a chained palette order: ranked by a level-1 deflate, and deflated with RLE. */
interface ChainTrials {
  ranked: FilterMode[];
  rle: FilterMode[];
}

// Filters on trial by palette order, packed rows (1-4 bits) or 8 bits; measured on five images at
// K = 2..256 (the fixtures, two more photos and a screenshot): on packed rows Up wins, with the
// filtered or the RLE strategy. On 8-bit rows Sub or adaptive wins with the filtered strategy
// (Up never did, nor Paeth, nor the colour chain's adaptive), while with RLE Paeth or the
// adjacency chain's adaptive rows win (3 of 40 files, by 0.2-1.1%).
const CHAIN_TRIALS: Record<'packed' | 8, { adjacency: ChainTrials; colour: ChainTrials }> = {
  packed: { adjacency: { ranked: [2], rle: [2] }, colour: { ranked: [2], rle: [2] } },
  8: { adjacency: { ranked: [1, 'adaptive'], rle: ['adaptive', 4] }, colour: { ranked: [1], rle: [4] } },
};

// The ranking deflates one band of scanlines in three: on the 35 files of five images at K = 4..256
// that picked the same candidate as the whole image (a tenth of the rows as every tenth band of 16
// did not), for a third of the time.
const RANKING_BAND_ROWS = 16;
const RANKING_EVERY_BANDS = 3;

function rankingSample(raw: Buffer, lineBytes: number): Buffer {
  const bands: Buffer[] = [];
  const band = RANKING_BAND_ROWS * lineBytes;
  for (let at = 0; at < raw.length; at += band * RANKING_EVERY_BANDS) bands.push(raw.subarray(at, at + band));
  return Buffer.concat(bands);
}

/**
 * Encodes an indexed PNG with PLTE (and tRNS when any colour is not opaque): the same RGBA pixels,
 * as small as a few cheap trials make them, at the smallest bit depth that holds the palette:
 * - Filter None, palette darkest first: with None the order hardly matters to deflate (relabelling
 *   keeps every repeat), but at 1 bit the common colour's zero bytes then join each row's filter
 *   byte 0 (china K=2: 1.8% smaller). It wins most files at K ≤ 32 and some up to 256.
 * - Filters on palettes ordered so that colours that touch get close indices (a chain by adjacency
 *   in the image, and one through colour space; see CHAIN_TRIALS): 2-5% smaller at K ≥ 64 and on
 *   flower.jpg at K = 8, 16.
 * - The ranked candidates get a level-1 deflate (of a third of the rows, 1 ms each) and only the
 *   smallest gets the final level, with the strategy that can win on it (measured on the 40 files):
 *   8-bit None the default (the filtered one was 0.7-12% larger every time), packed None both
 *   (the default smaller 17 times in 20, the filtered 3), filtered rows the filtered one (the
 *   default never gave the smallest file). The RLE trials (1-2 ms each) run alongside.
 * On 8-bit rows, level 9 would save 0.2-0.5% more at 2.5× the time (flower.jpg K = 256: 150 ms
 * instead of 60) and level 7 costs 0.5-7% more bytes (1.8% on flower.jpg K = 128) for a third to a
 * half of the time. The final deflate of 8-bit rows runs in two halves on two of zlib's threads
 * (deflate-parts.ts): a whole process 17 ms sooner on china.jpg at K = 256, 20 ms on flower.jpg at
 * K = 128, and of the 8 files at K = 32..256 on both, 4 smaller, 3 the same, china K = 256 31
 * bytes larger. Packed rows (K ≤ 16) stay one stream (in halves, china K = 16 grew 0.2%); they are
 * a half to an eighth as many bytes and get level 9: china.jpg at K = 2, 4, 8, 16 0.1-0.3% smaller
 * (K = 16: 54,931 bytes instead of 54,975) for 5-7 ms more; flower.jpg the same bytes at K = 8, 16
 * (27-33 ms more at 16), 0.4-0.6% fewer at 2, 4.
 * Against trying every candidate with both strategies at level 8 and RLE at 9 (the encoder
 * before), these trials give the same file or a smaller one on all 40 (flower.jpg K = 256: 0.6%
 * smaller) for less than half the CPU (china.jpg K = 256: 46 ms instead of 114). All run on
 * zlib's threads; the smallest wins, ties by the fixed trial order, so the bytes never depend on
 * timing.
 */
const FINAL_LEVEL = { packed: 9, 8: 8 } as const;

export async function encodeIndexedPng(image: IndexedImage): Promise<Buffer> {
  const colours = image.palette.length / 4;
  if (colours < 1 || colours > 256) throw new RangeError(`an indexed PNG holds 1 to 256 colours, not ${colours}`);
  const { width, height } = image;
  const depth = bitDepthFor(colours);
  if (width * height > EXHAUSTIVE_BELOW_BYTES) {
    const raw = filterRows(packRows(image.indices, width, height, depth), 0);
    const idat = await deflateInParts(raw, BIG_LEVEL);
    return assemble(width, height, depth, image.palette, idat);
  }
  const ranked: Candidate[] = [];
  const quick: Promise<Buffer>[] = [];
  const rle: Candidate[] = [];
  const add = (order: Uint8Array, { ranked: rankedFilters, rle: rleFilters }: ChainTrials) => {
    const rows = packRows(image.indices, width, height, depth, order);
    const palette = reorderPalette(image.palette, order);
    for (const filter of new Set([...rankedFilters, ...rleFilters])) {
      const c: Candidate = { palette, filter, raw: filterRows(rows, filter) };
      if (rankedFilters.includes(filter)) {
        ranked.push(c);
        // Ranked as soon as made, so that zlib's threads work while the next is built.
        if (colours > 2) quick.push(deflateAsync(rankingSample(c.raw, rows.rowBytes + 1), { level: 1, memLevel: 9 }));
      }
      if (rleFilters.includes(filter)) rle.push(c);
    }
  };
  add(luminanceOrder(image.palette), { ranked: [0], rle: [] });
  if (colours > 2) {
    const trials = CHAIN_TRIALS[depth === 8 ? 8 : 'packed'];
    add(adjacencyChainOrder(image.palette, image.indices, width), trials.adjacency);
    add(colourChainOrder(image.palette), trials.colour);
  }
  // Queued behind the ranking, which the final trial waits for.
  const rleIdats = rle.map((c) => deflateAsync(c.raw, { level: 9, memLevel: 9, strategy: constants.Z_RLE }));
  const sizes = (await Promise.all(quick)).map((b) => b.length);
  const front = ranked[sizes.length > 0 ? sizes.indexOf(Math.min(...sizes)) : 0];
  const strategies =
    front.filter !== 0 ? [constants.Z_FILTERED] : depth === 8 ? [constants.Z_DEFAULT_STRATEGY] : [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED];
  const trials = [...strategies.map(() => front), ...rle];
  const idats = await Promise.all([
    ...strategies.map((strategy) =>
      depth === 8
        ? deflateInParts(front.raw, FINAL_LEVEL[8], Math.ceil(front.raw.length / 2), strategy)
        : deflateAsync(front.raw, { level: FINAL_LEVEL.packed, memLevel: 9, strategy }),
    ),
    ...rleIdats,
  ]);
  let best = 0;
  for (let i = 1; i < idats.length; i++) if (idats[i].length < idats[best].length) best = i;
  return assemble(width, height, depth, trials[best].palette, idats[best]);
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
  const rowBytes = width * channels;
  const rows = new Uint8Array(rowBytes * (height + 1));
  rows.set(pixels.subarray(0, rowBytes * height), rowBytes);
  const raw = filterRows({ rows, rowBytes, height, bytesPerPixel: channels }, 'adaptive');
  const idat = await deflateAsync(raw, { level: 5 });
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', header(width, height, 8, channels === 3 ? 2 : 6)), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
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
