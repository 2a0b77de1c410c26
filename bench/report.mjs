// Rows → ratios against kquant, an aligned text table and CSV. Pure strings, no I/O.

/** Columns in table and CSV order: key, header, decimals (undefined: as is). */
const COLUMNS = [
  ['tool', 'tool'],
  ['image', 'image'],
  ['k', 'K'],
  ['runs', 'runs'],
  ['wallS', 'wall_s', 3],
  ['innerS', 'inner_s', 3],
  ['cpuS', 'cpu_s', 2],
  ['peakRssMb', 'peak_rss_mb', 1],
  ['colours', 'colours'],
  ['mse', 'mse', 4],
  ['psnrDb', 'psnr_db', 3],
  ['bytes', 'bytes'],
  ['timeRatio', 'time_ratio', 3],
  ['mseRatio', 'mse_ratio', 4],
  ['bytesRatio', 'bytes_ratio', 3],
  ['note', 'note'],
];

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : undefined);

/**
 * Adds timeRatio, mseRatio, bytesRatio = this row ÷ the reference row at the same image and K:
 * the `kquant` row, or the row named by `row.ratioAgainst` (e.g. serial vs batch).
 * Above 1 means kquant is faster, closer to the original or smaller.
 */
export function addRatios(rows) {
  for (const row of rows) {
    const refTool = row.ratioAgainst ?? 'kquant';
    const ref = rows.find((r) => r.tool === refTool && r.image === row.image && r.k === row.k);
    if (!ref) continue;
    row.timeRatio = ratio(row.wallS, ref.wallS);
    row.mseRatio = ratio(row.mse, ref.mse);
    row.bytesRatio = ratio(row.bytes, ref.bytes);
  }
  return rows;
}

function cell(row, [key, , decimals]) {
  const v = row[key];
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' && decimals !== undefined) return Number.isFinite(v) ? v.toFixed(decimals) : String(v);
  return String(v);
}

/** Aligned plain-text table (numbers right-aligned, the note left as is). */
export function formatTable(rows) {
  const cols = COLUMNS;
  const body = rows.map((row) => cols.map((c) => cell(row, c)));
  const widths = cols.map((c, i) => Math.max(c[1].length, ...body.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((text, i) => (i < 3 || i === cols.length - 1 ? text.padEnd(widths[i]) : text.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c[1])), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function csvField(text) {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows) {
  const lines = [COLUMNS.map((c) => c[1]).join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvField(cell(row, c))).join(','));
  return `${lines.join('\n')}\n`;
}
