// Indexed PNG encoder: writes exactly the palette it is given, at the smallest bit depth that holds it.
//
// sharp's palette output re-quantizes with libimagequant and picks its own palette order; writing
// the chunks here keeps the k-means palette bit for bit and lets us choose what makes the file small
// (bit depth, filter, deflate strategy), measured against pngquant.
import { crc32, deflateSync, constants } from 'node:zlib';

export interface IndexedImage {
  width: number;
  height: number;
  /** Palette, RGBA, 4 bytes a colour, at most 256 colours. */
  palette: Uint8Array;
  /** Palette index of each pixel, row-major. */
  indices: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Uint8Array): Buffer {
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

/** Packs indices into PNG scanlines (filter byte 0 each), several pixels a byte below 8 bits. */
function scanlines(image: IndexedImage, depth: number): Buffer {
  const { width, height, indices } = image;
  const perByte = 8 / depth;
  const rowBytes = Math.ceil(width / perByte);
  const out = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * (rowBytes + 1);
    out[rowStart] = 0; // filter None: palette indices are not numbers, so predicting them does not pay
    const src = y * width;
    if (depth === 8) {
      out.set(indices.subarray(src, src + width), rowStart + 1);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const byte = rowStart + 1 + Math.floor(x / perByte);
      const shift = 8 - depth * ((x % perByte) + 1);
      out[byte] |= indices[src + x] << shift;
    }
  }
  return out;
}

/** Encodes an indexed PNG with PLTE (and tRNS when any colour is not opaque). */
export function encodeIndexedPng(image: IndexedImage): Buffer {
  const colours = image.palette.length / 4;
  if (colours < 1 || colours > 256) throw new RangeError(`an indexed PNG holds 1 to 256 colours, not ${colours}`);
  // Packing several pixels a byte is not always smaller: deflate matches whole bytes, and a
  // sub-byte pattern can repeat where its packing does not (flower.jpg at K=16: 8 bits 2.6% smaller
  // than 4). So both depths are tried, with both deflate strategies, and the smallest kept.
  let best: Buffer | undefined;
  for (const depth of new Set([bitDepthFor(colours), 8])) {
    for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED]) {
      const png = encodeWith(image, colours, depth, strategy);
      if (!best || png.length < best.length) best = png;
    }
  }
  return best!;
}

function encodeWith(image: IndexedImage, colours: number, depth: number, strategy: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = depth;
  ihdr[9] = 3; // colour type: palette
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const plte = Buffer.alloc(colours * 3);
  let lastTranslucent = -1;
  for (let i = 0; i < colours; i++) {
    plte[i * 3] = image.palette[i * 4];
    plte[i * 3 + 1] = image.palette[i * 4 + 1];
    plte[i * 3 + 2] = image.palette[i * 4 + 2];
    if (image.palette[i * 4 + 3] !== 255) lastTranslucent = i;
  }
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', plte)];
  if (lastTranslucent >= 0) {
    const trns = Buffer.alloc(lastTranslucent + 1);
    for (let i = 0; i <= lastTranslucent; i++) trns[i] = image.palette[i * 4 + 3];
    parts.push(chunk('tRNS', trns));
  }
  const raw = scanlines(image, depth);
  const idat = deflateSync(raw, { level: 9, memLevel: 9, strategy });
  parts.push(chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
