// A small, seeded fuzz: a few hundred random or mutated byte strings (bytes flipped, cut, spliced,
// headers rewritten with valid CRCs) through readImage and the whole job in-process, then a sample
// through the CLI. Every case must end in a result or a KquantError — never another exception,
// never a hang (each case has its own time limit), never a partial or temporary file.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { KquantError } from '../src/core/errors.js';
import { readImage } from '../src/io/read.js';
import { runJob } from '../src/job.js';
import { FLOWER, runCli, tempDir } from './helpers.js';
import { crc32 } from 'node:zlib';

const SEED = 20240607;
const CASES = 300;
/** Keeps mutated headers from asking for huge decodes; the limit is itself under test. */
const MAX_PIXELS = 1_000_000;

/** mulberry32: a small seeded generator, so a failing case can be replayed by its number. */
function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  bytes: Buffer;
}

/** Small valid images of several formats, the seeds of the mutations. */
async function bases(): Promise<Record<string, Buffer>> {
  const width = 24;
  const height = 16;
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    rgba.set([x * 10, y * 15, (x * y) % 256, x < 4 ? 0 : x < 8 ? 128 : 255], p * 4);
  }
  const raw = { raw: { width, height, channels: 4 as const } };
  const flower = sharp(FLOWER).resize(32, 24);
  return {
    png: await sharp(rgba, raw).removeAlpha().png().toBuffer(),
    'rgba.png': await sharp(rgba, raw).png().toBuffer(),
    'palette.png': await sharp(rgba, raw).png({ palette: true, colours: 8 }).toBuffer(),
    jpg: await flower.clone().jpeg({ quality: 80 }).toBuffer(),
    'progressive.jpg': await flower.clone().jpeg({ progressive: true }).toBuffer(),
    gif: await sharp(rgba, raw).gif().toBuffer(),
    webp: await sharp(rgba, raw).webp({ lossless: true }).toBuffer(),
    tiff: await sharp(rgba, raw).tiff({ compression: 'lzw' }).toBuffer(),
  };
}

/** The seeded cases: each a mutation of a base image, or random bytes. */
function makeCases(base: Record<string, Buffer>): Case[] {
  const random = makeRandom(SEED);
  const int = (n: number) => Math.floor(random() * n);
  const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const names = Object.keys(base);
  const cases: Case[] = [];
  for (let i = 0; i < CASES; i++) {
    const kind = names[int(names.length)];
    const ext = kind.split('.').pop()!;
    const bytes = Buffer.from(base[kind]);
    const how = int(7);
    let mutated: Buffer;
    let what: string;
    if (how === 0) {
      const flips = 1 + int(8);
      for (let f = 0; f < flips; f++) bytes[int(bytes.length)] ^= 1 << int(8);
      mutated = bytes;
      what = `${flips} bits flipped`;
    } else if (how === 1) {
      const cut = int(bytes.length);
      mutated = bytes.subarray(0, cut);
      what = `cut at ${cut}`;
    } else if (how === 2) {
      const at = int(bytes.length);
      const span = noise(1 + int(64));
      span.copy(bytes, at);
      mutated = bytes;
      what = `${span.length} bytes overwritten at ${at}`;
    } else if (how === 3) {
      const at = int(bytes.length);
      mutated = Buffer.concat([bytes.subarray(0, at), noise(1 + int(64)), bytes.subarray(at)]);
      what = `bytes inserted at ${at}`;
    } else if (how === 4 && ext === 'png') {
      // A rewritten IHDR with its CRC fixed, so libpng believes it: odd sizes, depths, colour types.
      const field = int(4);
      if (field === 0) bytes.writeUInt32BE(int(2) ? int(70000) : 1 + int(4000), 16); // width
      else if (field === 1) bytes.writeUInt32BE(int(2) ? int(70000) : 1 + int(4000), 20); // height
      else if (field === 2) bytes[24] = [1, 2, 4, 8, 16, 3, 0][int(7)]; // bit depth
      else bytes[25] = [0, 2, 3, 4, 6, 1, 7][int(7)]; // colour type
      bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
      mutated = bytes;
      what = `IHDR field ${field} rewritten`;
    } else if (how === 5) {
      // The right magic number, then rubbish.
      mutated = Buffer.concat([bytes.subarray(0, 4 + int(12)), noise(int(512))]);
      what = 'magic then noise';
    } else {
      mutated = noise(int(1024));
      what = 'random bytes';
    }
    cases.push({ name: `case ${i}: ${kind}, ${what}.${ext}`, bytes: mutated });
  }
  return cases;
}

