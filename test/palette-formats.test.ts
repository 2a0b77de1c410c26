// Palette export: every text format parses back to the same colours (and shares where it carries
// them), in share order; the swatch PNG decodes to the same colours; bad paths are rejected.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { swatchLayout, writePaletteSwatchPng } from '../src/io/palette-png.js';
import { colourHex, formatPalette, paletteFormatFromPath, parsePalette, sortPaletteByShare, type PaletteTextFormat } from '../src/report/palette-formats.js';
import type { PaletteColour } from '../src/types.js';

const PALETTE: PaletteColour[] = [
  { r: 10, g: 20, b: 30, a: 255, pixels: 100 },
  { r: 255, g: 255, b: 255, a: 255, pixels: 700 },
  { r: 0, g: 0, b: 0, a: 255, pixels: 100 }, // ties with #0a141e: hex order puts #000000 first
  { r: 200, g: 16, b: 1, a: 128, pixels: 99 }, // translucent
  { r: 161, g: 178, b: 195, a: 0, pixels: 1 }, // fully transparent
  { r: 7, g: 8, b: 9, a: 255, pixels: 0 }, // unused
];
const EXPECTED_ORDER = ['#ffffff', '#000000', '#0a141e', '#c8100180', '#a1b2c300', '#070809'];
const TOTAL = 1000;

const rgba = (c: { r: number; g: number; b: number; a: number }) => ({ r: c.r, g: c.g, b: c.b, a: c.a });
const FORMATS: PaletteTextFormat[] = ['gpl', 'json', 'txt', 'css'];

describe('sortPaletteByShare', () => {
  it('sorts by pixels, most first, ties by hex, without changing its input', () => {
    const copy = PALETTE.map((c) => ({ ...c }));
    expect(sortPaletteByShare(PALETTE).map(colourHex)).toEqual(EXPECTED_ORDER);
    expect(PALETTE).toEqual(copy);
  });
});

