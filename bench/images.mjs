// The benchmark's inputs, made once under bench/out/inputs/: each fixture as a lossless PNG (every
// tool reads the same file, and pngquant reads only PNG), the generated 24-megapixel photo, and the
// 20-file batch.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const OUT_DIR = join(ROOT, 'bench/out');
const INPUT_DIR = join(OUT_DIR, 'inputs');

/** Size of the generated large photo: china.jpg upscaled to 24 megapixels. */
const BIG = { width: 6000, height: 4000 };
/** Batch: 20 JPEGs, china and flower alternately, scaled from 100% down to 55% in 5% steps. */
const BATCH_SIZE = 20;

/** Every image the benchmark knows, by name. `ks` limits the K values run on it. */
export const IMAGES = {
  china: { fixture: 'fixtures/china.jpg' },
  flower: { fixture: 'fixtures/flower.jpg' },
  big: { fixture: 'fixtures/china.jpg', resize: BIG, ks: [256] },
};

function isFresh(target, source) {
  return existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;
}

/**
 * Writes (once) the PNG every tool reads for this image.
 * @returns {Promise<{ name: string, input: string, width: number, height: number, megapixels: number }>}
 */
export async function prepareImage(name) {
  const spec = IMAGES[name];
  if (!spec) throw new Error(`unknown image "${name}" (known: ${Object.keys(IMAGES).join(', ')})`);
  const source = join(ROOT, spec.fixture);
  const input = join(INPUT_DIR, `${name}.png`);
  if (!isFresh(input, source)) {
    mkdirSync(INPUT_DIR, { recursive: true });
    let pipeline = sharp(source).rotate().toColourspace('srgb').removeAlpha();
    if (spec.resize) {
      process.stderr.write(`generating ${input} (${spec.resize.width}×${spec.resize.height}) once…\n`);
      pipeline = pipeline.resize(spec.resize.width, spec.resize.height, { fit: 'fill' });
    }
    await pipeline.png().toFile(input);
  }
  const { width, height } = await sharp(input).metadata();
  return { name, input, width, height, megapixels: (width * height) / 1e6 };
}

/** Writes (once) the batch of 20 JPEGs and returns their paths. */
export async function prepareBatch() {
  const dir = join(INPUT_DIR, 'batch');
  mkdirSync(dir, { recursive: true });
  const names = ['china', 'flower'];
  const paths = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const name = names[i % names.length];
    const scale = 1 - 0.05 * Math.floor(i / names.length);
    const path = join(dir, `${String(i).padStart(2, '0')}-${name}-${Math.round(scale * 100)}.jpg`);
    const source = join(ROOT, IMAGES[name].fixture);
    if (!isFresh(path, source)) {
      const { width } = await sharp(source).metadata();
      await sharp(source)
        .rotate()
        .resize(Math.round(width * scale))
        .jpeg({ quality: 92 })
        .toFile(path);
    }
    paths.push(path);
  }
  return paths;
}

/** Makes the parent folder of a file. */
export function ensureParent(path) {
  mkdirSync(dirname(path), { recursive: true });
}
