/**
 * Executed notebook → one self-contained HTML report that opens offline: markdown with math
 * (KaTeX, rendered here, CSS and fonts inlined), code, text outputs (escaped), tables, and
 * interactive plots (plotly.js inlined once). Optionally one PNG per figure via headless Chromium.
 *
 * A notebook is untrusted input here. Its HTML (outputs, markdown, math) passes the allow-list of
 * ./reportSanitize; its plot specs are checked (a bad one is an error box naming the cell) and kept
 * as JSON data; the only scripts on the page are the report's own (plotly.js and the drawing code),
 * and the page's Content-Security-Policy lets only those run (by hash).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import katex from 'katex';
import { Marked, Tokens } from 'marked';
import { writeFileAtomic } from '../lib/core/io';
import { escapeHtml } from '../lib/notebook/display';
import { plotlySource, PlotlyFigure, scriptJson, slug } from '../lib/notebook/figure';
import { readNotebook, sourceText } from './notebookRunner';
import { sanitizeReportHtml } from './reportSanitize';

export interface ReportOptions {
  out?: string;
  png?: boolean;
  /** Chromium binary for --png (default /usr/bin/chromium) */
  chromium?: string;
}

/** KaTeX CSS with its woff2 fonts as data URIs, so math renders with no network and no files. */
export function katexCss(): string {
  const dist = path.dirname(require.resolve('katex/dist/katex.min.css'));
  const css = fs.readFileSync(path.join(dist, 'katex.min.css'), 'utf8');
  return css.replace(/src:([^;}]*)/g, (_m, srcs: string) => {
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(srcs);
    if (!woff2) return `src:${srcs}`;
    const data = fs.readFileSync(path.join(dist, woff2[1])).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
}

function renderMath(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'html', strict: 'ignore' });
}

/** Markdown with $…$ / $$…$$ math (math is cut out before markdown parsing, rendered by KaTeX). */
export function markdownToHtml(src: string): string {
  const math: string[] = [];
  const keep = (html: string) => `\u0000M${math.push(html) - 1}\u0000`;
  let text = src
    .replace(/\$\$([\s\S]+?)\$\$/g, (_m, t: string) => keep(renderMath(t, true)))
    .replace(/\\\[([\s\S]+?)\\\]/g, (_m, t: string) => keep(renderMath(t, true)))
    .replace(/(^|[^\\$])\$([^$\n]+?)\$/g, (_m, pre: string, t: string) => pre + keep(renderMath(t, false)));
  const md = new Marked({ gfm: true });
  // raw HTML in markdown is shown as text: the report never executes notebook-author markup
  md.use({ renderer: { html: (tok: Tokens.HTML | Tokens.Tag) => escapeHtml(tok.text) } });
  text = md.parse(text, { async: false }) as string;
  // links, images and the math itself come from the notebook: all of it goes through the policy
  return sanitizeReportHtml(text.replace(/\u0000M(\d+)\u0000/g, (_m, i: string) => math[Number(i)] ?? ''));
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r(?!\n)/g, '\n');
}

interface Figure {
  id: string;
  title: string;
  fig: PlotlyFigure;
}

/** Figure box size in pixels: a finite number in [MIN_PX, MAX_PX], else the default. */
const MIN_PX = 50;
const MAX_PX = 4000;
/** Deepest nesting a plot spec may have (plotly specs are a few levels deep). */
const MAX_SPEC_DEPTH = 64;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `a string (${JSON.stringify(v.slice(0, 40))})` : typeof v;
}

/** A copy of a JSON value without keys that could reach an object prototype inside plotly.js. */
function jsonCopy(v: unknown, depth: number): unknown {
  if (depth > MAX_SPEC_DEPTH) throw new Error(`nested deeper than ${MAX_SPEC_DEPTH} levels`);
  if (Array.isArray(v)) return v.map((x) => jsonCopy(x, depth + 1));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k !== '__proto__' && k !== 'constructor' && k !== 'prototype') out[k] = jsonCopy(x, depth + 1);
    }
    return out;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return typeof v === 'string' || typeof v === 'boolean' || v === null ? v : null;
}