describe('formatPalette / parsePalette', () => {
  for (const format of FORMATS) {
    it(`${format}: round-trips the colours in share order`, () => {
      const text = formatPalette(PALETTE, format, 'test');
      const parsed = parsePalette(text, format);
      // gpl has no alpha channel; ours keeps it in the name column, so it round-trips too.
      expect(parsed.map(rgba)).toEqual(sortPaletteByShare(PALETTE).map(rgba));
      expect(parsed.map(colourHex)).toEqual(EXPECTED_ORDER);
    });
  }

  for (const format of ['gpl', 'json', 'css'] as const) {
    it(`${format}: carries the shares`, () => {
      const parsed = parsePalette(formatPalette(PALETTE, format), format);
      const expected = sortPaletteByShare(PALETTE).map((c) => c.pixels / TOTAL);
      parsed.forEach((c, i) => expect(c.share, `colour ${i}`).toBeCloseTo(expected[i], 4));
    });
  }

  it('json carries the pixel counts exactly', () => {
    const parsed = parsePalette(formatPalette(PALETTE, 'json'), 'json');
    expect(parsed.map((c) => c.pixels)).toEqual([700, 100, 100, 99, 1, 0]);
  });

  it('gpl looks like a GIMP palette, with hex and share in the name column', () => {
    const text = formatPalette(PALETTE, 'gpl', 'my\nphoto');
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['GIMP Palette', 'Name: my photo', 'Columns: 6', '#']);
    expect(lines[4]).toBe('255 255 255\t#ffffff 70.00%');
    expect(lines[6]).toBe(' 10  20  30\t#0a141e 10.00%');
    expect(lines[7]).toBe('200  16   1\t#c8100180 9.90%');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('json is an array of { hex, r, g, b, a, pixels, share }', () => {
    const data = JSON.parse(formatPalette(PALETTE, 'json'));
    expect(data[0]).toEqual({ hex: '#ffffff', r: 255, g: 255, b: 255, a: 255, pixels: 700, share: 0.7 });
    expect(Object.keys(data[3])).toEqual(['hex', 'r', 'g', 'b', 'a', 'pixels', 'share']);
  });

  it('txt is one hex a line, with alpha when a < 255', () => {
    expect(formatPalette(PALETTE, 'txt')).toBe(EXPECTED_ORDER.join('\n') + '\n');
  });

  it('css is custom properties inside :root with shares in comments', () => {
    const text = formatPalette(PALETTE, 'css', 'a */ b');
    expect(text).toContain(':root {\n  --kq-0: #ffffff; /* 70.00% */\n  --kq-1: #000000; /* 10.00% */');
    expect(text).toContain('--kq-3: #c8100180; /* 9.90% */');
    expect(text.trimEnd().endsWith('}')).toBe(true);
    // The name cannot close the header comment early.
    expect(text.split('\n')[0]).toBe('/* a * / b: 6 colours, sorted by pixel share */');
  });

  it('an empty palette and one with no pixels still format and parse', () => {
    for (const format of FORMATS) {
      expect(parsePalette(formatPalette([], format), format)).toEqual([]);
      const zero = parsePalette(formatPalette([{ r: 1, g: 2, b: 3, a: 255, pixels: 0 }], format), format);
      expect(zero.map(rgba)).toEqual([{ r: 1, g: 2, b: 3, a: 255 }]);
      if (zero[0].share !== undefined) expect(zero[0].share).toBe(0);
    }
  });

  it('rejects colours out of range', () => {
    expect(() => formatPalette([{ r: 256, g: 0, b: 0, a: 255, pixels: 1 }], 'txt')).toThrow(/Expected integer between 0 and 255 for palette\[0\]\.r but received 256/);
    expect(() => formatPalette([{ r: 0, g: 0.5, b: 0, a: 255, pixels: 1 }], 'txt')).toThrow(/palette\[0\]\.g/);
    expect(() => formatPalette([{ r: 0, g: 0, b: 0, a: 255, pixels: -1 }], 'txt')).toThrow(/pixels/);
    expect(() => formatPalette([], 'png' as PaletteTextFormat)).toThrow(/Expected one of gpl, json, txt, css/);
  });

  it('parsers reject what they cannot read, naming the line', () => {
    expect(() => parsePalette('not a palette\n', 'gpl')).toThrow(/line 1: expected "GIMP Palette"/);
    expect(() => parsePalette('GIMP Palette\n1 2\n', 'gpl')).toThrow(/line 2/);
    expect(() => parsePalette('#ffffff\n#12345\n', 'txt')).toThrow(/line 2/);
    expect(() => parsePalette('{"a":1}', 'json')).toThrow(/expected an array/);
    expect(() => parsePalette('[{"r":300,"g":0,"b":0}]', 'json')).toThrow(/for r but received 300/);
  });

  it('parses plain palettes from other tools too', () => {
    expect(parsePalette('GIMP Palette\nName: x\n#\n  0 128 255\tUntitled\n', 'gpl')).toEqual([{ r: 0, g: 128, b: 255, a: 255 }]);
    expect(parsePalette('[{"hex":"#102030"}]', 'json')).toEqual([{ r: 16, g: 32, b: 48, a: 255 }]);
    expect(parsePalette('  00ff00 \r\n\r\n', 'txt')).toEqual([{ r: 0, g: 255, b: 0, a: 255 }]);
  });
});

describe('paletteFormatFromPath', () => {
  it('chooses the format by extension, any case', () => {
    expect(paletteFormatFromPath('out/palette.gpl')).toBe('gpl');
    expect(paletteFormatFromPath('p.JSON')).toBe('json');
    expect(paletteFormatFromPath('a.b/p.txt')).toBe('txt');
    expect(paletteFormatFromPath('C:\\x\\p.Css')).toBe('css');
    expect(paletteFormatFromPath('swatch.png')).toBe('png');
  });

  it('throws a clear error for anything else', () => {
    expect(() => paletteFormatFromPath('out/palette.ase')).toThrow('Expected a palette file ending in .gpl, .json, .txt, .css, .png but received "out/palette.ase" (unknown extension .ase)');
    expect(() => paletteFormatFromPath('out.d/palette')).toThrow(/\(no extension\)/);
    expect(() => paletteFormatFromPath('.gpl')).toThrow(/no extension/); // a dot-file named "gpl"
  });
});

describe('writePaletteSwatchPng', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kquant-palette-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The colour at the centre of each swatch cell, in reading order. */
  async function cells(path: string, count: number, columns: number, px = 32) {
    const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return {
      info,
      colours: Array.from({ length: count }, (_, i) => {
        const x = (i % columns) * px + px / 2;
        const y = Math.floor(i / columns) * px + px / 2;
        const o = (y * info.width + x) * info.channels;
        return { r: data[o], g: data[o + 1], b: data[o + 2], a: data[o + 3] };
      }),
    };
  }

  it('decodes to the same colours, in share order, 32 px a colour', async () => {
    const path = join(dir, 'palette.png');
    await writePaletteSwatchPng(path, PALETTE);
    const { info, colours } = await cells(path, PALETTE.length, PALETTE.length);
    expect([info.width, info.height]).toEqual([6 * 32, 32]);
    expect(colours).toEqual(sortPaletteByShare(PALETTE).map(rgba));
    expect((await readdir(dir)).filter((f) => f.startsWith('.kquant-tmp-'))).toEqual([]);
  });

  it('wraps many colours into rows of 16; cells after the last are transparent', async () => {
    const many: PaletteColour[] = Array.from({ length: 40 }, (_, i) => ({ r: i * 6, g: 255 - i * 6, b: (i * 37) & 255, a: 255, pixels: 1000 - i }));
    const path = join(dir, 'many.png');
    await writePaletteSwatchPng(path, many);
    const { info, colours } = await cells(path, 48, 16);
    expect([info.width, info.height]).toEqual([16 * 32, 3 * 32]);
    expect(colours.slice(0, 40)).toEqual(many.map(rgba));
    for (const c of colours.slice(40)) expect(c.a).toBe(0);
  });

  it('takes a swatch size and column count, and overwrites an existing file only with force', async () => {
    const path = join(dir, 'small.png');
    await writePaletteSwatchPng(path, PALETTE);
    await expect(writePaletteSwatchPng(path, PALETTE, { swatchPx: 8, columns: 4 })).rejects.toThrow(/already exists; use --force/);
    await writePaletteSwatchPng(path, PALETTE, { swatchPx: 8, columns: 4, force: true });
    const { info, colours } = await cells(path, 6, 4, 8);
    expect([info.width, info.height]).toEqual([32, 16]);
    expect(colours).toEqual(sortPaletteByShare(PALETTE).map(rgba));
    expect(swatchLayout(1)).toEqual({ columns: 1, rows: 1, width: 32, height: 32, swatchPx: 32 });
  });

  it('rejects bad input and leaves nothing behind when the write fails', async () => {
    await expect(writePaletteSwatchPng(join(dir, 'e.png'), [])).rejects.toThrow(/at least one colour/);
    await expect(writePaletteSwatchPng(join(dir, 'e.png'), PALETTE, { swatchPx: 0 })).rejects.toThrow(/Expected integer between 1 and 1024 for swatchPx but received 0/);
    const fileInTheWay = join(dir, 'plain-file');
    await writeFile(fileInTheWay, 'x');
    await expect(writePaletteSwatchPng(join(fileInTheWay, 'p.png'), PALETTE)).rejects.toThrow(/file is in the way/);
    const left = await readdir(dir);
    expect(left.filter((f) => f.startsWith('.kquant-tmp-') || f === 'e.png')).toEqual([]);
  });
});
