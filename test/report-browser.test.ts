// The HTML report opened in a real browser (headless Chromium through playwright-core): it loads
// from file:// without errors, every image loads, the K control flips results, the chart and the
// colour-space clouds draw. Saves test-output/report.png for a person to look at.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderHtmlReport, type ReportImage, type ReportResult } from '../src/report/html.js';
import type { PaletteColour, ResultRow } from '../src/types.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output');

if (!HAVE_CHROMIUM) {
  console.warn(`report-browser.test: skipped, ${CHROMIUM} not found (install the Debian package chromium; .ci/run does).`);
}

// ─── synthetic images and a tiny k-means (the test must not depend on the real pipeline) ─────────

const W = 120;
const H = 80;

/** A small scene: sky gradient, a sun, a sea with bands, and a green hill. RGB bytes. */
function scene(): Uint8Array {
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let r: number, g: number, b: number;
      const sun = Math.hypot(x - 84, y - 22) < 11;
      const hill = y > 48 + 10 * Math.sin(x / 14);
      if (sun) [r, g, b] = [250, 214, 80];
      else if (y < 46) [r, g, b] = [40 + y * 4, 90 + y * 2, 200 - y];
      else if (hill && x < 70) [r, g, b] = [40 + (x % 9) * 3, 120 + y, 50];
      else [r, g, b] = [20, 70 + ((x + y) % 12) * 6, 140 + (y % 5) * 12];
      const o = (y * W + x) * 3;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
    }
  }
  return px;
}

/** Plain Lloyd's k-means on RGB pixels, deterministic init: palette and a label per pixel. */
function kmeans(px: Uint8Array, k: number): { palette: PaletteColour[]; labels: Uint16Array } {
  const n = px.length / 3;
  const centres = new Float64Array(k * 3);
  for (let j = 0; j < k; j++) {
    const i = Math.floor(((j + 0.5) * n) / k);
    centres.set([px[3 * i], px[3 * i + 1], px[3 * i + 2]], 3 * j);
  }
  const labels = new Uint16Array(n);
  for (let iter = 0; iter < 12; iter++) {
    const sums = new Float64Array(k * 3);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const d = (px[3 * i] - centres[3 * j]) ** 2 + (px[3 * i + 1] - centres[3 * j + 1]) ** 2 + (px[3 * i + 2] - centres[3 * j + 2]) ** 2;
        if (d < bestD) [bestD, best] = [d, j];
      }
      labels[i] = best;
      counts[best]++;
      for (let c = 0; c < 3; c++) sums[3 * best + c] += px[3 * i + c];
    }
    for (let j = 0; j < k; j++) if (counts[j] > 0) for (let c = 0; c < 3; c++) centres[3 * j + c] = sums[3 * j + c] / counts[j];
  }
  const palette: PaletteColour[] = [];
  for (let j = 0; j < k; j++) {
    palette.push({ r: Math.round(centres[3 * j]), g: Math.round(centres[3 * j + 1]), b: Math.round(centres[3 * j + 2]), a: 255, pixels: 0 });
  }
  for (let i = 0; i < n; i++) palette[labels[i]].pixels++;
  return { palette, labels };
}

const png = (px: Uint8Array, opts: { palette?: number } = {}): Promise<Buffer> =>
  sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .png(opts.palette ? { palette: true, colours: opts.palette, dither: 0 } : {})
    .toBuffer();

function row(over: Partial<ResultRow>): ResultRow {
  return {
    input: '', k: 0, coloursUsed: 0, width: W, height: H, output: '', outputBytes: 0, inputBytes: 0, pctOfInput: 0,
    originalPngBytes: 0, pctOfOriginalPng: 0, paletteStorageBytes: 0, mse: 0, psnrDb: 0, inertia: 0, iterations: 12,
    fitMs: 3, seed: 1, ...over,
  };
}

