// The HTML report: one self-contained page (inline CSS, inline script, inline SVG; no network) to
// flip through the K values of a sweep, compare each result with the original, read its palette,
// see bytes and PSNR against K and the pixels as clouds in colour space. Pure string building:
// no node:*, no sharp; the caller writes the string and the images.

import { formatBytes } from './rows.js';
import { colourHex, formatSharePct, sortPaletteByShare, totalPixels } from './palette-formats.js';
import type { PaletteColour, ResultRow } from '../types.js';

/** One K of one input, as the report shows it. */
export interface ReportResult {
  row: ResultRow;
  palette: PaletteColour[];
  /** path of the written image relative to the report's folder, or a data: URL */
  image: string;
  /** for each sample pixel, its index into palette */
  sampleLabels: Uint16Array;
}

/** One input and all its results. */
export interface ReportImage {
  input: string;
  width: number;
  height: number;
  originalBytes: number;
  originalPngBytes: number;
  /** original image as a path relative to the report's folder, or a data: URL */
  original: string;
  /** RGB triplets of a seeded sample of the original's pixels (≤ 4000 pixels) */
  samplePixels: Uint8Array;
  results: ReportResult[];
}

export interface HtmlReportOptions {
  /** Page title and heading (optional, default `kquant report`) */
  title?: string;
}

const REPORT_DEFAULTS: Required<HtmlReportOptions> = { title: 'kquant report' };

/** Palettes longer than this show the rest as small chips without text, so K = 1024 stays readable. */
const PALETTE_TILES_MAX = 64;
/** Images narrower than this are shown scaled up with hard pixel edges, so single pixels stay visible. */
const PIXELATED_BELOW_PX = 400;
/** One wording for the two shares, in the figures and the table alike. */
const LABEL_PCT_FILE = '% of original file';
const LABEL_PCT_PNG = '% of original PNG';

// ─── text and numbers ────────────────────────────────────────────────────────────────────────────

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * A file path relative to the report (`/` separated) as a relative URL, each segment
 * percent-encoded (a `#`, `?`, `%` or `:` in a file name would otherwise change the URL's
 * meaning); a `data:` URL is returned as it is. An absolute path becomes a `file://` URL, which
 * works on this machine only.
 */
