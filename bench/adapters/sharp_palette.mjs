// Reference: sharp's own palette PNG (libimagequant inside libvips), no dithering, slowest effort.
// Usage: node bench/adapters/sharp_palette.mjs IN K OUT  → prints {"opMs": …} (decode+quantize+write)
import sharp from 'sharp';

const [input, kText, output] = process.argv.slice(2);
const k = Number(kText);
const start = process.hrtime.bigint();
await sharp(input).png({ palette: true, colours: k, dither: 0, effort: 10 }).toFile(output);
const opMs = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ opMs })}\n`);
