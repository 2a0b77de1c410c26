// Where the CLI's files go besides the images (--palette files, the report's originals), and the
// list of every file a run will write, checked before any work (io/output-plan.ts). Loads neither
// the report nor the palette writers.
import { basename, dirname, extname, join } from 'node:path';
import { KquantError } from '../core/errors.js';
import type { PlannedOutput } from '../io/output-plan.js';
import { plannedImages, type JobSpec } from '../job.js';
import { paletteFormatFromPath } from '../report/palette-formats.js';

/** Checks a --palette path's extension before any work. */
export function checkPalettePath(path: string): void {
  try {
    paletteFormatFromPath(path);
  } catch {
    throw new KquantError('USAGE', `${path}: unknown palette format; use .gpl, .json, .txt, .css or .png`);
  }
}

/**
 * The name each input lends the files named after it (its file name without extension, `stdin`
 * for -); inputs that share one get -2, -3, … in the order given (a/x.jpg b/x.jpg: x, x-2).
 */
export function inputStems(inputs: string[]): Map<string, string> {
  const stems = new Map<string, string>();
  const used = new Set<string>();
  for (const input of inputs) {
    const stem = input === '-' ? 'stdin' : basename(input, extname(input));
    let unique = stem;
    for (let n = 2; used.has(unique); n++) unique = `${stem}-${n}`;
    used.add(unique);
    stems.set(input, unique);
  }
  return stems;
}

/**
 * Where the palette of the input named `stem` at `k` goes: the given path for one result; with
 * several inputs or K, `<stem>-k<K>` is put before the extension (palette.gpl → palette-china-k16.gpl).
 */
export function palettePathFor(path: string, stem: string, k: number, several: { inputs: boolean; ks: boolean }): string {
  if (!several.inputs && !several.ks) return path;
  const ext = extname(path);
  const parts = [basename(path, ext)];
  if (several.inputs) parts.push(stem);
  if (several.ks) parts.push(`k${k}`);
  return join(dirname(path), `${parts.join('-')}${ext}`);
}

/** Where the report at `report` puts the original of the input named `stem`. */
export function originalPathFor(report: string, stem: string): string {
  return join(dirname(report), `${stem}-original.png`);
}

/** What a run writes besides the images, as the CLI's options ask. */
export interface SideOutputs {
  csv?: string;
  report?: string;
  palette?: string;
}

/**
 * Every file a run will write: the images (under --max-bytes with names that hold K, every name
 * the search could pick), the CSV, the report and its originals, the palettes.
 */
export function plannedOutputs(spec: JobSpec, side: SideOutputs): PlannedOutput[] {
  const outputs = plannedImages(spec);
  if (side.csv) outputs.push({ path: side.csv, what: 'the CSV' });
  const stems = inputStems(spec.inputs);
  if (side.report) {
    outputs.push({ path: side.report, what: 'the report' });
    for (const input of spec.inputs) {
      outputs.push({ path: originalPathFor(side.report, stems.get(input)!), what: `the report's original of ${input}`, of: input });
    }
  }
  if (side.palette) {
    const several = { inputs: spec.inputs.length > 1, ks: spec.ks.length > 1 };
    for (const input of spec.inputs) {
      for (const k of spec.ks) {
        outputs.push({ path: palettePathFor(side.palette, stems.get(input)!, k, several), what: `the palette of ${input} at K=${k}`, of: input });
      }
    }
  }
  return outputs;
}