export function pathToRelativeUrl(path: string): string {
  if (/^data:/i.test(path)) return path;
  const encoded = path.split('/').map((seg) => (seg === '.' || seg === '..' ? seg : encodeURIComponent(seg))).join('/');
  return path.startsWith('/') ? 'file://' + encoded : encoded;
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no U+2028/9 surprises. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of bytes in plain code, so this module runs without Node. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

/** Uint16 labels as little-endian bytes, whatever the platform's byte order. */
function labelsToBytes(labels: Uint16Array): Uint8Array {
  const out = new Uint8Array(labels.length * 2);
  for (let i = 0; i < labels.length; i++) {
    out[2 * i] = labels[i] & 255;
    out[2 * i + 1] = labels[i] >> 8;
  }
  return out;
}

/** 12,345 — fixed separators so the page is the same on every machine. */
export function formatInt(n: number): string {
  return groupThousands(Math.round(n).toString());
}

/** Commas between groups of three digits: 1234567 → 1,234,567. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export { formatBytes } from './rows.js';

function formatPct(pct: number): string {
  return Number.isFinite(pct) ? `${pct.toFixed(1)}%` : '—';
}

/** `31.24 dB`; `∞` for an exact image. */
export function formatPsnr(psnrDb: number): string {
  if (psnrDb === Infinity) return '∞';
  return Number.isFinite(psnrDb) ? `${psnrDb.toFixed(2)} dB` : '—';
}

function fmtNum(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

/** Coordinates in SVG: two decimals are plenty and keep the page small. */
const c2 = (v: number): string => (Math.round(v * 100) / 100).toString();

// ─── validation ──────────────────────────────────────────────────────────────────────────────────

function checkImage(img: ReportImage, i: number): void {
  const where = `images[${i}] (${img.input})`;
  if (img.samplePixels.length % 3 !== 0) {
    throw new Error(`Expected RGB triplets for ${where}.samplePixels but received ${img.samplePixels.length} bytes`);
  }
  const samples = img.samplePixels.length / 3;
  img.results.forEach((res, j) => {
    const labels = res.sampleLabels;
    if (labels.length !== 0 && labels.length !== samples) {
      throw new Error(`Expected ${samples} sample labels (or none) for ${where}.results[${j}] (K=${res.row.k}) but received ${labels.length}`);
    }
    for (let s = 0; s < labels.length; s++) {
      if (labels[s] >= res.palette.length) {
        throw new Error(`Expected sample labels below the palette size ${res.palette.length} for ${where}.results[${j}] (K=${res.row.k}) but received ${labels[s]}`);
      }
    }
  });
}

// ─── parts of one input ──────────────────────────────────────────────────────────────────────────

const failed = (r: ReportResult): boolean => Boolean(r.row.error);

/** The first K shows before the script runs (and without it); the script shows the others. */
const hiddenUnlessFirst = (ki: number): string => (ki === 0 ? '' : ' hidden');

interface Ticks {
  values: number[];
  label: (v: number) => string;
}

/** About `count` round tick values (1, 2, 2.5, 5 × 10ⁿ) from at or below lo to at or above hi. */
function niceTicks(lo: number, hi: number, count: number): { values: number[]; step: number } {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.max(first + 1, Math.ceil(hi / step - 1e-9));
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(i * step);
  return { values, step };
}

/** Byte ticks in the unit that suits the largest value, so labels read `200 KiB`, not `195.3 KiB`. */
function byteTicks(max: number): Ticks & { top: number } {
  const [unit, name] = max >= 2 * 1024 * 1024 ? [1024 * 1024, 'MiB'] : max >= 2048 ? [1024, 'KiB'] : [1, 'B'];
  const { values, step } = niceTicks(0, max / unit, 5);
  const digits = step < 1 ? 1 : 0;
  return { values: values.map((v) => v * unit), label: (v) => `${(v / unit).toFixed(digits)} ${name}`, top: values[values.length - 1] * unit };
}

/**
 * Where the chart puts things. The chart is drawn twice, wide and narrow, and CSS shows the one
 * that fits its box (a container query), so its text stays at 11 px or more on a phone as on a
 * desktop: an SVG's text scales with the SVG.
 */
interface ChartLayout {
  variant: 'wide' | 'narrow';
  W: number;
  H: number;
  m: { l: number; r: number; t: number; b: number };
  /** font size in SVG units (the CSS sets the same), for spacing the K labels */
  font: number;
  /** legend entries: file size, PSNR, original PNG, original file */
  legend: Array<[number, number]>;
  dot: number;
}

const CHART_WIDE: ChartLayout = {
  variant: 'wide',
  W: 640,
  H: 340,
  m: { l: 70, r: 62, t: 52, b: 46 },
  font: 13,
  legend: [[70, 14], [290, 14], [70, 33], [290, 33]],
  dot: 4.5,
};

const CHART_NARROW: ChartLayout = {
  variant: 'narrow',
  W: 360,
  H: 334,
  m: { l: 62, r: 48, t: 80, b: 46 },
  font: 12.8,
  legend: [[4, 12], [190, 12], [4, 31], [4, 50]],
  dot: 4,
};

/** The chart of bytes (left axis) and PSNR (right axis) against K on a log2 axis, in both layouts. */
function renderCharts(img: ReportImage, results: ReportResult[]): string {
  if (!results.some((r) => !failed(r))) return '<p class="kq-empty">No results to chart.</p>';
  return `<div class="kq-chart-box">${renderChart(img, results, CHART_WIDE)}\n${renderChart(img, results, CHART_NARROW)}</div>`;
}

function renderChart(img: ReportImage, results: ReportResult[], layout: ChartLayout): string {
  const { W, H, m } = layout;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const points = results.map((r, ki) => ({ r, ki, lk: Math.log2(Math.max(1, r.row.k)) })).filter((p) => !failed(p.r));
  let xLo = Math.min(...points.map((p) => p.lk));
  let xHi = Math.max(...points.map((p) => p.lk));
  if (xHi - xLo < 1e-9) {
    xLo -= 1;
    xHi += 1;
  } else {
    // A little room so the first and last dots do not sit on the axes.
    const pad = (xHi - xLo) * 0.05;
    xLo -= pad;
    xHi += pad;
  }
  const x = (lk: number): number => m.l + ((lk - xLo) / (xHi - xLo)) * pw;

  const maxBytes = Math.max(img.originalPngBytes, img.originalBytes, ...points.map((p) => p.r.row.outputBytes), 1);
  const bt = byteTicks(maxBytes * 1.04);
  const yB = (bytes: number): number => m.t + ph - (bytes / bt.top) * ph;

  const finitePsnr = points.map((p) => p.r.row.psnrDb).filter((v) => Number.isFinite(v));
  const anyExact = points.some((p) => p.r.row.psnrDb === Infinity);
  const dataLo = finitePsnr.length ? Math.min(...finitePsnr) : 20;
  const dataHi = finitePsnr.length ? Math.max(...finitePsnr) : 40;
  // Some room above and below so the dots do not sit on the frame; at least a 10 dB span.
  const padP = Math.max(1, (dataHi - dataLo) * 0.06);
  const mid = (dataLo + dataHi) / 2;
  const pt = niceTicks(Math.min(dataLo - padP, mid - 5), Math.max(dataHi + padP, mid + 5) + (anyExact ? 3 : 0), 5);
  const pLo = pt.values[0];
  const pHi = pt.values[pt.values.length - 1];
  // An exact result (PSNR ∞) is drawn on the top edge and labelled ∞.
  const yP = (db: number): number => (db === Infinity ? m.t : m.t + ph - ((db - pLo) / (pHi - pLo)) * ph);

  const parts: string[] = [];
  parts.push(
    `<svg class="kq-chart kq-chart-${layout.variant}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(`File size and PSNR against K for ${img.input}`)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(`<rect class="kq-plot" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);

  // Grid and left axis (bytes).
  for (const v of bt.values) {
    const y = c2(yB(v));
    parts.push(`<line class="kq-grid" x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="kq-axis kq-axis-bytes" x="${m.l - 7}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(bt.label(v))}</text>`);
  }
  // Right axis (PSNR).
  for (const v of pt.values) {
    parts.push(
      `<text class="kq-axis kq-axis-psnr" x="${m.l + pw + 7}" y="${c2(yP(v))}" dominant-baseline="middle">${escapeHtml(fmtNum(v, pt.step < 1 ? 1 : 0))} dB</text>`,
    );
  }
  if (anyExact) parts.push(`<text class="kq-axis kq-axis-psnr" x="${m.l + pw + 7}" y="${m.t - 10}">∞</text>`);

  // X axis: every K when there are few, else the powers of two; none closer than their width.
  const ks = [...new Set(points.map((p) => p.r.row.k))].sort((a, b) => a - b);
  const labelled = ks.length <= 12 ? ks : ks.filter((k) => Number.isInteger(Math.log2(k)));
  const charW = layout.font * 0.62;
  let lastX = -Infinity;
  let lastLen = 0;
  for (const k of labelled) {
    const xx = x(Math.log2(k));
    const len = String(k).length;
    if (xx - lastX < ((len + lastLen) / 2) * charW + 6) continue; // keep labels from overlapping
    lastX = xx;
    lastLen = len;
    parts.push(`<line class="kq-tick" x1="${c2(xx)}" x2="${c2(xx)}" y1="${m.t + ph}" y2="${m.t + ph + 5}"/>`);
    parts.push(`<text class="kq-axis" x="${c2(xx)}" y="${m.t + ph + 18}" text-anchor="middle">${k}</text>`);
  }
  parts.push(`<text class="kq-axis-title" x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle">K (colours, log₂ scale)</text>`);

  // Reference lines: the original as a lossless PNG, and the original file itself.
  const refs: Array<[string, number, string]> = [
    ['kq-ref-png', img.originalPngBytes, `original PNG ${formatBytes(img.originalPngBytes)}`],
    ['kq-ref-input', img.originalBytes, `original file ${formatBytes(img.originalBytes)}`],
  ];
  // Their sizes are named in the legend, not on the lines, where labels would collide with the data.
  for (const [cls, bytes, label] of refs) {
    if (!(bytes > 0)) continue;
    const y = c2(yB(bytes));
    parts.push(`<line class="kq-refline ${cls}" x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}"><title>${escapeHtml(`${label} (${formatInt(bytes)} bytes)`)}</title></line>`);
  }

  // Current-K marker, one per K, shown by the script.
  for (const p of points) {
    const xx = c2(x(p.lk));
    parts.push(`<line class="kq-kline" data-ki="${p.ki}" x1="${xx}" x2="${xx}" y1="${m.t}" y2="${m.t + ph}"/>`);
  }

  // Series.
  const line = (pts: Array<[number, number]>): string => pts.map(([a, b], i) => `${i ? 'L' : 'M'}${c2(a)} ${c2(b)}`).join(' ');
  parts.push(`<path class="kq-line-bytes" d="${line(points.map((p) => [x(p.lk), yB(p.r.row.outputBytes)]))}"/>`);
  parts.push(`<path class="kq-line-psnr" d="${line(points.map((p) => [x(p.lk), yP(p.r.row.psnrDb)]))}"/>`);
  for (const p of points) {
    const tip = escapeHtml(
      `K = ${p.r.row.k}: ${formatBytes(p.r.row.outputBytes)} (${formatPct(p.r.row.pctOfOriginalPng)} of original PNG), PSNR ${formatPsnr(p.r.row.psnrDb)}`,
    );
    parts.push(`<circle class="kq-dot-bytes" data-ki="${p.ki}" cx="${c2(x(p.lk))}" cy="${c2(yB(p.r.row.outputBytes))}" r="${layout.dot}"><title>${tip}</title></circle>`);
    parts.push(`<circle class="kq-dot-psnr" data-ki="${p.ki}" cx="${c2(x(p.lk))}" cy="${c2(yP(p.r.row.psnrDb))}" r="${layout.dot}"><title>${tip}</title></circle>`);
  }
  // Click targets: the band around each K selects it.
  points.forEach((p, i) => {
    const left = i === 0 ? m.l : (x(points[i - 1].lk) + x(p.lk)) / 2;
    const right = i === points.length - 1 ? m.l + pw : (x(p.lk) + x(points[i + 1].lk)) / 2;
    parts.push(`<rect class="kq-hit" data-goto="${p.ki}" x="${c2(left)}" y="${m.t}" width="${c2(Math.max(1, right - left))}" height="${ph}"><title>K = ${p.r.row.k}</title></rect>`);
  });

  // Legend.
  const lg = ([xx, yy]: [number, number], cls: string, text: string, dot: boolean): string =>
    `<g class="kq-legend" transform="translate(${xx} ${yy})"><line class="${cls}" x1="0" x2="22" y1="0" y2="0"/>` +
    (dot ? `<circle class="${cls === 'kq-line-bytes' ? 'kq-dot-bytes' : 'kq-dot-psnr'}" cx="11" cy="0" r="4"/>` : '') +
    `<text x="28" y="0" dominant-baseline="middle">${escapeHtml(text)}</text></g>`;
  parts.push(lg(layout.legend[0], 'kq-line-bytes', 'file size (left axis)', true));
  parts.push(lg(layout.legend[1], 'kq-line-psnr', 'PSNR (right axis)', true));
  parts.push(lg(layout.legend[2], 'kq-ref-png', refs[0][2], false));
  parts.push(lg(layout.legend[3], 'kq-ref-input', refs[1][2], false));
  parts.push('</svg>');
  return parts.join('\n');
}

/** 1,234.57 — a number with fixed digits and the same separators as formatInt. */
function formatNum(n: number, digits: number): string {
  if (!Number.isFinite(n)) return '—';
  const [int, frac] = n.toFixed(digits).split('.');
  return groupThousands(int) + (frac ? '.' + frac : '');
}

const isDataUrl = (path: string): boolean => /^data:/i.test(path);
const isAbsolutePath = (path: string): boolean => path.startsWith('/') || /^[a-z]:[\\/]/i.test(path);
const fileName = (path: string): string => path.split(/[\\/]/).pop() || path;

/** The image's path as the page refers to it (relative to the report), or its file name. */
function shownPath(res: ReportResult): string {
  if (res.image && !isDataUrl(res.image) && !isAbsolutePath(res.image)) return res.image;
  return fileName(res.row.output);
}

/** The classic notebook's storage estimate, explained: it is no file size. */
function storageNote(r: ResultRow): string {
  if (!(r.paletteStorageBytes > 0) || !(r.k > 0)) return '';
  const bits = Math.ceil(Math.log2(r.k));
  const perColour = (r.paletteStorageBytes - Math.ceil((r.width * r.height * bits) / 8)) / r.k === 4 ? 4 : 3;
  return (
    `<p class="kq-extras kq-estimate">Uncompressed estimate ${escapeHtml(formatBytes(r.paletteStorageBytes))} ` +
    `(${formatInt(r.paletteStorageBytes)} bytes): ⌈log₂ K⌉ = ${bits} bit${bits === 1 ? '' : 's'} a pixel plus ${perColour} bytes a palette colour, ` +
    `the classic notebook's figure before any compression; the file above is compressed.</p>`
  );
}

function renderStats(img: ReportImage, res: ReportResult, ki: number): string {
  const r = res.row;
  if (failed(res)) {
    return `<div class="kq-per-k kq-stats" data-ki="${ki}"${hiddenUnlessFirst(ki)}><p class="kq-error" role="alert"><strong>K = ${r.k} failed:</strong> ${escapeHtml(r.error ?? '')}</p></div>`;
  }
  // The second line of a tile carries what used to hide in tooltips: exact bytes and the MSE.
  const tile = (label: string, value: string, sub: string): string =>
    `<div class="kq-stat"><span class="kq-stat-label">${label}</span><span class="kq-stat-value">${escapeHtml(value)}</span>` +
    (sub ? `<span class="kq-stat-sub">${escapeHtml(sub)}</span>` : '') +
    '</div>';
  const extras = [
    r.output && r.output !== '-' && res.image ? `image <a href="${escapeHtml(pathToRelativeUrl(res.image))}">${escapeHtml(shownPath(res))}</a>` : '',
    `${formatInt(r.iterations)} iteration${r.iterations === 1 ? '' : 's'}`,
    `fit ${fmtNum(r.fitMs, 0)} ms`,
    `inertia ${Number.isFinite(r.inertia) ? r.inertia.toExponential(3) : '—'}`,
    `seed ${escapeHtml(String(r.seed))}`,
  ].filter(Boolean);
  const warnings = (r.warnings ?? []).map((w) => `<p class="kq-warning">⚠ ${escapeHtml(w)}</p>`).join('');
  return [
    `<div class="kq-per-k kq-stats" data-ki="${ki}"${hiddenUnlessFirst(ki)}>`,
    '<div class="kq-stat-row">',
    tile('Colours used', formatInt(r.coloursUsed), r.coloursUsed !== r.k ? `of K = ${r.k}` : ''),
    tile('File size', formatBytes(r.outputBytes), `${formatInt(r.outputBytes)} bytes`),
    tile(LABEL_PCT_FILE, formatPct(r.pctOfInput), `of ${formatInt(img.originalBytes)} bytes`),
    tile(LABEL_PCT_PNG, formatPct(r.pctOfOriginalPng), `of ${formatInt(img.originalPngBytes)} bytes`),
    tile('PSNR', formatPsnr(r.psnrDb), `MSE ${formatNum(r.mse, 2)} a channel`),
    '</div>',
    `<p class="kq-extras">${extras.join(' · ')}</p>`,
    storageNote(r),
    warnings,
    '</div>',
  ].join('');
}

function renderPalette(res: ReportResult, ki: number): string {
  if (failed(res) || res.palette.length === 0) {
    return `<div class="kq-per-k kq-palette" data-ki="${ki}"${hiddenUnlessFirst(ki)}><p class="kq-empty">No palette for K = ${res.row.k}.</p></div>`;
  }
  const sorted = sortPaletteByShare(res.palette);
  const total = totalPixels(sorted);
  const bar = sorted
    .filter((c) => c.pixels > 0)
    .map((c) => {
      const hex = colourHex(c);
      const share = formatSharePct(c.pixels, total);
      return `<span style="flex-grow:${c.pixels};background:${hex}" title="${hex} ${share}"></span>`;
    })
    .join('');
  const tiles = sorted
    .slice(0, PALETTE_TILES_MAX)
    .map((c) => {
      const hex = colourHex(c);
      const share = formatSharePct(c.pixels, total);
      return (
        `<li class="kq-swatch" title="${hex} · ${formatInt(c.pixels)} pixels · ${share}">` +
        `<span class="kq-chip" style="background:${hex}"></span>` +
        `<code>${hex}</code><span class="kq-share">${share}</span></li>`
      );
    })
    .join('');
  const rest = sorted.slice(PALETTE_TILES_MAX);
  const more = rest.length
    ? `<p class="kq-more">and ${rest.length} more:</p><div class="kq-minichips">` +
      rest.map((c) => `<span style="background:${colourHex(c)}" title="${colourHex(c)} ${formatSharePct(c.pixels, total)}"></span>`).join('') +
      '</div>'
    : '';
  return (
    `<div class="kq-per-k kq-palette" data-ki="${ki}"${hiddenUnlessFirst(ki)}>` +
    `<p class="kq-palette-head">${sorted.length} colour${sorted.length === 1 ? '' : 's'}, most used first</p>` +
    `<div class="kq-sharebar" aria-hidden="true">${bar}</div>` +
    `<ul class="kq-swatches">${tiles}</ul>${more}</div>`
  );
}

function renderTable(img: ReportImage, results: ReportResult[]): string {
  // The row's K is a toggle button (announced as such, reachable by Tab); the whole row takes clicks too.
  const kCell = (k: number, ki: number): string =>
    `<th scope="row"><button type="button" class="kq-rowbtn" data-ki="${ki}" data-goto="${ki}" aria-pressed="${ki === 0}" aria-label="Show K = ${k}">${k}</button></th>`;
  const rows = results.map((res, ki) => {
    const r = res.row;
    if (failed(res)) {
      return `<tr class="kq-row kq-row-failed" data-ki="${ki}" data-goto="${ki}">${kCell(r.k, ki)}<td colspan="5" class="kq-error-cell">${escapeHtml(r.error ?? '')}</td></tr>`;
    }
    return (
      `<tr class="kq-row" data-ki="${ki}" data-goto="${ki}">${kCell(r.k, ki)}` +
      `<td>${formatInt(r.coloursUsed)}</td>` +
      `<td title="${formatInt(r.outputBytes)} bytes">${formatBytes(r.outputBytes)}</td>` +
      `<td>${formatPct(r.pctOfInput)}</td><td>${formatPct(r.pctOfOriginalPng)}</td>` +
      `<td>${r.psnrDb === Infinity ? '∞' : fmtNum(r.psnrDb, 2)}</td></tr>`
    );
  });
  return [
    `<div class="kq-table-wrap"><table class="kq-table">`,
    `<thead><tr><th scope="col">K</th><th scope="col">Colours</th><th scope="col">Size</th><th scope="col">${LABEL_PCT_FILE}</th><th scope="col">${LABEL_PCT_PNG}</th><th scope="col">PSNR (dB)</th></tr></thead>`,
    '<tbody>',
    `<tr class="kq-ref"><th scope="row" colspan="2">original file</th><td title="${formatInt(img.originalBytes)} bytes">${formatBytes(img.originalBytes)}</td><td>100%</td><td>${img.originalPngBytes > 0 ? formatPct((100 * img.originalBytes) / img.originalPngBytes) : '—'}</td><td></td></tr>`,
    `<tr class="kq-ref"><th scope="row" colspan="2">original PNG</th><td title="${formatInt(img.originalPngBytes)} bytes">${formatBytes(img.originalPngBytes)}</td><td>${img.originalBytes > 0 ? formatPct((100 * img.originalPngBytes) / img.originalBytes) : '—'}</td><td>100%</td><td></td></tr>`,
    ...rows,
    '</tbody></table></div>',
  ].join('\n');
}

function renderInput(img: ReportImage, index: number, barName: string): string {
  const results = [...img.results].sort((a, b) => a.row.k - b.row.k);
  const n = results.length;
  const name = escapeHtml(img.input);
  const originalUrl = escapeHtml(pathToRelativeUrl(img.original));
  const dims = `width="${img.width}" height="${img.height}"`;
  const small = img.width > 0 && img.width < PIXELATED_BELOW_PX ? ' kq-small' : '';
  const first = results.find((r) => !failed(r) && r.image);
  const samples = img.samplePixels.length / 3;
  // Width over height, so CSS can cap an image box at 78% of the window's height without letterboxing.
  const aspect = img.width > 0 && img.height > 0 ? ` style="--kq-aspect:${(img.width / img.height).toFixed(4)}"` : '';
  const kLabel = n ? `K = ${results[0].row.k}` : 'no results';

  // The bar names its input: with several inputs it is the one thing that says which one the bar
  // (and the ← → keys, which act on the section that fills the window) controls.
  const barId = `<span class="kq-control-id"><span class="kq-control-name" title="${name}">${escapeHtml(barName)}</span>`;
  const control =
    n > 1
      ? [
          `<div class="kq-control" role="group" aria-label="${escapeHtml(`K for ${img.input}`)}">`,
          `${barId}<output class="kq-kout kq-klabel" aria-live="polite">${kLabel}</output></span>`,
          '<span class="kq-slider">',
          '<button type="button" class="kq-step kq-prev" aria-label="Smaller K">◀</button>',
          `<input type="range" class="kq-range" min="0" max="${n - 1}" step="1" value="0" aria-label="K for ${name}" aria-valuetext="${escapeHtml(kLabel)}">`,
          '<button type="button" class="kq-step kq-next" aria-label="Larger K">▶</button>',
          '</span>',
          '<div class="kq-control-sub">',
          `<div class="kq-ticks" role="group" aria-label="K values">${results.map((r, ki) => `<button type="button" data-ki="${ki}" data-goto="${ki}">${r.row.k}</button>`).join('')}</div>`,
          '<span class="kq-hint">slider, buttons or ← → keys</span>',
          '</div>',
          '</div>',
        ].join('')
      : `<div class="kq-control kq-control-single">${barId}<output class="kq-kout kq-klabel">${kLabel}</output></span></div>`;

  const quantImgs = results
    .map((res, ki) =>
      failed(res) || !res.image
        ? `<div class="kq-per-k kq-noimg" data-ki="${ki}"${hiddenUnlessFirst(ki)}>K = ${res.row.k}: no image${res.row.error ? ' (' + escapeHtml(res.row.error) + ')' : ''}</div>`
        : `<img class="kq-per-k kq-img" data-ki="${ki}"${hiddenUnlessFirst(ki)} src="${escapeHtml(pathToRelativeUrl(res.image))}" ${dims} alt="${escapeHtml(`${img.input} with K = ${res.row.k}`)}" decoding="async">`,
    )
    .join('\n');

  const cloud = (kind: 'orig' | 'quant', plane: 'rg' | 'rb'): string => {
    const axis = plane === 'rg' ? 'Red–Green' : 'Red–Blue';
    const heading = kind === 'orig' ? `Original · ${axis}` : `<span class="kq-klabel">${kLabel}</span> · ${axis}`;
    const aria = `${kind === 'orig' ? 'Original' : 'Quantized'} pixels projected on the ${axis} plane`;
    return `<figure class="kq-cloud-fig"><figcaption>${heading}</figcaption><canvas class="kq-cloud" data-kind="${kind}" data-plane="${plane}" width="440" height="412" role="img" aria-label="${aria}"></canvas></figure>`;
  };

  return [
    `<section class="kq-input${small}" id="kq-input-${index}" data-input="${index}"${aspect} aria-labelledby="kq-title-${index}">`,
    `<header class="kq-input-head"><h2 id="kq-title-${index}">${name}</h2>`,
    `<p class="kq-meta">${img.width}×${img.height} px · original file ${formatBytes(img.originalBytes)} · original PNG ${formatBytes(img.originalPngBytes)} · ${n} result${n === 1 ? '' : 's'}</p></header>`,
    control,
    `<div class="kq-stats-wrap">${results.map((r, ki) => renderStats(img, r, ki)).join('\n')}</div>`,
    '<div class="kq-card kq-compare-card">',
    '<div class="kq-card-head"><h3>Original and quantized</h3>',
    `<div class="kq-modes" role="radiogroup" aria-label="Comparison view"><label><input type="radio" name="kq-mode-${index}" value="side" checked> Side by side</label><label><input type="radio" name="kq-mode-${index}" value="split"> Split</label></div></div>`,
    '<div class="kq-side">',
    `<figure class="kq-fig"><figcaption>Original</figcaption><div class="kq-imgbox"><img class="kq-img kq-original" src="${originalUrl}" ${dims} alt="${escapeHtml(`${img.input}, original`)}"></div></figure>`,
    `<figure class="kq-fig"><figcaption>Quantized · <span class="kq-klabel">${kLabel}</span></figcaption><div class="kq-imgbox">${quantImgs}</div></figure>`,
    '</div>',
    '<div class="kq-split" hidden>',
    `<div class="kq-split-frame kq-imgbox" style="--split:50%"><img class="kq-img kq-split-base" draggable="false" src="${originalUrl}" ${dims} alt="${escapeHtml(`${img.input}, original`)}">`,
    `<img class="kq-img kq-split-top" draggable="false" src="${first ? escapeHtml(pathToRelativeUrl(first.image)) : originalUrl}" ${dims} alt="${escapeHtml(`${img.input}, quantized with ${kLabel}`)}">`,
    `<span class="kq-split-line" aria-hidden="true"></span><span class="kq-tag kq-tag-left">Original</span><span class="kq-tag kq-tag-right kq-klabel">${kLabel}</span></div>`,
    '<input type="range" class="kq-split-range" min="0" max="100" step="0.5" value="50" aria-label="Split position: original on the left, quantized on the right">',
    '</div>',
    '</div>',
    `<div class="kq-card kq-palette-card"><div class="kq-card-head"><h3>Palette · <span class="kq-klabel">${kLabel}</span></h3><span class="kq-note">share of the written image's pixels</span></div>`,
    results.map((r, ki) => renderPalette(r, ki)).join('\n'),
    '</div>',
    '<div class="kq-pair">',
    `<div class="kq-card"><div class="kq-card-head"><h3>Size and quality against K</h3></div>${renderCharts(img, results)}</div>`,
    `<div class="kq-card"><div class="kq-card-head"><h3>Sizes</h3><span class="kq-note">click a row to show its K</span></div>${renderTable(img, results)}</div>`,
    '</div>',
    '<div class="kq-card kq-clouds-card">',
    '<div class="kq-card-head"><h3>Colour space</h3>',
    `<span class="kq-note">${formatInt(samples)} sampled pixels, each in its own colour; a quantized dot's area is the share of the sample it stands for</span></div>`,
    samples > 0
      ? `<div class="kq-clouds">${cloud('orig', 'rg')}${cloud('orig', 'rb')}${cloud('quant', 'rg')}${cloud('quant', 'rb')}</div>`
      : '<p class="kq-empty">No pixel sample.</p>',
    '</div>',
    '</section>',
  ].join('\n');
}

// ─── the page ────────────────────────────────────────────────────────────────────────────────────

/** Each input's name for its K bar: the file name, or the whole input where file names repeat. */
function barNames(images: ReportImage[]): string[] {
  const short = images.map((img) => fileName(img.input) || img.input);
  return short.map((s, i) => (short.indexOf(s) !== short.lastIndexOf(s) ? images[i].input : s));
}

/**
 * What it takes to share the page: it shows its images by paths relative to itself, so the
 * folders that hold them go with it; data: URLs travel inside it; absolute paths work here only.
 */
export function shareNote(images: ReportImage[]): string {
  const paths = images.flatMap((img) => [img.original, ...img.results.map((r) => r.image)]).filter((p) => p && !isDataUrl(p));
  const absolute = paths.some(isAbsolutePath);
  const outside = [...new Set(paths.filter((p) => !isAbsolutePath(p) && /^(\.\.\/)+/.test(p)).map((p) => p.slice(0, p.lastIndexOf('/') + 1)))].sort();
  const notes = ['This page works offline.'];
  if (paths.length === 0) {
    notes.push('Its images are inside it: the file alone can be shared.');
  } else if (outside.length === 0) {
    notes.push("It shows its images by paths relative to its own folder: to share it, share that folder (zip it), not the page alone.");
  } else {
    const listed = outside.length > 3 ? `${outside.slice(0, 3).join(', ')} and ${outside.length - 3} more` : outside.join(', ');
    notes.push(
      `It shows images from outside its folder (${listed}) by relative paths: to share it, share its folder together with ${outside.length === 1 ? 'that folder' : 'those folders'}, keeping them in the same places relative to each other.`,
    );
  }
  if (absolute) notes.push('Some images are referenced by absolute paths and show on this machine only.');
  return notes.join(' ');
}

/** The data the page's script reads: per input the sample, per result its image, palette and labels. */
function pageData(images: ReportImage[]): unknown {
  return {
    version: 1,
    inputs: images.map((img) => ({
      input: img.input,
      width: img.width,
      height: img.height,
      originalBytes: img.originalBytes,
      originalPngBytes: img.originalPngBytes,
      original: pathToRelativeUrl(img.original),
      // base64 keeps 4000 samples at ~16 KB instead of ~45 KB of JSON numbers.
      samplePixels: base64(img.samplePixels),
      results: [...img.results]
        .sort((a, b) => a.row.k - b.row.k)
        .map((res) => ({
          k: res.row.k,
          coloursUsed: res.row.coloursUsed,
          outputBytes: res.row.outputBytes,
          pctOfInput: res.row.pctOfInput,
          pctOfOriginalPng: res.row.pctOfOriginalPng,
          // JSON has no Infinity: null stands for an exact image.
          psnrDb: Number.isFinite(res.row.psnrDb) ? res.row.psnrDb : null,
          mse: res.row.mse,
          error: res.row.error ?? null,
          image: res.image ? pathToRelativeUrl(res.image) : '',
          palette: res.palette.map((c) => [c.r, c.g, c.b, c.a, c.pixels]),
          sampleLabels: base64(labelsToBytes(res.sampleLabels)),
        })),
    })),
  };
}

/**
 * The report as one HTML page that works offline from file://: for every input and K the
 * quantized image beside the original, its numbers, palette, a chart of bytes and PSNR against K,
 * colour-space clouds and a size table, with a slider (and ← → keys) to flip through K.
 * Image paths are relative to the report's folder (`/` separated) or data: URLs.
 */
export function renderHtmlReport(images: ReportImage[], options: HtmlReportOptions = {}): string {
  const { title } = { ...REPORT_DEFAULTS, ...options };
  images.forEach(checkImage);
  const results = images.reduce((s, img) => s + img.results.length, 0);
  const nav =
    images.length > 1
      ? `<nav class="kq-nav" aria-label="Inputs"><ol>${images.map((img, i) => `<li><a href="#kq-input-${i}">${escapeHtml(img.input)}</a></li>`).join('')}</ol></nav>`
      : '';
  const names = barNames(images);
  const body = images.length ? images.map((img, i) => renderInput(img, i, names[i])).join('\n') : '<p class="kq-empty">No inputs in this report.</p>';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="kquant">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header class="kq-page-head"><h1>${escapeHtml(title)}</h1><p class="kq-meta">${images.length} input${images.length === 1 ? '' : 's'} · ${results} result${results === 1 ? '' : 's'} · colours by exact k-means</p></header>`,
    nav,
    `<main>${body}</main>`,
    `<footer class="kq-foot">Made by kquant. ${escapeHtml(shareNote(images))}</footer>`,
    `<script type="application/json" id="kq-data">${jsonForScript(pageData(images))}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ─── inline style and script ─────────────────────────────────────────────────────────────────────

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#f6f8fa;--card:#fff;--line:#d1d9e0;--soft:#eef1f4;--accent:#0969da;--bytes:#0969da;--psnr:#c2410c;--ref:#6e7781;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1280px;padding:20px 20px 40px}
h1{font-size:1.6rem;margin:0 0 2px}h2{font-size:1.3rem;margin:0;overflow-wrap:anywhere}h3{font-size:1rem;margin:0}
code,.kq-mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.85em}
.kq-meta,.kq-note,.kq-hint,.kq-extras,.kq-foot{color:var(--muted);font-size:.875rem;margin:0}
.kq-page-head{margin-bottom:12px}
.kq-nav ol{margin:0 0 16px;padding-left:1.4em;columns:2 280px}.kq-nav a{color:var(--accent)}
.kq-input{margin:0 0 40px;padding-top:8px;border-top:1px solid var(--line)}
.kq-input-head{margin:10px 0 12px}
.kq-card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 16px;min-width:0}
.kq-card-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px;margin-bottom:10px}
.kq-control{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;background:rgba(255,255,255,.96);
border:1px solid var(--line);border-radius:10px;padding:10px 14px;margin:0 0 12px;box-shadow:0 2px 8px rgba(31,35,40,.08);backdrop-filter:blur(4px)}
.kq-control-id{display:flex;flex-direction:column;min-width:0;max-width:100%;line-height:1.2}
.kq-control-name{font-size:.8rem;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:18rem}
.kq-kout{font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums;min-width:6.5ch}
.kq-slider{display:flex;flex-wrap:nowrap;align-items:center;gap:8px;flex:1 1 200px;min-width:0}
.kq-range{flex:1 1 auto;width:0;min-width:60px;accent-color:var(--accent);height:28px;margin:0}
.kq-step,.kq-ticks button{font:inherit;border:1px solid var(--line);background:#fff;color:var(--fg);border-radius:6px;cursor:pointer}
.kq-step{flex:none;width:34px;height:30px}.kq-step:disabled{opacity:.4;cursor:default}
.kq-control-sub{display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;flex-basis:100%}
.kq-ticks{display:flex;flex-wrap:wrap;gap:4px;flex:1 1 auto}
.kq-ticks button{font-size:.8rem;padding:2px 8px;font-variant-numeric:tabular-nums}
.kq-ticks button.current{background:var(--accent);border-color:var(--accent);color:#fff}
.kq-step:hover,.kq-ticks button:hover{border-color:var(--accent)}
.kq-step:focus-visible,.kq-ticks button:focus-visible,.kq-rowbtn:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.kq-hint{margin-left:auto}
.kq-stat-row{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:8px;margin-bottom:6px}
.kq-stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px;display:flex;flex-direction:column}
.kq-stat-label{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.kq-stat-value{font-size:1.25rem;font-weight:650;font-variant-numeric:tabular-nums}
.kq-stat-sub{font-size:.8rem;color:var(--muted);font-variant-numeric:tabular-nums}
.kq-stats{margin-bottom:12px}.kq-extras a{color:var(--accent);overflow-wrap:anywhere}.kq-estimate{margin-top:2px;font-size:.8rem}
.kq-warning{margin:4px 0 0;color:#9a6700;font-size:.875rem}
.kq-error{background:#ffebe9;border:1px solid #ffcecb;color:#82071e;border-radius:8px;padding:8px 12px;margin:0}
.kq-side{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:14px}
.kq-fig{margin:0;min-width:0}.kq-fig figcaption,.kq-cloud-fig figcaption{font-size:.875rem;color:var(--muted);margin-bottom:4px}
.kq-imgbox{position:relative;border-radius:6px;overflow:hidden;line-height:0;margin:0 auto;max-width:calc(78vh * var(--kq-aspect,100));
background:repeating-conic-gradient(#e6e9ed 0 25%,#fff 0 50%) 0 0/16px 16px}
.kq-img{display:block;width:100%;height:auto}
.kq-small .kq-img{image-rendering:pixelated}
.kq-noimg{padding:40px 12px;line-height:1.4;color:var(--muted);text-align:center}
.kq-modes{display:inline-flex;border:1px solid var(--line);border-radius:6px;overflow:hidden;font-size:.85rem}
.kq-modes label{padding:3px 10px;cursor:pointer}.kq-modes label+label{border-left:1px solid var(--line)}
.kq-modes input{position:absolute;opacity:0;pointer-events:none}
.kq-modes label:has(input:checked){background:var(--accent);color:#fff}
.kq-modes label:has(input:focus-visible){outline:2px solid var(--accent)}
.kq-split{max-width:calc(78vh * var(--kq-aspect,100));margin:0 auto}
.kq-split-frame{cursor:ew-resize;touch-action:none}
.kq-split-top{position:absolute;inset:0;height:100%;clip-path:inset(0 0 0 var(--split))}
.kq-split-line{position:absolute;top:0;bottom:0;left:var(--split);width:2px;margin-left:-1px;background:#fff;box-shadow:0 0 0 1px rgba(0,0,0,.35)}
.kq-tag{position:absolute;top:8px;line-height:1.2;font-size:.8rem;background:rgba(31,35,40,.72);color:#fff;padding:3px 8px;border-radius:4px}
.kq-tag-left{left:8px}.kq-tag-right{right:8px}
.kq-split-range{width:100%;margin:8px 0 0;accent-color:var(--accent)}
.kq-palette-head{margin:0 0 6px;font-size:.875rem;color:var(--muted)}
.kq-sharebar{display:flex;height:18px;border-radius:4px;overflow:hidden;border:1px solid var(--line);margin-bottom:10px}
.kq-sharebar span{flex-basis:0;min-width:0}
.kq-swatches{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(92px,1fr));gap:8px}
.kq-swatch{border:1px solid var(--line);border-radius:6px;overflow:hidden;display:flex;flex-direction:column;font-size:.8rem;background:#fff}
.kq-chip{height:34px;border-bottom:1px solid var(--line)}
.kq-swatch code{padding:3px 6px 0}.kq-share{padding:0 6px 4px;color:var(--muted);font-variant-numeric:tabular-nums}
.kq-more{margin:10px 0 4px;font-size:.85rem;color:var(--muted)}
.kq-minichips{display:flex;flex-wrap:wrap;gap:2px}.kq-minichips span{width:14px;height:14px;border-radius:2px;box-shadow:inset 0 0 0 1px rgba(0,0,0,.12)}
.kq-pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:0 16px}
.kq-chart-box{container:kq-chart/inline-size}
.kq-chart{display:block;width:100%;height:auto;font-size:13px;font-family:inherit}
.kq-chart-narrow{display:none;font-size:12.8px;max-width:400px;margin:0 auto}
@container kq-chart (max-width:549.98px){.kq-chart-wide{display:none}.kq-chart-narrow{display:block}}
.kq-chart text{fill:var(--fg)}.kq-chart .kq-axis{fill:var(--muted)}.kq-chart .kq-axis-title{fill:var(--muted)}
.kq-plot{fill:#fff;stroke:var(--line)}.kq-grid{stroke:var(--soft)}.kq-tick{stroke:var(--line)}
.kq-chart .kq-axis-bytes{fill:var(--bytes)}.kq-chart .kq-axis-psnr{fill:var(--psnr)}
.kq-line-bytes{fill:none;stroke:var(--bytes);stroke-width:2.5}.kq-line-psnr{fill:none;stroke:var(--psnr);stroke-width:2.5;stroke-dasharray:none}
.kq-dot-bytes{fill:var(--bytes);stroke:#fff;stroke-width:1.5}.kq-dot-psnr{fill:#fff;stroke:var(--psnr);stroke-width:2}
.kq-dot-bytes.current,.kq-dot-psnr.current{stroke:var(--fg);stroke-width:2.5}
.kq-ref-png{stroke:var(--ref);stroke-width:1.5;stroke-dasharray:6 4}.kq-ref-input{stroke:var(--ref);stroke-width:1.5;stroke-dasharray:1.5 3}
.kq-kline{stroke:var(--accent);stroke-width:8;opacity:0}.kq-kline.current{opacity:.14}
.kq-hit{fill:transparent;cursor:pointer}
.kq-table-wrap{overflow-x:auto;container-type:inline-size;
background:linear-gradient(to right,var(--card) 30%,rgba(255,255,255,0)) left/24px 100% no-repeat local,linear-gradient(to left,var(--card) 30%,rgba(255,255,255,0)) right/24px 100% no-repeat local,
radial-gradient(farthest-side at 0 50%,rgba(31,35,40,.22),transparent) left/12px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(31,35,40,.22),transparent) right/12px 100% no-repeat scroll}
.kq-table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
.kq-table th,.kq-table td{padding:5px 10px;text-align:right;border-bottom:1px solid var(--soft);white-space:nowrap}
.kq-table thead th{color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);white-space:normal;vertical-align:bottom;line-height:1.2}
.kq-table th[scope=row]{font-weight:650}
.kq-rowbtn{font:inherit;font-weight:inherit;color:inherit;background:none;border:0;border-radius:4px;padding:0 2px;margin:0 -2px;cursor:pointer}
.kq-row{cursor:pointer}.kq-row:hover{background:var(--bg)}.kq-row.current{background:#ddf4ff}.kq-row.current th{color:var(--accent)}
.kq-ref th,.kq-ref td{color:var(--muted);font-weight:400!important;font-style:italic}
@container (max-width:470px){.kq-table{font-size:.8rem}.kq-table th,.kq-table td{padding:4px}}
@container (max-width:330px){.kq-table{font-size:.75rem}.kq-table th,.kq-table td{padding:4px 3px}}
.kq-error-cell{color:#82071e;text-align:left!important;white-space:normal!important}
.kq-clouds{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px}
.kq-cloud-fig{margin:0}.kq-cloud{display:block;width:100%;height:auto;aspect-ratio:440/412;border-radius:6px}
.kq-empty{color:var(--muted);font-style:italic}
.kq-foot{margin-top:24px}
[hidden]{display:none!important}
@media (max-width:640px){body{padding:10px 10px 32px}.kq-hint{display:none}.kq-kout{font-size:1.25rem}
.kq-card{padding:12px}.kq-control{padding:8px 10px;gap:6px 10px}}
`;

// Plain ES2017 so any current browser runs it; no template literals (this lives inside one).
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('kq-data').textContent);
  var states = [];

  function bytesOf(b64) {
    var bin = atob(b64 || ''), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function labelsOf(b64) {
    var b = bytesOf(b64), out = new Uint16Array(b.length >> 1);
    for (var i = 0; i < out.length; i++) out[i] = b[2 * i] | (b[2 * i + 1] << 8);
    return out;
  }
  function each(root, sel, fn) { Array.prototype.forEach.call(root.querySelectorAll(sel), fn); }

  // Colour-space plot: Red across, Green or Blue up, 0..255 on both, a square plot area. Drawn in
  // these units, scaled to a backing store of the canvas's size on screen times devicePixelRatio.
  var M = { l: 72, r: 20, t: 14, b: 50 }, PW = 348, PH = 348, SW = M.l + PW + M.r, SH = M.t + PH + M.b;
  function px(v) { return M.l + (v / 255) * PW; }
  function py(v) { return M.t + PH - (v / 255) * PH; }
  // Sizes the backing store to the pixels the canvas covers; true when it changed.
  function fit(cv) {
    var w = cv.getBoundingClientRect().width || SW, dpr = window.devicePixelRatio || 1;
    var bw = Math.max(1, Math.round(w * dpr)), bh = Math.max(1, Math.round((bw * SH) / SW));
    if (cv.width === bw && cv.height === bh) return false;
    cv.width = bw; cv.height = bh;
    return true;
  }
  function frame(cv) {
    var ctx = cv.getContext('2d');
    var plane = cv.getAttribute('data-plane'), s = cv.width / SW;
    ctx.setTransform(s, 0, 0, s, 0, 0);
    ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, SW, SH);
    ctx.fillStyle = '#e9ecf0'; ctx.fillRect(M.l, M.t, PW, PH);
    ctx.strokeStyle = '#f7f8fa'; ctx.lineWidth = 1;
    for (var g = 64; g < 256; g += 64) {
      ctx.beginPath(); ctx.moveTo(px(g), M.t); ctx.lineTo(px(g), M.t + PH); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(M.l, py(g)); ctx.lineTo(M.l + PW, py(g)); ctx.stroke();
    }
    ctx.fillStyle = '#59636e'; ctx.font = '19px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    [0, 128, 255].forEach(function (v) { ctx.fillText(String(v), px(v), M.t + PH + 5); });
    ctx.fillText('Red \\u2192', M.l + PW / 2, M.t + PH + 26);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    [0, 128, 255].forEach(function (v) { ctx.fillText(String(v), M.l - 6, py(v)); });
    ctx.save(); ctx.translate(16, M.t + PH / 2); ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center'; ctx.fillText((plane === 'rb' ? 'Blue' : 'Green') + ' \\u2192', 0, 0); ctx.restore();
    // Dots and discs stay inside the plot area, off the axes and their labels.
    ctx.save(); ctx.beginPath(); ctx.rect(M.l, M.t, PW, PH); ctx.clip();
    return ctx;
  }
  function drawOriginal(st, cv) {
    var ctx = frame(cv), s = st.sample, plane = cv.getAttribute('data-plane'), n = s.length / 3;
    for (var i = 0; i < n; i++) {
      var r = s[3 * i], g = s[3 * i + 1], b = s[3 * i + 2];
      ctx.fillStyle = 'rgb(' + r + ',' + g + ',' + b + ')';
      ctx.beginPath(); ctx.arc(px(r), py(plane === 'rb' ? b : g), 2.2, 0, 6.2832); ctx.fill();
    }
    ctx.restore();
    cv.setAttribute('data-dots', String(n));
  }
  // The quantized sample sits on the palette's colours only: one disc per colour, area by count.
  function drawQuantized(st, cv, res) {
    var ctx = frame(cv), plane = cv.getAttribute('data-plane');
    var labels = st.labels[st.ki] || (st.labels[st.ki] = labelsOf(res.sampleLabels));
    var counts = new Float64Array(res.palette.length), n = labels.length, i;
    for (i = 0; i < n; i++) if (labels[i] < counts.length) counts[labels[i]]++;
    var order = [];
    for (i = 0; i < counts.length; i++) if (counts[i] > 0) order.push(i);
    order.sort(function (a, b) { return counts[b] - counts[a]; }); // big first, small on top
    ctx.lineWidth = 1; ctx.strokeStyle = 'rgba(31,35,40,0.45)';
    order.forEach(function (j) {
      var c = res.palette[j];
      var rad = Math.max(2.5, Math.sqrt(counts[j] / n) * 56);
      ctx.fillStyle = 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')';
      ctx.beginPath(); ctx.arc(px(c[0]), py(plane === 'rb' ? c[2] : c[1]), rad, 0, 6.2832); ctx.fill(); ctx.stroke();
    });
    ctx.restore();
    cv.setAttribute('data-dots', String(order.length));
  }

  function setK(st, ki) {
    var results = st.input.results, n = results.length;
    if (!n) return;
    ki = Math.max(0, Math.min(n - 1, ki));
    if (ki === st.ki) return;
    st.ki = ki;
    var res = results[ki], sec = st.sec, label = 'K = ' + res.k;
    each(sec, '[data-ki]', function (el) {
      var on = Number(el.getAttribute('data-ki')) === ki;
      if (el.classList.contains('kq-per-k')) el.hidden = !on;
      else el.classList.toggle('current', on);
      if (el.tagName === 'BUTTON') el.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    each(sec, '.kq-klabel', function (el) { el.textContent = label; });
    sec.setAttribute('data-k', String(res.k));
    if (st.range) { st.range.value = String(ki); st.range.setAttribute('aria-valuetext', label); }
    // A step button that goes disabled under focus would drop it to the page: hand it to the slider.
    var focused = document.activeElement;
    if (st.prev) st.prev.disabled = ki === 0;
    if (st.next) st.next.disabled = ki === n - 1;
    if (focused && focused.disabled && st.range) st.range.focus();
    if (st.splitTop) {
      st.splitTop.hidden = !res.image;
      if (res.image && st.splitTop.getAttribute('src') !== res.image) st.splitTop.setAttribute('src', res.image);
      st.splitTop.setAttribute('alt', st.input.input + ', quantized with ' + label);
    }
    each(sec, 'canvas.kq-cloud[data-kind="quant"]', function (cv) { drawQuantized(st, cv, res); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('section.kq-input'), function (sec) {
    var input = data.inputs[Number(sec.getAttribute('data-input'))];
    var st = { sec: sec, input: input, ki: -1, sample: bytesOf(input.samplePixels), labels: {},
      range: sec.querySelector('.kq-range'), prev: sec.querySelector('.kq-prev'), next: sec.querySelector('.kq-next'),
      splitTop: sec.querySelector('.kq-split-top') };
    states.push(st);
    if (st.range) st.range.addEventListener('input', function () { setK(st, Number(st.range.value)); });
    if (st.prev) st.prev.addEventListener('click', function () { setK(st, st.ki - 1); });
    if (st.next) st.next.addEventListener('click', function () { setK(st, st.ki + 1); });
    each(sec, '[data-goto]', function (el) {
      el.addEventListener('click', function () { setK(st, Number(el.getAttribute('data-goto'))); });
    });
    var split = sec.querySelector('.kq-split'), side = sec.querySelector('.kq-side');
    each(sec, '.kq-modes input', function (radio) {
      radio.addEventListener('change', function () {
        var isSplit = radio.value === 'split' && radio.checked;
        if (split) split.hidden = !isSplit;
        if (side) side.hidden = isSplit;
      });
    });
    var splitRange = sec.querySelector('.kq-split-range'), splitFrame = sec.querySelector('.kq-split-frame');
    if (splitRange && splitFrame) {
      var setSplit = function (pct) {
        pct = Math.max(0, Math.min(100, pct));
        splitFrame.style.setProperty('--split', pct + '%');
        splitRange.value = String(pct);
      };
      splitRange.addEventListener('input', function () { setSplit(Number(splitRange.value)); });
      // Dragging on the picture moves the divider too.
      var dragging = false;
      var fromPointer = function (e) {
        var r = splitFrame.getBoundingClientRect();
        if (r.width > 0) setSplit(Math.round(((e.clientX - r.left) / r.width) * 200) / 2);
      };
      splitFrame.addEventListener('pointerdown', function (e) {
        dragging = true; splitFrame.setPointerCapture(e.pointerId); fromPointer(e); e.preventDefault();
      });
      splitFrame.addEventListener('pointermove', function (e) { if (dragging) fromPointer(e); });
      splitFrame.addEventListener('pointerup', function () { dragging = false; });
      splitFrame.addEventListener('pointercancel', function () { dragging = false; });
    }
    each(sec, 'canvas.kq-cloud', function (cv) { fit(cv); });
    each(sec, 'canvas.kq-cloud[data-kind="orig"]', function (cv) { drawOriginal(st, cv); });
    setK(st, 0);
  });

  // A canvas that changes size on screen, or moves to a screen of another pixel density, is drawn again.
  function refit() {
    states.forEach(function (st) {
      each(st.sec, 'canvas.kq-cloud', function (cv) {
        if (!fit(cv)) return;
        if (cv.getAttribute('data-kind') === 'orig') drawOriginal(st, cv);
        else if (st.ki >= 0) drawQuantized(st, cv, st.input.results[st.ki]);
      });
    });
  }
  var refitQueued = false;
  function queueRefit() {
    if (refitQueued) return;
    refitQueued = true;
    requestAnimationFrame(function () { refitQueued = false; refit(); });
  }
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(queueRefit);
    each(document, 'canvas.kq-cloud', function (cv) { ro.observe(cv); });
  }
  window.addEventListener('resize', queueRefit);

  // Arrow keys flip K in the input that fills most of the window while the page itself has focus.
  // A focused control keeps its arrows (the slider moves itself, a radio or field keeps them, a
  // link, a button, the table's scroll box or an image scrolls the page) except the K bar's own
  // buttons: there ← → step through the K of that bar's input, and focus follows to the new K's button.
  function mostVisible() {
    var best = null, bestH = 0, vh = window.innerHeight;
    states.forEach(function (st) {
      var r = st.sec.getBoundingClientRect();
      var h = Math.min(r.bottom, vh) - Math.max(r.top, 0);
      if (h > bestH) { bestH = h; best = st; }
    });
    return best;
  }
  function stateOf(el) {
    for (var i = 0; i < states.length; i++) if (states[i].sec.contains(el)) return states[i];
    return null;
  }
  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    var t = e.target, st = null, barButton = false;
    if (!t || t === document.body || t === document.documentElement || t === document) {
      st = mostVisible();
    } else if (t.tagName === 'BUTTON' && t.closest && t.closest('.kq-control')) {
      st = stateOf(t);
      barButton = true;
    } else {
      return;
    }
    if (!st || st.input.results.length < 2) return;
    e.preventDefault();
    setK(st, st.ki + (e.key === 'ArrowRight' ? 1 : -1));
    if (barButton && t.hasAttribute('data-goto')) {
      var tick = st.sec.querySelector('.kq-ticks button[data-goto="' + st.ki + '"]');
      if (tick) tick.focus();
    }
  });
})();
`;
