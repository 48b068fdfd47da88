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
 * A spec with a `switcher` (series tagged with a `group`) gets a plotly slider or dropdown in its
 * layout that switches between the groups in the browser, with no kernel, in reports too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout, PlotData } from 'plotly.js';
import { writeFileAtomic } from '../core/io';
import { cellToken, escapeHtml, inJupyter, showBundle } from './display';
import type { FigureSpec } from '../kit/figureSpec';

export type { FigureSpec, FigureSwitcher, Heatmap, Series } from '../kit/figureSpec';

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
  for (const h of spec.heatmaps ?? []) {
    const where = `figure "${spec.title}", heatmap "${h.name}"`;
    if (!Array.isArray(h.x) || !Array.isArray(h.y) || !Array.isArray(h.z)) throw new Error(`${where}: needs arrays x, y and z`);
    if (h.z.length !== h.y.length) throw new Error(`${where}: z has ${h.z.length} rows, y has ${h.y.length} labels`);
    h.z.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== h.x.length) throw new Error(`${where}: z[${i}] must have x.length = ${h.x.length} values; got ${Array.isArray(row) ? row.length : typeof row}`);
      if (h.text && (!Array.isArray(h.text[i]) || h.text[i].length !== h.x.length)) throw new Error(`${where}: text must have the shape of z (${h.y.length} × ${h.x.length})`);
    });
    if (h.text && h.text.length !== h.y.length) throw new Error(`${where}: text must have the shape of z (${h.y.length} × ${h.x.length})`);
  }
  checkSwitcher(spec);
}

/** "{0, 10, 20}": a switcher's values as error messages and the text line list them. */
function valueSet(values: readonly string[]): string {
  return `{${values.join(', ')}}`;
}

/** The switcher and the series groups agree; else an error naming the field and the allowed values. */
function checkSwitcher(spec: FigureSpec): void {
  const sw = spec.switcher;
  const where = `figure "${spec.title}"`;
  if (sw === undefined) {
    const s = [...spec.series, ...(spec.heatmaps ?? [])].find((x) => x.group !== undefined);
    if (s) throw new Error(`${where}, ${'z' in s ? 'heatmap' : 'series'} "${s.name}": has group ${JSON.stringify(s.group)} but the figure has no switcher; add switcher: { label, values } or drop the group`);
    return;
  }
  if (typeof sw !== 'object' || sw === null) throw new Error(`${where}, switcher: must be an object { label, values, initial?, kind? }; got ${String(sw)}`);
  if (typeof sw.label !== 'string') throw new Error(`${where}, switcher.label: must be a string; got ${typeof sw.label}`);
  if (!Array.isArray(sw.values) || sw.values.length === 0) throw new Error(`${where}, switcher.values: must be a non-empty array of strings`);
  const bad = sw.values.find((v) => typeof v !== 'string');
  if (bad !== undefined) throw new Error(`${where}, switcher.values: must be strings; got ${typeof bad} ${String(bad)}`);
  const seen = new Set<string>();
  for (const v of sw.values) {
    if (seen.has(v)) throw new Error(`${where}, switcher.values: ${JSON.stringify(v)} appears more than once; values must be distinct`);
    seen.add(v);
  }
  if (sw.initial !== undefined && !seen.has(sw.initial)) {
    throw new Error(`${where}, switcher.initial: ${JSON.stringify(sw.initial)} is not one of switcher.values ${valueSet(sw.values)}`);
  }
  if (sw.kind !== undefined && sw.kind !== 'slider' && sw.kind !== 'dropdown') {
    throw new Error(`${where}, switcher.kind: must be 'slider' or 'dropdown'; got ${JSON.stringify(sw.kind)}`);
  }
  for (const s of spec.series) {
    if (s.group !== undefined && !seen.has(s.group)) {
      throw new Error(`${where}, series "${s.name}": group ${JSON.stringify(s.group)} is not one of switcher.values ${valueSet(sw.values)}`);
    }
  }
  for (const h of spec.heatmaps ?? []) {
    if (h.group !== undefined && !seen.has(h.group)) {
      throw new Error(`${where}, heatmap "${h.name}": group ${JSON.stringify(h.group)} is not one of switcher.values ${valueSet(sw.values)}`);
    }
  }
}

/** Extra pixels under the plot for a switcher slider (its current value, rail and labels). */
const SLIDER_ROOM = 110;
/** Extra pixels above the plot for a switcher dropdown. */
const DROPDOWN_ROOM = 40;

/** plotly's updatemenus entry (its typings leave it untyped). */
interface PlotlyUpdateMenu {
  type: 'dropdown' | 'buttons';
  direction: 'down' | 'up' | 'left' | 'right';
  active: number;
  showactive: boolean;
  x: number;
  xanchor: 'auto' | 'left' | 'center' | 'right';
  y: number;
  yanchor: 'auto' | 'top' | 'middle' | 'bottom';
  pad: { t?: number; r?: number; b?: number; l?: number };
  buttons: { label: string; method: 'restyle'; args: [{ visible: boolean[] }] }[];
}

