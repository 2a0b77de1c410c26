// Odd but valid images, made here with sharp, through the real CLI: grey with and without alpha,
// transparency, palette, 16-bit, CMYK, EXIF rotation, animation, 1×1, fewer colours than K, long
// thin images, other input formats. Outputs are checked by their decoded pixels.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientPng, runCli, tempDir, THREE_COLOURS, threeColourPng, transparentPng } from './helpers.js';

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

/** Upright RGBA pixels of an image, as kquant should see it (first frame, EXIF rotation, sRGB). */
async function rgba(path: string): Promise<Pixels> {
  const { data, info } = await sharp(path, { pages: 1 }).rotate().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Runs kquant on `input` at one K; returns its JSON row, stderr and the output's RGBA pixels. */
async function quantize(input: string, k: number, extra: string[] = []) {
  const output = input.replace(/\.[a-z0-9]+$/, `-k${k}-out.png`);
  const run = runCli([input, '--colors', String(k), '-o', output, '--json', '--force', ...extra]);
  expect(run.stderr.toString()).not.toMatch(/\n\s+at /);
  expect(run.status, run.stderr.toString()).toBe(0);
  const row = JSON.parse(run.stdout.toString());
  return { row, stderr: run.stderr.toString(), output, pixels: await rgba(output), bytes: readFileSync(output) };
}

/** Chunk types of a PNG, in order. */
function pngChunks(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let o = 8; o + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(o);
    types.push(bytes.toString('latin1', o + 4, o + 8));
    o += 12 + length;
  }
  return types;
}

/** Pixel p of RGBA data as [r, g, b, a]. */
function at(pixels: Pixels, p: number): number[] {
  return Array.from(pixels.data.subarray(p * 4, p * 4 + 4));
}

function distinct(pixels: Pixels): number {
  const seen = new Set<number>();
  for (let p = 0; p < pixels.width * pixels.height; p++) seen.add(pixels.data.readUInt32BE(p * 4));
  return seen.size;
}

/** Every visible pixel equal to the input, every fully transparent one still fully transparent. */
function expectSamePixels(output: Pixels, input: Pixels): void {
  expect([output.width, output.height]).toEqual([input.width, input.height]);
  for (let p = 0; p < input.width * input.height; p++) {
    if (input.data[p * 4 + 3] === 0) expect(output.data[p * 4 + 3], `pixel ${p}`).toBe(0);
    else expect(at(output, p), `pixel ${p}`).toEqual(at(input, p));
  }
}

const PRIMARIES = [[220, 30, 30], [30, 200, 40], [30, 40, 210], [240, 240, 240]];

