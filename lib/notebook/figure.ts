/**
 * Figures: one typed spec, rendered with plotly.js three ways.
 *
 * - `show(spec)` inside a Jupyter cell (tslab): one output with three representations, so every
 *   frontend shows something: `text/html` (the interactive chart), `application/vnd.plotly.v1+json`
 *   (plotly's own MIME type, drawn natively by JupyterLab's plotly renderer where installed) and
 *   `text/plain` (a one-line description, for viewers that run no scripts).
 *   plotly.js itself (from node_modules: no CDN, works offline) is put on the page by
 *   `setupNotebook()` in the notebook's imports cell, every time that cell runs, so a saved notebook
 *   always carries one copy; a notebook that does not call it gets a copy in the first figure of every
 *   cell execution instead. The copy is wrapped so it defines `window.Plotly` whether or not the page
 *   has RequireJS (classic Notebook 6 does: a bare plotly.js would register as an anonymous AMD module).
 *   Outside Jupyter, `show` opens the figure in the browser through nodeplotlib, or, when no browser
 *   should open (CI, `PRECODING_NO_BROWSER=1`), saves an HTML file.
 * - `figureHtml(spec)`: the HTML fragment (a div, the spec as JSON, a script).
 * - `saveFigureHtml(spec, file)`: a standalone page with plotly.js inline.
 *
 * Every figure fragment carries its spec as JSON in `<script type="application/json"
 * class="pw-figure-spec">`, so the report exporter can rebuild it with one shared copy of plotly.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout, PlotData } from 'plotly.js';
import { writeFileAtomic } from '../core/io';
import { cellToken, escapeHtml, inJupyter, showBundle } from './display';

export interface Series {
  name: string;
  x: number[];
  y: number[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** lower/upper confidence bounds (same length as y): drawn as asymmetric error bars */
  yLow?: number[];
  yHigh?: number[];
  /** marker symbol (plotly names: circle, square, diamond, x, triangle-up, ...) */
  marker?: string;
  color?: string;
}

export interface FigureSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  /** spacing of the x-axis ticks (e.g. 1 for integer L) */
  xTickStep?: number;
  /** horizontal reference lines, e.g. "WMMSE at convergence" */
  hlines?: { y: number; name: string; dash?: Series['dash']; color?: string }[];
  width?: number;
  height?: number;
}

export interface PlotlyFigure {
  data: Partial<PlotData>[];
  layout: Partial<Layout>;
}

function checkSpec(spec: FigureSpec): void {
  if (!spec || !Array.isArray(spec.series)) throw new Error('figure spec: needs a series array');
  for (const s of spec.series) {
    if (s.x.length !== s.y.length) throw new Error(`figure "${spec.title}", series "${s.name}": x has ${s.x.length} points, y has ${s.y.length}`);
    for (const [k, b] of [['yLow', s.yLow], ['yHigh', s.yHigh]] as const) {
      if (b && b.length !== s.y.length) throw new Error(`figure "${spec.title}", series "${s.name}": ${k} has ${b.length} points, y has ${s.y.length}`);
    }
  }
}

/** A figure dimension in pixels: a finite number in [50, 4000], else an error naming it. */
function pixels(v: number | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 50 || v > 4000) {
    throw new Error(`figure ${what}: must be a number of pixels in [50, 4000]; got ${String(v)}`);
  }
  return Math.round(v);
}

