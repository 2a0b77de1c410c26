// Palette files as text: GIMP .gpl, .json, .txt (hex a line) and .css (custom properties), and
// parsers that read them back. Pure string building: no node:*, no sharp (the .png swatch strip is
// written by src/io/palette-png.ts).

import type { PaletteColour } from '../types.js';

/** The palette formats that are text. */
export type PaletteTextFormat = 'gpl' | 'json' | 'txt' | 'css';
/** Every palette format `--palette` accepts, chosen by the file's extension. */
export type PaletteFormat = PaletteTextFormat | 'png';

/** One colour read back from a palette file; `pixels` and `share` are there when the format carries them. */
export interface ParsedPaletteColour {
  r: number;
  g: number;
  b: number;
  /** 255 for opaque. */
  a: number;
  /** Pixel count (json only). */
  pixels?: number;
  /** Fraction of the image's pixels, 0–1 (gpl, json, css). */
  share?: number;
}

/** One entry of the `.json` palette format. */
export interface PaletteJsonEntry {
  /** `#rrggbb`, or `#rrggbbaa` when a < 255. */
  hex: string;
  r: number;
  g: number;
  b: number;
  a: number;
  pixels: number;
  /** Fraction of the image's pixels, 0–1, rounded to 6 decimals. */
  share: number;
}

const TEXT_FORMATS: readonly PaletteTextFormat[] = ['gpl', 'json', 'txt', 'css'];
const ALL_FORMATS: readonly PaletteFormat[] = [...TEXT_FORMATS, 'png'];

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/** `#rrggbb` for an opaque colour, `#rrggbbaa` when a < 255 (the form CSS also reads). */
export function colourHex(c: { r: number; g: number; b: number; a: number }): string {
  const rgb = `#${hex2(c.r)}${hex2(c.g)}${hex2(c.b)}`;
  return c.a < 255 ? rgb + hex2(c.a) : rgb;
}

/** Pixels of all colours, the denominator of every share. */
export function totalPixels(palette: readonly PaletteColour[]): number {
  let total = 0;
  for (const c of palette) total += c.pixels;
  return total;
}

/**
 * A copy of the palette sorted by pixel share, most used first; ties by hex so the order (and
 * the files) are the same on every run.
 */
export function sortPaletteByShare(palette: readonly PaletteColour[]): PaletteColour[] {
  return palette
    .map((c) => ({ c, hex: colourHex(c) }))
    .sort((x, y) => y.c.pixels - x.c.pixels || (x.hex < y.hex ? -1 : x.hex > y.hex ? 1 : 0))
    .map((x) => x.c);
}

/** Percentage of `pixels` in `total` with two decimals, e.g. `12.34%`; `0.00%` when total is 0. */
export function formatSharePct(pixels: number, total: number): string {
  return `${(total > 0 ? (100 * pixels) / total : 0).toFixed(2)}%`;
}

function checkColour(c: PaletteColour, i: number): void {
  for (const key of ['r', 'g', 'b', 'a'] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v < 0 || v > 255) {
      throw new Error(`Expected integer between 0 and 255 for palette[${i}].${key} but received ${String(v)} of type ${typeof v}`);
    }
  }
  if (!Number.isFinite(c.pixels) || c.pixels < 0) {
    throw new Error(`Expected non-negative number for palette[${i}].pixels but received ${String(c.pixels)} of type ${typeof c.pixels}`);
  }
}

/** Keeps a palette name on one line and out of comment terminators. */
function cleanName(name: string): string {
  return name.replace(/[\r\n\t]+/g, ' ').replace(/\*\//g, '* /').trim();
}

/**
 * A palette as the text of a `.gpl`, `.json`, `.txt` or `.css` file, colours sorted by pixel
 * share (most used first, ties by hex).
 * - gpl: GIMP palette; the name column holds hex and share, `#a1b2c3 12.34%` (GIMP has no alpha,
 *   so a translucent colour's name holds `#rrggbbaa`).
 * - json: an array of `{ hex, r, g, b, a, pixels, share }`, share a fraction 0–1.
 * - txt: one hex a line, `#rrggbbaa` when a < 255.
 * - css: `--kq-0: #a1b2c3; /* 12.34% *\/` inside `:root { }`.
 * @param name palette name for gpl's `Name:` and css's header comment (optional, default `kquant`)
 */
export function formatPalette(palette: readonly PaletteColour[], format: PaletteTextFormat, name = 'kquant'): string {
  palette.forEach(checkColour);
  const sorted = sortPaletteByShare(palette);
  const total = totalPixels(sorted);
  const title = cleanName(name) || 'kquant';
  switch (format) {
    case 'gpl': {
      const lines = ['GIMP Palette', `Name: ${title}`, `Columns: ${Math.min(16, Math.max(1, sorted.length))}`, '#'];
      for (const c of sorted) {
        const rgb = [c.r, c.g, c.b].map((v) => String(v).padStart(3, ' ')).join(' ');
        lines.push(`${rgb}\t${colourHex(c)} ${formatSharePct(c.pixels, total)}`);
      }
      return lines.join('\n') + '\n';
    }
    case 'json': {
      const entries: PaletteJsonEntry[] = sorted.map((c) => ({
        hex: colourHex(c),
        r: c.r,
        g: c.g,
        b: c.b,
        a: c.a,
        pixels: c.pixels,
        share: total > 0 ? Math.round((c.pixels / total) * 1e6) / 1e6 : 0,
      }));
      return JSON.stringify(entries, null, 2) + '\n';
    }
    case 'txt':
      return sorted.map((c) => colourHex(c) + '\n').join('');
    case 'css': {
      const lines = [`/* ${title}: ${sorted.length} colours, sorted by pixel share */`, ':root {'];
      sorted.forEach((c, i) => lines.push(`  --kq-${i}: ${colourHex(c)}; /* ${formatSharePct(c.pixels, total)} */`));
      lines.push('}');
      return lines.join('\n') + '\n';
    }
    default:
      throw new Error(`Expected one of ${TEXT_FORMATS.join(', ')} for palette format but received ${String(format)}`);
  }
}

/**
 * The palette format named by a file's extension (case-insensitive): `.gpl`, `.json`, `.txt`,
 * `.css` or `.png`. Throws an Error naming the accepted extensions for anything else.
 */
export function paletteFormatFromPath(path: string): PaletteFormat {
  const base = path.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if ((ALL_FORMATS as readonly string[]).includes(ext)) return ext as PaletteFormat;
  const accepted = ALL_FORMATS.map((f) => '.' + f).join(', ');
  throw new Error(
    `Expected a palette file ending in ${accepted} but received ${JSON.stringify(path)}` +
      (ext ? ` (unknown extension .${ext})` : ' (no extension)'),
  );
}

const HEX_RE = /^#?([0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Reads `#rrggbb` or `#rrggbbaa` (the `#` optional); throws on anything else. */
export function parseHex(text: string): { r: number; g: number; b: number; a: number } {
  const m = HEX_RE.exec(text.trim());
  if (!m) throw new Error(`Expected a colour as #rrggbb or #rrggbbaa but received ${JSON.stringify(text)}`);
  const h = m[1];
  const byte = (i: number): number => parseInt(h.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), a: h.length === 8 ? byte(6) : 255 };
}