/** One quantized result: writes the image (to `dir/rel`, or as a data: URL when rel is null). */
async function quantize(px: Uint8Array, k: number, input: string, originalBytes: number, originalPngBytes: number, sample: number[], dir: string, rel: string | null): Promise<ReportResult> {
  const { palette, labels } = kmeans(px, k);
  const out = new Uint8Array(px.length);
  let sse = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = palette[labels[i]];
    out.set([c.r, c.g, c.b], 3 * i);
    sse += (px[3 * i] - c.r) ** 2 + (px[3 * i + 1] - c.g) ** 2 + (px[3 * i + 2] - c.b) ** 2;
  }
  const buf = await png(out, { palette: k });
  let image: string;
  if (rel === null) {
    image = 'data:image/png;base64,' + buf.toString('base64');
  } else {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), buf);
    image = rel;
  }
  const mse = sse / px.length;
  const used = palette.filter((c) => c.pixels > 0);
  return {
    row: row({
      input, k, coloursUsed: used.length, output: rel ?? '', outputBytes: buf.length, inputBytes: originalBytes,
      pctOfInput: (100 * buf.length) / originalBytes, originalPngBytes, pctOfOriginalPng: (100 * buf.length) / originalPngBytes,
      paletteStorageBytes: Math.ceil((W * H * Math.ceil(Math.log2(k))) / 8) + 3 * k, mse, psnrDb: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse),
      inertia: sse,
    }),
    palette,
    image,
    sampleLabels: Uint16Array.from(sample, (i) => labels[i]),
  };
}

/** A seeded sample of pixel indices (a small LCG, so the test is the same every run). */
function sampleIndices(n: number, count: number): number[] {
  let s = 12345;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(s % n);
  }
  return out;
}

async function buildReport(dir: string): Promise<string> {
  const px = scene();
  const n = W * H;
  const sample = sampleIndices(n, 3000);
  const samplePixels = Uint8Array.from(sample.flatMap((i) => [px[3 * i], px[3 * i + 1], px[3 * i + 2]]));

  // Input 1: a sweep, files with awkward names (space, #, parentheses, accent), referenced relatively.
  const originalRel = 'my pics/photo #1 (é).png';
  const originalBuf = await png(px);
  await mkdir(join(dir, 'my pics'), { recursive: true });
  await writeFile(join(dir, originalRel), originalBuf);
  const jpegBytes = Math.round(originalBuf.length * 0.4);
  const results: ReportResult[] = [];
  for (const k of [8, 2, 4, 16]) {
    results.push(await quantize(px, k, originalRel, jpegBytes, originalBuf.length, sample, dir, `out/photo #1 (é)-k${k}.png`));
  }
  const first: ReportImage = {
    input: originalRel, width: W, height: H, originalBytes: jpegBytes, originalPngBytes: originalBuf.length,
    original: originalRel, samplePixels, results,
  };

  // Input 2: images as data: URLs, one good K and one failed K.
  const inverted = px.map((v) => 255 - v);
  const invBuf = await png(inverted);
  const invSample = Uint8Array.from(sample.flatMap((i) => [inverted[3 * i], inverted[3 * i + 1], inverted[3 * i + 2]]));
  const good = await quantize(inverted, 6, 'inverted <b>.png', invBuf.length, invBuf.length, sample, dir, null);
  const bad: ReportResult = { row: row({ input: 'inverted <b>.png', k: 64, error: 'write failed: disk full (test)' }), palette: [], image: '', sampleLabels: new Uint16Array(0) };
  const second: ReportImage = {
    input: 'inverted <b>.png', width: W, height: H, originalBytes: invBuf.length, originalPngBytes: invBuf.length,
    original: 'data:image/png;base64,' + invBuf.toString('base64'), samplePixels: invSample, results: [good, bad],
  };

  const reportPath = join(dir, 'report.html');
  await writeFile(reportPath, renderHtmlReport([first, second], { title: 'kquant test report' }));
  return reportPath;
}

