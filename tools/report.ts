/**
 * Executed notebook → one self-contained HTML report that opens offline: markdown with math
 * (KaTeX, rendered here, CSS and fonts inlined), code, text outputs (escaped), tables, and
 * interactive plots (plotly.js inlined once). Optionally one PNG per figure via headless Chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as nb from '@jupyterlab/nbformat';
import katex from 'katex';
import { Marked, Tokens } from 'marked';
import { writeFileAtomic } from '../lib/core/io';
import { escapeHtml } from '../lib/notebook/display';
import { plotlySource, PlotlyFigure, scriptJson, slug } from '../lib/notebook/figure';
import { readNotebook, sourceText } from './notebookRunner';

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
  return text.replace(/\u0000M(\d+)\u0000/g, (_m, i: string) => math[Number(i)]);
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

/** Our figure outputs carry their spec as JSON; rebuild them so plotly.js is inlined only once. */
function figureFromHtml(html: string): PlotlyFigure | undefined {
  const m = /<script type="application\/json" class="pw-figure-spec" data-for="[^"]*">([\s\S]*?)<\/script>/.exec(html);
  if (!m) return undefined;
  return JSON.parse(m[1]) as PlotlyFigure;
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
      return `<pre class="out error">${escapeHtml(stripAnsi([`${e.ename}: ${e.evalue}`, ...e.traceback].join('\n')))}</pre>`;
    }
    case 'display_data':
    case 'execute_result': {
      const data = (o as nb.IDisplayData).data;
      const html = data['text/html'];
      if (html !== undefined) {
        const h = sourceText(html as nb.MultilineString);
        const fig = figureFromHtml(h);
        if (fig) {
          const id = `fig${figures.length + 1}`;
          const title = String((fig.layout.title as { text?: string } | undefined)?.text ?? id);
          figures.push({ id, title, fig });
          return `<div class="figure" id="${id}" style="width:${fig.layout.width ?? 720}px;height:${fig.layout.height ?? 440}px"></div>`;
        }
        // tables and progress bars from our library; scripts from anywhere else are not run in a report
        return `<div class="html-out">${h.replace(/<script[\s\S]*?<\/script>/gi, '')}</div>`;
      }
      for (const mime of ['image/png', 'image/jpeg'] as const) {
        const img = data[mime];
        if (img !== undefined) return `<img alt="output" src="data:${mime};base64,${sourceText(img as nb.MultilineString).trim()}">`;
      }
      if (data['image/svg+xml'] !== undefined) {
        const svg = sourceText(data['image/svg+xml'] as nb.MultilineString);
        return `<img alt="output" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`;
      }
      if (data['text/markdown'] !== undefined) return markdownToHtml(sourceText(data['text/markdown'] as nb.MultilineString));
      if (data['text/plain'] !== undefined) return `<pre class="out">${escapeHtml(sourceText(data['text/plain'] as nb.MultilineString))}</pre>`;
      return '';
    }
    default:
      return '';
  }
}

const STYLE = `
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222;line-height:1.5}
.cell{margin:14px 0}.md h1{border-bottom:1px solid #ddd}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:8px;overflow-x:auto;font-size:12.5px;white-space:pre-wrap}
pre.code{background:#f3f6fb;border-left:3px solid #6a8cc8}pre.out{background:#fff}pre.stderr{color:#8a6d00}pre.error{color:#b00020;background:#fff5f5}
.prompt{color:#6a8cc8;font:12px monospace}table.pw-table td,table.pw-table th{border:1px solid #ccc;padding:3px 8px}
table.pw-table th{background:#f0f3f8}.meta{color:#666;font-size:13px}`;

/** Write the HTML report (and PNGs when asked). */
export async function exportReport(file: string, opts: ReportOptions = {}): Promise<{ html: string; pngs: string[] }> {
  const book = readNotebook(file);
  const name = path.basename(file, '.ipynb');
  const root = path.resolve(__dirname, '..');
  const out = path.resolve(opts.out ?? path.join(root, 'results', `${name}.html`));
  const figures: Figure[] = [];
  const body: string[] = [];
  let title = name;
  for (const cell of book.cells) {
    const src = sourceText(cell.source);
    if (cell.cell_type === 'markdown') {
      if (title === name) title = /^#\s+(.+)$/m.exec(src)?.[1] ?? title;
      body.push(`<div class="cell md">${markdownToHtml(src)}</div>`);
    } else if (cell.cell_type === 'code') {
      const c = cell as nb.ICodeCell;
      const tags = ((c.metadata as { tags?: string[] }).tags ?? []).join(', ');
      body.push(
        `<div class="cell code"><div class="prompt">In [${c.execution_count ?? ' '}]${tags ? ` · ${escapeHtml(tags)}` : ''}</div>` +
          `<pre class="code">${escapeHtml(src)}</pre>${c.outputs.map((o) => outputHtml(o, figures)).join('\n')}</div>`,
      );
    }
  }
  const meta = (book.metadata as { precoding_workbook?: { params?: unknown; ok?: boolean } }).precoding_workbook;
  const header = `<p class="meta">Report of <code>${escapeHtml(path.basename(file))}</code>, exported ${new Date().toISOString()}` +
    (meta ? ` · parameters ${escapeHtml(JSON.stringify(meta.params ?? {}))} · ${meta.ok ? 'all cells ran' : 'a cell FAILED'}` : '') + '</p>';
  const figScript = figures.length
    ? `<script>${plotlySource()}</script>\n<script>var PW_FIGS=${scriptJson(figures.map((f) => ({ id: f.id, fig: f.fig })))};` +
      `PW_FIGS.forEach(function(f){Plotly.newPlot(f.id,f.fig.data,f.fig.layout,{displaylogo:false});});</script>`
    : '';
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
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