/** An image of flat quadrants, `side` × `side` each: top left, top right, bottom left, bottom right. */
function quadrants(side: number, colours: number[][] = PRIMARIES): { data: Buffer; width: number; height: number } {
  const width = 2 * side;
  const height = 2 * side;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colours[(y < side ? 0 : 2) + (x < side ? 0 : 1)], (y * width + x) * 3);
  }
  return { data, width, height };
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('grey images', () => {
  it('quantizes 8-bit grey to grey colours, and exactly when K covers its levels', async () => {
    const width = 64;
    const height = 8;
    const levels = Buffer.alloc(width * height);
    for (let p = 0; p < levels.length; p++) levels[p] = (p % width) * 4; // 64 levels
    const input = join(dir, 'grey.png');
    await sharp(levels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toFile(input);
    expect((await sharp(input).metadata()).channels).toBe(1);

    const few = await quantize(input, 8);
    expect(few.row.coloursUsed).toBe(8);
    for (let p = 0; p < width * height; p++) {
      const [r, g, b, a] = at(few.pixels, p);
      expect(g).toBe(r);
      expect(b).toBe(r);
      expect(a).toBe(255);
      expect(Math.abs(r - levels[p])).toBeLessThanOrEqual(24);
    }
    const all = await quantize(input, 64);
    expect(all.row.mse).toBe(0);
    expectSamePixels(all.pixels, await rgba(input));
  });

  it('quantizes 16-bit grey', async () => {
    const width = 32;
    const levels = Buffer.alloc(width * 4);
    for (let p = 0; p < levels.length; p++) levels[p] = (p % width) * 8;
    const input = join(dir, 'grey16.png');
    await sharp(levels, { raw: { width, height: 4, channels: 1 } }).toColourspace('grey16').png().toFile(input);
    expect((await sharp(input).metadata()).depth).toBe('ushort');
    const result = await quantize(input, 32);
    expect(result.row.mse).toBe(0);
    expectSamePixels(result.pixels, await rgba(input));
  });

  it('keeps grey + alpha: transparent stays transparent, opaque stays opaque and grey', async () => {
    const width = 40;
    const height = 10;
    const data = Buffer.alloc(width * height * 2);
    for (let p = 0; p < width * height; p++) {
      const x = p % width;
      data[p * 2] = x * 6;
      data[p * 2 + 1] = x < width / 2 ? 0 : 255;
    }
    const input = join(dir, 'grey-alpha.png');
    await sharp(data, { raw: { width, height, channels: 2 } }).toColourspace('b-w').png().toFile(input);
    const meta = await sharp(input).metadata();
    expect([meta.channels, meta.hasAlpha]).toEqual([2, true]);

    const result = await quantize(input, 4);
    expect((await sharp(result.output).metadata()).isPalette).toBe(true);
    expect(pngChunks(result.bytes)).toContain('tRNS');
    for (let p = 0; p < width * height; p++) {
      const [r, g, b, a] = at(result.pixels, p);
      expect(a).toBe(data[p * 2 + 1]);
      if (a === 255) expect([g, b]).toEqual([r, r]);
    }
  });
});

describe('transparency', () => {
  it('keeps fully transparent pixels transparent and opaque ones opaque, with a tRNS chunk', async () => {
    const input = join(dir, 'transparent.png');
    await transparentPng(input, 40, 20);
    const source = await rgba(input);
    for (const k of [2, 4, 16]) {
      const result = await quantize(input, k);
      expect(result.row.coloursUsed).toBe(k);
      const meta = await sharp(result.output).metadata();
      expect(meta.isPalette).toBe(true);
      const chunks = pngChunks(result.bytes);
      expect(chunks.indexOf('tRNS')).toBeGreaterThan(chunks.indexOf('PLTE'));
      expect(chunks.indexOf('tRNS')).toBeLessThan(chunks.indexOf('IDAT'));
      for (let p = 0; p < 40 * 20; p++) expect(result.pixels.data[p * 4 + 3], `K=${k} pixel ${p}`).toBe(source.data[p * 4 + 3]);
    }
  });

  it('keeps translucent pixels and their alpha exactly when K covers the colours', async () => {
    const width = 30;
    const height = 6;
    const data = Buffer.alloc(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const x = p % width;
      // hidden colours under alpha 0 (they all become one), two translucent colours, two opaque ones
      const colour = x < 10 ? [x * 20, p % 7, 3, 0] : x < 15 ? [200, 100, 50, 100] : x < 20 ? [10, 120, 250, 170] : x < 25 ? [5, 5, 5, 255] : [250, 250, 0, 255];
      data.set(colour, p * 4);
    }
    const input = join(dir, 'translucent.png');
    await sharp(data, { raw: { width, height, channels: 4 } }).png().toFile(input);
    const result = await quantize(input, 5);
    expect(result.row.coloursUsed).toBe(5);
    expect(result.row.mse).toBe(0);
    expectSamePixels(result.pixels, await rgba(input));
  });

  it('keeps opaque pixels opaque when translucent ones share the image, whenever K leaves a colour for each kind', async () => {
    const width = 40;
    const height = 20;
    const data = Buffer.alloc(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      // transparent | opaque gradient | the same gradient nearly opaque (alpha 240–249): fitted
      // together in RGBA, a colour would average the two and opaque pixels would come out translucent
      data.set(x < 10 ? [200, 10, 10, 0] : x < 25 ? [x * 5, y * 9, 100, 255] : [(x - 15) * 5, y * 9, 100, 240 + (y % 10)], p * 4);
    }
    const input = join(dir, 'mixed-alpha.png');
    await sharp(data, { raw: { width, height, channels: 4 } }).png().toFile(input);
    for (const k of [3, 4, 8, 32]) {
      const result = await quantize(input, k);
      for (let p = 0; p < width * height; p++) {
        const x = p % width;
        const alpha = result.pixels.data[p * 4 + 3];
        if (x < 10) expect(alpha, `K=${k} pixel ${p}`).toBe(0);
        else if (x < 25) expect(alpha, `K=${k} pixel ${p}`).toBe(255);
        else expect(alpha, `K=${k} pixel ${p}`).toBeLessThan(255);
      }
    }
  });

  it('writes an image with no visible pixel as one transparent colour', async () => {
    const input = join(dir, 'invisible.png');
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0 } } }).png().toFile(input);
    const result = await quantize(input, 4);
    expect(result.row.coloursUsed).toBe(1);
    expect(result.row.mse).toBe(0);
    for (let p = 0; p < 64; p++) expect(result.pixels.data[p * 4 + 3]).toBe(0);
  });
});

