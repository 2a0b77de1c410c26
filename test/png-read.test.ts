// The PNG reader that runs without sharp (src/io/png-read.ts) against sharp's decode, the files it
// must leave to sharp, and the truecolour baseline PNG (png.ts) it pairs with.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../src/core/rng.js';
import { encodeTruecolourPng, pngChunk as chunk } from '../src/io/png.js';
import { filterRows, type FilterMode } from '../src/io/png-rows.js';
import { inflatePlainPng, parsePlainPng, unfilterRows } from '../src/io/png-read.js';
import { readImage } from '../src/io/read.js';
import { BIN, CHINA, FLOWER, ROOT, tempDir } from './helpers.js';

/** sharp's pixels of a PNG, as read.ts asks for them. */
async function viaSharp(png: Uint8Array) {
  const { data, info } = await sharp(png).rotate().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

/** Pixels of this reader, or undefined where it leaves the file to sharp. */
async function viaReader(png: Uint8Array) {
  const plain = parsePlainPng(png);
  if (!plain) return undefined;
  const data = await inflatePlainPng(plain);
  return data && { data: Buffer.from(data), channels: plain.channels };
}

/** A PNG's chunks, split: [type, whole chunk bytes]. */
function chunks(png: Uint8Array): [string, Buffer][] {
  const bytes = Buffer.from(png);
  const out: [string, Buffer][] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    out.push([bytes.toString('latin1', at + 4, at + 8), bytes.subarray(at, at + 12 + length)]);
    at += 12 + length;
  }
  return out;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** An RGB(A) PNG written by hand: IHDR, the given scanlines (filter bytes included) deflated in `parts` IDATs, extra chunks before IDAT. */
function handPng(width: number, height: number, channels: 3 | 4, scanlines: Uint8Array, options: { parts?: number; extra?: Buffer[] } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 3 ? 2 : 6;
  const z = deflateSync(scanlines);
  const parts = options.parts ?? 1;
  const idats: Buffer[] = [];
  const size = Math.ceil(z.length / parts);
  for (let at = 0; at < z.length; at += size) idats.push(chunk('IDAT', z.subarray(at, at + size)));
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...(options.extra ?? []), ...idats, chunk('IEND', new Uint8Array(0))]);
}

/** Pixels with some smooth parts and some noise, so that every filter type wins some rows. */
function mixedPixels(width: number, height: number, channels: number, seed: string): Uint8Array {
  const rng = makeRng(seed);
  return Uint8Array.from({ length: width * height * channels }, (_, i) => {
    const p = Math.floor(i / channels);
    const x = p % width;
    const y = Math.floor(p / width);
    return y % 5 === 0 ? Math.floor(rng() * 256) : (x * 3 + y * 5 + (i % channels) * 40 + (rng() < 0.1 ? 7 : 0)) & 255;
  });
}

