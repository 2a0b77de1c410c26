// Encodes a quantized image in the format its output name asks for.
import { loadSharp } from './sharp.js';
import { KquantError } from '../core/errors.js';
import type { OutputFormat } from '../types.js';
import { encodeIndexedPng, encodeQuantizedTruecolourPng, encodeTruecolourPng } from './png.js';

export { formatFromPath } from './formats.js';

export interface QuantizedPixels {
  width: number;
  height: number;
  /** Palette, RGBA, 4 bytes a colour. */
  palette: Uint8Array;
  /** Palette index of each pixel (8-bit up to 256 colours, 16-bit above). */
  indices: Uint8Array | Uint16Array;
}

/** True when the palette has a colour that is not fully opaque. */
function hasAlpha(palette: Uint8Array): boolean {
  for (let i = 3; i < palette.length; i += 4) if (palette[i] !== 255) return true;
  return false;
}

/** Expands indices through the palette into interleaved RGB or RGBA pixels. */
export function expand(image: QuantizedPixels, channels: 3 | 4): Buffer {
  const { palette, indices } = image;
  const out = Buffer.alloc(indices.length * channels);
  for (let p = 0, o = 0; p < indices.length; p++, o += channels) {
    const c = indices[p] * 4;
    out[o] = palette[c];
    out[o + 1] = palette[c + 1];
    out[o + 2] = palette[c + 2];
    if (channels === 4) out[o + 3] = palette[c + 3];
  }
  return out;
}

/**
 * Encodes `image` as `format`: PNG is indexed with exactly this palette up to 256 colours and
 * truecolour above; WebP is lossless; GIF holds up to 256 colours; JPEG (quality 92) adds colours.
 */
export async function encodeImage(image: QuantizedPixels, format: OutputFormat): Promise<Buffer> {
  const colours = image.palette.length / 4;
  if (format === 'png' && colours <= 256) {
    return encodeIndexedPng({ ...image, indices: image.indices as Uint8Array });
  }
  if (format === 'gif' && colours > 256) {
    throw new KquantError('USAGE', `GIF holds at most 256 colours, not ${colours}; use .png or .webp`);
  }
  const channels = hasAlpha(image.palette) && format !== 'jpg' ? 4 : 3;
  const pixels = expand(image, channels);
  const png = format === 'png' ? encodeQuantizedTruecolourPng(pixels, image.width, image.height, channels) : undefined;
  if (png) return png;
  const pipeline = loadSharp()(pixels, { raw: { width: image.width, height: image.height, channels } });
  switch (format) {
    case 'png':
      // Larger truecolour PNGs, filter None as encodeQuantizedTruecolourPng (china.jpg K = 512:
      // 231 kB at level 9 against 436 kB with libpng's adaptive filters, in 26 ms instead of 48;
      // K = 1024: 274 kB against 457 kB; flower.jpg 31-39% smaller, 3× faster). sharp's zlib-ng at
      // level 9 is 20% smaller than at 8 (292 kB) and pays below a megapixel; above it level 6 is
      // about twice as fast (1920×1281 china.jpg K = 512: 83 ms and 1.54 MB against 184 ms and
      // 1.32 MB), and still smaller than adaptive level 6 (175 ms, 2.21 MB). node's zlib, without
      // zlib-ng's, wrote china.jpg K = 1024 30% larger than sharp (357,530 bytes).
      return pipeline.png({ compressionLevel: image.width * image.height <= 1 << 20 ? 9 : 6, adaptiveFiltering: false }).toBuffer();
    case 'webp':
      return pipeline.webp({ lossless: true, effort: 6 }).toBuffer();
    case 'gif':
      return pipeline.gif({ colours: Math.max(2, colours), dither: 0, effort: 10 }).toBuffer();
    case 'jpg':
      return pipeline.jpeg({ quality: 92, mozjpeg: true }).toBuffer();
    default: {
      const never: never = format;
      throw new KquantError('INTERNAL', `unknown format ${String(never)}`);
    }
  }
}

/** A lossless truecolour PNG of the original pixels: the classic experiment's "original" size. */
export async function encodeOriginalPng(data: Uint8Array, width: number, height: number, channels: 3 | 4): Promise<Buffer> {
  // Adaptive filters and a middle zlib level, as libpng and PIL write by default (and the notebooks
  // with them); in sharp, level 9 was 1% smaller on china.jpg but 7× slower (211 ms against 28).
  return encodeTruecolourPng(data, width, height, channels);
}
