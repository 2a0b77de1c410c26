// The HTML report as a string: self-contained, escaped, with every part for every K. (The page's
// behaviour in a browser is in report-browser.test.ts.)

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { base64, escapeHtml, formatBytes, formatInt, formatPsnr, pathToRelativeUrl, renderHtmlReport, type ReportImage, type ReportResult } from '../src/report/html.js';
import type { PaletteColour, ResultRow } from '../src/types.js';

function row(over: Partial<ResultRow>): ResultRow {
  return {
    input: 'in.jpg', k: 2, coloursUsed: 2, width: 4, height: 2, output: 'out/in-2.png', outputBytes: 1000, inputBytes: 4000, pctOfInput: 25,
    originalPngBytes: 8000, pctOfOriginalPng: 12.5, paletteStorageBytes: 10, mse: 12.5, psnrDb: 37.16, inertia: 100, iterations: 3, fitMs: 1.5, seed: 7, ...over,
  };
}

const SAMPLE = new Uint8Array([255, 0, 0, 250, 10, 10, 0, 0, 255, 10, 10, 250]); // 4 pixels: two reds, two blues

function result(k: number, over: Partial<ResultRow> = {}, palette?: PaletteColour[]): ReportResult {
  const pal = palette ?? [
    { r: 252, g: 5, b: 5, a: 255, pixels: 5 },
    { r: 5, g: 5, b: 252, a: 255, pixels: 3 },
  ];
  return { row: row({ k, coloursUsed: pal.length, output: `out/in-${k}.png`, ...over }), palette: pal, image: `out/in-${k}.png`, sampleLabels: Uint16Array.from([0, 0, 1, 1]) };
}

function image(over: Partial<ReportImage> = {}): ReportImage {
  return { input: 'in.jpg', width: 4, height: 2, originalBytes: 4000, originalPngBytes: 8000, original: 'in.png', samplePixels: SAMPLE, results: [result(2), result(4)], ...over };
}

/** The page's embedded data, parsed as the page's script parses it. */
function pageData(html: string): any {
  const m = /<script type="application\/json" id="kq-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]);
}