describe('unfilterRows', () => {
  it.each([1, 3, 4])('undoes filterRows in every mode, %i bytes a pixel: both filtered and unfiltered in WebAssembly and TypeScript', (bpp) => {
    for (const width of [1, 2, 5, 6, 17, 33]) {
      const height = 7;
      const rowBytes = width * bpp;
      const pixels = mixedPixels(width, height, bpp, `${bpp}:${width}`);
      const rows = new Uint8Array(rowBytes * (height + 1));
      rows.set(pixels, rowBytes);
      for (const mode of [0, 1, 2, 3, 4, 'adaptive'] as FilterMode[]) {
        const viaWasm = filterRows({ rows, rowBytes, height, bytesPerPixel: bpp }, mode, 'wasm');
        const viaTypeScript = filterRows({ rows, rowBytes, height, bytesPerPixel: bpp }, mode, 'js');
        expect(Buffer.compare(viaWasm, viaTypeScript), `${width} ${mode}`).toBe(0);
        for (const kernel of ['wasm', 'js'] as const) {
          const back = unfilterRows(Uint8Array.from(viaWasm), rowBytes, height, bpp, kernel);
          expect(back && Buffer.compare(Buffer.from(back), Buffer.from(pixels)), `${width} ${mode} ${kernel}`).toBe(0);
        }
      }
    }
  });

  it('the adaptive choice uses every filter type on mixed rows', () => {
    const width = 40;
    const height = 60;
    const rows = new Uint8Array(width * 3 * (height + 1));
    rows.set(mixedPixels(width, height, 3, 'types'), width * 3);
    const raw = filterRows({ rows, rowBytes: width * 3, height, bytesPerPixel: 3 }, 'adaptive');
    const types = new Set(Array.from({ length: height }, (_, y) => raw[y * (width * 3 + 1)]));
    expect(types.size).toBeGreaterThanOrEqual(3);
  });

  it('refuses a filter type above 4', () => {
    for (const kernel of ['wasm', 'js'] as const) {
      expect(unfilterRows(Uint8Array.from([0, 1, 2, 3, 5, 1, 2, 3]), 3, 2, 3, kernel)).toBeUndefined();
      expect(unfilterRows(Uint8Array.from([0, 1, 2, 3, 4, 1, 2, 3]), 3, 2, 3, kernel)).toBeDefined();
    }
  });
});

