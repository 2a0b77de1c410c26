// The one comparison every tool is scored by: decode both images with sharp to 8-bit sRGB RGB
// (EXIF-rotated, alpha removed) and take MSE = Σ squared channel differences / (3 · pixels),
// PSNR = 10 · log10(255² / MSE). Also counts the distinct colours the output really shows.
import sharp from 'sharp';

/**
 * Decodes an image file to raw RGB, the way every output and the original are read.
 * @returns {Promise<{ data: Buffer, width: number, height: number }>}
 */
export async function decodeRgb(path) {
  const { data, info } = await sharp(path, { limitInputPixels: false })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: decoded to ${info.channels} channels, expected 3`);
  return { data, width: info.width, height: info.height };
}

/** Number of distinct 24-bit colours in raw RGB bytes (a 2 MiB bitmap over all 2^24 colours). */
export function countColours(rgb) {
  const seen = new Uint8Array(1 << 21);
  let count = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const c = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    const bit = 1 << (c & 7);
    const byte = c >>> 3;
    if ((seen[byte] & bit) === 0) {
      seen[byte] |= bit;
      count++;
    }
  }
  return count;
}

/**
 * Scores an output file against the original's decoded RGB.
 * @param {{ data: Buffer, width: number, height: number }} original from decodeRgb
 * @returns {Promise<{ mse: number, psnrDb: number, coloursUsed: number }>}
 */
export async function compareToOriginal(original, outputPath) {
  const out = await decodeRgb(outputPath);
  if (out.width !== original.width || out.height !== original.height) {
    throw new Error(
      `${outputPath}: ${out.width}×${out.height}, expected ${original.width}×${original.height}`,
    );
  }
  const a = original.data;
  const b = out.data;
  // The integer sum stays exact in a double: 24 MP · 3 · 255² ≈ 4.7e12 < 2^53.
  let sse = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sse += d * d;
  }
  const mse = sse / a.length;
  return { mse, psnrDb: psnrDb(mse), coloursUsed: countColours(b) };
}

/** PSNR in dB of an 8-bit image with this MSE (Infinity when identical). */
export function psnrDb(mse) {
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