// ─── the test ────────────────────────────────────────────────────────────────────────────────────

describe.skipIf(!HAVE_CHROMIUM)('HTML report in headless Chromium', () => {
  let dir = '';
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kquant-report-'));
    const reportPath = await buildReport(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) problems.push(`network request: ${url}`);
    });
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const kShown = (input = 0): Promise<string> => page.locator(`#kq-input-${input} .kq-kout`).innerText();
  /** The K of the quantized image that is visible in the side-by-side view. */
  const visibleImageK = (input = 0): Promise<string | null> =>
    page.locator(`#kq-input-${input} .kq-side img.kq-per-k:visible`).getAttribute('alt');

  it('loads with no console errors, page errors, failed or network requests', () => {
    expect(problems).toEqual([]);
  });

  it('loads every image', async () => {
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), null, { timeout: 10_000 });
    const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.getAttribute('src')?.slice(0, 60), w: img.naturalWidth })));
    expect(images.length).toBe(2 /* original, split base */ * 2 + 4 + 1 /* quantized */ + 2 /* split tops */);
    for (const img of images) expect(img, `image ${img.src} did not load`).toMatchObject({ w: 120 });
  });

  it('ArrowRight / ArrowLeft, the slider, the buttons and the table flip K', async () => {
    expect(await kShown()).toBe('K = 2');
    expect(await visibleImageK()).toContain('K = 2');
    await page.locator('h1').click(); // focus the page, not a control
    await page.keyboard.press('ArrowRight');
    expect(await kShown()).toBe('K = 4');
    expect(await visibleImageK()).toContain('K = 4');
    expect(await page.locator('#kq-input-0 .kq-palette:visible .kq-swatch').count()).toBe(4);
    await page.keyboard.press('ArrowLeft');
    expect(await kShown()).toBe('K = 2');

    // The slider with its own keyboard, as a user would move it.
    const range = page.locator('#kq-input-0 .kq-range');
    await range.focus();
    await page.keyboard.press('End');
    expect(await kShown()).toBe('K = 16');
    expect(await range.getAttribute('aria-valuetext')).toBe('K = 16');
    expect(await page.locator('#kq-input-0 .kq-next').isDisabled()).toBe(true);
    // And dragged: set its value and fire input, as a pointer drag does.
    await range.evaluate((el: HTMLInputElement) => {
      el.value = '2';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await kShown()).toBe('K = 8');
    expect(await page.locator('#kq-input-0 .kq-chart circle.kq-dot-bytes.current:visible').count()).toBe(1);

    await page.locator('#kq-input-0 .kq-prev').click();
    expect(await kShown()).toBe('K = 4');
    await page.locator('#kq-input-0 .kq-ticks').getByRole('button', { name: '16', exact: true }).click();
    expect(await kShown()).toBe('K = 16');
    await page.locator('#kq-input-0 tr.kq-row[data-ki="2"]').click();
    expect(await kShown()).toBe('K = 8');
    expect(await page.locator('#kq-input-0 tr.kq-row.current th').innerText()).toBe('8');
    // The row's K is a toggle button a keyboard reaches, pressed for the K shown.
    const rowButton = page.getByRole('button', { name: 'Show K = 2' });
    await rowButton.focus();
    await page.keyboard.press('Enter');
    expect(await kShown()).toBe('K = 2');
    expect(await rowButton.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Show K = 8' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('← → do not flip K while a button, link or other control outside the K bar has focus', async () => {
    await page.locator('h1').click();
    expect(await kShown()).toBe('K = 2');
    const focusAndPress = async (selector: string, key: string): Promise<void> => {
      await page.locator(selector).first().focus();
      expect(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector), selector).toBe(true);
      await page.keyboard.press(key);
    };
    await focusAndPress('#kq-input-0 .kq-rowbtn[data-ki="1"]', 'ArrowRight');
    expect(await kShown()).toBe('K = 2');
    await focusAndPress('#kq-input-0 .kq-stats:not([hidden]) .kq-extras a', 'ArrowRight');
    expect(await kShown()).toBe('K = 2');
    await focusAndPress('.kq-nav a', 'ArrowRight');
    expect(await kShown()).toBe('K = 2');
    // A scroll box that has focus (here made focusable) keeps its arrows too.
    await page.locator('#kq-input-0 .kq-table-wrap').evaluate((el) => el.setAttribute('tabindex', '0'));
    await focusAndPress('#kq-input-0 .kq-table-wrap', 'ArrowRight');
    expect(await kShown()).toBe('K = 2');
    await page.locator('#kq-input-0 .kq-table-wrap').evaluate((el) => el.removeAttribute('tabindex'));

    // In the K bar the buttons are K controls: ← → step K there, and focus follows the K buttons.
    await focusAndPress('#kq-input-0 .kq-ticks button[data-goto="0"]', 'ArrowRight');
    expect(await kShown()).toBe('K = 4');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('4');
    await page.keyboard.press('ArrowLeft');
    expect(await kShown()).toBe('K = 2');
    // A step button that goes disabled under focus hands focus to the slider, not to the page.
    await page.locator('#kq-input-0 .kq-ticks button[data-goto="2"]').click();
    await page.locator('#kq-input-0 .kq-prev').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await kShown()).toBe('K = 2');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('kq-range');
    // And the page itself: ← → flip K again.
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    expect(await kShown()).toBe('K = 4');
    await page.keyboard.press('ArrowLeft');
    expect(await kShown()).toBe('K = 2');
    // Leave K = 8 shown, as the tests below expect.
    await page.locator('#kq-input-0 .kq-ticks button[data-goto="2"]').click();
    await page.locator('h1').click();
    expect(await kShown()).toBe('K = 8');
  });

  it('each K bar names its input', async () => {
    expect(await page.locator('#kq-input-0 .kq-control .kq-control-name').innerText()).toBe('photo #1 (é).png');
    expect(await page.locator('#kq-input-1 .kq-control .kq-control-name').innerText()).toBe('inverted <b>.png');
    expect(await page.locator('#kq-input-0 .kq-control .kq-control-name').isVisible()).toBe(true);
  });

  it("shows the MSE and the exact bytes of the current K as text", async () => {
    const stats = page.locator('#kq-input-0 .kq-stats:visible');
    expect(await stats.count()).toBe(1);
    const text = await stats.innerText();
    expect(text).toMatch(/MSE [\d,]+\.\d\d a channel/);
    expect(text).toMatch(/[\d,]+ bytes/);
  });

  it('draws the chart as SVG with both series and the original PNG line', async () => {
    const chart = page.locator('#kq-input-0 svg.kq-chart:visible');
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    for (const cls of ['kq-line-bytes', 'kq-line-psnr']) {
      const d = await chart.locator(`path.${cls}`).getAttribute('d');
      expect(d?.match(/[ML]/g)?.length, cls).toBe(4);
    }
    expect(await chart.locator('circle.kq-dot-bytes[data-ki]').count()).toBe(4);
    expect(await chart.locator('circle.kq-dot-psnr[data-ki]').count()).toBe(4);
    expect(await chart.locator('line.kq-refline.kq-ref-png').count()).toBe(1);
    expect(await chart.locator('line.kq-refline.kq-ref-input').count()).toBe(1);
  });

  it('draws the colour-space clouds, and the quantized ones follow K', async () => {
    const stats = () =>
      page.$$eval('#kq-input-0 canvas.kq-cloud', (canvases) =>
        (canvases as HTMLCanvasElement[]).map((cv) => {
          // Read through a copy made for reading, so Chromium does not warn about repeated readbacks.
          const copy = document.createElement('canvas');
          copy.width = cv.width;
          copy.height = cv.height;
          const ctx = copy.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(cv, 0, 0);
          const { data } = ctx.getImageData(0, 0, cv.width, cv.height);
          const colours = new Set<number>();
          let hash = 0;
          for (let i = 0; i < data.length; i += 4) {
            const v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
            colours.add(v);
            hash = (Math.imul(hash, 31) + v) | 0;
          }
          return { kind: cv.dataset.kind, dots: Number(cv.dataset.dots), colours: colours.size, hash, shown: cv.getBoundingClientRect().width };
        }),
      );
    const at8 = await stats();
    expect(at8.map((s) => s.kind)).toEqual(['orig', 'orig', 'quant', 'quant']);
    for (const s of at8) expect(s.shown).toBeGreaterThan(100);
    for (const s of at8.filter((s) => s.kind === 'orig')) {
      expect(s.dots).toBe(3000);
      expect(s.colours).toBeGreaterThan(40); // many pixel colours, not a blank frame
    }
    for (const s of at8.filter((s) => s.kind === 'quant')) {
      expect(s.dots).toBeGreaterThan(1);
      expect(s.dots).toBeLessThanOrEqual(8);
      expect(s.colours).toBeGreaterThan(8);
    }
    await page.keyboard.press('ArrowLeft');
    expect(await kShown()).toBe('K = 4');
    const at4 = await stats();
    expect(at4[0].hash).toBe(at8[0].hash); // the original does not change
    expect(at4[2].hash).not.toBe(at8[2].hash);
    expect(at4[2].dots).toBeLessThanOrEqual(4);
  });

  it('the split view shows the original and the current K', async () => {
    const sec = page.locator('#kq-input-0');
    await sec.locator('.kq-modes label', { hasText: 'Split' }).click();
    await expect.poll(() => sec.locator('.kq-split').isVisible()).toBe(true);
    expect(await sec.locator('.kq-side').isVisible()).toBe(false);
    const top = sec.locator('.kq-split-top');
    expect(decodeURIComponent((await top.getAttribute('src')) ?? '')).toContain('-k4.png');
    expect(await top.getAttribute('alt')).toBe('my pics/photo #1 (é).png, quantized with K = 4');
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    expect(await kShown()).toBe('K = 8');
    expect(await top.getAttribute('alt')).toBe('my pics/photo #1 (é).png, quantized with K = 8');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#kq-input-0 .kq-split-top');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const split = sec.locator('.kq-split-range');
    await split.evaluate((el: HTMLInputElement) => {
      el.value = '30';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await top.evaluate((el) => getComputedStyle(el).clipPath)).toContain('30%');
    // Dragging on the picture moves the divider and the slider with it.
    const frame = (await sec.locator('.kq-split-frame').boundingBox())!;
    await page.mouse.move(frame.x + frame.width * 0.5, frame.y + frame.height / 2);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width * 0.75, frame.y + frame.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(Number(await split.inputValue())).toBeCloseTo(75, 0);
    expect(await top.evaluate((el) => getComputedStyle(el).clipPath)).toMatch(/inset\(0(px)? 0(px)? 0(px)? 7[45](\.5)?%\)/);
    await sec.locator('.kq-modes label', { hasText: 'Side by side' }).click();
    await expect.poll(() => sec.locator('.kq-side').isVisible()).toBe(true);
  });

  it('shows a failed K as an error, and escapes file names', async () => {
    const sec = page.locator('#kq-input-1');
    expect(await sec.locator('h2').innerText()).toBe('inverted <b>.png');
    expect(await sec.locator('b').count()).toBe(0);
    await sec.locator('.kq-ticks').getByRole('button', { name: '64', exact: true }).click();
    expect(await kShown(1)).toBe('K = 64');
    expect(await sec.locator('.kq-error:visible').innerText()).toContain('disk full');
    expect(await sec.locator('canvas.kq-cloud[data-kind="quant"]').first().getAttribute('data-dots')).toBe('0');
    await sec.locator('.kq-ticks').getByRole('button', { name: '6', exact: true }).click();
    expect(await kShown(1)).toBe('K = 6');
  });

  /** The same report in a page of its own: another window size or pixel density. */
  async function openPage(viewport: { width: number; height: number }, deviceScaleFactor = 1, file = 'report.html'): Promise<Page> {
    const p = await browser.newPage({ viewport, deviceScaleFactor });
    p.on('pageerror', (err) => problems.push(`page error (${viewport.width} px): ${err.message}`));
    await p.goto(pathToFileURL(join(dir, file)).href, { waitUntil: 'load' });
    return p;
  }

  /** The smallest size on screen, in CSS pixels, of any text in the charts that show. */
  const smallestChartText = (p: Page): Promise<number> =>
    p.$$eval('svg.kq-chart', (svgs) => {
      let min = Infinity;
      for (const svg of svgs as SVGSVGElement[]) {
        if (svg.getBoundingClientRect().width === 0) continue; // the layout CSS hides
        const scale = svg.getScreenCTM()!.a;
        for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
      }
      return min;
    });

  /** Pairs of chart texts whose boxes overlap, and texts outside the chart. */
  const chartTextClashes = (p: Page): Promise<string[]> =>
    p.$$eval('svg.kq-chart', (svgs) => {
      const out: string[] = [];
      for (const svg of svgs as SVGSVGElement[]) {
        const box = svg.getBoundingClientRect();
        if (box.width === 0) continue;
        const rects = [...svg.querySelectorAll('text')].map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() }));
        for (const { t, r } of rects) if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.push(`${t} outside`);
        for (let i = 0; i < rects.length; i++)
          for (let j = i + 1; j < rects.length; j++) {
            const [a, b] = [rects[i].r, rects[j].r];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${rects[i].t} / ${rects[j].t}`);
          }
      }
      return out;
    });

  it('chart text is 11 px or more and does not collide, on a desktop and on a phone', async () => {
    expect(await smallestChartText(page)).toBeGreaterThanOrEqual(11);
    expect(await chartTextClashes(page)).toEqual([]);
    for (const width of [390, 360, 1000]) {
      const p = await openPage({ width, height: 800 });
      expect(await smallestChartText(p), `${width} px`).toBeGreaterThanOrEqual(11);
      expect(await chartTextClashes(p), `${width} px`).toEqual([]);
      await p.close();
    }
  });

  it('on a phone: nothing wider than the screen, the table fits, ◀ slider ▶ stay on one row', async () => {
    const p = await openPage({ width: 390, height: 800 });
    const widths = await p.evaluate(() => ({
      page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      tables: [...document.querySelectorAll('.kq-table-wrap')].map((w) => [w.scrollWidth, w.clientWidth]),
    }));
    expect(widths.page[0]).toBeLessThanOrEqual(widths.page[1]);
    for (const [scroll, client] of widths.tables) expect(scroll).toBeLessThanOrEqual(client);
    // Every column, PSNR last, is on screen.
    const psnr = (await p.locator('#kq-input-0 .kq-table thead th').last().boundingBox())!;
    expect(psnr.x + psnr.width).toBeLessThanOrEqual(390);
    const mid = async (sel: string): Promise<number> => {
      const b = (await p.locator(`#kq-input-0 ${sel}`).boundingBox())!;
      return b.y + b.height / 2;
    };
    const range = await mid('.kq-range');
    expect(Math.abs((await mid('.kq-prev')) - range)).toBeLessThan(4);
    expect(Math.abs((await mid('.kq-next')) - range)).toBeLessThan(4);
    const next = (await p.locator('#kq-input-0 .kq-next').boundingBox())!;
    const bar = (await p.locator('#kq-input-0 .kq-control').boundingBox())!;
    expect(next.x + next.width).toBeLessThanOrEqual(bar.x + bar.width);
    await p.close();
  });

  it('colour-space canvases have a backing store sized by devicePixelRatio', async () => {
    const p = await openPage({ width: 1280, height: 900 }, 2);
    const sizes = await p.$$eval('#kq-input-0 canvas.kq-cloud', (cvs) =>
      (cvs as HTMLCanvasElement[]).map((cv) => ({ backing: cv.width, shown: cv.getBoundingClientRect().width, dots: Number(cv.dataset.dots) })),
    );
    expect(sizes).toHaveLength(4);
    for (const s of sizes) {
      expect(s.backing).toBe(Math.round(s.shown * 2));
      expect(s.dots).toBeGreaterThan(0);
    }
    // Narrower window, smaller canvases: drawn again at their new size.
    await p.setViewportSize({ width: 700, height: 900 });
    await expect
      .poll(() => p.$eval('#kq-input-0 canvas.kq-cloud', (cv) => (cv as HTMLCanvasElement).width - Math.round(cv.getBoundingClientRect().width * 2)))
      .toBe(0);
    await p.close();
  });

  it('colour-space dots and discs stay inside the plot area', async () => {
    // Half the sample black, half magenta: discs of half the sample each, centred on the plot's corners.
    const n = 200;
    const samplePixels = new Uint8Array(n * 3);
    for (let i = n / 2; i < n; i++) samplePixels.set([255, 0, 255], 3 * i);
    const palette: PaletteColour[] = [
      { r: 0, g: 0, b: 0, a: 255, pixels: n / 2 },
      { r: 255, g: 0, b: 255, a: 255, pixels: n / 2 },
    ];
    const sampleLabels = Uint16Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
    const tiny = 'data:image/png;base64,' + (await sharp(Buffer.from([0, 0, 0, 255, 0, 255]), { raw: { width: 2, height: 1, channels: 3 } }).png().toBuffer()).toString('base64');
    const corners: ReportImage = {
      input: 'corners.png', width: 2, height: 1, originalBytes: 70, originalPngBytes: 70, original: tiny, samplePixels,
      results: [{ row: row({ input: 'corners.png', k: 2, coloursUsed: 2, width: 2, height: 1, outputBytes: 70, mse: 0, psnrDb: Infinity }), palette, image: tiny, sampleLabels }],
    };
    await writeFile(join(dir, 'corners.html'), renderHtmlReport([corners]));
    const p = await openPage({ width: 1280, height: 900 }, 1, 'corners.html');
    // The plot area in the page script's units (the canvas is 440 units wide): x 72..420, y 14..362.
    const spill = await p.$$eval('canvas.kq-cloud', (cvs) =>
      (cvs as HTMLCanvasElement[]).map((cv) => {
        const s = cv.width / 440;
        const { data } = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height);
        let inside = 0;
        let outside = 0;
        for (let y = 0; y < cv.height; y++)
          for (let x = 0; x < cv.width; x++) {
            const o = 4 * (y * cv.width + x);
            const pure = (data[o] === 0 || data[o] === 255) && data[o + 1] === 0 && data[o + 2] === data[o]; // black or magenta
            if (!pure) continue;
            const [u, v] = [(x + 0.5) / s, (y + 0.5) / s];
            if (u < 71 || u > 421 || v < 13 || v > 363) outside++;
            else inside++;
          }
        return { kind: cv.dataset.kind, inside, outside };
      }),
    );
    expect(spill).toHaveLength(4);
    for (const c of spill) {
      expect(c.inside, c.kind).toBeGreaterThan(0);
      expect(c.outside, c.kind).toBe(0);
    }
    await p.close();
  });

  it('saves a screenshot for a person to look at, still without errors', async () => {
    await page.locator('#kq-input-0 tr.kq-row[data-ki="2"]').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'report.png'), fullPage: true });
    expect(existsSync(join(OUTPUT_DIR, 'report.png'))).toBe(true);
    expect(problems).toEqual([]);
  });
}, 60_000);