describe('parsePlainPng and inflatePlainPng against sharp', () => {
  const images: [string, Buffer][] = [];

  beforeAll(async () => {
    for (const [name, path] of [['china', CHINA], ['flower', FLOWER]]) {
      const crop = sharp(path).extract({ left: 100, top: 80, width: 123, height: 57 });
      const rgb = await crop.clone().raw().toBuffer({ resolveWithObject: true });
      const rgba = await crop.clone().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      // Some alpha that varies.
      for (let i = 3; i < rgba.data.length; i += 4) rgba.data[i] = (i * 7) & 255;
      for (const [kind, { data, info }] of [['rgb', rgb], ['rgba', rgba]] as const) {
        const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
        images.push([`${name} ${kind} sharp adaptive`, await sharp(data, raw).png({ adaptiveFiltering: true }).toBuffer()]);
        images.push([`${name} ${kind} sharp none`, await sharp(data, raw).png({ adaptiveFiltering: false, compressionLevel: 9 }).toBuffer()]);
        images.push([`${name} ${kind} kquant baseline`, await encodeTruecolourPng(data, info.width, info.height, info.channels as 3 | 4)]);
        const rowBytes = info.width * info.channels;
        const rows = new Uint8Array(rowBytes * (info.height + 1));
        rows.set(data, rowBytes);
        for (const mode of [1, 2, 3, 4] as FilterMode[]) {
          const scanlines = filterRows({ rows, rowBytes, height: info.height, bytesPerPixel: info.channels }, mode);
          images.push([`${name} ${kind} filter ${mode}, 3 IDATs, text`, handPng(info.width, info.height, info.channels as 3 | 4, scanlines, {
            parts: 3,
            extra: [chunk('tEXt', Buffer.from('Comment\0made here')), chunk('pHYs', Buffer.alloc(9))],
          })]);
        }
      }
    }
    // The colour notes sharp leaves aside: its pixels are the file's own with each (and a gamma far from 2.2).
    const notes = { width: 23, height: 9 };
    const noted = mixedPixels(notes.width, notes.height, 4, 'notes');
    const notedRows = Buffer.concat(Array.from({ length: notes.height }, (_, y) => Buffer.concat([Buffer.from([0]), noted.subarray(y * 92, (y + 1) * 92)])));
    const u32 = (...values: number[]) => Buffer.concat(values.map((v) => Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255])));
    for (const extra of [
      chunk('sRGB', Buffer.from([0])),
      chunk('gAMA', u32(45455)),
      chunk('gAMA', u32(100000)),
      chunk('cHRM', u32(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)),
      chunk('bKGD', Buffer.from([0, 255, 0, 0, 0, 0])),
      chunk('sBIT', Buffer.from([5, 6, 5, 8])),
    ]) {
      images.push([`RGBA with ${extra.toString('latin1', 4, 8)}`, handPng(notes.width, notes.height, 4, notedRows, { extra: [extra] })]);
    }
    // 1×1 and one-pixel-wide images.
    for (const [w, h] of [[1, 1], [1, 9], [9, 1]]) {
      const data = mixedPixels(w, h, 3, `${w}x${h}`);
      images.push([`${w}×${h}`, await sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer()]);
    }
  });

  it('reads plain RGB and RGBA PNGs to the same pixels as sharp', async () => {
    expect(images.length).toBeGreaterThan(20);
    for (const [name, png] of images) {
      const mine = await viaReader(png);
      expect(mine, name).toBeDefined();
      const theirs = await viaSharp(png);
      expect(mine!.channels, name).toBe(theirs.channels);
      expect(Buffer.compare(mine!.data, theirs.data), name).toBe(0);
    }
  });

  it('leaves to sharp what it does not read the same way', async () => {
    const rgb = await sharp(CHINA).extract({ left: 0, top: 0, width: 40, height: 30 }).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: 40, height: 30, channels: 3 as const } };
    const plain = await sharp(rgb.data, raw).png().toBuffer();
    expect(parsePlainPng(plain)).toBeDefined();
    const insert = (extra: Buffer) => {
      const parts = chunks(plain);
      return Buffer.concat([SIGNATURE, parts[0][1], extra, ...parts.slice(1).map(([, b]) => b)]);
    };
    const others: [string, Buffer][] = [
      ['palette', await sharp(rgb.data, raw).png({ palette: true }).toBuffer()],
      ['grey', await sharp(Buffer.alloc(40 * 30, 77), { raw: { width: 40, height: 30, channels: 1 } }).toColourspace('b-w').png().toBuffer()],
      ['16-bit', await sharp(rgb.data, raw).toColourspace('rgb16').png().toBuffer()],
      ['interlaced', await sharp(rgb.data, raw).png({ progressive: true }).toBuffer()],
      ['ICC profile', await sharp(rgb.data, raw).withIccProfile('p3').png().toBuffer()],
      ['cICP', insert(chunk('cICP', Buffer.from([9, 16, 0, 1])))],
      ['tRNS', insert(chunk('tRNS', Buffer.from([0, 1, 0, 2, 0, 3])))],
      ['eXIf', insert(chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0', 'latin1')))],
      ['an unknown chunk', insert(chunk('quUx', Buffer.from('?')))],
      ['truncated', plain.subarray(0, plain.length - 30)],
      ['no IEND', plain.subarray(0, plain.length - 12)],
      ['not a PNG', Buffer.from('GIF89a and so on')],
    ];
    // A wrong CRC, in the IDAT data's last byte.
    const badCrc = Buffer.from(plain);
    const idat = chunks(plain).find(([type]) => type === 'IDAT')![1];
    badCrc[plain.indexOf(idat) + idat.length - 5] ^= 1;
    others.push(['a wrong CRC', badCrc]);
    // IDATs that are not consecutive.
    const split = handPng(40, 30, 3, filterRows({ rows: Buffer.concat([Buffer.alloc(120), rgb.data]), rowBytes: 120, height: 30 }, 0), { parts: 2 });
    const parts = chunks(split);
    const idats = parts.filter(([type]) => type === 'IDAT').map(([, b]) => b);
    expect(parsePlainPng(split)).toBeDefined();
    others.push(['IDATs apart', Buffer.concat([SIGNATURE, parts[0][1], idats[0], chunk('tEXt', Buffer.from('a\0b')), idats[1], chunk('IEND', new Uint8Array(0))])]);
    for (const [name, png] of others) expect(parsePlainPng(png), name).toBeUndefined();
  });

  it('gives up on a stream that does not inflate to exactly the rows, or has a filter type above 4', async () => {
    const width = 5;
    const height = 4;
    const scanlines = Buffer.alloc((width * 3 + 1) * height, 1);
    expect(await viaReader(handPng(width, height, 3, scanlines))).toBeDefined();
    expect(await viaReader(handPng(width, height, 3, scanlines.subarray(1)))).toBeUndefined();
    expect(await viaReader(handPng(width, height, 3, Buffer.concat([scanlines, Buffer.from([0])])))).toBeUndefined();
    const badType = Buffer.from(scanlines);
    badType[width * 3 + 1] = 5;
    expect(await viaReader(handPng(width, height, 3, badType))).toBeUndefined();
    // A zlib stream with a broken checksum.
    const png = handPng(width, height, 3, scanlines);
    const [, idat] = chunks(png).find(([type]) => type === 'IDAT')!;
    const broken = Buffer.from(png);
    const at = png.indexOf(idat) + idat.length - 5;
    broken[at] ^= 1;
    broken.writeUInt32BE(crc32(broken.subarray(png.indexOf(idat) + 4, at + 1)), at + 1);
    expect(parsePlainPng(broken)).toBeDefined();
    expect(await viaReader(broken)).toBeUndefined();
  });
});