describe('renderHtmlReport', () => {
  it('is one self-contained page: inline style and script, nothing fetched from elsewhere', () => {
    const html = renderHtmlReport([image()]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
    // The only absolute URL allowed is the SVG namespace.
    const urls = (html.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<)]*/gi) ?? []).filter((u) => u !== 'http://www.w3.org/2000/svg');
    expect(urls).toEqual([]);
  });

  it('the report module imports nothing from node:* (it is pure string building)', () => {
    const source = readFileSync(new URL('../src/report/html.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^\s*import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const spec of imports) expect(spec).toMatch(/^\.\.?\//);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\./);
  });

  it('shows every K, sorted, with its numbers in the table', () => {
    const html = renderHtmlReport([image({ results: [result(16, { outputBytes: 3000, psnrDb: 44.5 }), result(2), result(4)] })]);
    const ks = [...html.matchAll(/<tr class="kq-row" data-ki="(\d+)"[^>]*><th scope="row"><button [^>]*>(\d+)<\/button><\/th>/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(ks).toEqual([[0, 2], [1, 4], [2, 16]]);
    expect(html).toContain('2.9 KiB'); // 3000 bytes
    expect(html).toContain('44.50 dB');
    expect(html).toContain('12.5%');
    // The first K is visible without the script; the others are shown by it.
    expect(html).toMatch(/class="kq-per-k kq-img" data-ki="0" src=/);
    expect(html).toMatch(/class="kq-per-k kq-img" data-ki="1" hidden src=/);
    expect(pageData(html).inputs[0].results.map((r: { k: number }) => r.k)).toEqual([2, 4, 16]);
  });

  it('has a slider over the results and K buttons', () => {
    const html = renderHtmlReport([image({ results: [result(2), result(4), result(8)] })]);
    expect(html).toMatch(/<input type="range" class="kq-range" min="0" max="2" step="1" value="0"/);
    expect(html).toContain('<output class="kq-kout kq-klabel" aria-live="polite">K = 2</output>');
    expect(html.match(/<button type="button" data-ki="\d" data-goto="\d">\d+<\/button>/g)).toHaveLength(3);
  });

  it('a single result gets no slider', () => {
    const html = renderHtmlReport([image({ results: [result(8)] })]);
    expect(html).not.toContain('class="kq-range"');
    expect(html).toContain('K = 8');
  });

  it('shows palettes sorted by share with hex and share', () => {
    const palette: PaletteColour[] = [
      { r: 1, g: 2, b: 3, a: 255, pixels: 1 },
      { r: 255, g: 255, b: 255, a: 255, pixels: 6 },
      { r: 16, g: 32, b: 48, a: 128, pixels: 3 },
    ];
    const html = renderHtmlReport([image({ results: [{ ...result(3, {}, palette), sampleLabels: Uint16Array.from([1, 1, 0, 2]) }] })]);
    const hexes = [...html.matchAll(/<li class="kq-swatch"[^>]*><span class="kq-chip" style="background:(#[0-9a-f]+)"><\/span><code>#[0-9a-f]+<\/code><span class="kq-share">([\d.]+%)<\/span>/g)].map((m) => [m[1], m[2]]);
    expect(hexes).toEqual([['#ffffff', '60.00%'], ['#10203080', '30.00%'], ['#010203', '10.00%']]);
  });

  it('a long palette shows the first 64 as tiles and the rest as chips', () => {
    const palette = Array.from({ length: 100 }, (_, i) => ({ r: i, g: i, b: i, a: 255, pixels: i + 1 }));
    const html = renderHtmlReport([image({ results: [{ ...result(100, {}, palette), sampleLabels: new Uint16Array(4) }] })]);
    expect(html.match(/<li class="kq-swatch"/g)).toHaveLength(64);
    expect(html).toContain('and 36 more:');
  });

  it('draws the chart: both series, a dot per K, the original PNG and input lines, a log2 K axis', () => {
    const html = renderHtmlReport([image({ results: [result(2), result(8, { outputBytes: 2000, psnrDb: 40 }), result(32, { outputBytes: 5000, psnrDb: 45 })] })]);
    // Drawn twice, a wide and a narrow layout (CSS shows the one that fits), each complete.
    const svgs = [...html.matchAll(/<svg class="kq-chart kq-chart-(wide|narrow)"[\s\S]*?<\/svg>/g)];
    expect(svgs.map((m) => m[1])).toEqual(['wide', 'narrow']);
    for (const [svg] of svgs) checkChart(svg);
  });

  function checkChart(svg: string): void {
    expect(svg.match(/<circle class="kq-dot-bytes" data-ki/g)).toHaveLength(3);
    expect(svg.match(/<circle class="kq-dot-psnr" data-ki/g)).toHaveLength(3);
    expect(svg).toMatch(/<path class="kq-line-bytes" d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+"/);
    expect(svg).toMatch(/<line class="kq-refline kq-ref-png"/);
    expect(svg).toContain('original PNG 7.8 KiB');
    // log2 axis: 2 → 8 → 32 are equally spaced.
    const xs = [...svg.matchAll(/<circle class="kq-dot-bytes" data-ki="\d" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs[1] - xs[0]).toBeCloseTo(xs[2] - xs[1], 1);
    // Every value sits inside the plot.
    const plot = /<rect class="kq-plot" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
    for (const m of svg.matchAll(/<circle class="kq-dot-(?:bytes|psnr)" data-ki="\d" cx="([\d.]+)" cy="([\d.]+)"/g)) {
      const [cx, cy] = [Number(m[1]), Number(m[2])];
      expect(cx).toBeGreaterThanOrEqual(plot[0]);
      expect(cx).toBeLessThanOrEqual(plot[0] + plot[2]);
      expect(cy).toBeGreaterThanOrEqual(plot[1]);
      expect(cy).toBeLessThanOrEqual(plot[1] + plot[3]);
    }
  }

  it('PSNR ∞ (an exact image) shows as ∞ and is null in the JSON', () => {
    const html = renderHtmlReport([image({ results: [result(2), result(4, { psnrDb: Infinity, mse: 0 })] })]);
    expect(html).toContain('<span class="kq-stat-value">∞</span>');
    expect(pageData(html).inputs[0].results[1].psnrDb).toBeNull();
  });

  it('a failed K shows its error and no image', () => {
    const failed: ReportResult = { row: row({ k: 64, error: 'out of <memory>', outputBytes: 0, psnrDb: 0 }), palette: [], image: '', sampleLabels: new Uint16Array(0) };
    const html = renderHtmlReport([image({ results: [result(2), failed] })]);
    expect(html).toContain('<strong>K = 64 failed:</strong> out of &lt;memory&gt;');
    expect(html).not.toContain('src=""');
    expect(html.match(/<circle class="kq-dot-bytes" data-ki/g)).toHaveLength(2); // one in each chart layout
  });

  it('escapes file names and the title everywhere, and the JSON cannot close its script', () => {
    const evil = `a"><img src=x onerror=alert(1)></script><script>alert(2)</script>'.png`;
    const html = renderHtmlReport([image({ input: evil, original: evil, results: [{ ...result(2), image: evil }] })], { title: '<b>T&C</b>' });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>T&C</b>');
    expect(html).toContain('<title>&lt;b&gt;T&amp;C&lt;/b&gt;</title>');
    expect(html).toContain('<h2 id="kq-title-0">a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;');
    // Two script elements, two closing tags: the data cannot end its block early.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(pageData(html).inputs[0].input).toBe(evil);
  });

  it('references images by relative URLs, percent-encoded; data: URLs pass through', () => {
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    const html = renderHtmlReport([image({ original: 'my pics/photo #1 (é) 100%.png', results: [{ ...result(2), image: dataUrl }] })]);
    expect(html).toContain('src="my%20pics/photo%20%231%20(%C3%A9)%20100%25.png"');
    expect(html).toContain(`src="${dataUrl}"`);
    expect(pageData(html).inputs[0].original).toBe('my%20pics/photo%20%231%20(%C3%A9)%20100%25.png');
  });

  it('embeds the sample and labels as base64 the page can decode', () => {
    const html = renderHtmlReport([image({ results: [{ ...result(2), sampleLabels: Uint16Array.from([0, 1, 1, 0]) }] })]);
    const data = pageData(html).inputs[0];
    expect(Uint8Array.from(Buffer.from(data.samplePixels, 'base64'))).toEqual(SAMPLE);
    const labelBytes = Buffer.from(data.results[0].sampleLabels, 'base64');
    expect([0, 1, 2, 3].map((i) => labelBytes.readUInt16LE(2 * i))).toEqual([0, 1, 1, 0]);
    expect(data.results[0].palette).toEqual([[252, 5, 5, 255, 5], [5, 5, 252, 255, 3]]);
    expect(html.match(/<canvas class="kq-cloud"/g)).toHaveLength(4);
  });

  it('several inputs get a section each and a list of links', () => {
    const html = renderHtmlReport([image({ input: 'a.png' }), image({ input: 'b.png' })]);
    expect(html).toContain('<section class="kq-input kq-small" id="kq-input-0" data-input="0"');
    expect(html).toContain('id="kq-input-1" data-input="1"');
    expect(html).toContain('<a href="#kq-input-1">b.png</a>');
    expect(html).toContain('name="kq-mode-1"');
  });

  it('table rows select K through a toggle button in the K cell, not a focusable row without a role', () => {
    const html = renderHtmlReport([image({ results: [result(2), result(4)] })]);
    const rows = [...html.matchAll(/<tr class="kq-row[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(2);
    for (const tr of rows) expect(tr).not.toContain('tabindex');
    expect(html).toContain('<th scope="row"><button type="button" class="kq-rowbtn" data-ki="0" data-goto="0" aria-pressed="true" aria-label="Show K = 2">2</button></th>');
    expect(html).toContain('<button type="button" class="kq-rowbtn" data-ki="1" data-goto="1" aria-pressed="false" aria-label="Show K = 4">4</button>');
  });

  it('shows the MSE and exact byte counts as text, not only in tooltips', () => {
    const html = renderHtmlReport([image({ results: [result(2, { mse: 1234.567, outputBytes: 12_345 })] })]);
    // What a keyboard or touch user can read: the page without title attributes and <title> elements.
    const visible = html.replace(/\stitle="[^"]*"/g, '').replace(/<title>[\s\S]*?<\/title>/g, '');
    expect(visible).toContain('<span class="kq-stat-sub">MSE 1,234.57 a channel</span>');
    expect(visible).toContain('<span class="kq-stat-sub">12,345 bytes</span>');
    expect(visible).toContain('<span class="kq-stat-sub">of 4,000 bytes</span>'); // the original file
    expect(visible).toContain('<span class="kq-stat-sub">of 8,000 bytes</span>'); // the original as PNG
  });

  it('uses one wording for the shares in the figures and the table', () => {
    const html = renderHtmlReport([image()]);
    expect(html).toContain('<span class="kq-stat-label">% of original file</span>');
    expect(html).toContain('<th scope="col">% of original file</th>');
    expect(html).toContain('<span class="kq-stat-label">% of original PNG</span>');
    expect(html).toContain('<th scope="col">% of original PNG</th>');
    expect(html).not.toMatch(/Of original (file|PNG)|>% of original<|>% of PNG</);
  });

  it('explains the storage estimate next to the file size', () => {
    // 4×2 pixels at K = 4: 2 bits a pixel = 2 bytes, plus 4 × 3 bytes of palette.
    const html = renderHtmlReport([image({ results: [result(4, { paletteStorageBytes: 14 })] })]);
    expect(html).toContain('<p class="kq-extras kq-estimate">Uncompressed estimate 14 B (14 bytes): ⌈log₂ K⌉ = 2 bits a pixel plus 3 bytes a palette colour');
    expect(html).toContain('before any compression');
    expect(html).not.toContain('palette storage estimate');
  });

  it("names the input in its K bar: the file name, or the whole input where file names repeat", () => {
    const html = renderHtmlReport([image({ input: 'photos/a.png' }), image({ input: 'b.png' })]);
    expect(html).toContain('<span class="kq-control-name" title="photos/a.png">a.png</span>');
    expect(html).toContain('<span class="kq-control-name" title="b.png">b.png</span>');
    const same = renderHtmlReport([image({ input: 'x/a.png' }), image({ input: 'y/a.png' })]);
    expect(same).toContain('<span class="kq-control-name" title="x/a.png">x/a.png</span>');
    expect(same).toContain('<span class="kq-control-name" title="y/a.png">y/a.png</span>');
    // A single result has no slider but still says whose K it is.
    expect(renderHtmlReport([image({ input: 'c.png', results: [result(8)] })])).toContain('<span class="kq-control-name" title="c.png">c.png</span>');
  });

  it("the split view's quantized image says its K", () => {
    const html = renderHtmlReport([image({ results: [result(4), result(8)] })]);
    expect(html).toMatch(/<img class="kq-img kq-split-top"[^>]*alt="in\.jpg, quantized with K = 4"/);
  });

  it('links each image by the path the page uses, not the path on the machine that made it', () => {
    const res = (k: number): ReportResult => ({ ...result(k, { output: `/home/me/out2/in-k${k}.png` }), image: `../out2/in-k${k}.png` });
    const html = renderHtmlReport([image({ results: [res(2)] })]);
    expect(html).toContain('image <a href="../out2/in-k2.png">../out2/in-k2.png</a>');
    expect(html).not.toContain('/home/me');
    // An image carried as a data: URL is linked by its file name.
    const inline = renderHtmlReport([image({ results: [{ ...result(2, { output: '/home/me/out/in-k2.png' }), image: 'data:image/png;base64,AA==' }] })]);
    expect(inline).toContain('>in-k2.png</a>');
    expect(inline).not.toContain('/home/me');
  });

  it('the footer says what to share: the folder, the folders outside it too, or the file alone', () => {
    const foot = (html: string): string => /<footer class="kq-foot">([\s\S]*?)<\/footer>/.exec(html)![1];
    const inside = foot(renderHtmlReport([image()]));
    expect(inside).toContain('share that folder');
    expect(inside).not.toContain('..');
    const outside = foot(renderHtmlReport([image({ results: [{ ...result(2), image: '../out2/in-k2.png' }, { ...result(4), image: '../../x/in-k4.png' }] })]));
    expect(outside).toContain('outside its folder (../../x/, ../out2/)');
    expect(outside).toContain('together with those folders');
    const inline = foot(renderHtmlReport([image({ original: 'data:image/png;base64,AA==', results: [{ ...result(2), image: 'data:image/png;base64,AA==' }] })]));
    expect(inline).toContain('the file alone can be shared');
  });

  it('no inputs still makes a page', () => {
    const html = renderHtmlReport([]);
    expect(html).toContain('No inputs in this report.');
    expect(pageData(html)).toEqual({ version: 1, inputs: [] });
  });

  it('is deterministic', () => {
    expect(renderHtmlReport([image()])).toBe(renderHtmlReport([image()]));
  });

  it('rejects sample labels that do not fit the sample or the palette', () => {
    expect(() => renderHtmlReport([image({ samplePixels: new Uint8Array(5) })])).toThrow(/Expected RGB triplets/);
    expect(() => renderHtmlReport([image({ results: [{ ...result(2), sampleLabels: new Uint16Array(3) }] })])).toThrow(/Expected 4 sample labels/);
    expect(() => renderHtmlReport([image({ results: [{ ...result(2), sampleLabels: Uint16Array.from([0, 0, 2, 0]) }] })])).toThrow(/below the palette size 2/);
  });
});

describe('report helpers', () => {
  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('pathToRelativeUrl encodes segments and keeps . and ..', () => {
    expect(pathToRelativeUrl('../out/a b.png')).toBe('../out/a%20b.png');
    expect(pathToRelativeUrl('./x?y#z.png')).toBe('./x%3Fy%23z.png');
    expect(pathToRelativeUrl('c:d.png')).toBe('c%3Ad.png'); // not a URL scheme
    expect(pathToRelativeUrl('/abs/p.png')).toBe('file:///abs/p.png');
    expect(pathToRelativeUrl('DATA:image/png;base64,AA==')).toBe('DATA:image/png;base64,AA==');
  });

  it('base64 matches Buffer for every tail length', () => {
    for (let n = 0; n < 10; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('formats numbers the same on every machine', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatBytes(850)).toBe('850 B');
    expect(formatBytes(12_600)).toBe('12.3 KiB');
    expect(formatBytes(1_310_720)).toBe('1.25 MiB');
    expect(formatPsnr(31.2449)).toBe('31.24 dB');
    expect(formatPsnr(Infinity)).toBe('∞');
    expect(formatPsnr(NaN)).toBe('—');
  });
});
