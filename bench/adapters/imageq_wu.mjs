// Reference: image-q's Wu quantizer for the palette, nearest colour (no dithering) for the pixels,
// both with plain Euclidean RGB distance (the metric the benchmark scores). image-q writes no files,
// so sharp writes the result: an indexed PNG for K ≤ 256 (it keeps ≤ K exact colours bit for bit),
// truecolour above.
// Usage: node bench/adapters/imageq_wu.mjs IN K OUT  → prints {"opMs": …, "quantizeMs": …}
import { applyPaletteSync, buildPaletteSync, utils } from 'image-q';
import sharp from 'sharp';

const [input, kText, output] = process.argv.slice(2);
const k = Number(kText);
const distance = 'euclidean';

const start = process.hrtime.bigint();
const { data, info } = await sharp(input)
  .rotate()
  .toColourspace('srgb')
  .ensureAlpha()
  .raw()
  .toBuffer({ resolveWithObject: true });
const quantizeStart = process.hrtime.bigint();
const points = utils.PointContainer.fromUint8Array(data, info.width, info.height);
const palette = buildPaletteSync([points], {
  colors: k,
  paletteQuantization: 'wuquant',
  colorDistanceFormula: distance,
});
const mapped = applyPaletteSync(points, palette, {
  imageQuantization: 'nearest',
  colorDistanceFormula: distance,
});
const quantizeMs = Number(process.hrtime.bigint() - quantizeStart) / 1e6;

const rgba = mapped.toUint8Array();
const raw = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
  raw: { width: info.width, height: info.height, channels: 4 },
}).removeAlpha();
const png = k <= 256 ? raw.png({ palette: true, colours: k, dither: 0, effort: 10 }) : raw.png();
await png.toFile(output);
const opMs = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ opMs, quantizeMs })}\n`);