function pixels(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= MIN_PX && v <= MAX_PX ? Math.round(v) : fallback;
}

/**
 * A plot spec from a notebook, checked: an object whose `data` is an array of trace objects and
 * whose `layout` (optional) is an object; width and height become numbers of pixels (bad ones the
 * default). Throws an Error naming the problem.
 */
export function checkPlotSpec(raw: unknown): PlotlyFigure {
  const spec = typeof raw === 'string' ? parseJson(raw) : raw;
  if (!isPlainObject(spec)) throw new Error(`the plot spec is not a JSON object but ${describe(spec)}`);
  if (!Array.isArray(spec.data)) throw new Error(`"data" must be an array of traces; got ${describe(spec.data)}`);
  const bad = spec.data.findIndex((t) => !isPlainObject(t));
  if (bad >= 0) throw new Error(`trace ${bad} of "data" is not an object but ${describe(spec.data[bad])}`);
  if (spec.layout !== undefined && !isPlainObject(spec.layout)) throw new Error(`"layout" must be an object; got ${describe(spec.layout)}`);
  const data = jsonCopy(spec.data, 0) as PlotlyFigure['data'];
  const layout = jsonCopy(spec.layout ?? {}, 0) as Record<string, unknown>;
  layout.width = pixels(layout.width, 720);
  layout.height = pixels(layout.height, 440);
  return { data, layout: layout as PlotlyFigure['layout'] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`the plot spec is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The plot spec of a figure output, unchecked, or undefined when the output is no figure: plotly's
 * own MIME type first, else the JSON our figure HTML carries (`<script class="pw-figure-spec">`).
 */
function plotSpecOf(data: nb.IMimeBundle): unknown {
  const plotly = data['application/vnd.plotly.v1+json'];
  if (plotly !== undefined) return plotly;
  const html = data['text/html'];
  if (html === undefined) return undefined;
  const m = /<script type="application\/json" class="pw-figure-spec" data-for="[^"]*">([\s\S]*?)<\/script>/.exec(sourceText(html as nb.MultilineString));
  return m ? parseJson(m[1]) : undefined;
}

/** An error box in the report (the rest of the report still renders). */
function errorBox(where: string, problem: string): string {
  return `<div class="report-error" role="alert"><b>${escapeHtml(where)}</b>: ${escapeHtml(problem)}</div>`;
}

/** "cell 3 (id abc, `show(fig)`)": how an error box names a cell. */
function cellLabel(cell: nb.ICell, index: number): string {
  const id = typeof cell.id === 'string' && cell.id ? `id ${cell.id}, ` : '';
  const first = sourceText(cell.source).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return `cell ${index + 1} (${id}\`${first.length > 60 ? first.slice(0, 57) + '...' : first}\`)`;
}

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

function mimeOutputHtml(data: nb.IMimeBundle, figures: Figure[]): string {
  const spec = plotSpecOf(data);
  if (spec !== undefined) {
    const fig = checkPlotSpec(spec);
    const id = `fig${figures.length + 1}`;
    const title = (fig.layout.title as { text?: unknown } | undefined)?.text ?? fig.layout.title;
    figures.push({ id, title: typeof title === 'string' ? title : id, fig });
    return `<div class="figure" id="${id}" style="width:${Number(fig.layout.width)}px;height:${Number(fig.layout.height)}px"></div>`;
  }
  const text = (mime: string): string | undefined => (data[mime] === undefined ? undefined : sourceText(data[mime] as nb.MultilineString));
  const html = text('text/html');
  if (html !== undefined) return `<div class="html-out">${sanitizeReportHtml(html)}</div>`;
  for (const mime of ['image/png', 'image/jpeg'] as const) {
    const img = text(mime)?.replace(/\s+/g, '');
    if (img === undefined) continue;
    if (!BASE64.test(img)) throw new Error(`the ${mime} output is not base64 data`);
    return `<img alt="output" src="data:${mime};base64,${img}">`;
  }
  const svg = text('image/svg+xml');
  if (svg !== undefined) return `<img alt="output" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`;
  const md = text('text/markdown');
  if (md !== undefined) return markdownToHtml(md);
  const plain = text('text/plain');
  return plain === undefined ? '' : `<pre class="out">${escapeHtml(plain)}</pre>`;
}

function outputHtml(o: nb.IOutput, figures: Figure[]): string {
  switch (o.output_type) {
    case 'stream': {
      const s = o as nb.IStream;
      const text = stripAnsi(sourceText(s.text));
      return `<pre class="out ${s.name === 'stderr' ? 'stderr' : ''}">${escapeHtml(text)}</pre>`;
    }
    case 'error': {
      const e = o as nb.IError;
      const trace = Array.isArray(e.traceback) ? e.traceback.map(String) : [];
      return `<pre class="out error">${escapeHtml(stripAnsi([`${String(e.ename)}: ${String(e.evalue)}`, ...trace].join('\n')))}</pre>`;
    }
    case 'display_data':
    case 'execute_result': {
      const data = (o as nb.IDisplayData).data;
      if (!isPlainObject(data)) throw new Error(`the ${o.output_type} output has no data object`);
      return mimeOutputHtml(data as nb.IMimeBundle, figures);
    }
    default:
      return '';
  }
}

/** A code cell: prompt, source, outputs; an output that cannot be shown becomes an error box. */
function codeCellHtml(c: nb.ICodeCell, index: number, figures: Figure[]): string {
  const count = Number.isInteger(c.execution_count) ? String(c.execution_count) : ' ';
  const rawTags = (c.metadata as { tags?: unknown }).tags;
  const tags = Array.isArray(rawTags) ? rawTags.filter((t): t is string => typeof t === 'string').join(', ') : '';
  const outputs = c.outputs.map((o, k) => {
    try {
      return outputHtml(o, figures);
    } catch (e) {
      return errorBox(`${cellLabel(c, index)}, output ${k + 1} not shown`, (e as Error).message);
    }
  });
  return (
    `<div class="cell code"><div class="prompt">In [${count}]${tags ? ` · ${escapeHtml(tags)}` : ''}</div>` +
    `<pre class="code">${escapeHtml(sourceText(c.source))}</pre>${outputs.join('\n')}</div>`
  );
}

const STYLE = `
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222;line-height:1.5}
.cell{margin:14px 0}.md h1{border-bottom:1px solid #ddd}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:8px;overflow-x:auto;font-size:12.5px;white-space:pre-wrap}
pre.code{background:#f3f6fb;border-left:3px solid #6a8cc8}pre.out{background:#fff}pre.stderr{color:#8a6d00}pre.error{color:#b00020;background:#fff5f5}
.prompt{color:#6a8cc8;font:12px monospace}table.pw-table td,table.pw-table th{border:1px solid #ccc;padding:3px 8px}
table.pw-table th{background:#f0f3f8}.meta{color:#666;font-size:13px}
.report-error{color:#b00020;background:#fff5f5;border:1px solid #b00020;border-radius:4px;padding:8px;margin:6px 0;font-size:13px}`;

/** Ids of the report's own script elements: the only scripts a report has. */
export const REPORT_SCRIPT_IDS = { plotly: 'pw-report-plotly', figures: 'pw-report-figures', draw: 'pw-report-draw' } as const;

/** Draws every figure from the JSON block (data, never code); a figure plotly rejects shows why. */
export const DRAW_SCRIPT =
  `(function(){var figs=JSON.parse(document.getElementById('${REPORT_SCRIPT_IDS.figures}').textContent);` +
  `figs.forEach(function(f){var el=document.getElementById(f.id);if(!el)return;` +
  `function fail(e){el.className+=' report-error';el.textContent='Figure not drawn: '+e;}` +
  `try{Plotly.newPlot(el,f.fig.data,f.fig.layout,{displaylogo:false,responsive:false}).then(null,fail);}catch(e){fail(e);}});})();`;

/** plotly.js as the text of an inline script: cannot close its element; line ends as a browser reads them. */
export function plotlyScriptText(): string {
  return plotlySource().replace(/<\/(script)/gi, '<\\/$1').replace(/\r\n?/g, '\n');
}

function sha256(text: string): string {
  return `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy: only the report's own scripts run (by hash), nothing is
 * fetched from the network; a second wall behind the sanitiser.
 */
function contentSecurityPolicy(scripts: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.length ? scripts.map(sha256).join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data: file:",
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Write the HTML report (and PNGs when asked). */
export async function exportReport(file: string, opts: ReportOptions = {}): Promise<{ html: string; pngs: string[] }> {
  const book = readNotebook(file);
  const name = path.basename(file, '.ipynb');
  const root = path.resolve(__dirname, '..');
  const out = path.resolve(opts.out ?? path.join(root, 'results', `${name}.html`));
  const figures: Figure[] = [];
  const body: string[] = [];
  let title = name;
  book.cells.forEach((cell, i) => {
    const src = sourceText(cell.source);
    if (cell.cell_type === 'markdown') {
      if (title === name) title = /^#\s+(.+)$/m.exec(src)?.[1] ?? title;
      let html: string;
      try {
        html = markdownToHtml(src);
      } catch (e) {
        html = errorBox(`${cellLabel(cell, i)} not shown`, (e as Error).message);
      }
      body.push(`<div class="cell md">${html}</div>`);
    } else if (cell.cell_type === 'code') {
      body.push(codeCellHtml(cell as nb.ICodeCell, i, figures));
    }
  });
  const meta = (book.metadata as { precoding_workbook?: { params?: unknown; ok?: boolean } }).precoding_workbook;
  const header = `<p class="meta">Report of <code>${escapeHtml(path.basename(file))}</code>, exported ${new Date().toISOString()}` +
    (meta ? ` · parameters ${escapeHtml(JSON.stringify(meta.params ?? {}))} · ${meta.ok ? 'all cells ran' : 'a cell FAILED'}` : '') + '</p>';
  const scripts = figures.length ? [plotlyScriptText(), DRAW_SCRIPT] : [];
  const figScript = figures.length
    ? `<script id="${REPORT_SCRIPT_IDS.plotly}">${scripts[0]}</script>\n` +
      `<script type="application/json" id="${REPORT_SCRIPT_IDS.figures}">${scriptJson(figures.map((f) => ({ id: f.id, fig: f.fig })))}</script>\n` +
      `<script id="${REPORT_SCRIPT_IDS.draw}">${DRAW_SCRIPT}</script>`
    : '';
  const html =
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts))}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<style>${katexCss()}</style><style>${STYLE}</style></head><body>\n${header}\n${body.join('\n')}\n${figScript}\n</body></html>\n`;
  writeFileAtomic(out, html);
  const pngs = opts.png ? await figurePngs(out, figures, opts.chromium) : [];
  return { html: out, pngs };
}

/** Screenshot each figure of a report with headless Chromium (playwright-core, no browser download). */
async function figurePngs(htmlFile: string, figures: Figure[], chromium = '/usr/bin/chromium'): Promise<string[]> {
  if (!fs.existsSync(chromium)) {
    throw new Error(`--png needs Chromium at ${chromium} (Debian: apt-get install -y chromium)`);
  }
  const { chromium: launcher } = require('playwright-core') as typeof import('playwright-core');
  const browser = await launcher.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const files: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto('file://' + htmlFile);
    const dir = htmlFile.replace(/\.html$/, '') + '-figures';
    for (const f of figures) {
      await page.waitForSelector(`#${f.id} .main-svg`, { timeout: 30000 });
      const file = path.join(dir, `${f.id}-${slug(f.title)}.png`);
      fs.mkdirSync(dir, { recursive: true });
      await page.locator(`#${f.id}`).screenshot({ path: file });
      files.push(file);
    }
  } finally {
    await browser.close();
  }
  return files;
}