describe('palette, 16-bit and CMYK inputs', () => {
  it('reads a palette PNG', async () => {
    const truecolour = join(dir, 'gradient.png');
    await gradientPng(truecolour, 64, 48);
    const input = join(dir, 'palette-in.png');
    await sharp(truecolour).png({ palette: true, colours: 16, dither: 0 }).toFile(input);
    expect((await sharp(input).metadata()).isPalette).toBe(true);
    const source = await rgba(input);
    const colours = distinct(source);
    expect(colours).toBeLessThanOrEqual(16);

    const fewer = await quantize(input, 4);
    expect(fewer.row.coloursUsed).toBe(4);
    expect(distinct(fewer.pixels)).toBe(4);
    const exact = await quantize(input, 16);
    expect(exact.row.coloursUsed).toBe(colours);
    expect(exact.row.mse).toBe(0);
    expectSamePixels(exact.pixels, source);
  });

  it('reads a 16-bit PNG', async () => {
    const input = join(dir, 'rgb16.png');
    const { data, width, height } = quadrants(8);
    await sharp(data, { raw: { width, height, channels: 3 } }).toColourspace('rgb16').png().toFile(input);
    const meta = await sharp(input).metadata();
    expect([meta.depth, meta.space]).toEqual(['ushort', 'rgb16']);
    const result = await quantize(input, 4);
    expect(result.row.mse).toBe(0);
    expect(at(result.pixels, 0)).toEqual([220, 30, 30, 255]);
    expectSamePixels(result.pixels, await rgba(input));
  });

  it('converts a CMYK JPEG to sRGB: the colours come out about right', async () => {
    const input = join(dir, 'cmyk.jpg');
    // Colours inside the CMYK gamut: a saturated green or blue comes back dull from any CMYK.
    const { data, width, height } = quadrants(32, [[200, 120, 60], [90, 150, 200], [240, 240, 240], [60, 60, 60]]);
    await sharp(data, { raw: { width, height, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 95 }).toFile(input);
    expect((await sharp(input).metadata()).space).toBe('cmyk');
    const result = await quantize(input, 4);
    expect(result.row.coloursUsed).toBe(4);
    expect([result.row.width, result.row.height]).toEqual([64, 64]);
    // The centre of each quadrant, against the RGB the CMYK was made from (two conversions, one
    // JPEG), and more tightly against sharp's own sRGB decode of the file.
    const decoded = await rgba(input);
    for (const [x, y] of [[16, 16], [48, 16], [16, 48], [48, 48]]) {
      const p = y * width + x;
      const made = Array.from(data.subarray(p * 3, p * 3 + 3));
      const read = at(decoded, p).slice(0, 3);
      const got = at(result.pixels, p).slice(0, 3);
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(got[c] - made[c]), `(${x},${y}) ${got} vs ${made}`).toBeLessThanOrEqual(30);
        expect(Math.abs(got[c] - read[c]), `(${x},${y}) ${got} vs ${read}`).toBeLessThanOrEqual(8);
      }
    }
  });
});