describe('fuzz: mutated and random bytes', () => {
  let dir: string;
  let cases: Case[] = [];
  const outcomes: { path: string; failed: boolean }[] = [];
  beforeAll(async () => {
    dir = tempDir('kquant-fuzz-');
    cases = makeCases(await bases());
  });

  // One test a case, each with its own time limit: a hang fails that case, by its number.
  for (let i = 0; i < CASES; i++) {
    it(`case ${i}`, { timeout: 15_000 }, async () => {
      const { name, bytes } = cases[i];
      try {
        const image = await readImage(bytes, { maxPixels: MAX_PIXELS }, name);
        expect(image.width * image.height).toBeGreaterThan(0);
        expect(image.width * image.height).toBeLessThanOrEqual(MAX_PIXELS);
        expect(image.data.length).toBe(image.width * image.height * image.channels);
      } catch (error) {
        expect(error, `${name}: ${String(error)}`).toBeInstanceOf(KquantError);
        expect(['INPUT', 'TOO_LARGE']).toContain((error as KquantError).code);
        expect((error as Error).message.startsWith(`${name}: `)).toBe(true);
        expect((error as Error).message).not.toContain('\n');
      }

      // The whole job, from a file: a row, with `error` when it failed, and no stray file.
      const input = join(dir, `in-${i}.${name.split('.').pop()}`);
      const out = join(dir, `out-${i}`);
      mkdirSync(out);
      writeFileSync(input, bytes);
      const rows = await runJob({ inputs: [input], ks: [4], outDir: out, seed: 0, maxPixels: MAX_PIXELS });
      expect(rows).toHaveLength(1);
      const [row] = rows;
      if (row.error) {
        expect(row.error).not.toContain('\n');
        expect(readdirSync(out), name).toEqual([]);
      } else {
        expect(readdirSync(out)).toEqual([`in-${i}-k4.png`]);
        expect(row.outputBytes).toBeGreaterThan(0);
        const meta = await sharp(row.output).metadata();
        expect([meta.width, meta.height]).toEqual([row.width, row.height]);
      }
      outcomes[i] = { path: input, failed: Boolean(row.error) };
    });
  }

  it('covers both outcomes, and the CLI agrees on a sample', () => {
    const failed = outcomes.filter((o) => o?.failed);
    const passed = outcomes.filter((o) => o && !o.failed);
    // Mutations should mostly break the image, but some survive (a flipped pixel byte).
    expect(failed.length).toBeGreaterThan(CASES / 3);
    expect(passed.length).toBeGreaterThan(0);
    mkdirSync(join(dir, 'cli'));
    const random = makeRandom(SEED + 1);
    const sample = [...failed.slice(0, 8), ...passed.slice(0, 2)];
    for (let s = 0; s < 2 && failed.length > 8; s++) sample.push(failed[8 + Math.floor(random() * (failed.length - 8))]);
    for (const { path, failed: shouldFail } of sample) {
      const output = join(dir, 'cli', `${path.split('/').pop()}.png`);
      const run = runCli([path, '--colors', '4', '-o', output, '--max-pixels', String(MAX_PIXELS)]);
      const stderr = run.stderr.toString();
      expect(stderr).not.toMatch(/\n\s+at /);
      if (shouldFail) {
        expect(run.status, stderr).toBe(1);
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(stderr.startsWith(`kquant: ${path}: `)).toBe(true);
        expect(existsSync(output)).toBe(false);
      } else {
        expect(run.status, stderr).toBe(0);
        expect(existsSync(output)).toBe(true);
      }
    }
    expect(readdirSync(join(dir, 'cli')).filter((name) => name.startsWith('.kquant-tmp-'))).toEqual([]);
  });
});
