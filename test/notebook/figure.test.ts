import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figureHtml, plotlyLoaderScript, plotlySource, resetFigureSession, saveFigureHtml, setupFigures, showFigure, toPlotly, FigureSpec } from '../../lib/notebook/figure';

const spec: FigureSpec = {
  title: 'BER </script> test',
  xLabel: 'SNR [dB]',
  yLabel: 'BER',
  logY: true,
  series: [
    { name: 'ZF', x: [0, 5, 10], y: [0.1, 0.01, 0], yLow: [0.09, 0.008, 0], yHigh: [0.12, 0.013, 1e-4] },
    { name: 'MRT', x: [0, 5, 10], y: [0.2, 0.05, 0.02], dash: 'dash' },
  ],
  hlines: [{ y: 0.001, name: 'target' }],
};

test('plotly traces: log-axis gaps for zeros, asymmetric CI bars, reference lines', () => {
  const fig = toPlotly(spec);
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data[0].y, [0.1, 0.01, null]);
  const ey = fig.data[0].error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(ey.array[0] - 0.02) < 1e-12 && Math.abs(ey.arrayminus[1] - 0.002) < 1e-12);
  assert.deepEqual(fig.data[2].x, [0, 10]);
  assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
  assert.throws(() => toPlotly({ ...spec, series: [{ name: 'bad', x: [1, 2], y: [1] }] }), /series "bad": x has 2 points, y has 1/);
});

test('figure HTML carries its spec as JSON that cannot break out of the script tag', () => {
  const html = figureHtml(spec, { id: 'f1' });
  assert.ok(!html.includes('BER </script> test'), 'title escaped');
  const m = html.match(/<script type="application\/json" class="pw-figure-spec" data-for="f1">(.*?)<\/script>/s);
  assert.ok(m);
  assert.equal(JSON.parse(m![1]).layout.title.text, spec.title);
  assert.ok(html.length < 20000, 'no plotly.js unless asked');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fig-'));
  const file = saveFigureHtml(spec, path.join(dir, 'f.html'));
  const page = fs.readFileSync(file, 'utf8');
  assert.ok(page.length > 1e6 && page.includes('Plotly'), 'standalone page inlines plotly.js');
});

/** Collect what figure code sends to the kernel, with a new output function per "cell execution". */
function fakeKernel() {
  const hook = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const saved = hook.lastWriteDisplayData;
  const outs: Record<string, unknown>[] = [];
  const newCell = () => {
    hook.lastWriteDisplayData = (msg: { data: Record<string, unknown> }) => outs.push(msg.data);
  };
  newCell();
  return { outs, newCell, restore: () => (hook.lastWriteDisplayData = saved) };
}

test('inside Jupyter a figure is HTML, plotly JSON and text; plotly.js comes with setupFigures, in every run of its cell', () => {
  const k = fakeKernel();
  try {
    resetFigureSession();
    setupFigures(); // the imports cell
    assert.deepEqual(Object.keys(k.outs[0]).sort(), ['text/html', 'text/plain']);
    assert.ok(String(k.outs[0]['text/html']).length > 1e6, 'the setup output carries plotly.js');
    k.newCell();
    assert.equal(showFigure(spec).where, 'jupyter');
    const fig = k.outs[1];
    assert.deepEqual(Object.keys(fig).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    assert.ok(String(fig['text/html']).length < 20000, 'figures reuse the setup copy');
    const json = fig['application/vnd.plotly.v1+json'] as { data: unknown[]; layout: { title: { text: string } } };
    assert.equal(json.data.length, 3);
    assert.equal(json.layout.title.text, spec.title);
    assert.equal(fig['text/plain'], 'Figure: BER </script> test (BER vs SNR [dB]; 3 series: ZF, MRT, target)');
    assert.match(String(fig['text/html']), /class="pw-figure-fallback"[^>]*>Figure: BER &lt;\/script&gt; test/, 'the box names the figure until it is drawn');
    // re-running the imports cell carries plotly.js again: the saved notebook keeps a copy
    k.newCell();
    setupFigures();
    assert.ok(String(k.outs[2]['text/html']).length > 1e6);
  } finally {
    k.restore();
  }
});

test('without setupFigures, the first figure of every cell execution carries plotly.js', () => {
  const k = fakeKernel();
  try {
    resetFigureSession();
    showFigure(spec);
    showFigure(spec);
    k.newCell(); // the cell is re-run (its old output, with the copy, is replaced)
    showFigure(spec);
    const sizes = k.outs.map((o) => String(o['text/html']).length);
    assert.ok(sizes[0] > 1e6 && sizes[1] < 20000 && sizes[2] > 1e6, `sizes ${sizes}`);
  } finally {
    k.restore();
  }
});

test('plotly.js is loaded so that it defines window.Plotly even where RequireJS is on the page', () => {
  const full = plotlyLoaderScript();
  const body = /^<script>([\s\S]*)<\/script>$/.exec(full)?.[1];
  assert.ok(body && !/<\/script/i.test(body), 'one script element, nothing inside can close it');
  // plotly.js's own UMD header, with a tiny factory instead of the library, run as a page with an
  // AMD loader (classic Notebook's RequireJS) and a CommonJS-looking global would run it
  const header = /^[\s\S]*?\}\(self,/.exec(plotlySource().replace(/^\/\*[\s\S]*?\*\/\s*/g, ''))?.[0];
  assert.ok(header && header.includes('define.amd'), 'plotly.min.js starts with its UMD header');
  const stub = `${header}(function(){return {newPlot: function(){}}}));`;
  const tiny = /^<script>([\s\S]*)<\/script>$/.exec(plotlyLoaderScript(stub))![1];
  const defined: unknown[] = [];
  const define = Object.assign((...a: unknown[]) => defined.push(a), { amd: {} });
  const window: Record<string, unknown> = {};
  new Function('window', 'self', 'define', 'module', 'exports', tiny)(window, window, define, { exports: {} }, {});
  assert.equal(defined.length, 0, 'plotly.js did not register itself as an anonymous AMD module');
  assert.equal(typeof (window.Plotly as { newPlot?: unknown })?.newPlot, 'function', 'window.Plotly is defined');
  // and it is not loaded twice on one page
  window.Plotly = 'first';
  new Function('window', 'self', 'define', tiny)(window, window, define);
  assert.equal(window.Plotly, 'first');
});

test('figure sizes are checked', () => {
  assert.throws(() => toPlotly({ ...spec, width: Number.NaN }), /figure width: must be a number of pixels in \[50, 4000\]; got NaN/);
  assert.throws(() => toPlotly({ ...spec, height: '1px;background:url(x)' as unknown as number }), /figure height/);
});
