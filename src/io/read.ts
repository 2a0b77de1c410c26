// Reads any image sharp can decode into upright 8-bit sRGB pixels, keeping alpha. Plain 8-bit RGB
// and RGBA PNGs are read without sharp (png-read.ts), the same pixels, so a run on one never loads it.
import { readFile, stat } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { loadSharp } from './sharp.js';
import { inflatePlainPng, parsePlainPng } from './png-read.js';
import { KquantError } from '../core/errors.js';
import type { DecodedImage } from '../types.js';

/** Default pixel limit: sharp's own default for limitInputPixels (0x3FFF × 0x3FFF). */
export const DEFAULT_MAX_PIXELS = 0x3fff * 0x3fff;

export interface ReadOptions {
  /** Refuse images with more pixels than this, before decoding them (optional, default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

/** Reads `source` (a path, or `-` for standard input, or bytes) and decodes it. `label` names it in errors. */
export async function readImage(
  source: string | Uint8Array,
  options: ReadOptions = {},
  label = source === '-' ? 'standard input' : typeof source === 'string' ? source : 'input',
): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof source === 'string' ? await readSource(source, label) : source;
  if (bytes.length === 0) throw new KquantError('INPUT', `${label}: ${source === '-' ? 'nothing came in' : 'the file is empty'}`);

  const plain = parsePlainPng(bytes);
  if (plain) {
    checkPixels(plain.width, plain.height, maxPixels, label);
    const data = await inflatePlainPng(plain);
    // A stream that does not inflate to the rows goes to sharp, which says what is wrong with it.
    if (data) return { data, width: plain.width, height: plain.height, channels: plain.channels, format: 'png', inputBytes: bytes.length, notes: [] };
  }

  const sharp = loadSharp();
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new KquantError('INPUT', `${label}: not an image kquant can read (${reason(error)})`, { cause: error });
  }
  checkPixels(metadata.autoOrient?.width ?? metadata.width ?? 0, metadata.autoOrient?.height ?? metadata.height ?? 0, maxPixels, label);
  const notes: string[] = [];
  if ((metadata.pages ?? 1) > 1) notes.push(`${label}: ${metadata.pages} frames; only the first is quantized`);

  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1 })
      .rotate()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    let channels = info.channels;
    let pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (channels !== 3 && channels !== 4) {
      // sRGB output has 3 or 4 channels; anything else is widened through sharp once more.
      const widened = await sharp(pixels, { raw: { width: info.width, height: info.height, channels } })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      pixels = new Uint8Array(widened.data.buffer, widened.data.byteOffset, widened.data.length);
      channels = widened.info.channels;
    }
    return {
      data: pixels,
      width: info.width,
      height: info.height,
      channels: channels as 3 | 4,
      format: metadata.format ?? 'unknown',
      inputBytes: bytes.length,
      notes,
    };
  } catch (error) {
    throw new KquantError('INPUT', `${label}: cannot decode the image (${reason(error)})`, { cause: error });
  }
}

function checkPixels(width: number, height: number, maxPixels: number, label: string): void {
  if (width * height > maxPixels) {
    throw new KquantError(
      'TOO_LARGE',
      `${label}: ${width}×${height} is ${(width * height).toLocaleString('en-US')} pixels, over the limit of ${maxPixels.toLocaleString('en-US')}; raise it with --max-pixels`,
    );
  }
}

async function readSource(path: string, label: string): Promise<Uint8Array> {
  if (path === '-') return readStdin(label);
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new KquantError('INPUT', `${label}: is a directory, not an image`);
    // A device such as /dev/zero or /dev/urandom would be read for ever; a pipe ends.
    if (!info.isFile() && !info.isFIFO()) throw new KquantError('INPUT', `${label}: not a regular file`);
    return await readFile(path);
  } catch (error) {
    if (error instanceof KquantError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : reason(error);
    throw new KquantError('INPUT', `${label}: cannot read (${why})`, { cause: error });
  }
}

async function readStdin(label: string): Promise<Uint8Array> {
  if (process.stdin.isTTY) throw new KquantError('INPUT', `${label}: is a terminal; pipe an image in (cat photo.jpg | kquant - …)`);
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The first line of an error's message, without sharp's "Input buffer" boilerplate. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}