/** plotly data and layout for a spec (non-finite or non-positive-on-log values become gaps). */
export function toPlotly(spec: FigureSpec): PlotlyFigure {
  checkSpec(spec);
  const clean = (v: number) => (Number.isFinite(v) && (!spec.logY || v > 0) ? v : null);
  const data: Partial<PlotData>[] = spec.series.map((s) => {
    const trace: Partial<PlotData> = {
      type: 'scatter',
      name: s.name,
      x: s.x,
      y: s.y.map(clean) as number[],
      mode: s.mode ?? 'lines+markers',
      line: { dash: s.dash ?? 'solid', ...(s.color ? { color: s.color } : {}) },
      marker: { symbol: s.marker ?? 'circle', size: 7, ...(s.color ? { color: s.color } : {}) },
    };
    if (s.yLow && s.yHigh) {
      trace.error_y = {
        type: 'data',
        symmetric: false,
        array: s.yHigh.map((h, i) => Math.max(0, h - s.y[i])),
        arrayminus: s.yLow.map((l, i) => Math.max(0, s.y[i] - l)),
        visible: true,
        thickness: 1,
      };
    }
    return trace;
  });
  const xs = spec.series.flatMap((s) => s.x);
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  for (const h of spec.hlines ?? []) {
    data.push({
      type: 'scatter',
      name: h.name,
      x: [x0, x1],
      y: [h.y, h.y],
      mode: 'lines',
      line: { dash: h.dash ?? 'dash', color: h.color ?? 'black', width: 1.5 },
    });
  }
  const layout: Partial<Layout> = {
    title: { text: spec.title },
    xaxis: { title: { text: spec.xLabel }, type: spec.logX ? 'log' : 'linear', zeroline: false, ...(spec.xTickStep ? { dtick: spec.xTickStep } : {}) },
    yaxis: { title: { text: spec.yLabel }, type: spec.logY ? 'log' : 'linear', zeroline: false, exponentformat: 'power' },
    width: pixels(spec.width, 720, 'width'),
    height: pixels(spec.height, 440, 'height'),
    legend: { orientation: 'v' },
    margin: { l: 70, r: 20, t: 50, b: 60 },
    template: undefined,
  };
  return { data, layout };
}

/** plotly.js (minified) from node_modules. */
export function plotlySource(): string {
  const file = require.resolve('plotly.js-dist-min/plotly.min.js');
  return fs.readFileSync(file, 'utf8');
}

/** The version of the embedded plotly.js. */
export function plotlyVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('plotly.js-dist-min/package.json') as { version: string }).version;
}

/**
 * A `<script>` that defines `window.Plotly` on any page: plotly.js runs inside a function whose
 * `define`, `module` and `exports` are undefined, so its UMD header takes the browser-global branch
 * even where RequireJS (classic Notebook) or a CommonJS shim is present. Skipped when the page has
 * plotly.js already.
 */
export function plotlyLoaderScript(source: string = plotlySource()): string {
  const src = source.replace(/<\/(script)/gi, '<\\/$1');
  return `<script>if(!window.Plotly){(function(define,module,exports){\n${src}\n}).call(window);}</script>`;
}

let figureCounter = 0;

/** JSON for embedding inside <script>: escape "</" so the text cannot close the tag. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/** Seconds a figure waits for plotly.js (an earlier output may still be rendering) before it says so. */
const WAIT_FOR_PLOTLY_SEC = 60;

/** What a figure says when plotly.js never arrived. */
export const PLOTLY_MISSING =
  "plotly.js not loaded: run the notebook's imports cell (it calls setupNotebook()), or trust the notebook (File → Trust Notebook) and reload";

/**
 * An HTML fragment drawing the figure. With `includePlotly`, plotly.js is inlined before it;
 * otherwise the fragment waits for `window.Plotly` (defined by an earlier output). Until it is
 * drawn, the figure's box holds a line of text naming it (what a viewer without scripts shows).
 */
export function figureHtml(spec: FigureSpec, opts: { includePlotly?: boolean; id?: string } = {}): string {
  const fig = toPlotly(spec);
  const id = opts.id ?? `pw-fig-${process.pid}-${Date.now().toString(36)}-${figureCounter++}`;
  const lib = opts.includePlotly ? plotlyLoaderScript() + '\n' : '';
  return (
    `${lib}<div class="pw-figure" id="${escapeHtml(id)}" style="width:${fig.layout.width}px;height:${fig.layout.height}px" aria-label="${escapeHtml(spec.title)}">` +
    `<div class="pw-figure-fallback" style="font:13px sans-serif;color:#666;padding:8px">${escapeHtml(figureText(spec))}</div></div>\n` +
    `<script type="application/json" class="pw-figure-spec" data-for="${escapeHtml(id)}">${scriptJson(fig)}</script>\n` +
    `<script>(function(){var id=${scriptJson(id)};var el=document.getElementById(id);if(!el)return;` +
    `var fig=JSON.parse(document.querySelector('script[data-for="'+id+'"]').textContent);` +
    `function draw(n){if(window.Plotly){el.innerHTML='';window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:false,displaylogo:false});}` +
    `else if(n<${WAIT_FOR_PLOTLY_SEC * 10}){setTimeout(function(){draw(n+1)},100);}` +
    `else{var f=el.querySelector('.pw-figure-fallback');if(f)f.textContent=${scriptJson(PLOTLY_MISSING)};}}draw(0);})();</script>`
  );
}

