// Result rows as text: a line for people, CSV and JSON for machines. Pure strings.
import type { ResultRow } from '../types.js';

/** Column order of the CSV and of JSON objects. */
export const COLUMNS: (keyof ResultRow)[] = [
  'input',
  'k',
  'coloursUsed',
  'width',
  'height',
  'output',
  'outputBytes',
  'inputBytes',
  'pctOfInput',
  'originalPngBytes',
  'pctOfOriginalPng',
  'paletteStorageBytes',
  'mse',
  'psnrDb',
  'inertia',
  'iterations',
  'fitMs',
  'seed',
  'error',
  'warnings',
];

/** Bytes as people read them: 512 B, 48.2 KiB, 1.30 MiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function formatDb(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(2)} dB` : 'exact';
}

/**
 * One line a result: `china.jpg K=16: 16 colours, 41.3 KiB (21.5% of input, 7.5% of PNG), 27.42 dB, 21 iterations, 95 ms → out.png`.
 */
export function formatLine(row: ResultRow): string {
  if (row.error) return `K=${row.k}: error: ${row.error}`;
  const where = row.output ? ` → ${row.output}` : '';
  return (
    `${row.input} K=${row.k}: ${plural(row.coloursUsed, 'colour')}, ${formatBytes(row.outputBytes)} ` +
    `(${row.pctOfInput.toFixed(1)}% of input${row.originalPngBytes > 0 ? `, ${row.pctOfOriginalPng.toFixed(1)}% of PNG` : ''}), ` +
    `${formatDb(row.psnrDb)}, ${plural(row.iterations, 'iteration')}, ${Math.round(row.fitMs)} ms${where}`
  );
}

/** `1 colour`, `16 colours`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The columns a failed result still fills; the others are null in JSON and empty in CSV, not 0. */
const KEPT_ON_ERROR = new Set<keyof ResultRow>(['input', 'k', 'seed', 'error']);

/** A row's value in a column, or undefined where a failed result has none. */
function valueOf(row: ResultRow, key: keyof ResultRow): ResultRow[keyof ResultRow] {
  return row.error && !KEPT_ON_ERROR.has(key) ? undefined : row[key];
}

/**
 * JSON-safe copy: PSNR of an exact image is Infinity, which JSON cannot hold; it becomes null. A
 * failed result's measures are null too; `warnings` is left out when there are none.
 */
export function toJsonObject(row: ResultRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of COLUMNS) {
    const value = valueOf(row, key);
    if (value === undefined) {
      if (key !== 'warnings' && key !== 'error') out[key] = null;
      continue;
    }
    out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return out;
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(round(value)) : 'inf';
  const text = Array.isArray(value) ? value.join('; ') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function round(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(8));
}

/** CSV with a header line; one line a row. */
export function formatCsv(rows: ResultRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((key) => csvField(valueOf(row, key))).join(','));
  return lines.join('\n') + '\n';
}
