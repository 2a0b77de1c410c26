// The CLI's extra outputs beside the images: palette files (--palette) and the HTML report (--report).
import { basename, dirname, relative, sep } from 'node:path';
import { makeRng } from '../core/rng.js';
import { writeFileAtomic } from '../io/files.js';
import { writePaletteSwatchPng } from '../io/palette-png.js';
import type { JobResult } from '../job.js';
import type { QuantizedImage } from '../pipeline/quantize.js';
import { base64, renderHtmlReport, type ReportImage } from '../report/html.js';
import { formatPalette, paletteFormatFromPath } from '../report/palette-formats.js';

import type { PaletteColour } from '../types.js';

/** Pixels of the original shown in the report's colour-space clouds. */
const REPORT_SAMPLE = 4000;

/** The palette of a result as the report and palette files take it. */
export function paletteColours(quantized: QuantizedImage): PaletteColour[] {
  const colours: PaletteColour[] = [];
  for (let j = 0; j < quantized.coloursUsed; j++) {
    const o = j * 4;
    const [r, g, b, a] = quantized.palette.subarray(o, o + 4);
    colours.push({ r, g, b, a, pixels: quantized.counts[j] });
  }
  return colours;
}

export async function writePalette(path: string, result: JobResult, force: boolean): Promise<void> {
  const colours = paletteColours(result.quantized!);
  const format = paletteFormatFromPath(path);
  if (format === 'png') {
    await writePaletteSwatchPng(path, colours, { force });
  } else {
    const name = result.row.input === '-' ? 'stdin' : basename(result.row.input);
    await writeFileAtomic(path, Buffer.from(formatPalette(colours, format, `${name} K=${result.row.k}`)), { force });
  }
}

/** Gathers what the HTML report needs as results come in, and writes it at the end. */
export class ReportBuilder {
  private readonly images = new Map<string, ReportImage & { sample: Uint32Array }>();
  /** Originals to write beside the report, as PNG (a browser cannot show every input format). */
  private readonly originals = new Map<string, Buffer | undefined>();

  constructor(
    private readonly path: string,
    private readonly seed: number,
    private readonly force: boolean,
    /** Where the original of an input goes (output-paths.ts, originalPathFor). */
    private readonly originalPathOf: (input: string) => string,
  ) {}

  private urlOf(file: string): string {
    return relative(dirname(this.path), file).split(sep).join('/');
  }

  /** Records one result; the first result of an input also records the original. */
  add(result: JobResult): void {
    const { row, decoded, quantized } = result;
    let image = this.images.get(row.input);
    if (!image && decoded && decoded.data.length > 0) {
      const pixels = decoded.width * decoded.height;
      const rng = makeRng(`${this.seed}:report`);
      const sample = new Uint32Array(Math.min(REPORT_SAMPLE, pixels));
      const samplePixels = new Uint8Array(sample.length * 3);
      for (let s = 0; s < sample.length; s++) {
        const p = (sample[s] = Math.floor(rng() * pixels));
        samplePixels.set(decoded.data.subarray(p * decoded.channels, p * decoded.channels + 3), s * 3);
      }
      const originalFile = this.originalPathOf(row.input);
      image = {
        input: row.input,
        width: decoded.width,
        height: decoded.height,
        originalBytes: decoded.inputBytes,
        originalPngBytes: row.originalPngBytes,
        original: this.urlOf(originalFile),
        samplePixels,
        results: [],
        sample,
      };
      this.images.set(row.input, image);
      this.originals.set(originalFile, result.originalPng);
    }
    if (!image) return; // the input could not be read: nothing to show
    const sampleLabels = new Uint16Array(image.sample.length);
    if (quantized) image.sample.forEach((p, s) => (sampleLabels[s] = quantized.indices[p]));
    image.results.push({
      row,
      palette: quantized ? paletteColours(quantized) : [],
      image: !quantized ? '' : result.bytes ? `data:image/png;base64,${base64(result.bytes)}` : this.urlOf(row.output),
      sampleLabels,
    });
  }

  async write(): Promise<void> {
    for (const [file, png] of this.originals) if (png) await writeFileAtomic(file, png, { force: this.force });
    const images = [...this.images.values()].map(({ sample: _sample, ...image }) => image);
    await writeFileAtomic(this.path, Buffer.from(renderHtmlReport(images)), { force: this.force });
  }
}