/** One line describing a figure, for viewers that show only text/plain. */
export function figureText(spec: FigureSpec): string {
  const names = spec.series.map((s) => s.name).concat((spec.hlines ?? []).map((h) => h.name));
  return `Figure: ${spec.title} (${spec.yLabel} vs ${spec.xLabel}; ${names.length} series: ${names.join(', ')})`;
}

/** The MIME bundle of a figure output: interactive HTML, plotly's JSON, and a text line. */
export function figureBundle(spec: FigureSpec, opts: { includePlotly?: boolean; id?: string } = {}): Record<string, unknown> {
  const fig = toPlotly(spec);
  return {
    'text/html': figureHtml(spec, opts),
    'application/vnd.plotly.v1+json': { data: fig.data, layout: fig.layout, config: { displaylogo: false } },
    'text/plain': figureText(spec),
  };
}

/** A standalone HTML page with plotly.js inline. Written atomically. */
export function saveFigureHtml(spec: FigureSpec, file: string): string {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(spec.title)}</title></head><body>\n` +
    figureHtml(spec, { includePlotly: true }) +
    '\n</body></html>\n';
  writeFileAtomic(file, html);
  return file;
}

/** Cell execution whose output carries plotly.js (setupNotebook's, or the fallback's). */
let plotlyCarrier: { token: object | undefined; bySetup: boolean } | undefined;

/** Forget that plotly.js was embedded (after a kernel restart the page has lost it). */
export function resetFigureSession(): void {
  plotlyCarrier = undefined;
}

/**
 * Put plotly.js on the page for this notebook's figures: call it in the imports cell. It shows one
 * small output ("figures: plotly.js x.y.z, embedded") that carries the library, every time the cell
 * runs, so the saved notebook keeps a copy however often its cells are re-run. Outside Jupyter it
 * does nothing. Returns nothing (a cell ending in it prints nothing).
 */
export function setupFigures(): void {
  if (!inJupyter()) return;
  const note = `figures: plotly.js ${plotlyVersion()}, embedded in this output (offline)`;
  showBundle({
    'text/html': `${plotlyLoaderScript()}\n<div class="pw-plotly-loader" style="font:12px monospace;color:#888">${escapeHtml(note)}</div>`,
    'text/plain': note,
  });
  plotlyCarrier = { token: cellToken(), bySetup: true };
}

/** Whether this figure must carry plotly.js itself: no setup ran, and no earlier figure of this cell execution has it. */
function figureCarriesPlotly(): boolean {
  if (plotlyCarrier?.bySetup) return false;
  const token = cellToken();
  if (plotlyCarrier && plotlyCarrier.token === token) return false;
  plotlyCarrier = { token, bySetup: false };
  return true;
}

/** File-name-safe version of a title. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'figure';
}

/**
 * Show a figure where we run: inline in Jupyter; in a browser via nodeplotlib from a script; or,
 * when no browser may open (CI set, or PRECODING_NO_BROWSER=1), saved under results/figures/.
 * Returns nothing, so a notebook cell ending in `show(…)` prints nothing; `showFigure` says where.
 */
export function show(spec: FigureSpec): void {
  showFigure(spec);
}

/** `show`, returning where the figure went (and the file, when saved). */
export function showFigure(spec: FigureSpec): { where: 'jupyter' | 'browser' | 'file'; file?: string } {
  if (inJupyter()) {
    checkSpec(spec);
    showBundle(figureBundle(spec, { includePlotly: figureCarriesPlotly() }));
    return { where: 'jupyter' };
  }
  if (process.env.CI || process.env.PRECODING_NO_BROWSER) {
    const root = path.resolve(__dirname, '..', '..');
    const file = saveFigureHtml(spec, path.join(root, 'results', 'figures', `${slug(spec.title)}.html`));
    console.log(`figure "${spec.title}" saved to ${file}`);
    return { where: 'file', file };
  }
  const fig = toPlotly(spec);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const npl = require('nodeplotlib') as { plot: (d: Partial<PlotData>[], l?: Partial<Layout>) => void };
  npl.plot(fig.data, fig.layout);
  return { where: 'browser' };
}