describe('readImage on PNGs', () => {
  it('reads a plain PNG itself, and says what is wrong with a broken one through sharp', async () => {
    const dir = tempDir();
    const rgb = await sharp(CHINA).resize(64, 48).raw().toBuffer();
    const png = await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } }).png().toBuffer();
    const decoded = await readImage(png);
    expect(decoded).toMatchObject({ width: 64, height: 48, channels: 3, format: 'png', inputBytes: png.length, notes: [] });
    expect(Buffer.compare(Buffer.from(decoded.data), rgb)).toBe(0);
    await expect(readImage(png, { maxPixels: 64 * 48 - 1 })).rejects.toThrow(/64×48 is 3,072 pixels, over the limit of 3,071/);
    const path = join(dir, 'cut.png');
    writeFileSync(path, png.subarray(0, png.length - 40));
    await expect(readImage(path)).rejects.toThrow(/cut\.png: (cannot decode|not an image)/);
  });

  it('a run from PNG to PNG never loads sharp, at K = 8 or (truecolour) 1024; from JPEG it does', () => {
    const dir = tempDir();
    const input = join(dir, 'in.png');
    const loaded = (source: string, colours = 8) => {
      // A CommonJS preload that says, as the process ends, whether sharp's module was required.
      const run = spawnSync(
        process.execPath,
        ['-r', join(ROOT, 'test', 'sharp-probe.cjs'), BIN, source, '--colors', String(colours), '-o', join(dir, 'out.png'), '--force', '--json'],
        { cwd: ROOT },
      );
      expect(run.status, run.stderr.toString()).toBe(0);
      expect(JSON.parse(run.stdout.toString()).originalPngBytes).toBeGreaterThan(1000);
      return /sharp loaded: (\w+)/.exec(run.stderr.toString())?.[1];
    };
    const conversion = spawnSync(process.execPath, ['-e', `require('sharp')(${JSON.stringify(CHINA)}).resize(200).png().toFile(${JSON.stringify(input)})`], { cwd: ROOT });
    expect(conversion.status, conversion.stderr.toString()).toBe(0);
    expect(loaded(input)).toBe('no');
    expect(loaded(input, 1024)).toBe('no');
    expect(loaded(CHINA)).toBe('yes');
  });
});

describe('encodeTruecolourPng', () => {
  it('is lossless, RGB and RGBA, and the same bytes twice', async () => {
    for (const channels of [3, 4] as const) {
      const data = mixedPixels(37, 23, channels, `baseline ${channels}`);
      const png = await encodeTruecolourPng(data, 37, 23, channels);
      expect(png.equals(await encodeTruecolourPng(data, 37, 23, channels))).toBe(true);
      const back = await viaSharp(png);
      expect(back.channels).toBe(channels);
      expect(Buffer.compare(back.data, Buffer.from(data))).toBe(0);
    }
  });
});