describe('EXIF orientation', () => {
  for (const orientation of [6, 3, 8]) {
    it(`writes an EXIF-${orientation} JPEG upright`, async () => {
      const input = join(dir, `exif-${orientation}.jpg`);
      // 64 × 32 stored: red | green over blue | white (32 × 16 quadrants), so every turn shows.
      const width = 64;
      const height = 32;
      const data = Buffer.alloc(width * height * 3);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(PRIMARIES[(y < 16 ? 0 : 2) + (x < 32 ? 0 : 1)], (y * width + x) * 3);
      await sharp(data, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .withMetadata({ orientation })
        .toFile(input);
      const meta = await sharp(input).metadata();
      expect([meta.orientation, meta.width, meta.height]).toEqual([orientation, width, height]);

      const result = await quantize(input, 4);
      const upright = await rgba(input);
      const turned = orientation !== 3;
      expect([result.pixels.width, result.pixels.height]).toEqual(turned ? [height, width] : [width, height]);
      expect([result.row.width, result.row.height]).toEqual([result.pixels.width, result.pixels.height]);
      // The same content as the upright decode (a turn the wrong way would swap quadrants: an
      // error in the thousands), far from the stored (unturned) one.
      let sse = 0;
      for (let i = 0; i < upright.data.length; i++) sse += (upright.data[i] - result.pixels.data[i]) ** 2;
      expect(sse / upright.data.length).toBeLessThan(20);
      if (!turned) {
        const stored = await sharp(input).toColourspace('srgb').ensureAlpha().raw().toBuffer();
        let far = 0;
        for (let i = 0; i < stored.length; i++) far += (stored[i] - result.pixels.data[i]) ** 2;
        expect(far / stored.length).toBeGreaterThan(1000);
      }
    });
  }
});

describe('animations and other formats', () => {
  it('quantizes the first frame of an animated GIF and says so', async () => {
    const width = 32;
    const height = 16;
    const { data: first } = quadrants(8);
    const frame = (shift: number) => Buffer.from(first.map((v) => (v + shift) % 256));
    // quadrants(8) is 16 × 16: pad to 32 × 16 with a copy side by side.
    const widen = (f: Buffer) => {
      const out = Buffer.alloc(width * height * 3);
      for (let y = 0; y < height; y++) {
        f.copy(out, y * width * 3, y * 16 * 3, (y + 1) * 16 * 3);
        f.copy(out, (y * width + 16) * 3, y * 16 * 3, (y + 1) * 16 * 3);
      }
      return out;
    };
    const frames = Buffer.concat([widen(frame(0)), widen(frame(100)), widen(frame(50))]);
    const input = join(dir, 'animated.gif');
    await sharp(frames, { raw: { width, height: height * 3, channels: 3, pageHeight: height } }).gif({ delay: [100, 100, 100] }).toFile(input);
    expect((await sharp(input).metadata()).pages).toBe(3);

    const result = await quantize(input, 8);
    expect([result.row.width, result.row.height]).toEqual([width, height]);
    expect(result.stderr).toContain(`kquant: note: ${input}: 3 frames; only the first is quantized`);
    expect(result.row.mse).toBe(0);
    expectSamePixels(result.pixels, await rgba(input));
    expect(at(result.pixels, 0)).toEqual([220, 30, 30, 255]);
  });

  for (const format of ['webp', 'tiff', 'gif', 'avif'] as const) {
    it(`reads ${format}`, async () => {
      const input = join(dir, `three.${format}`);
      const png = join(dir, `three-for-${format}.png`);
      await threeColourPng(png, 30, 20);
      const encoder = sharp(png);
      if (format === 'webp') encoder.webp({ lossless: true });
      else if (format === 'tiff') encoder.tiff({ compression: 'lzw' });
      else if (format === 'gif') encoder.gif();
      else encoder.avif({ lossless: true });
      await encoder.toFile(input);
      const source = await rgba(input);
      const result = await quantize(input, 64);
      expect(result.row.coloursUsed).toBe(distinct(source));
      expect(result.row.mse).toBe(0);
      expectSamePixels(result.pixels, source);
    });
  }
});

describe('sizes and colour counts at the edges', () => {
  it('quantizes a 1×1 image', async () => {
    const input = join(dir, 'one.png');
    await sharp(Buffer.from([12, 34, 56]), { raw: { width: 1, height: 1, channels: 3 } }).png().toFile(input);
    const result = await quantize(input, 2);
    expect(result.row).toMatchObject({ width: 1, height: 1, coloursUsed: 1, mse: 0, psnrDb: null });
    expect(at(result.pixels, 0)).toEqual([12, 34, 56, 255]);
  });

  it('is exact, with zero error, when the image has fewer colours than K', async () => {
    const input = join(dir, 'three.png');
    await threeColourPng(input);
    for (const k of [3, 16, 256, 1024, 4096]) {
      const result = await quantize(input, k);
      expect(result.row).toMatchObject({ coloursUsed: 3, mse: 0, psnrDb: null });
      expect(distinct(result.pixels)).toBe(3);
      expectSamePixels(result.pixels, await rgba(input));
      expect(new Set(Array.from({ length: 600 }, (_, p) => at(result.pixels, p).slice(0, 3).join()))).toEqual(
        new Set(THREE_COLOURS.map((c) => c.join())),
      );
    }
  });

  for (const [width, height] of [[4000, 1], [1, 4000], [5000, 3]]) {
    it(`quantizes a ${width}×${height} image`, async () => {
      const data = Buffer.alloc(width * height * 3);
      for (let p = 0; p < width * height; p++) {
        const t = (p % Math.max(width, height)) / Math.max(width, height);
        data.set([Math.round(255 * t), Math.round(255 * (1 - t)), (p * 7) % 256], p * 3);
      }
      const input = join(dir, `long-${width}x${height}.png`);
      await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(input);
      const result = await quantize(input, 16);
      expect([result.pixels.width, result.pixels.height]).toEqual([width, height]);
      expect(result.row.coloursUsed).toBe(16);
      expect(distinct(result.pixels)).toBe(16);
      expect(result.row.psnrDb).toBeGreaterThan(20);
    });
  }
});