/**
 * The visibility of every trace (series, then reference lines) for each switcher value: a grouped
 * series is visible for its own value only, everything else always.
 */
function switcherSteps(spec: FigureSpec): { value: string; visible: boolean[] }[] {
  const sw = spec.switcher;
  if (!sw) return [];
  const groups = spec.series.map((s) => s.group).concat((spec.heatmaps ?? []).map((h) => h.group), (spec.hlines ?? []).map(() => undefined));
  return sw.values.map((value) => ({ value, visible: groups.map((g) => g === undefined || g === value) }));
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
  const sw = spec.switcher;
  const initial = sw ? sw.initial ?? sw.values[0] : undefined;
  const kind = sw ? sw.kind ?? 'slider' : undefined;
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
    if (s.group !== undefined) trace.visible = s.group === initial;
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
  for (const h of spec.heatmaps ?? []) {
    // plotly's typings lack zmid, texttemplate and hoverongaps of heatmap traces: built as a record
    const trace: Record<string, unknown> = {
      type: 'heatmap',
      name: h.name,
      x: h.x,
      y: h.y,
      z: h.z.map((row) => row.map((v) => (v !== null && Number.isFinite(v) ? v : null))),
      zmid: h.zmid ?? 0,
      colorscale: 'RdBu',
      reversescale: true, // plotly's RdBu runs blue → red; reversed: red below zmid, blue above
      colorbar: { title: { text: h.zLabel ?? '', side: 'right' } },
      hoverongaps: false,
      textfont: { size: 11 },
    };
    if (h.text) Object.assign(trace, { text: h.text, texttemplate: '%{text}', hovertemplate: `${spec.xLabel} %{x}<br>${spec.yLabel} %{y}<br>%{text}<extra>${h.name}</extra>` });
    if (h.group !== undefined) trace.visible = h.group === initial;
    data.push(trace as Partial<PlotData>);
  }
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
  // heatmap labels given as strings make their axis categorical (evenly spaced cells, e.g. σ² = 0, 0.01, 0.2)
  const categorical = (axis: 'x' | 'y') => (spec.heatmaps ?? []).some((h) => h[axis].some((v) => typeof v === 'string'));
  const axisType = (axis: 'x' | 'y', log: boolean | undefined) => (categorical(axis) ? 'category' : log ? 'log' : 'linear');
  const layout: Partial<Layout> = {
    title: { text: spec.title },
    xaxis: { title: { text: spec.xLabel }, type: axisType('x', spec.logX), zeroline: false, ...(spec.xTickStep ? { dtick: spec.xTickStep } : {}) },
    yaxis: { title: { text: spec.yLabel }, type: axisType('y', spec.logY), zeroline: false, exponentformat: 'power' },
    width: pixels(spec.width, 720, 'width'),
    height: pixels(spec.height, 440 + (kind === 'slider' ? SLIDER_ROOM : kind === 'dropdown' ? DROPDOWN_ROOM : 0), 'height'),
    legend: { orientation: 'v' },
    margin: { l: 70, r: 20, t: 50 + (kind === 'dropdown' ? DROPDOWN_ROOM : 0), b: 60 + (kind === 'slider' ? SLIDER_ROOM : 0) },
    template: undefined,
  };
  if (sw) {
    const steps = switcherSteps(spec);
    const active = sw.values.indexOf(initial as string);
    if (kind === 'slider') {
      layout.sliders = [{
        active,
        steps: steps.map((st) => ({ label: st.value, value: st.value, method: 'restyle', args: [{ visible: st.visible }] })),
        currentvalue: { visible: true, prefix: `${sw.label}: `, xanchor: 'left' },
        x: 0,
        len: 1,
        xanchor: 'left',
        y: 0,
        yanchor: 'top',
        pad: { t: 60, b: 10 },
      }];
    } else {
      const menu: PlotlyUpdateMenu = {
        type: 'dropdown',
        direction: 'down',
        active,
        showactive: true,
        x: 0,
        xanchor: 'left',
        y: 1,
        yanchor: 'bottom',
        pad: { b: 6 },
        buttons: steps.map((st) => ({ label: `${sw.label}: ${st.value}`, method: 'restyle', args: [{ visible: st.visible }] })),
      };
      layout.updatemenus = [menu];
    }
  }
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
  const names = spec.series.map((s) => s.name).concat((spec.heatmaps ?? []).map((h) => `${h.name} (heatmap)`), (spec.hlines ?? []).map((h) => h.name));
  const sw = spec.switcher ? `; switch: ${spec.switcher.label} ∈ ${valueSet(spec.switcher.values)}` : '';
  return `Figure: ${spec.title} (${spec.yLabel} vs ${spec.xLabel}; ${names.length} series: ${names.join(', ')}${sw})`;
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
