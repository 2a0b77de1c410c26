// Indexed PNG encoder: writes exactly the colours it is given, at the smallest bit depth, with the
// row filters that make the file smaller of two, deflated by libdeflate. Also the truecolour PNG of
// an original image, the baseline of the size percentages.
//
// sharp's palette output re-quantizes with libimagequant and picks its own palette order; writing
// the chunks here keeps the k-means palette bit for bit and lets us choose what makes the file small,
// measured against pngquant (see encodeIndexedPng).
import { crc32, deflateSync } from 'node:zlib';
import { deflateInParts } from './deflate-parts.js';
import { libdeflateZlib } from './libdeflate.js';
import { luminanceOrder, reorderPalette } from './palette-order.js';
import { filterRows, packRows, type PackedRows } from './png-rows.js';
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
 * The filtered candidate is deflated only where its quick deflate (zlib level 1, one band of 16
 * rows in three) is below this share of None's. On 32 files (five images at K = 4..256 and a noisy
 * synthetic gradient at 3-200 colours), where the filtered won in full its quick share was
 * 0.56-0.91 (a photo at K = 256, 2.5% smaller: 0.909), except on a 97×41 test image of 12 colours
 * (0.991; 3% missed); where None won, 0.92 or more (flower.jpg K = 256: 0.972 quick, 10% larger
 * in full), except a smooth gradient without noise at K = 32 (0.851 quick, 8% larger in full,
 * deflated for nothing).
 */
const FILTERED_QUICK_SHARE = 0.92;
const QUICK_BAND_ROWS = 16;
const QUICK_EVERY_BANDS = 3;

function quickSize(raw: Buffer, lineBytes: number): number {
  const bands: Buffer[] = [];
  const band = QUICK_BAND_ROWS * lineBytes;
  for (let at = 0; at < raw.length; at += band * QUICK_EVERY_BANDS) bands.push(raw.subarray(at, at + band));
  return deflateSync(Buffer.concat(bands), { level: 1, memLevel: 9 }).length;
}

/**
 * Encodes an indexed PNG with PLTE (and tRNS when any colour is not opaque): the same RGBA pixels,
 * at the smallest bit depth that holds the palette, the palette darkest first (at 1 bit the common
 * colour's zero bytes then join each row's filter byte 0: china K=2 1.8% smaller).
 *
 * Deflated by libdeflate (libdeflate.ts) at level 11, 10 above a MiB of rows; of two candidates,
 * the smaller is kept (filter None on a tie):
 * - Filter None. With the near-optimal parsing of libdeflate's levels 10-12, on 48 files of six
 *   images at K = 2..256 (the fixtures, two more photos, a smooth gradient and a screenshot), other
 *   palette orders and filters beat it on 3 only (by 0.9-1.5%), and it was 2-10% smaller than
 *   zlib's best of those and of its strategies on 46 (the encoder before: china.jpg K = 128
 *   114,598 bytes against 121,085; flower.jpg K = 64 51,828 against 57,189).
 * - libpng's adaptive filters on 8-bit rows, Up on packed rows (1-4 bits): smaller on smooth, noisy
 *   images (a 200-colour gradient with noise: 34%) and on some photos at high K (2.5%); deflated
 *   only where a quick deflate says it may win (FILTERED_QUICK_SHARE).
 * Level 10 would take 20% less time for 0.1-2% more bytes on photos (16-21% on the smooth
 * gradient); level 12 25% more for 0-0.6% less. Without WebAssembly, zlib at level 9.
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
  const order = luminanceOrder(image.palette);
  const palette = reorderPalette(image.palette, order);
  const rows = packRows(image.indices, width, height, depth, order);
  const lineBytes = rows.rowBytes + 1;
  const level = rows.rowBytes * height <= LEVEL_11_MAX_BYTES ? 11 : 10;
  const candidates = [filterRows(rows, 0)];
  const filtered = filterRows(rows, depth === 8 ? 'adaptive' : 2);
  if (quickSize(filtered, lineBytes) < FILTERED_QUICK_SHARE * quickSize(candidates[0], lineBytes)) candidates.push(filtered);
  let idats = candidates.map((raw) => libdeflateZlib(raw, level));
  if (idats.some((idat) => idat === undefined)) {
    idats = await Promise.all(candidates.map((raw) => deflateAsync(raw, { level: 9, memLevel: 9 })));
  }
  let best = 0;
  for (let i = 1; i < idats.length; i++) if (idats[i]!.length < idats[best]!.length) best = i;
  return assemble(width, height, depth, palette, idats[best]!);
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

/** Truecolour rows of quantized pixels up to this many bytes go to libdeflate (encodeQuantizedTruecolourPng). */
export const QUANTIZED_TRUECOLOUR_MAX_BYTES = 2 << 20;

/**
 * A truecolour PNG of quantized pixels (more than 256 colours, RGB or RGBA), of at most
 * QUANTIZED_TRUECOLOUR_MAX_BYTES: filter None (with a few thousand colours, exact repeats are what
 * deflate finds, and filters break them) and libdeflate at level 10. china.jpg K = 1024: 254,445
 * bytes against sharp's 274,088 (zlib-ng level 9), K = 512 211,509 against 228,536; flower.jpg
 * K = 1024 189,724 against 214,645; 100-140 ms a deflate. Level 11 saves 0.2-0.6% more for 40%
 * more time; libdeflate's levels 6-9 are larger than sharp's file. Undefined where WebAssembly
 * cannot run libdeflate (the caller then has sharp write it).
 */
export function encodeQuantizedTruecolourPng(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): Buffer | undefined {
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
