// Reads plain PNGs without sharp: 8-bit RGB or RGBA, not interlaced, with no chunk that could
// change the pixels sharp would read. Loading sharp (libvips and its JavaScript, semver among it) takes
// about 37 ms of a run's start; a PNG like that needs only node's zlib and a row pass. Anything
// else (palette, grey, 16-bit, interlaced, colour profiles, transparency keys, orientation,
// animation, a bad checksum, a broken stream) is left to sharp, which reads it or says why not:
// this reader answers "not mine", never an error of its own.
import { crc32 } from 'node:zlib';
import { Arena, type Kernel } from '../core/wasm.js';
import { paeth } from './png-rows.js';
import { WASM_BASE64 } from './wasm/png-rows.generated.js';
import { inflateAsync } from './zlib-jobs.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

// Chunks that do not change the pixels sharp reads: resolution, text, time, and the colour notes
// sharp leaves aside when it decodes (sRGB, gAMA, cHRM, bKGD, sBIT: the tests check that its pixels
// are the file's own with each). Every other chunk (iCCP, whose profile sharp applies; cICP, tRNS,
// eXIf, acTL, PLTE, unknown ones…) sends the file to sharp, so that this reader never gives other
// pixels than sharp would.
const NEUTRAL_CHUNKS = new Set(['IHDR', 'IDAT', 'IEND', 'pHYs', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'sRGB', 'gAMA', 'cHRM', 'bKGD', 'sBIT']);

/** A plain PNG's header and its compressed scanlines, checked but not yet inflated. */
export interface PlainPng {
  width: number;
  height: number;
  channels: 3 | 4;
  /** The IDAT chunks' data, in order. */
  idat: Uint8Array[];
}

/** Whether `bytes` start with the PNG signature. */
function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * The header and scanline chunks of `bytes` if they are a PNG this reader takes (see above), with
 * every chunk's CRC right and IEND reached; undefined otherwise.
 */
export function parsePlainPng(bytes: Uint8Array): PlainPng | undefined {
  if (!isPng(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: Omit<PlainPng, 'idat'> | undefined;
  let previous = '';
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) return undefined;
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return undefined;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (!NEUTRAL_CHUNKS.has(type)) return undefined;
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return undefined;
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      if (header || at !== 8 || length !== 13) return undefined;
      const width = view.getUint32(at + 8);
      const height = view.getUint32(at + 12);
      const [depth, colourType, compression, filter, interlace] = data.subarray(8);
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return undefined;
      if (depth !== 8 || (colourType !== 2 && colourType !== 6) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      header = { width, height, channels: colourType === 2 ? 3 : 4 };
    } else if (!header) {
      return undefined;
    } else if (type === 'IDAT') {
      // The IDAT chunks must be consecutive.
      if (idat.length > 0 && previous !== 'IDAT') return undefined;
      idat.push(data);
    } else if (type === 'IEND') {
      return idat.length > 0 ? { ...header, idat } : undefined;
    }
    previous = type;
    at = end;
  }
}

/**
 * The pixels of a parsed plain PNG (`channels` bytes a pixel, rows top to bottom); undefined when
 * its zlib stream is broken or holds other than the rows' bytes. Inflates on zlib's threads into
 * one buffer of the rows' size, then undoes the filters (unfilterRows).
 */
export async function inflatePlainPng({ width, height, channels, idat }: PlainPng): Promise<Uint8Array | undefined> {
  const stride = width * channels;
  const expected = (stride + 1) * height;
  let raw: Uint8Array;
  try {
    // One byte more than the rows, so that a stream holding more is told apart.
    raw = await inflateAsync(idat.length === 1 ? idat[0] : Buffer.concat(idat), expected + 1);
  } catch {
    return undefined;
  }
  if (raw.length !== expected) return undefined;
  return unfilterRows(raw, stride, height, channels);
}

// Up to this many inflated bytes the filters are undone in WebAssembly (wasm/png-rows.wat), on a
// copy in its memory: the TypeScript loop runs once a file, mostly before V8 has optimised it
// (china.jpg as an adaptively filtered PNG, 0.8 MB: 16 ms in a fresh process). Above it, in place
// in TypeScript, where a copy would cost as much memory again as the image.
const KERNEL_MAX_BYTES = 1 << 24;

/**
 * Undoes the PNG filters of `height` scanlines in `raw` (each a filter type byte and `stride`
 * bytes, `bpp` bytes a pixel): the pixels, `stride` × `height` bytes. Undefined on a filter type
 * above 4. The TypeScript loop (`kernel` 'js', and above KERNEL_MAX_BYTES) works in place: row y
 * is rebuilt at y × stride, over bytes already read, so the result is `raw`'s first bytes.
 */
export function unfilterRows(raw: Uint8Array, stride: number, height: number, bpp: number, kernel: Kernel = 'wasm'): Uint8Array | undefined {
  const length = (stride + 1) * height;
  if (kernel === 'wasm' && length <= KERNEL_MAX_BYTES) {
    const arena = new Arena(Arena.size(length), WASM_BASE64, kernel);
    const unfilter = arena.exports?.unfilter;
    if (unfilter) {
      const rows = arena.u8(length);
      rows.set(raw.subarray(0, length));
      const pixels = unfilter(rows.byteOffset, stride, height, bpp) ? rows.slice(0, stride * height) : undefined;
      arena.release();
      return pixels;
    }
  }
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    // The row above, rebuilt already at dst − stride; the first row's is all zeros.
    const up = dst - stride;
    const type = raw[src - 1];
    if (type === 0 || (type === 2 && y === 0)) {
      raw.copyWithin(dst, src, src + stride);
    } else if (type === 1 || (type === 4 && y === 0)) {
      // Paeth with the row above all zeros predicts the left byte, as Sub does.
      for (let i = 0; i < bpp; i++) raw[dst + i] = raw[src + i];
      for (let i = bpp; i < stride; i++) raw[dst + i] = raw[src + i] + raw[dst + i - bpp];
    } else if (type === 2) {
      for (let i = 0; i < stride; i++) raw[dst + i] = raw[src + i] + raw[up + i];
    } else if (type === 3) {
      if (y === 0) {
        for (let i = 0; i < bpp; i++) raw[dst + i] = raw[src + i];
        for (let i = bpp; i < stride; i++) raw[dst + i] = raw[src + i] + (raw[dst + i - bpp] >> 1);
      } else {
        for (let i = 0; i < bpp; i++) raw[dst + i] = raw[src + i] + (raw[up + i] >> 1);
        for (let i = bpp; i < stride; i++) raw[dst + i] = raw[src + i] + ((raw[dst + i - bpp] + raw[up + i]) >> 1);
      }
    } else if (type === 4) {
      for (let i = 0; i < bpp; i++) raw[dst + i] = raw[src + i] + raw[up + i];
      for (let i = bpp; i < stride; i++) raw[dst + i] = raw[src + i] + paeth(raw[dst + i - bpp], raw[up + i], raw[up + i - bpp]);
    } else {
      return undefined;
    }
  }
  return raw.subarray(0, stride * height);
}