function parsePct(text: string): number {
  return Number(text) / 100;
}

/**
 * Reads back a palette written by {@link formatPalette} (and plain files of the same formats), in
 * file order. Throws an Error naming the line for anything it cannot read.
 */
export function parsePalette(text: string, format: PaletteTextFormat): ParsedPaletteColour[] {
  const lines = text.split(/\r?\n/);
  const out: ParsedPaletteColour[] = [];
  const fail = (lineNo: number, why: string): never => {
    throw new Error(`Cannot read ${format} palette, line ${lineNo}: ${why}`);
  };
  switch (format) {
    case 'gpl': {
      if (lines[0]?.trim() !== 'GIMP Palette') fail(1, 'expected "GIMP Palette"');
      lines.forEach((raw, i) => {
        const line = raw.trim();
        if (i === 0 || line === '' || line.startsWith('#') || /^(Name|Columns):/.test(line)) return;
        const m = /^(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?:\s+(.*))?$/.exec(line);
        if (!m) return fail(i + 1, `expected "R G B name" but found ${JSON.stringify(line)}`);
        const c: ParsedPaletteColour = { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: 255 };
        if ([c.r, c.g, c.b].some((v) => v > 255)) fail(i + 1, 'channel above 255');
        // Our name column is "#rrggbb[aa] 12.34%": it carries the alpha and share GIMP cannot.
        const nm = /^(#[0-9a-f]{6}(?:[0-9a-f]{2})?)(?:\s+(-?[\d.]+)%)?/i.exec(m[4] ?? '');
        if (nm) {
          const hx = parseHex(nm[1]);
          if (hx.r === c.r && hx.g === c.g && hx.b === c.b) c.a = hx.a;
          if (nm[2] !== undefined) c.share = parsePct(nm[2]);
        }
        out.push(c);
      });
      return out;
    }
    case 'json': {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw new Error(`Cannot read json palette: ${(err as Error).message}`);
      }
      if (!Array.isArray(data)) throw new Error('Cannot read json palette: expected an array of colours');
      data.forEach((e: unknown, i) => {
        if (typeof e !== 'object' || e === null) throw new Error(`Cannot read json palette, entry ${i}: expected an object`);
        const o = e as Partial<PaletteJsonEntry>;
        const base = typeof o.hex === 'string' ? parseHex(o.hex) : undefined;
        const ch = (k: 'r' | 'g' | 'b' | 'a'): number => {
          const v = o[k] ?? base?.[k] ?? (k === 'a' ? 255 : undefined);
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
            throw new Error(`Cannot read json palette, entry ${i}: expected integer between 0 and 255 for ${k} but received ${String(v)}`);
          }
          return v;
        };
        const c: ParsedPaletteColour = { r: ch('r'), g: ch('g'), b: ch('b'), a: ch('a') };
        if (typeof o.pixels === 'number') c.pixels = o.pixels;
        if (typeof o.share === 'number') c.share = o.share;
        out.push(c);
      });
      return out;
    }
    case 'txt': {
      lines.forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('//') || line.startsWith(';')) return;
        try {
          out.push(parseHex(line));
        } catch (err) {
          fail(i + 1, (err as Error).message);
        }
      });
      return out;
    }
    case 'css': {
      const re = /--[\w-]+\s*:\s*(#[0-9a-f]{6}(?:[0-9a-f]{2})?)\s*;(?:\s*\/\*\s*(-?[\d.]+)%\s*\*\/)?/gi;
      for (const m of text.matchAll(re)) {
        const c: ParsedPaletteColour = parseHex(m[1]);
        if (m[2] !== undefined) c.share = parsePct(m[2]);
        out.push(c);
      }
      return out;
    }
    default:
      throw new Error(`Expected one of ${TEXT_FORMATS.join(', ')} for palette format but received ${String(format)}`);
  }
}
