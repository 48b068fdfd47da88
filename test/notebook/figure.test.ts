import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figureHtml, resetFigureSession, saveFigureHtml, showFigure, toPlotly, FigureSpec } from '../../lib/notebook/figure';

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

test('inside Jupyter plotly.js is embedded once per session, not once per figure', () => {
  const hook = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const saved = hook.lastWriteDisplayData;
  const outs: string[] = [];
  hook.lastWriteDisplayData = (msg: { data: Record<string, string> }) => outs.push(msg.data['text/html']);
  try {
    resetFigureSession();
    assert.equal(showFigure(spec).where, 'jupyter');
    assert.equal(showFigure(spec).where, 'jupyter');
    assert.ok(outs[0].length > 1e6, 'first figure embeds plotly.js');
    assert.ok(outs[1].length < 20000, 'second figure reuses it');
  } finally {
    hook.lastWriteDisplayData = saved;
  }
});
