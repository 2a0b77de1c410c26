// Shared test helpers: temporary folders, small images made on the fly, and running the real CLI.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'kquant.js');
export const CHINA = join(ROOT, 'fixtures', 'china.jpg');
export const FLOWER = join(ROOT, 'fixtures', 'flower.jpg');

/** A new empty folder, inside the test run's own (test/global-setup.ts), removed when the run ends. */
export function tempDir(prefix = 'kquant-test-'): string {
  return mkdtempSync(join(process.env.KQUANT_TEST_TMP ?? tmpdir(), prefix));
}

/** Runs the built CLI (bin/kquant.js → dist/bundle) as a subprocess. */
export function runCli(args: string[], options: { cwd?: string; input?: Uint8Array } = {}): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Files in a folder, sorted. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** A smooth RGB gradient, width × height. */
export async function gradientPng(path: string, width = 64, height = 48): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = Math.round((255 * x) / (width - 1));
      data[o + 1] = Math.round((255 * y) / (height - 1));
      data[o + 2] = 128;
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
}

/** An image of exactly three colours in stripes. */
export const THREE_COLOURS = [
  [200, 30, 40],
  [20, 160, 60],
  [30, 40, 220],
] as const;

export async function threeColourPng(path: string, width = 30, height = 20): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(THREE_COLOURS[Math.floor(p / 7) % 3], p * 3);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
}

/** RGBA: a transparent left half, an opaque gradient on the right half. */
export async function transparentPng(path: string, width = 40, height = 20): Promise<void> {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (x < width / 2) {
        data.set([x * 7, y * 5, 90, 0], o); // hidden colours under alpha 0
      } else {
        data.set([x * 6, 255 - y * 10, 40, 255], o);
      }
    }
  }
  await sharp(data, { raw: { width, height, channels: 4 } }).png().toFile(path);
}

/** Decodes an image to raw pixels (RGB, or RGBA when it has alpha). */
export async function decode(path: string | Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Distinct colours of raw pixels, as 'r,g,b[,a]' strings. */
export function distinctColours(data: Buffer, channels: number): Set<string> {
  const seen = new Set<string>();
  for (let o = 0; o < data.length; o += channels) seen.add(Array.from(data.subarray(o, o + channels)).join(','));
  return seen;
}

/** MSE a channel between two raw RGB buffers. */
export function mseBetween(a: Buffer, b: Buffer): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}
