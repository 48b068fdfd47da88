/**
 * Figures: one typed spec, rendered with plotly.js three ways.
 *
 * - `show(spec)` inside a Jupyter cell (tslab): inline HTML. plotly.js is embedded from
 *   node_modules (no CDN, works offline) into the first figure's output of the kernel session only;
 *   later figures reuse `window.Plotly`. Outside Jupyter it opens the figure in the browser through
 *   nodeplotlib, or, when no browser should open (CI, `PRECODING_NO_BROWSER=1`), saves an HTML file.
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
import { escapeHtml, inJupyter, showHtml } from './display';

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
    width: spec.width ?? 720,
    height: spec.height ?? 440,
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

let figureCounter = 0;

/** JSON for embedding inside <script>: escape "</" so the text cannot close the tag. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/**
 * An HTML fragment drawing the figure. With `includePlotly`, plotly.js is inlined before it;
 * otherwise the fragment waits for `window.Plotly` (defined by an earlier output).
 */
export function figureHtml(spec: FigureSpec, opts: { includePlotly?: boolean; id?: string } = {}): string {
  const fig = toPlotly(spec);
  const id = opts.id ?? `pw-fig-${process.pid}-${Date.now().toString(36)}-${figureCounter++}`;
  const lib = opts.includePlotly ? `<script>${plotlySource()}</script>\n` : '';
  return (
    `${lib}<div class="pw-figure" id="${id}" style="width:${fig.layout.width}px;height:${fig.layout.height}px" aria-label="${escapeHtml(spec.title)}"></div>\n` +
    `<script type="application/json" class="pw-figure-spec" data-for="${id}">${scriptJson(fig)}</script>\n` +
    `<script>(function(){var el=document.getElementById(${JSON.stringify(id)});` +
    `var fig=JSON.parse(document.querySelector('script[data-for="${id}"]').textContent);` +
    `function draw(n){if(window.Plotly){window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:false,displaylogo:false});}` +
    `else if(n<200){setTimeout(function(){draw(n+1)},50);}else{el.textContent='plotly.js not loaded: re-run the first figure cell or trust the notebook';}}draw(0);})();</script>`
  );
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

let plotlyEmbedded = false;

/** Forget that plotly.js was embedded (after a kernel restart the page has lost it). */
export function resetFigureSession(): void {
  plotlyEmbedded = false;
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
    showHtml(figureHtml(spec, { includePlotly: !plotlyEmbedded }));
    plotlyEmbedded = true;
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
